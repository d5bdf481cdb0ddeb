"""Batch eligibility equals one-by-one evaluation through the engine, on the same mixed data."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from thidua.history import batch
from thidua.history.models import AwardRecord, DisciplinePeriod, Initiative, PendingInvestigation, TaskRating
from thidua.history.selectors import evaluate_subject_all
from thidua.org.models import Person, Unit
from thidua.rules import council

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 1, 10)
YEARS = range(2016, 2026)


def _mixed_history(world, people=80, seed=7):
    rng = random.Random(seed)
    units = [world.tuyen_giao, world.to_chuc]
    persons = Person.objects.bulk_create([
        Person(province=u.province, unit=u, full_name=f"Cán bộ số {i}", gender="NAM")
        for i in range(people) for u in [units[i % 2]]
    ])
    ratings, awards, works, disciplines, pendings = [], [], [], [], []
    for p in persons:
        for y in YEARS:
            if rng.random() < 0.1:
                continue  # a gap year
            r = rng.choices(["EXCELLENT", "GOOD", "COMPLETED", "FAILED"], [3, 5, 1, 0.3])[0]
            ratings.append(TaskRating(province=p.province, person=p, year=y, rating=r, rated_in_unit=p.unit))
            if r in ("EXCELLENT", "GOOD") and rng.random() < 0.9:
                awards.append(AwardRecord(province=p.province, person=p, award_code="LDTT", year=y, rated_in_unit=p.unit))
                if r == "EXCELLENT" and rng.random() < 0.8:
                    awards.append(AwardRecord(province=p.province, person=p, award_code="CSTDCS", year=y, rated_in_unit=p.unit))
            if rng.random() < 0.08:
                awards.append(AwardRecord(province=p.province, person=p, award_code=rng.choice(["BK_TINH", "BK_TTG", "GIAY_KHEN"]),
                                          year=y, award_kind=rng.choice(["MERIT", "MERIT", "AD_HOC"])))
            if rng.random() < 0.02:
                awards.append(AwardRecord(province=p.province, person=p, award_code="CSTD_TINH", year=y))
        if rng.random() < 0.15:
            works.append(Initiative(province=p.province, person=p, year=rng.choice(YEARS), title="Sáng kiến",
                                    scope=rng.choice(["BASE", "PROVINCE", "NATIONAL"]), kind=rng.choice(["INITIATIVE", "PROJECT"])))
        if rng.random() < 0.12:
            start = dt.date(rng.choice(YEARS), 6, 1)
            disciplines.append(DisciplinePeriod(province=p.province, person=p, form=rng.choice(["KHIEN_TRACH", "CANH_CAO"]),
                                                start_date=start, end_date=start + dt.timedelta(days=365) if rng.random() < 0.7 else None))
        if rng.random() < 0.1:
            opened = dt.date(2025, rng.randint(1, 12), 1)
            pendings.append(PendingInvestigation(province=p.province, person=p, opened_on=opened,
                                                 closed_on=dt.date(2025, 12, 31) if rng.random() < 0.3 else None))
    TaskRating.objects.bulk_create(ratings)
    saved = AwardRecord.objects.bulk_create(awards)
    for work in works:
        if rng.random() < 0.4:
            mine = [a for a in saved if a.person_id == work.person_id]
            if mine:
                work.used_for_award = rng.choice(mine)
    Initiative.objects.bulk_create(works)
    DisciplinePeriod.objects.bulk_create(disciplines)
    PendingInvestigation.objects.bulk_create(pendings)
    for u in units:
        for y in YEARS:
            TaskRating.objects.create(province=u.province, unit=u, year=y, rating=rng.choice(["EXCELLENT", "GOOD", "COMPLETED"]))
    return persons


@pytest.mark.sqlite
@pytest.mark.parametrize("year", [2025, 2023])
def test_batch_outcomes_equal_the_engine_one_by_one(world, year):
    persons = _mixed_history(world, people=150)
    rows = batch.evaluate_people(Person.objects.filter(pk__in=[p.pk for p in persons]), year, on=ON)
    assert len(rows) == len(persons)
    assert any(r.by_engine for r in rows) and any(not r.by_engine for r in rows)
    by_pk = {p.pk: p for p in persons}
    seen = set()
    # The shown status too: "Đủ điều kiện nếu Hội đồng xác nhận" exactly where the engine's result waits on the council.
    awaiting = batch.awards_awaiting_council("individual", list(rows[0].outcomes), on=ON)
    statuses = set()
    for row in rows:
        results = evaluate_subject_all(by_pk[row.pk], year, on=ON)["results"]
        expected = {r["award"]: r["outcome"] for r in results}
        assert row.outcomes == expected, f"{by_pk[row.pk].full_name} ({'engine' if row.by_engine else 'fast'})"
        shown = {code: batch.display_status(value, code, awaiting) for code, value in row.outcomes.items()}
        assert shown == {r["award"]: council.status(r) for r in results}, by_pk[row.pk].full_name
        seen |= set(expected.values())
        statuses |= set(shown.values())
    assert seen == {"ELIGIBLE", "NOT_ELIGIBLE", "HOLD"}
    assert {"ELIGIBLE", "ELIGIBLE_IF_CONFIRMED"} <= statuses
    units = Unit.objects.filter(pk__in=[world.tuyen_giao.pk, world.to_chuc.pk])
    for row in batch.evaluate_units(units, year, on=ON):
        unit = Unit.objects.get(pk=row.pk)
        expected = {r["award"]: r["outcome"] for r in evaluate_subject_all(unit, year, on=ON)["results"]}
        assert row.outcomes == expected, unit.name


def test_batch_takes_a_few_queries_whatever_the_number_of_people(world, django_assert_max_num_queries):
    persons = _mixed_history(world, people=40, seed=3)
    qs = Person.objects.filter(pk__in=[p.pk for p in persons])
    # The first call in a process also checks once that the overrides table exists; count a warm run.
    batch.evaluate_people(qs, 2025, on=ON)
    with django_assert_max_num_queries(12):
        batch.evaluate_people(qs, 2025, on=ON)


@pytest.mark.sqlite
def test_a_joined_distinct_scope_gives_each_person_once(world):
    # A scope that joins (here: every colleague of the unit) and removes duplicates with DISTINCT,
    # as an access scope may: the batch keeps that DISTINCT and answers once per person.
    persons = _mixed_history(world, people=30, seed=11)
    ids = [p.pk for p in persons]
    plain = {r.pk: r.outcomes for r in batch.evaluate_people(Person.objects.filter(pk__in=ids), 2025, on=ON)}
    joined = Person.objects.filter(pk__in=ids, unit__people__full_name__startswith="Cán bộ").distinct()
    rows = batch.evaluate_people(joined, 2025, on=ON)
    assert sorted(r.pk for r in rows) == sorted(ids)
    assert {r.pk: r.outcomes for r in rows} == plain


@pytest.mark.sqlite
def test_huan_chuong_window_with_discipline_or_investigation(world):
    """A Huân chương Lao động hạng Ba candidate; the same with discipline in the window; the same under investigation."""
    persons = Person.objects.bulk_create([
        Person(province=world.tuyen_giao.province, unit=world.tuyen_giao, full_name=name, gender="NU")
        for name in ("Đủ điều kiện", "Bị kỷ luật năm 2022", "Đang bị xem xét")
    ])
    for p in persons:
        AwardRecord.objects.create(province=p.province, person=p, award_code="BK_TTG", year=2019)
        for y in range(2021, 2026):
            TaskRating.objects.create(province=p.province, person=p, year=y, rating="EXCELLENT" if y == 2023 else "GOOD",
                                      rated_in_unit=p.unit)
            AwardRecord.objects.create(province=p.province, person=p, award_code="LDTT", year=y)
            if y in (2021, 2023, 2025):
                AwardRecord.objects.create(province=p.province, person=p, award_code="CSTDCS", year=y)
    DisciplinePeriod.objects.create(province=persons[1].province, person=persons[1], form="KHIEN_TRACH",
                                    start_date=dt.date(2022, 3, 1), end_date=dt.date(2022, 12, 31))
    PendingInvestigation.objects.create(province=persons[2].province, person=persons[2], opened_on=dt.date(2025, 11, 1))
    rows = {r.pk: r for r in batch.evaluate_people(Person.objects.filter(pk__in=[p.pk for p in persons]), 2025, on=ON)}
    assert [rows[p.pk].outcomes["HCLD_3"] for p in persons] == ["ELIGIBLE", "NOT_ELIGIBLE", "HOLD"]
    assert not any(r.by_engine for r in rows.values())
    for p in persons:
        expected = {r["award"]: r["outcome"] for r in evaluate_subject_all(p, 2025, on=ON)["results"]}
        assert rows[p.pk].outcomes == expected, p.full_name
