"""Deterministic synthetic registry: the same seed and size always build the same rows.

The province of the run is An Giang (from 01/07/2025) with its two predecessors (An Giang and
Kiên Giang before the merger): units are spread over the three, as after a real merger. A
smaller outsider province (Quảng Ninh) holds data the province officer must not see, so the
scope filter does real work.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from bench import names

SEED = 20251123
PERSON_BATCH = 2_000


@dataclass(frozen=True)
class Size:
    name: str
    units: int
    people: int
    departments_per_unit: int
    outsider_units: int
    outsider_people: int


SIZES = {
    "small": Size("small", units=50, people=2_000, departments_per_unit=3, outsider_units=5, outsider_people=200),
    "province": Size(
        "province", units=1_500, people=100_000, departments_per_unit=3, outsider_units=50, outsider_people=5_000
    ),
}


@dataclass
class Dataset:
    size: Size
    province: Any
    officer: Any
    counts: dict[str, int] = field(default_factory=dict)
    build_seconds: float = 0.0


def _weighted(rng: random.Random, pairs: list[tuple[str, float]]) -> str:
    values, weights = zip(*pairs)
    return rng.choices(values, weights=weights)[0]


def _uid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _unit_names(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """`count` distinct (name, kind) pairs: province bodies first, then local units."""
    places = [f"{a} {b}" for a, b in itertools.product(names.PLACE_FIRST, names.PLACE_SECOND) if a != b]
    local = [(template.format(place=place), kind) for template, kind in names.LOCAL_TEMPLATES for place in places]
    rng.shuffle(local)
    result = list(names.PROVINCE_BODIES) + local
    if count > len(result):
        raise ValueError(f"cannot generate {count} distinct unit names (at most {len(result)})")
    return result[:count]


def person_name(rng: random.Random, gender: str) -> str:
    family = _weighted(rng, names.FAMILY_NAMES)
    if gender == "NAM":
        middle = _weighted(rng, names.MALE_MIDDLE)
        given = rng.choice(names.MALE_GIVEN)
    else:
        middle = _weighted(rng, names.FEMALE_MIDDLE)
        given = rng.choice(names.FEMALE_GIVEN)
    return f"{family} {middle} {given}"


def _build_units(rng, provinces, count: int, dept_per_unit: int):
    from thidua.org.models import Department, Unit

    units = []
    for i, (name, kind) in enumerate(_unit_names(rng, count)):
        unit = Unit(
            uid=_uid(rng),
            province=provinces[i % len(provinces)],
            name=name,
            kind=kind,
            doc_format=Unit.default_doc_format(kind),
            established_on=dt.date(rng.randint(1976, 2024), rng.randint(1, 12), rng.randint(1, 28)),
        )
        unit.refresh_derived()
        units.append(unit)
    units = Unit.objects.bulk_create(units, batch_size=500)
    departments = []
    for unit in units:
        for dept_name in rng.sample(names.DEPARTMENTS, dept_per_unit):
            department = Department(uid=_uid(rng), province_id=unit.province_id, unit=unit, name=dept_name)
            department.refresh_derived()
            departments.append(department)
    departments = Department.objects.bulk_create(departments, batch_size=1_000)
    by_unit: dict[int, list] = {}
    for department in departments:
        by_unit.setdefault(department.unit_id, []).append(department)
    return units, by_unit


def _build_people(rng, units, departments_by_unit, count: int, code_prefix: str) -> int:
    from thidua.org.models import Person

    batch: list = []
    for i in range(count):
        unit = units[i % len(units)]
        gender = "NAM" if rng.random() < 0.52 else "NU"
        title, is_leader, _ = rng.choices(names.POSITIONS, weights=[w for *_, w in names.POSITIONS])[0]
        departments = departments_by_unit.get(unit.pk, [])
        person = Person(
            uid=_uid(rng),
            province_id=unit.province_id,
            unit=unit,
            department=rng.choice(departments) if departments and rng.random() < 0.9 else None,
            full_name=person_name(rng, gender),
            gender=gender,
            birth_date=dt.date(rng.randint(1965, 2001), rng.randint(1, 12), rng.randint(1, 28)),
            ethnicity=_weighted(rng, names.ETHNICITIES),
            staff_code=f"{code_prefix}{i + 1:06d}",
            position_title=title,
            is_leader=is_leader,
            is_party_member=rng.random() < 0.4,
        )
        person.refresh_derived()
        batch.append(person)
        if len(batch) >= PERSON_BATCH:
            Person.objects.bulk_create(batch)
            batch = []
    if batch:
        Person.objects.bulk_create(batch)
    return count


def build(size: Size, seed: int = SEED) -> Dataset:
    """Load the provinces, then units, departments and people of `size`, and a province officer."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from thidua.accounts.models import Grant, Role, ScopeKind
    from thidua.org.models import Department, Person, Province, Unit
    from thidua.org.provinces import load_provinces

    started = time.perf_counter()
    rng = random.Random(seed)
    load_provinces()
    an_giang = Province.objects.get(code="91", valid_to__isnull=True)
    lineage = [an_giang] + list(Province.objects.filter(merged_into=an_giang).order_by("name"))
    quang_ninh = Province.objects.get(code="22", valid_to__isnull=True)

    with transaction.atomic():
        units, departments = _build_units(rng, lineage, size.units, size.departments_per_unit)
        _build_people(rng, units, departments, size.people, "AG")
        out_units, out_departments = _build_units(rng, [quang_ninh], size.outsider_units, size.departments_per_unit)
        _build_people(rng, out_units, out_departments, size.outsider_people, "QN")

        User = get_user_model()
        officer = User.objects.create_user(username="bench-can-bo-tinh", first_name="Trần Thị", last_name="Hạnh")
        Grant.objects.create(
            user=officer,
            role=Role.PROVINCE_OFFICER,
            scope_kind=ScopeKind.PROVINCE,
            province=an_giang,
            valid_from=dt.date(2020, 1, 1),
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    counts = {
        "provinces_in_scope": len(lineage),
        "units": Unit.objects.count(),
        "departments": Department.objects.count(),
        "people": Person.objects.count(),
        "units_in_scope": Unit.objects.filter(province__in=lineage).count(),
        "people_in_scope": Person.objects.filter(province__in=lineage).count(),
    }
    return Dataset(
        size=size, province=an_giang, officer=officer, counts=counts, build_seconds=time.perf_counter() - started
    )
