"""Writes for movements and registrations: permission, validation, one transaction, one audit row.

State changes are compare-and-set updates on (state, version): two officers approving and
returning the same registration at once — one wins, the other is told it changed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from thidua.audit.log import diff, record, snapshot
from thidua.blocs.models import BlocYear
from thidua.core.access import ensure
from thidua.core.cas import save_with_version
from thidua.core.errors import ActionError, ConcurrentEditError
from thidua.notifications import events as notify
from thidua.core.files import store_upload
from thidua.core.models import normalise_text_fields
from thidua.movements.models import Movement, MovementLevel, Registration, RegistrationItem, SubjectKind
from thidua.org.models import Person, Province
from thidua.awards.selectors import recordable_entry
from thidua.rules.workflows import (
    MOVEMENT_STATES,
    REGISTRATION_EDITABLE,
    REGISTRATION_STATES,
    TransitionRefused,
    movement_next,
    registration_next,
)

MOVEMENT_FIELDS = ["title", "kind", "level", "launched_by", "bloc", "start_date", "end_date", "goals", "content", "plan_number", "plan_date"]
MAX_PLAN_BYTES = 20 * 1024 * 1024
PLAN_EXTENSIONS = (".pdf", ".doc", ".docx", ".odt")


def _ensure_movement_right(actor, *, province, bloc) -> None:
    if bloc is not None:
        ensure(actor, "movement.manage", province=province, bloc=bloc)
    else:
        ensure(actor, "movement.manage", province=province)


def _check_movement(movement: Movement) -> None:
    normalise_text_fields(movement)
    if not movement.title:
        raise ActionError("Tên phong trào không được để trống.", field="title")
    if movement.start_date is None:
        raise ActionError("Hãy nhập ngày bắt đầu.", field="start_date")
    if movement.end_date and movement.end_date < movement.start_date:
        raise ActionError("Ngày kết thúc không được trước ngày bắt đầu.", field="end_date")
    if movement.level == MovementLevel.BLOC and movement.bloc_id is None:
        raise ActionError("Phong trào của khối, cụm phải chọn khối, cụm phát động.", field="bloc")
    if movement.level != MovementLevel.BLOC:
        movement.bloc = None
    if movement.bloc_id and movement.bloc.province_id not in Province.objects.get(pk=movement.province_id).lineage_ids():
        raise ActionError("Khối, cụm phát động phải thuộc cùng tỉnh.", field="bloc")


def _store_plan_file(movement: Movement, upload) -> None:
    if upload is None:
        return
    name = upload.name.lower()
    if not name.endswith(PLAN_EXTENSIONS):
        raise ActionError("Tệp kế hoạch phải là PDF hoặc Word (.pdf, .doc, .docx, .odt).", field="plan_file")
    if upload.size > MAX_PLAN_BYTES:
        raise ActionError("Tệp kế hoạch vượt quá 20 MB.", field="plan_file")
    movement.plan_file.name, movement.plan_file_sha256 = store_upload("movements", upload)


@transaction.atomic
def do_create_movement(*, actor, province: Province, data: dict[str, Any], plan_file=None) -> Movement:
    _ensure_movement_right(actor, province=province, bloc=data.get("bloc"))
    movement = Movement(province=province, **{k: v for k, v in data.items() if k in MOVEMENT_FIELDS})
    _check_movement(movement)
    _store_plan_file(movement, plan_file)
    movement.save()
    record(actor=actor, action="movements.movement.create", obj=movement, changes=diff({}, snapshot(movement)))
    return movement


@transaction.atomic
def do_update_movement(*, actor, movement: Movement, data: dict[str, Any], expected_version: int, plan_file=None) -> Movement:
    _ensure_movement_right(actor, province=movement.province_id, bloc=movement.bloc)
    if movement.state == "ARCHIVED":
        raise ActionError("Phong trào đã lưu trữ, không sửa được nữa.")
    before = snapshot(movement)
    for key, value in data.items():
        if key in MOVEMENT_FIELDS:
            setattr(movement, key, value)
    if movement.bloc is not None:
        _ensure_movement_right(actor, province=movement.province_id, bloc=movement.bloc)
    _check_movement(movement)
    fields = list(MOVEMENT_FIELDS)
    if plan_file is not None:
        _store_plan_file(movement, plan_file)
        fields += ["plan_file", "plan_file_sha256"]
    changes = diff(before, snapshot(movement))
    if changes:
        save_with_version(movement, expected_version, fields)
        record(actor=actor, action="movements.movement.update", obj=movement, changes=changes)
    return movement


@transaction.atomic
def do_advance_movement(*, actor, movement: Movement, action: str, expected_version: int, note: str = "") -> Movement:
    """Move the movement along its lifecycle (phát động, triển khai, kiểm tra, sơ kết, tổng kết…)."""
    _ensure_movement_right(actor, province=movement.province_id, bloc=movement.bloc)
    try:
        new_state = movement_next(movement.state, action)
    except TransitionRefused as refused:
        raise ActionError(refused.message) from None
    old_state = movement.state
    updated = Movement.objects.filter(pk=movement.pk, state=old_state, version=expected_version).update(
        state=new_state, version=F("version") + 1, updated_at=timezone.now()
    )
    if updated != 1:
        raise ConcurrentEditError("Trạng thái phong trào vừa được người khác thay đổi. Hãy tải lại trang.")
    movement.state, movement.version = new_state, expected_version + 1
    record(
        actor=actor, action=f"movements.movement.{action}", obj=movement,
        changes={"state": [MOVEMENT_STATES[old_state], MOVEMENT_STATES[new_state]]}, note=note.strip(),
    )
    return movement


# ---------------------------------------------------------------- registrations


def _current_member(bloc_year: BlocYear, unit) -> bool:
    return bloc_year.memberships.filter(unit=unit, left_on__isnull=True).exists()


@transaction.atomic
def do_start_registration(*, actor, bloc_year: BlocYear, unit) -> Registration:
    ensure(actor, "registration.edit", unit=unit)
    if not _current_member(bloc_year, unit):
        raise ActionError(f"{unit.name} không phải thành viên của {bloc_year.bloc.name} năm {bloc_year.year}.")
    if Registration.objects.filter(bloc_year=bloc_year, unit=unit).exists():
        raise ActionError(f"{unit.name} đã có bản đăng ký thi đua năm {bloc_year.year}.")
    registration = Registration.objects.create(province_id=bloc_year.province_id, bloc_year=bloc_year, unit=unit)
    record(actor=actor, action="movements.registration.create", obj=registration, changes={"state": [None, REGISTRATION_STATES["DRAFT"]]})
    return registration


REGISTRATION_CODE_MAX = 12  # RegistrationItem.award's column


def _validate_items(registration: Registration, items: list[dict[str, Any]]) -> list[RegistrationItem]:
    result: list[RegistrationItem] = []
    seen: set[tuple] = set()
    for number, item in enumerate(items, start=1):
        award = item.get("award")
        subject = item.get("subject_kind")
        person: Person | None = item.get("person")
        # Every catalogue entry, coded or manual, and the province's own (issue #19).
        entry = recordable_entry(award or "", registration.province_id) if isinstance(award, str) else None
        if entry is None or len(entry.code) > REGISTRATION_CODE_MAX:
            raise ActionError(f"Dòng {number}: danh hiệu, hình thức khen thưởng không hợp lệ.")
        award = entry.code
        if subject not in SubjectKind.values:
            raise ActionError(f"Dòng {number}: hãy chọn đăng ký cho tập thể hay cá nhân.")
        if subject not in (entry.subjects or ()):
            kind = "cá nhân" if subject == SubjectKind.INDIVIDUAL else "tập thể"
            raise ActionError(f"Dòng {number}: {entry.name} không dành cho {kind}.")
        if subject == SubjectKind.INDIVIDUAL:
            if person is None:
                raise ActionError(f"Dòng {number}: hãy chọn cá nhân đăng ký.")
            if person.unit_id != registration.unit_id:
                raise ActionError(f"Dòng {number}: {person.full_name} không thuộc {registration.unit.name}.")
        else:
            person = None
        key = (subject, getattr(person, "pk", None), award)
        if key in seen:
            who = person.full_name if person else "tập thể"
            raise ActionError(f"Dòng {number}: {who} đã đăng ký {entry.name} ở dòng trên.")
        seen.add(key)
        entry = RegistrationItem(
            province_id=registration.province_id, registration=registration, subject_kind=subject, person=person,
            award=award, note=(item.get("note") or "").strip(),
        )
        normalise_text_fields(entry)
        result.append(entry)
    return result


@transaction.atomic
def do_update_registration(*, actor, registration: Registration, targets: str, items: list[dict[str, Any]], expected_version: int) -> Registration:
    """Replace the registration's targets and items (only while it is a draft or returned)."""
    ensure(actor, "registration.edit", unit=registration.unit)
    if registration.state not in REGISTRATION_EDITABLE:
        raise ActionError(f"Bản đăng ký đang ở trạng thái “{REGISTRATION_STATES[registration.state]}”, không sửa được.")
    new_items = _validate_items(registration, items)
    before = {
        "targets": registration.targets,
        "items": sorted(f"{i.get_subject_kind_display()}: {i.person or ''} {i.get_award_display()}".strip() for i in registration.items.select_related("person")),
    }
    registration.targets = targets or ""
    normalise_text_fields(registration)
    save_with_version(registration, expected_version, ["targets"])
    registration.items.all().delete()
    RegistrationItem.objects.bulk_create(new_items)
    after = {
        "targets": registration.targets,
        "items": sorted(f"{i.get_subject_kind_display()}: {i.person or ''} {i.get_award_display()}".strip() for i in new_items),
    }
    record(actor=actor, action="movements.registration.update", obj=registration, changes=diff(before, after))
    return registration


def _transition(actor, registration: Registration, action: str, expected_version: int, **extra) -> Registration:
    try:
        new_state = registration_next(registration.state, action)
    except TransitionRefused as refused:
        raise ActionError(refused.message) from None
    old_state = registration.state
    values = {"state": new_state, "version": F("version") + 1, "updated_at": timezone.now(), **extra}
    updated = Registration.objects.filter(pk=registration.pk, state=old_state, version=expected_version).update(**values)
    if updated != 1:
        raise ConcurrentEditError("Bản đăng ký vừa được người khác thay đổi (gửi, duyệt hoặc trả lại). Hãy tải lại trang để xem trạng thái mới.")
    registration.refresh_from_db()
    changes = {"state": [REGISTRATION_STATES[old_state], REGISTRATION_STATES[new_state]]}
    if extra.get("return_reason"):
        changes["return_reason"] = [None, extra["return_reason"]]
    record(actor=actor, action=f"movements.registration.{action}", obj=registration, changes=changes)
    return registration


@transaction.atomic
def do_submit_registration(*, actor, registration: Registration, expected_version: int) -> Registration:
    ensure(actor, "registration.edit", unit=registration.unit)
    if not registration.items.exists():
        raise ActionError("Bản đăng ký chưa có danh hiệu, hình thức khen thưởng nào. Hãy thêm ít nhất một dòng trước khi gửi.")
    return _transition(actor, registration, "submit", expected_version, submitted_at=timezone.now(), return_reason="")


def _ensure_reviewer(actor, registration: Registration) -> None:
    ensure(actor, "registration.review", province=registration.province_id, bloc=registration.bloc_year.bloc_id)


@transaction.atomic
def do_approve_registration(*, actor, registration: Registration, expected_version: int) -> Registration:
    _ensure_reviewer(actor, registration)
    return _transition(actor, registration, "approve", expected_version, decided_at=timezone.now(), decided_by=actor if actor else None)


@transaction.atomic
def do_return_registration(*, actor, registration: Registration, reason: str, expected_version: int) -> Registration:
    _ensure_reviewer(actor, registration)
    reason = (reason or "").strip()
    if not reason:
        raise ActionError("Hãy ghi lý do trả lại để đơn vị biết cần sửa gì.", field="reason")
    registration = _transition(
        actor, registration, "return", expected_version, return_reason=reason, decided_at=timezone.now(), decided_by=actor if actor else None
    )
    notify.registration_returned(registration, reason)
    return registration


@transaction.atomic
def do_reopen_registration(*, actor, registration: Registration, reason: str, expected_version: int) -> Registration:
    _ensure_reviewer(actor, registration)
    reason = (reason or "").strip()
    if not reason:
        raise ActionError("Hãy ghi lý do mở lại bản đăng ký.", field="reason")
    return _transition(actor, registration, "reopen", expected_version, return_reason=reason)


def registration_deadline_passed(bloc_year: BlocYear, today: dt.date | None = None) -> bool:
    from thidua.blocs.models import DeadlineKind

    deadline = bloc_year.deadlines.filter(kind=DeadlineKind.REGISTRATION).first()
    return bool(deadline and (today or dt.date.today()) > deadline.due_on)
