"""Every write to the organisation registry goes through these functions.

Each checks the actor's right, validates, writes inside one transaction and records an audit
row (who, when, old → new). Views and API endpoints call them and nothing else.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from thidua.audit.log import diff, record, snapshot
from thidua.core.access import ensure
from thidua.core.cas import save_with_version
from thidua.core.errors import ActionError
from thidua.core.models import normalise_text_fields
from thidua.org.models import Department, Person, Province, Unit

UNIT_FIELDS = ["name", "short_name", "kind", "doc_format", "superior_name", "parent", "address", "established_on", "ended_on"]
PERSON_FIELDS = [
    "full_name", "gender", "birth_date", "ethnicity", "staff_code", "unit", "department",
    "position_title", "is_leader", "is_party_member",
]


def _validate(instance, exclude: list[str] | None = None) -> None:
    normalise_text_fields(instance)
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        first = next(iter(errors.values()))[0]
        raise ActionError(first, errors=errors) from exc


def _check_unit_rules(unit: Unit) -> None:
    if unit.established_on and unit.ended_on and unit.ended_on < unit.established_on:
        raise ActionError("Ngày chấm dứt hoạt động không được trước ngày thành lập.", field="ended_on")
    if unit.parent_id and unit.parent_id == unit.pk:
        raise ActionError("Đơn vị không thể là cấp trên của chính nó.", field="parent")
    if unit.parent_id and unit.parent.province_id not in Province.objects.get(pk=unit.province_id).lineage_ids():
        raise ActionError("Đơn vị cấp trên phải thuộc cùng tỉnh.", field="parent")
    if unit.ended_on is None:
        clash = Unit.objects.filter(province_id=unit.province_id, name=unit.name, ended_on__isnull=True)
        if unit.pk:
            clash = clash.exclude(pk=unit.pk)
        if clash.exists():
            raise ActionError(f"Đã có đơn vị đang hoạt động tên “{unit.name}” trong tỉnh.", field="name")


@transaction.atomic
def do_create_unit(*, actor, province: Province, data: dict[str, Any]) -> Unit:
    ensure(actor, "unit.edit", province=province)
    unit = Unit(province=province, **{k: v for k, v in data.items() if k in UNIT_FIELDS})
    if not data.get("doc_format"):
        unit.doc_format = Unit.default_doc_format(unit.kind)
    _validate(unit, exclude=["province"])
    _check_unit_rules(unit)
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError as exc:
        raise ActionError("Không lưu được đơn vị: trùng tên với đơn vị đang hoạt động.", field="name") from exc
    record(actor=actor, action="org.unit.create", obj=unit, changes=diff({}, snapshot(unit)))
    return unit


@transaction.atomic
def do_update_unit(*, actor, unit: Unit, data: dict[str, Any], expected_version: int) -> Unit:
    ensure(actor, "unit.edit", province=unit.province_id)
    before = snapshot(unit)
    for key, value in data.items():
        if key in UNIT_FIELDS:
            setattr(unit, key, value)
    if not unit.doc_format:
        unit.doc_format = Unit.default_doc_format(unit.kind)
    _validate(unit, exclude=["province"])
    _check_unit_rules(unit)
    changes = diff(before, snapshot(unit))
    if not changes:
        return unit
    save_with_version(unit, expected_version, [f for f in UNIT_FIELDS])
    record(actor=actor, action="org.unit.update", obj=unit, changes=changes)
    return unit


def _check_person_rules(person: Person) -> None:
    if person.department_id and person.department.unit_id != person.unit_id:
        raise ActionError("Phòng, ban đã chọn không thuộc đơn vị của cá nhân.", field="department")
    if person.unit_id and person.unit.ended_on is not None and person.pk is None:
        raise ActionError("Đơn vị đã chấm dứt hoạt động, không thể thêm cá nhân mới.", field="unit")
    if person.staff_code:
        clash = Person.objects.filter(province_id=person.province_id, staff_code=person.staff_code)
        if person.pk:
            clash = clash.exclude(pk=person.pk)
        if clash.exists():
            raise ActionError(f"Mã cán bộ “{person.staff_code}” đã được dùng cho người khác.", field="staff_code")


@transaction.atomic
def do_create_person(*, actor, unit: Unit, data: dict[str, Any]) -> Person:
    ensure(actor, "person.edit", unit=unit)
    fields = {k: v for k, v in data.items() if k in PERSON_FIELDS and k != "unit"}
    person = Person(province_id=unit.province_id, unit=unit, **fields)
    _validate(person, exclude=["province", "unit"])
    _check_person_rules(person)
    person.save()
    record(actor=actor, action="org.person.create", obj=person, changes=diff({}, snapshot(person)))
    return person


@transaction.atomic
def do_update_person(*, actor, person: Person, data: dict[str, Any], expected_version: int) -> Person:
    ensure(actor, "person.edit", unit=person.unit)
    before = snapshot(person)
    new_unit = data.get("unit")
    if new_unit is not None and new_unit.pk != person.unit_id:
        # Moving a person to another unit is a transfer and must be allowed at the target too.
        ensure(actor, "person.edit", unit=new_unit)
    for key, value in data.items():
        if key in PERSON_FIELDS:
            setattr(person, key, value)
    _validate(person, exclude=["province"])
    _check_person_rules(person)
    changes = diff(before, snapshot(person))
    if not changes:
        return person
    save_with_version(person, expected_version, PERSON_FIELDS)
    record(actor=actor, action="org.person.update", obj=person, changes=changes)
    return person


@transaction.atomic
def do_create_department(*, actor, unit: Unit, name: str) -> Department:
    ensure(actor, "department.edit", unit=unit)
    department = Department(province_id=unit.province_id, unit=unit, name=name)
    _validate(department, exclude=["province", "unit"])
    if Department.objects.filter(province_id=unit.province_id, unit=unit, name=department.name).exists():
        raise ActionError(f"Đơn vị đã có phòng, ban “{department.name}”.", field="name")
    department.save()
    record(actor=actor, action="org.department.create", obj=department, changes=diff({}, snapshot(department)))
    return department
