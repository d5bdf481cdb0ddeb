"""Every write to the organisation registry goes through these functions.

Each checks the actor's right, validates, writes inside one transaction and records an audit
row (who, when, old → new). Views and API endpoints call them and nothing else.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from thidua.audit.log import diff, record, snapshot
from thidua.core.access import ensure
from thidua.core.cas import save_with_version
from thidua.core.errors import ActionError
from thidua.core.models import normalise_text_fields
from thidua.org.models import (
    Department,
    LineageEvent,
    LineageKind,
    LineageLink,
    LineageRole,
    Person,
    Position,
    Province,
    Unit,
)
from thidua.rules.text import nfc

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
    if person.birth_date and person.birth_date > dt.date.today():
        raise ActionError("Ngày sinh không được sau ngày hôm nay.", field="birth_date")
    if person.birth_date and person.birth_date.year < 1900:
        raise ActionError("Ngày sinh không hợp lệ: năm sinh phải từ 1900 trở đi.", field="birth_date")
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


@transaction.atomic
def do_rename_department(*, actor, department: Department, name: str, expected_version: int) -> Department:
    ensure(actor, "department.edit", unit=department.unit)
    before = snapshot(department)
    department.name = name
    _validate(department, exclude=["province", "unit"])
    clash = Department.objects.filter(province_id=department.province_id, unit_id=department.unit_id, name=department.name)
    if clash.exclude(pk=department.pk).exists():
        raise ActionError(f"Đơn vị đã có phòng, ban “{department.name}”.", field="name")
    changes = diff(before, snapshot(department))
    if not changes:
        return department
    save_with_version(department, expected_version, ["name"])
    record(actor=actor, action="org.department.rename", obj=department, changes=changes)
    return department


# ---------------------------------------------------------------------------------------------
# Positions over time (quá trình công tác)

POSITION_FIELDS = ["unit", "department", "title", "is_leader", "start_date", "end_date"]
CURRENT_POST_FIELDS = ["unit", "department", "position_title", "is_leader"]
# Audit keys of rows that touch more than one record are Vietnamese labels, as the log shows them.
CURRENT_POST_LABELS = {
    "unit": "Đơn vị hiện tại",
    "department": "Phòng, ban hiện tại",
    "position_title": "Chức vụ hiện tại",
    "is_leader": "Lãnh đạo, quản lý (chức vụ hiện tại)",
}


def _labelled(changes: dict[str, list[Any]], model, prefix: str) -> dict[str, list[Any]]:
    """Audit changes keyed by "<prefix><field's Vietnamese label>"."""
    return {f"{prefix}{model._meta.get_field(k).verbose_name}": v for k, v in changes.items()}


def _fmt(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def current_position(person: Person) -> Position | None:
    """The newest open position: no end date, latest start (an unknown start counts as oldest)."""
    return (
        Position.objects.filter(person=person, end_date__isnull=True)
        .select_related("unit", "department")
        .order_by(F("start_date").desc(nulls_last=True), "-pk")
        .first()
    )


def _copy_current_post(*, actor, person: Person) -> dict[str, list[Any]]:
    """Copy the newest open position onto the person; return the person's changes."""
    post = current_position(person)
    if post is None:
        return {}
    before = snapshot(person, CURRENT_POST_FIELDS)
    if post.unit_id != person.unit_id:
        # Moving a person to another unit must be allowed there too.
        ensure(actor, "person.edit", unit=post.unit)
    person.unit = post.unit
    person.department = post.department
    person.position_title = post.title
    person.is_leader = post.is_leader
    changes = diff(before, snapshot(person, CURRENT_POST_FIELDS))
    if changes:
        stored_version = Person.objects.filter(pk=person.pk).values_list("version", flat=True).get()
        save_with_version(person, stored_version, CURRENT_POST_FIELDS)
    return {CURRENT_POST_LABELS[k]: v for k, v in changes.items()}


def _check_position(position: Position) -> None:
    if position.start_date and position.end_date and position.end_date < position.start_date:
        raise ActionError("Ngày kết thúc không được trước ngày bắt đầu.", field="end_date")
    if position.department_id and position.department.unit_id != position.unit_id:
        raise ActionError("Phòng, ban đã chọn không thuộc đơn vị của chức vụ.", field="department")
    unit = position.unit
    if position.end_date is None and unit.ended_on is not None:
        raise ActionError(
            f"Đơn vị “{unit.name}” đã chấm dứt hoạt động từ {_fmt(unit.ended_on)}; hãy nhập ngày kết thúc của chức vụ.",
            field="end_date",
        )
    if position.start_date and unit.ended_on and position.start_date > unit.ended_on:
        raise ActionError(
            f"Đơn vị “{unit.name}” đã chấm dứt hoạt động từ {_fmt(unit.ended_on)}, trước ngày bắt đầu.", field="start_date"
        )


@transaction.atomic
def do_add_position(*, actor, person: Person, data: dict[str, Any]) -> Position:
    """Add a post to the person's record; the newest open post becomes the person's current post."""
    ensure(actor, "person.edit", unit=person.unit)
    person = Person.objects.select_related("unit", "department").get(pk=person.pk)
    fields = {k: v for k, v in data.items() if k in POSITION_FIELDS}
    if fields.get("unit") is None:
        raise ActionError("Hãy chọn đơn vị.", field="unit")
    ensure(actor, "registry.view", unit=fields["unit"])
    position = Position(province_id=fields["unit"].province_id, person=person, **fields)
    _validate(position, exclude=["province", "person"])
    _check_position(position)
    position.save()
    changes = _labelled(diff({}, snapshot(position, POSITION_FIELDS)), Position, "Quá trình công tác: ")
    changes.update(_copy_current_post(actor=actor, person=person))
    record(actor=actor, action="org.position.create", obj=person, changes=changes, note="Thêm quá trình công tác")
    return position


# ---------------------------------------------------------------------------------------------
# Lineage: merge, split, rename, dissolve, transfer (sắp xếp tổ chức, điều động)

DECISION_FIELDS = ["decision_number", "decision_date", "decision_issuer", "note"]


def _decision(data: dict[str, Any]) -> dict[str, Any]:
    values = {k: data.get(k) for k in DECISION_FIELDS}
    values["decision_number"] = nfc(values["decision_number"])
    values["decision_issuer"] = nfc(values["decision_issuer"])
    values["note"] = (values["note"] or "").strip()
    if not values["decision_number"]:
        raise ActionError("Hãy nhập số, ký hiệu văn bản quyết định.", field="decision_number")
    return values


def _check_effective(unit: Unit, effective_on: dt.date | None) -> None:
    if effective_on is None:
        raise ActionError("Hãy nhập ngày hiệu lực.", field="effective_on")
    if unit.ended_on is not None:
        raise ActionError(
            f"Đơn vị “{unit.name}” đã chấm dứt hoạt động từ {_fmt(unit.ended_on)}, không thể sắp xếp lại lần nữa.",
            field="sources",
        )
    if unit.established_on and effective_on <= unit.established_on:
        raise ActionError(
            f"Ngày hiệu lực phải sau ngày thành lập của “{unit.name}” ({_fmt(unit.established_on)}).", field="effective_on"
        )


def _end_unit(unit: Unit, effective_on: dt.date) -> dict[str, list[Any]]:
    before = unit.ended_on
    unit.ended_on = effective_on - dt.timedelta(days=1)
    stored_version = Unit.objects.filter(pk=unit.pk).values_list("version", flat=True).get()
    save_with_version(unit, stored_version, ["ended_on"])
    return {f"{unit.name} — ngày chấm dứt hoạt động": [before, unit.ended_on]}


def _new_event(kind: str, province_id: int, effective_on: dt.date, decision: dict[str, Any], **extra) -> LineageEvent:
    event = LineageEvent(kind=kind, province_id=province_id, effective_on=effective_on, **decision, **extra)
    _validate(event, exclude=["province", "person"])
    event.save()
    return event


def _link(event: LineageEvent, unit: Unit, role: str) -> None:
    LineageLink.objects.create(province_id=event.province_id, event=event, unit=unit, role=role)


def _event_changes(event: LineageEvent) -> dict[str, list[Any]]:
    return diff({}, snapshot(event, ["kind", "effective_on", *DECISION_FIELDS, "old_name", "new_name", "person"]))


def _successor_province(sources: list[Unit], effective_on: dt.date) -> Province:
    """The province a new unit formed from `sources` belongs to: their common province in force
    on the effective date, or the province they were all merged into."""
    candidate = Province.objects.get(pk=sources[0].province_id)
    source_provinces = {u.province_id for u in sources}
    while candidate is not None:
        if source_provinces <= candidate.lineage_ids() and candidate.is_current(effective_on):
            return candidate
        candidate = candidate.merged_into
    raise ActionError(
        "Các đơn vị thuộc các tỉnh khác nhau chỉ được hợp nhất vào một đơn vị của tỉnh kế thừa, "
        "với ngày hiệu lực từ ngày tỉnh kế thừa được thành lập.",
        field="sources",
    )


def _move_people(*, sources: list[Unit], target: Unit, effective_on: dt.date) -> int:
    """People of merged units continue at the receiving unit from the effective date."""
    moved = 0
    day_before = effective_on - dt.timedelta(days=1)
    people = Person.objects.filter(unit__in=sources).select_related("unit")
    for person in people:
        open_posts = Position.objects.filter(person=person, end_date__isnull=True)
        if not open_posts.exists():
            Position.objects.create(
                province_id=person.province_id, person=person, unit=person.unit, department=person.department,
                title=person.position_title, is_leader=person.is_leader, end_date=day_before,
            )
        for post in open_posts:
            post.end_date = max(day_before, post.start_date) if post.start_date else day_before
            post.save(update_fields=["end_date", "updated_at"])
        Position.objects.create(
            province_id=target.province_id, person=person, unit=target, title=person.position_title,
            is_leader=person.is_leader, start_date=effective_on,
        )
        Person.objects.filter(pk=person.pk).update(
            unit=target, department=None, version=F("version") + 1, updated_at=timezone.now()
        )
        moved += 1
    return moved


@transaction.atomic
def do_record_merge(
    *,
    actor,
    sources: list[Unit],
    effective_on: dt.date | None,
    decision: dict[str, Any],
    target: Unit | None = None,
    new_unit: dict[str, Any] | None = None,
    move_people: bool = True,
) -> LineageEvent:
    """Several units become one: a new unit (`new_unit` data) or an existing `target`.

    The sources end the day before the effective date; their people move to the target.
    """
    sources = list(Unit.objects.filter(pk__in=[u.pk for u in sources]).order_by("pk"))
    if target is None and not new_unit:
        raise ActionError("Hãy chọn đơn vị nhận hoặc nhập tên đơn vị mới.", field="target")
    if target is not None and new_unit:
        raise ActionError("Chỉ chọn một trong hai: đơn vị nhận đã có hoặc đơn vị mới.", field="target")
    if target is not None:
        target = Unit.objects.get(pk=target.pk)
        if target.pk in {u.pk for u in sources}:
            raise ActionError(f"Không thể hợp nhất đơn vị “{target.name}” vào chính nó.", field="target")
        if not sources:
            raise ActionError("Hãy chọn ít nhất một đơn vị được sáp nhập vào đơn vị nhận.", field="sources")
    elif len(sources) < 2:
        raise ActionError("Hợp nhất thành đơn vị mới cần ít nhất hai đơn vị.", field="sources")
    for unit in sources:
        ensure(actor, "lineage.edit", unit=unit)
        _check_effective(unit, effective_on)
    decision = _decision(decision)
    if target is not None:
        ensure(actor, "lineage.edit", unit=target)
        if target.ended_on is not None:
            raise ActionError(
                f"Đơn vị nhận “{target.name}” đã chấm dứt hoạt động từ {_fmt(target.ended_on)}.", field="target"
            )
        if target.established_on and effective_on < target.established_on:
            raise ActionError(
                f"Ngày hiệu lực không được trước ngày thành lập của “{target.name}” ({_fmt(target.established_on)}).",
                field="effective_on",
            )
        allowed = Province.objects.get(pk=target.province_id).lineage_ids()
        for unit in sources:
            if unit.province_id not in allowed:
                raise ActionError(
                    f"“{unit.name}” thuộc tỉnh khác; chỉ được hợp nhất vào đơn vị của tỉnh kế thừa.", field="sources"
                )
        province = Province.objects.get(pk=target.province_id)
    else:
        province = _successor_province(sources, effective_on)
        ensure(actor, "lineage.edit", province=province)
    changes: dict[str, list[Any]] = {}
    for unit in sources:
        changes.update(_end_unit(unit, effective_on))
    if target is None:
        data = {k: v for k, v in new_unit.items() if k in UNIT_FIELDS and k not in {"ended_on", "established_on"}}
        target = Unit(province=province, established_on=effective_on, **data)
        target.doc_format = data.get("doc_format") or Unit.default_doc_format(target.kind)
        _validate(target, exclude=["province"])
        _check_unit_rules(target)
        target.save()
        changes["Đơn vị mới"] = [None, target.name]
    else:
        changes["Đơn vị nhận"] = [None, target.name]
    event = _new_event(LineageKind.MERGE, province.pk, effective_on, decision)
    for unit in sources:
        _link(event, unit, LineageRole.FROM)
    _link(event, target, LineageRole.TO)
    if move_people:
        moved = _move_people(sources=sources, target=target, effective_on=effective_on)
        if moved:
            changes["Số cá nhân chuyển sang"] = [0, moved]
    changes.update(_event_changes(event))
    record(actor=actor, action="org.lineage.merge", obj=event, province=province, changes=changes)
    return event


@transaction.atomic
def do_record_split(
    *,
    actor,
    source: Unit,
    new_names: list[str],
    effective_on: dt.date | None,
    decision: dict[str, Any],
    source_continues: bool = False,
) -> LineageEvent:
    """One unit becomes several new units (or gives rise to new units and continues itself)."""
    source = Unit.objects.get(pk=source.pk)
    ensure(actor, "lineage.edit", unit=source)
    _check_effective(source, effective_on)
    names = [nfc(n) for n in new_names if nfc(n)]
    if len(set(names)) != len(names):
        raise ActionError("Tên các đơn vị mới bị trùng nhau.", field="new_names")
    needed = 1 if source_continues else 2
    if len(names) < needed:
        raise ActionError(
            "Chia tách cần ít nhất hai đơn vị mới." if needed == 2 else "Hãy nhập tên ít nhất một đơn vị được tách ra.",
            field="new_names",
        )
    decision = _decision(decision)
    province = Province.objects.get(pk=source.province_id)
    if not province.is_current(effective_on):
        province = _successor_province([source], effective_on)
    changes: dict[str, list[Any]] = {}
    if not source_continues:
        changes.update(_end_unit(source, effective_on))
    event = _new_event(LineageKind.SPLIT, province.pk, effective_on, decision)
    _link(event, source, LineageRole.FROM)
    created = []
    for name in names:
        parent = source.parent if source.parent_id and source.parent.ended_on is None else None
        unit = Unit(
            province=province, name=name, kind=source.kind, doc_format=source.doc_format,
            superior_name=source.superior_name, parent=parent, established_on=effective_on,
        )
        _validate(unit, exclude=["province"])
        _check_unit_rules(unit)
        unit.save()
        _link(event, unit, LineageRole.TO)
        created.append(unit.name)
    changes["Đơn vị mới"] = [None, ", ".join(created)]
    changes.update(_event_changes(event))
    record(actor=actor, action="org.lineage.split", obj=event, province=province, changes=changes)
    return event


@transaction.atomic
def do_record_rename(
    *,
    actor,
    unit: Unit,
    new_name: str,
    effective_on: dt.date | None,
    decision: dict[str, Any],
    new_short_name: str | None = None,
) -> LineageEvent:
    """Rename in place: the unit keeps its identity, the event keeps the old and new names."""
    unit = Unit.objects.get(pk=unit.pk)
    ensure(actor, "lineage.edit", unit=unit)
    _check_effective(unit, effective_on)
    new_name = nfc(new_name)
    if not new_name:
        raise ActionError("Hãy nhập tên mới.", field="new_name")
    if new_name == unit.name:
        raise ActionError("Tên mới trùng với tên hiện tại.", field="new_name")
    last = LineageEvent.objects.filter(kind=LineageKind.RENAME, links__unit=unit).order_by("-effective_on").first()
    if last and effective_on <= last.effective_on:
        raise ActionError(
            f"Đơn vị đã đổi tên ngày {_fmt(last.effective_on)}; ngày hiệu lực lần đổi tên này phải sau ngày đó.",
            field="effective_on",
        )
    decision = _decision(decision)
    before = snapshot(unit, ["name", "short_name"])
    old_name = unit.name
    unit.name = new_name
    if new_short_name is not None:
        unit.short_name = nfc(new_short_name)
    _validate(unit, exclude=["province"])
    _check_unit_rules(unit)
    save_with_version(unit, unit.version, ["name", "short_name"])
    event = _new_event(LineageKind.RENAME, unit.province_id, effective_on, decision, old_name=old_name, new_name=new_name)
    _link(event, unit, LineageRole.TO)
    changes = _labelled(diff(before, snapshot(unit, ["name", "short_name"])), Unit, "")
    changes.update(_event_changes(event))
    record(actor=actor, action="org.lineage.rename", obj=event, province=unit.province, changes=changes)
    return event


@transaction.atomic
def do_record_dissolve(*, actor, unit: Unit, effective_on: dt.date | None, decision: dict[str, Any]) -> LineageEvent:
    unit = Unit.objects.get(pk=unit.pk)
    ensure(actor, "lineage.edit", unit=unit)
    _check_effective(unit, effective_on)
    active_children = unit.children.filter(ended_on__isnull=True)
    if active_children.exists():
        names = ", ".join(c.name for c in active_children[:3])
        raise ActionError(
            f"Đơn vị còn đơn vị trực thuộc đang hoạt động ({names}); hãy sắp xếp các đơn vị đó trước khi giải thể.",
            field="unit",
        )
    decision = _decision(decision)
    changes = _end_unit(unit, effective_on)
    event = _new_event(LineageKind.DISSOLVE, unit.province_id, effective_on, decision)
    _link(event, unit, LineageRole.FROM)
    changes.update(_event_changes(event))
    record(actor=actor, action="org.lineage.dissolve", obj=event, province=unit.province, changes=changes)
    return event


@transaction.atomic
def do_transfer_person(
    *,
    actor,
    person: Person,
    to_unit: Unit,
    effective_on: dt.date | None,
    decision: dict[str, Any],
    department: Department | None = None,
    title: str | None = None,
    is_leader: bool | None = None,
) -> LineageEvent:
    """Điều động: the person leaves their unit the day before `effective_on` and starts at `to_unit`."""
    person = Person.objects.select_related("unit", "department").get(pk=person.pk)
    to_unit = Unit.objects.get(pk=to_unit.pk)
    ensure(actor, "person.edit", unit=person.unit)
    ensure(actor, "person.edit", unit=to_unit)
    if effective_on is None:
        raise ActionError("Hãy nhập ngày điều động.", field="effective_on")
    if to_unit.pk == person.unit_id:
        raise ActionError("Cá nhân đang công tác tại đơn vị này; hãy chọn đơn vị khác.", field="to_unit")
    if to_unit.ended_on is not None:
        raise ActionError(f"Đơn vị “{to_unit.name}” đã chấm dứt hoạt động từ {_fmt(to_unit.ended_on)}.", field="to_unit")
    if to_unit.established_on and effective_on < to_unit.established_on:
        raise ActionError(
            f"Ngày điều động không được trước ngày thành lập của “{to_unit.name}” ({_fmt(to_unit.established_on)}).",
            field="effective_on",
        )
    if department is not None and department.unit_id != to_unit.pk:
        raise ActionError("Phòng, ban đã chọn không thuộc đơn vị nhận.", field="department")
    open_posts = list(Position.objects.filter(person=person, end_date__isnull=True))
    for post in open_posts:
        if post.start_date and post.start_date >= effective_on:
            raise ActionError(
                f"Ngày điều động phải sau ngày bắt đầu chức vụ hiện tại ({_fmt(post.start_date)}).", field="effective_on"
            )
    decision = _decision(decision)
    day_before = effective_on - dt.timedelta(days=1)
    if not open_posts:
        # Keep the post held until now in the record, with its start unknown.
        Position.objects.create(
            province_id=person.province_id, person=person, unit=person.unit, department=person.department,
            title=person.position_title, is_leader=person.is_leader, end_date=day_before,
        )
    for post in open_posts:
        post.end_date = day_before
        post.save(update_fields=["end_date", "updated_at"])
    new_post = Position(
        province_id=to_unit.province_id, person=person, unit=to_unit, department=department,
        title=nfc(title) if title is not None else person.position_title,
        is_leader=person.is_leader if is_leader is None else is_leader,
        start_date=effective_on,
    )
    _validate(new_post, exclude=["province", "person"])
    new_post.save()
    from_unit = person.unit
    event = _new_event(LineageKind.TRANSFER, to_unit.province_id, effective_on, decision, person=person)
    _link(event, from_unit, LineageRole.FROM)
    _link(event, to_unit, LineageRole.TO)
    changes = _copy_current_post(actor=actor, person=person)
    changes.update(_event_changes(event))
    record(actor=actor, action="org.person.transfer", obj=event, province=to_unit.province, changes=changes)
    return event


# ---------------------------------------------------------------------------------------------
# Province settings


@transaction.atomic
def do_update_province_settings(*, actor, province: Province, data: dict[str, Any], expected_version: int) -> Province:
    ensure(actor, "province.edit", province=province)
    province = Province.objects.get(pk=province.pk)
    fields = ["tdkt_body_name", "registration_required_for_proposal"]
    before = snapshot(province, fields)
    if "tdkt_body_name" in data:
        province.tdkt_body_name = nfc(data["tdkt_body_name"])
    if "registration_required_for_proposal" in data:
        province.registration_required_for_proposal = bool(data["registration_required_for_proposal"])
    if not province.tdkt_body_name:
        raise ActionError("Tên cơ quan thường trực TĐKT không được để trống.", field="tdkt_body_name")
    _validate(province)
    changes = diff(before, snapshot(province, fields))
    if not changes:
        return province
    save_with_version(province, expected_version, fields)
    record(actor=actor, action="org.province.settings", obj=province, province=province, changes=changes)
    return province
