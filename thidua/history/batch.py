"""Batch eligibility: "who in this block / province is eligible for what in year Y", all at once.

Loads the history of every subject in a handful of queries (ratings, awards, initiatives,
discipline, investigations for the people; ratings, awards and member figures for the units),
computes the outcome codes of the plain cases with thidua/history/fast.py and sends every other
case to the engine (thidua/rules/eligibility.py), with the province's overrides loaded once.
Explanations are built on demand: the subject's page evaluates one subject with every check.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import QuerySet

from thidua.history import fast
from thidua.history.models import AwardRecord, DisciplinePeriod, Initiative, PendingInvestigation, TaskRating
from thidua.history.selectors import HEAVY_DISCIPLINE, person_entries, province_award_extras, province_in_force
from thidua.org.models import Province, Unit
from thidua.rules.catalogue import COLLECTIVE, EMULATION_TITLES, INDIVIDUAL, awards_for


@dataclass
class BatchRow:
    kind: str
    pk: int
    outcomes: dict[str, str]
    by_engine: bool = False


@dataclass
class BatchResult:
    year: int
    decided_on: dt.date
    people: list[BatchRow] = field(default_factory=list)
    units: list[BatchRow] = field(default_factory=list)
    engine_cases: int = 0
    errors: list[str] = field(default_factory=list)


def _rules(province: Province | None, on: dt.date) -> tuple[dict, list[dict], str | None]:
    """(params by award, override rows, province code in force) for the province on `on`."""
    from thidua.rules.versions import apply_overrides, eligibility_version
    from thidua.whatif.service import load_overrides

    code = province_in_force(province, on).code if province is not None else None
    overrides = load_overrides(code, "eligibility") if code else []
    version = eligibility_version(on)
    if version is None:
        return {}, overrides, code
    version, _ = apply_overrides(version, overrides, on)
    return fast.params_of(version), overrides, code


def _engine(subject: str, year: int, on: dt.date, province_code, history: list[dict], awards: list[str], overrides):
    from thidua.rules.eligibility import evaluate_eligibility

    request = {
        "kind": "eligibility", "decided_on": on.isoformat(), "province": province_code, "subject": subject,
        "year": year, "awards": awards, "history": history, "collective": None, "confirmations": {},
    }
    return {r["award"]: r["outcome"] for r in evaluate_eligibility(request, overrides=overrides)["results"]}


def awards_awaiting_council(subject: str, awards: list[str], on: dt.date | None = None) -> set[str]:
    """The awards whose every route holds a qualitative condition (thidua/rules/council.py).

    The batch gives no confirmation (it has no minutes), so an ELIGIBLE of these awards is
    "Đủ điều kiện nếu Hội đồng xác nhận", never a plain "Đủ điều kiện". Which checks a route holds
    does not depend on the data, so one evaluation with an empty history tells.
    """
    from thidua.rules.council import every_route_asks_council
    from thidua.rules.eligibility import evaluate_eligibility
    from thidua.rules.errors import WhatIfError

    wanted = [a for a in awards if a in awards_for(subject)]
    if not wanted:
        return set()
    request = {
        "kind": "eligibility", "decided_on": (on or dt.date.today()).isoformat(), "province": None, "subject": subject,
        "year": (on or dt.date.today()).year, "awards": wanted, "history": [], "collective": None, "confirmations": {},
    }
    try:
        results = evaluate_eligibility(request)["results"]
    except WhatIfError:
        return set()
    return {r["award"] for r in results if every_route_asks_council(r)}


def display_status(outcome: str | None, award: str, awaiting: set[str]) -> str | None:
    """The status shown for a batch cell: ELIGIBLE_IF_CONFIRMED for an award that waits on the council."""
    if outcome == "ELIGIBLE" and award in awaiting:
        return "ELIGIBLE_IF_CONFIRMED"
    return outcome


def _rows(qs) -> list[tuple]:
    """Plain tuples of a values_list queryset in one round trip (no server-side cursor, no per-row ORM work)."""
    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


NON_PREREQUISITE = ("AD_HOC", "MOVEMENT")


def evaluate_people(people: QuerySet, year: int, *, awards: list[str] | None = None, on: dt.date | None = None,
                    province: Province | None = None) -> list[BatchRow]:
    """Outcomes for every person of `people` (one province's rules: `province`, or each person's).

    What is read for everyone: the ratings and titles of `year`, every commendation form (few),
    initiatives, discipline periods and investigations. The full history is then read only for
    the people who need more: the Huân chương candidates (a Bằng khen TTg before the window) and
    the special cases. A discipline period alone, or an open investigation alone, changes the
    plain outcomes in known ways (fast.apply_discipline / apply_hold); an initiative alone sends
    the awards it can change to the engine; two kinds together send every award to the engine.
    """
    on = on or dt.date.today()
    wanted = [a for a in (awards or awards_for(INDIVIDUAL)) if a in awards_for(INDIVIDUAL)]
    ids_qs = people.order_by().values("pk")
    # Only used as `person_id IN (…)`: a DISTINCT there changes nothing but costs PostgreSQL a hash
    # aggregate over every person in each query.
    ids_qs.query.distinct = False
    subjects_qs = people.order_by().values_list("pk", "province_id")
    if len(subjects_qs.query.alias_map) <= 1:
        subjects_qs.query.distinct = False  # one table, its primary key selected: no duplicate to remove
    subjects = _rows(subjects_qs)
    # The rating and titles of `year` by person (flat: no per-person dict for 100,000 people);
    # `ratings` / `titles` by year are built below for the people whose full history is read.
    year_rating: dict[int, str] = dict(_rows(TaskRating.objects.filter(person_id__in=ids_qs, year=year).values_list(
        "person_id", "rating"
    )))
    year_titles: dict[int, set] = {}
    for pid, code in _rows(AwardRecord.objects.filter(
        person_id__in=ids_qs, year=year, revoked=False, award_code__in=sorted(EMULATION_TITLES)
    ).values_list("person_id", "award_code")):
        held_titles = year_titles.get(pid)
        if held_titles is None:
            year_titles[pid] = {code}
        else:
            held_titles.add(code)
    forms: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for pid, y, code, kind in _rows(AwardRecord.objects.filter(person_id__in=ids_qs, revoked=False).exclude(
        award_code__in=sorted(EMULATION_TITLES)
    ).values_list("person_id", "year", "award_code", "award_kind")):
        if kind not in NON_PREREQUISITE:
            forms[pid][code].append(y)
    works: dict[int, list] = defaultdict(list)
    for pid, y, kind, scope, recognised, wid, used in _rows(Initiative.objects.filter(person_id__in=ids_qs).values_list(
        "person_id", "year", "kind", "scope", "recognised", "pk", "used_for_award__award_code"
    )):
        works[pid].append((y, kind, scope, recognised, wid, used))
    disciplines: dict[int, list] = defaultdict(list)
    for pid, form, start, end in _rows(DisciplinePeriod.objects.filter(person_id__in=ids_qs).values_list(
        "person_id", "form", "start_date", "end_date"
    )):
        disciplines[pid].append((form, _date(start), _date(end)))
    pendings: dict[int, list] = defaultdict(list)
    for pid, opened, closed in _rows(PendingInvestigation.objects.filter(person_id__in=ids_qs).values_list(
        "person_id", "opened_on", "closed_on"
    )):
        pendings[pid].append((_date(opened), _date(closed)))

    rules_cache: dict[int | None, tuple] = {}

    def rules_for(province_id):
        if province_id not in rules_cache:
            target = province if province is not None else Province.objects.get(pk=province_id)
            rules_cache[province_id] = _rules(target, on)
        return rules_cache[province_id]

    # Who needs the full history: every case with discipline, an open investigation or an
    # initiative, and the Huân chương candidates (a Bằng khen TTg before the window).
    open_pending = {pid for pid, items in pendings.items() if any(_open(o, c, on) for o, c in items)}
    full = set(disciplines) | open_pending | set(works)
    if "HCLD_3" in wanted:
        for pid, by_code in forms.items():
            if by_code.get("BK_TTG"):
                full.add(pid)
    full_awards: dict[int, list] = defaultdict(list)
    ratings: dict[int, dict[int, str]] = {}
    titles: dict[int, dict[int, set]] = {}
    for pid in full:
        ratings[pid] = {year: year_rating[pid]} if pid in year_rating else {}
        titles[pid] = defaultdict(set)
        if pid in year_titles:
            titles[pid][year] = set(year_titles[pid])
    if full:
        full_ids = sorted(full)
        for start in range(0, len(full_ids), 5000):
            chunk = full_ids[start:start + 5000]
            for pid, y, rating in _rows(TaskRating.objects.filter(person_id__in=chunk).values_list("person_id", "year", "rating")):
                ratings[pid][y] = rating
            for pid, y, code, kind in _rows(AwardRecord.objects.filter(person_id__in=chunk, revoked=False).values_list(
                "person_id", "year", "award_code", "award_kind"
            )):
                full_awards[pid].append((y, code, kind))
                if code in EMULATION_TITLES:
                    titles[pid][y].add(code)

    # The province's own catalogue entries among the awards read (other issuers, issue #19).
    read_codes = {code for items in full_awards.values() for _, code, _ in items}
    extras_cache: dict[int | None, dict] = {}

    def extras_of(province_id):
        if province_id not in extras_cache:
            extras_cache[province_id] = province_award_extras(read_codes, province_id)
        return extras_cache[province_id]

    rows: list[BatchRow] = []
    empty: dict = {}
    # A plain outcome depends only on the rules, the rating and titles of `year`, and (for
    # Huân chương Lao động) a Bằng khen TTg: cases without that Bằng khen share one computation.
    needs_forms = "HCLD_3" in wanted
    plain_cache: dict[tuple, dict[str, str]] = {}
    rules_by_key: dict = {}
    def ratings_of(pid: int) -> dict[int, str]:
        if pid in ratings:
            return ratings[pid]
        return {year: year_rating[pid]} if pid in year_rating else empty

    def titles_of(pid: int) -> dict[int, set]:
        if pid in titles:
            return titles[pid]
        return {year: year_titles[pid]} if pid in year_titles else empty

    for pid, province_id in subjects:
        key = None if province is not None else province_id
        rules = rules_by_key.get(key)
        if rules is None:
            rules = rules_by_key[key] = rules_for(key)
        params, overrides, code = rules
        punished, held, work = disciplines.get(pid), pid in open_pending, works.get(pid)
        if not params or (punished and (held or work)) or (held and work):
            # Several kinds of special record together: the engine decides every award.
            history = person_entries(ratings_of(pid).items(), full_awards.get(pid, ()), works.get(pid, ()),
                                     disciplines.get(pid, ()), pendings.get(pid, ()), on, extras_of(province_id))
            rows.append(BatchRow(INDIVIDUAL, pid, _engine(INDIVIDUAL, year, on, code, history, wanted, overrides), True))
            continue
        by_form = forms.get(pid, empty)
        if needs_forms and by_form.get("BK_TTG"):
            outcomes = fast.plain_individual_outcomes(year, ratings_of(pid), titles_of(pid), by_form, params, wanted)
        else:
            if pid in ratings:
                rating, this_year = ratings[pid].get(year), titles[pid].get(year)
            else:
                rating, this_year = year_rating.get(pid), year_titles.get(pid)
            memo = (key, rating, frozenset(this_year) if this_year else None)
            shared = plain_cache.get(memo)
            if shared is None:
                shared = plain_cache[memo] = fast.plain_individual_outcomes(
                    year, {year: rating}, {year: this_year or ()}, empty, params, wanted
                )
            outcomes = dict(shared)
        if punished:
            fast.apply_discipline(outcomes, year, _blocked_through(punished, on), params)
        elif held:
            fast.apply_hold(outcomes)
        elif work:
            some = fast.awards_an_initiative_can_change(year, titles_of(pid), [w[0] for w in work], wanted)
            if some:
                history = person_entries(ratings_of(pid).items(), full_awards.get(pid, ()), work, (), (), on, extras_of(province_id))
                outcomes.update(_engine(INDIVIDUAL, year, on, code, history, some, overrides))
                rows.append(BatchRow(INDIVIDUAL, pid, outcomes, True))
                continue
        rows.append(BatchRow(INDIVIDUAL, pid, outcomes))
    return rows


def _open(opened: dt.date, closed: dt.date | None, on: dt.date) -> bool:
    """The investigation is open on `on` (as selectors.person_entries reads it)."""
    return opened <= on and (closed is None or closed > on)


def _blocked_through(periods: list, on: dt.date) -> int | None:
    """The last year whose achievements a discipline period blocks, as the engine reads the request."""
    blocked = None
    for entry in person_entries((), (), (), periods, (), on):
        if entry.get("discipline") is None:
            continue
        last = entry["year"]
        if entry.get("discipline_until"):
            last = max(last, dt.date.fromisoformat(entry["discipline_until"]).year)
        blocked = last if blocked is None else max(blocked, last)
    return blocked


def _date(value):
    """SQLite hands dates back as text through a raw cursor."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def unit_figures(unit_ids_qs, year: int) -> dict[int, dict]:
    """Member figures of `year` for many units at once (same meaning as selectors.member_figures)."""
    members: dict[int, dict[int, str]] = defaultdict(dict)
    for uid, pid, rating in TaskRating.objects.filter(rated_in_unit_id__in=unit_ids_qs, year=year, person__isnull=False).values_list(
        "rated_in_unit_id", "person_id", "rating"
    ):
        members[uid][pid] = rating
    person_ids = TaskRating.objects.filter(rated_in_unit_id__in=unit_ids_qs, year=year, person__isnull=False).values("person_id")
    titles: dict[int, set] = defaultdict(set)
    for pid, code in AwardRecord.objects.filter(
        person_id__in=person_ids, year=year, revoked=False, award_code__in=["LDTT", "CSTDCS"]
    ).values_list("person_id", "award_code"):
        titles[pid].add(code)
    disciplined = set()
    for pid, form, start, end in DisciplinePeriod.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "form", "start_date", "end_date"
    ):
        if form in HEAVY_DISCIPLINE and start.year <= year and (end is None or end.year >= year):
            disciplined.add(pid)
    return {
        uid: {
            "headcount": len(by),
            "ldtt_members": sum(1 for pid in by if "LDTT" in titles.get(pid, ())),
            "cstdcs_members": sum(1 for pid in by if "CSTDCS" in titles.get(pid, ())),
            "members_failed": sum(1 for r in by.values() if r == "FAILED"),
            "members_disciplined": sum(1 for pid in by if pid in disciplined),
        }
        for uid, by in members.items()
    }


def evaluate_units(units: QuerySet, year: int, *, awards: list[str] | None = None, on: dt.date | None = None,
                   province: Province | None = None) -> list[BatchRow]:
    """Outcomes for every unit of `units` (each unit's own history; see selectors for lineage)."""
    from thidua.history.selectors import inherits_across_merger

    on = on or dt.date.today()
    wanted = [a for a in (awards or awards_for(COLLECTIVE)) if a in awards_for(COLLECTIVE)]
    ids_qs = units.order_by().values("pk")
    ratings: dict[int, dict[int, str]] = defaultdict(dict)
    for uid, y, rating in TaskRating.objects.filter(unit_id__in=ids_qs).values_list("unit_id", "year", "rating"):
        ratings[uid][y] = rating
    figures = unit_figures(ids_qs, year)
    from thidua.scoring.models import ScoringRound

    leaders = set(
        ScoringRound.objects.filter(confirmed_leader_id__in=ids_qs, bloc_year__year__lte=year).values_list("confirmed_leader_id", flat=True)
    )
    rows: list[BatchRow] = []
    rules_cache: dict = {}
    for uid, province_id in units.order_by().values_list("pk", "province_id"):
        key = None if province is not None else province_id
        if key not in rules_cache:
            rules_cache[key] = _rules(province if province is not None else Province.objects.get(pk=province_id), on)
            rules_cache[("inherit", key)] = inherits_across_merger(province_id)
        params, overrides, code = rules_cache[key]
        if rules_cache[("inherit", key)] or not params or uid in leaders:
            # Lineage inheritance, no rule version, or a block's leading unit (the flags' other
            # conditions are the engine's): the unit's full request through the engine.
            from thidua.history.selectors import eligibility_request

            unit = Unit.objects.get(pk=uid)
            history = eligibility_request(unit, None, year, on=on)["history"]
            rows.append(BatchRow(COLLECTIVE, uid, _engine(COLLECTIVE, year, on, code, history, wanted, overrides), True))
            continue
        rows.append(BatchRow(COLLECTIVE, uid, fast.plain_collective_outcomes(year, ratings.get(uid, {}), figures.get(uid), params, wanted)))
    return rows
