"""Every write to blocks, their years, members and leadership goes through these functions."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from thidua.audit.log import diff, record, snapshot
from thidua.blocs.models import (
    DEFAULT_DEADLINES,
    POLL_KINDS,
    AgendaItem,
    AgendaKind,
    AgendaState,
    CheckInMethod,
    CheckInTokenUse,
    ScreenLink,
    Bloc,
    BlocReport,
    BlocKind,
    BlocYear,
    Covenant,
    CovenantCommitment,
    CovenantState,
    Deadline,
    DeadlineDefault,
    DeadlineKind,
    HeadSelection,
    Meeting,
    MeetingAttendance,
    MeetingKind,
    Membership,
    ReportKind,
    RotationSlot,
)
from thidua.core.access import ensure
from thidua.core.cas import save_with_version
from thidua.core.errors import ActionError, ConcurrentEditError
from thidua.core.models import normalise_text_fields
from thidua.org import selectors as org_selectors
from thidua.org.models import Province, Unit

BLOC_FIELDS = [
    "name", "kind", "parent", "founding_decision", "founding_date", "founding_issuer", "description",
    "head_selection", "term_start_month", "term_start_day", "no_consecutive_head",
]
MIN_MEMBERS = 2
MIN_YEAR, MAX_YEAR = 1990, 2100


def _check_bloc(bloc: Bloc) -> None:
    normalise_text_fields(bloc)
    if not bloc.name:
        raise ActionError("Tên khối, cụm không được để trống.", field="name")
    if bloc.parent_id:
        if bloc.parent_id == bloc.pk:
            raise ActionError("Khối không thể thuộc chính nó.", field="parent")
        if bloc.parent.kind != BlocKind.KHOI or bloc.kind != BlocKind.CUM:
            raise ActionError("Chỉ cụm thi đua mới được đặt trong một khối thi đua.", field="parent")
        if bloc.parent.province_id not in Province.objects.get(pk=bloc.province_id).lineage_ids():
            raise ActionError("Khối cấp trên phải thuộc cùng tỉnh.", field="parent")
    try:
        dt.date(2001, bloc.term_start_month, bloc.term_start_day)
    except (TypeError, ValueError) as exc:
        raise ActionError("Ngày bắt đầu nhiệm kỳ Trưởng khối không hợp lệ.", field="term_start_day") from exc
    clash = Bloc.objects.filter(province_id=bloc.province_id, name=bloc.name, ended_on__isnull=True)
    if bloc.pk:
        clash = clash.exclude(pk=bloc.pk)
    if clash.exists():
        raise ActionError(f"Đã có khối, cụm tên “{bloc.name}” trong tỉnh.", field="name")


@transaction.atomic
def do_create_bloc(*, actor, province: Province, data: dict[str, Any]) -> Bloc:
    ensure(actor, "bloc.manage", province=province)
    bloc = Bloc(province=province, **{k: v for k, v in data.items() if k in BLOC_FIELDS})
    _check_bloc(bloc)
    bloc.save()
    record(actor=actor, action="blocs.bloc.create", obj=bloc, changes=diff({}, snapshot(bloc)))
    return bloc


@transaction.atomic
def do_update_bloc(*, actor, bloc: Bloc, data: dict[str, Any], expected_version: int) -> Bloc:
    ensure(actor, "bloc.manage", province=bloc.province_id)
    before = snapshot(bloc)
    for key, value in data.items():
        if key in BLOC_FIELDS:
            setattr(bloc, key, value)
    _check_bloc(bloc)
    changes = diff(before, snapshot(bloc))
    if changes:
        save_with_version(bloc, expected_version, BLOC_FIELDS)
        record(actor=actor, action="blocs.bloc.update", obj=bloc, changes=changes)
    return bloc


def _unit_allowed_in(bloc: Bloc, unit: Unit) -> None:
    if unit.province_id not in Province.objects.get(pk=bloc.province_id).lineage_ids():
        raise ActionError(f"{unit.name} không thuộc tỉnh của khối.", field="unit")


def _other_bloc_same_kind(unit: Unit, year: int, kind: str, exclude_year_id: int | None) -> Membership | None:
    qs = Membership.objects.filter(unit=unit, year=year, bloc_kind=kind, left_on__isnull=True).select_related("bloc_year__bloc")
    if exclude_year_id:
        qs = qs.exclude(bloc_year_id=exclude_year_id)
    return qs.first()


def _add_membership(bloc_year: BlocYear, unit: Unit, *, joined_on, reason: str, lineage_note: str = "") -> Membership:
    bloc = bloc_year.bloc
    _unit_allowed_in(bloc, unit)
    if unit.ended_on is not None and unit.ended_on < dt.date(bloc_year.year, 1, 1):
        raise ActionError(f"{unit.name} đã chấm dứt hoạt động ngày {unit.ended_on:%d/%m/%Y}.", field="unit")
    if bloc_year.memberships.filter(unit=unit).exists():
        raise ActionError(f"{unit.name} đã là thành viên của khối năm {bloc_year.year}.", field="unit")
    other = _other_bloc_same_kind(unit, bloc_year.year, bloc.kind, bloc_year.pk)
    if other is not None:
        raise ActionError(
            f"{unit.name} đã thuộc {other.bloc_year.bloc.name} năm {bloc_year.year}; một đơn vị không thể ở hai "
            f"{bloc.get_kind_display().lower()} trong cùng một năm.",
            field="unit",
        )
    membership = Membership(
        province_id=bloc_year.province_id, bloc_year=bloc_year, unit=unit, year=bloc_year.year, bloc_kind=bloc.kind,
        joined_on=joined_on, reason=reason, lineage_note=lineage_note,
    )
    normalise_text_fields(membership)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as exc:
        raise ActionError(f"{unit.name} đã thuộc một {bloc.get_kind_display().lower()} khác trong năm {bloc_year.year}.", field="unit") from exc
    return membership


@transaction.atomic
def do_open_year(*, actor, bloc: Bloc, year: int, copy_members: bool = True) -> tuple[BlocYear, list[str]]:
    """Open a new year of the block, carrying over last year's members.

    A member that has since been merged or split passes to its successor with a visible lineage
    note; one dissolved without successor is left out. Returns the year and what was noticed.
    """
    ensure(actor, "bloc.manage", province=bloc.province_id)
    if not (MIN_YEAR <= int(year) <= MAX_YEAR):
        raise ActionError(f"Năm {year} không hợp lệ.", field="year")
    if bloc.ended_on is not None:
        raise ActionError("Khối đã giải thể, không thể mở năm mới.")
    if BlocYear.objects.filter(bloc=bloc, year=year).exists():
        raise ActionError(f"Khối đã có năm {year}.", field="year")
    bloc_year = BlocYear.objects.create(province_id=bloc.province_id, bloc=bloc, year=year)
    _create_default_deadlines(bloc_year)
    notes: list[str] = []
    previous = BlocYear.objects.filter(bloc=bloc, year__lt=year).order_by("-year").first()
    later = BlocYear.objects.filter(bloc=bloc, year__gt=year).order_by("year").first()
    if later is not None and previous is not None and later.year - year < year - previous.year:
        previous = None  # the nearest year is a later one: its members are the better guess (issue #19)
    if copy_members and previous is None:
        # An earlier year opened afterwards (recording history): copy the nearest later year,
        # leaving out units that did not exist yet then (issue #19).
        if later is not None:
            for membership in later.memberships.filter(left_on__isnull=True).select_related("unit").order_by("pk"):
                unit = membership.unit
                if unit.established_on and unit.established_on > dt.date(year, 12, 31):
                    notes.append(f"{unit.name} thành lập ngày {unit.established_on:%d/%m/%Y}, chưa có trong khối năm {year}.")
                    continue
                _add_membership(bloc_year, unit, joined_on=None, reason=f"Theo danh sách thành viên năm {later.year}")
    if copy_members and previous is not None:
        start = dt.date(year, 1, 1)
        for membership in previous.memberships.filter(left_on__isnull=True).select_related("unit").order_by("pk"):
            unit = membership.unit
            if unit.ended_on is None or unit.ended_on >= start:
                _add_membership(bloc_year, unit, joined_on=None, reason=f"Tiếp tục từ năm {previous.year}")
                continue
            successors = [u for u, _ in org_selectors.successors(unit, transitive=True) if u.ended_on is None]
            if not successors:
                notes.append(f"{unit.name} đã chấm dứt hoạt động ngày {unit.ended_on:%d/%m/%Y}, không còn trong khối.")
                continue
            for successor in successors:
                if bloc_year.memberships.filter(unit=successor).exists():
                    notes.append(f"{unit.name} đã hợp nhất vào {successor.name} (đã có trong khối).")
                    continue
                note = f"Kế thừa tư cách thành viên của {unit.name} (chấm dứt hoạt động ngày {unit.ended_on:%d/%m/%Y})"
                try:
                    _add_membership(bloc_year, successor, joined_on=None, reason=f"Tiếp tục từ năm {previous.year}", lineage_note=note)
                    notes.append(note.replace("Kế thừa", f"{successor.name} kế thừa", 1))
                except ActionError as error:
                    notes.append(error.message)
    record(
        actor=actor, action="blocs.year.open", obj=bloc_year,
        changes={"year": [None, year], "members": [None, bloc_year.memberships.count()]}, note="\n".join(notes),
    )
    return bloc_year, notes


@transaction.atomic
def do_add_member(*, actor, bloc_year: BlocYear, unit: Unit, joined_on: dt.date | None = None, reason: str = "") -> Membership:
    ensure(actor, "bloc.manage", province=bloc_year.province_id)
    membership = _add_membership(bloc_year, unit, joined_on=joined_on, reason=reason)
    record(actor=actor, action="blocs.member.add", obj=membership, changes=diff({}, snapshot(membership)))
    return membership


@transaction.atomic
def do_add_members(
    *, actor, bloc_year: BlocYear, units: list[Unit], joined_on: dt.date | None = None, reason: str = ""
) -> list[Membership]:
    """Add several units at once (one submit): all of them or none, one audit row per membership."""
    ensure(actor, "bloc.manage", province=bloc_year.province_id)
    units = list(dict.fromkeys(units))
    if not units:
        raise ActionError("Hãy chọn ít nhất một đơn vị.", field="units")
    problems: list[str] = []
    added: list[Membership] = []
    for unit in units:
        try:
            added.append(_add_membership(bloc_year, unit, joined_on=joined_on, reason=reason))
        except ActionError as error:
            problems.append(error.message)
    if problems:
        raise ActionError("Chưa thêm đơn vị nào: " + " ".join(problems), field="units")
    for membership in added:
        record(actor=actor, action="blocs.member.add", obj=membership, changes=diff({}, snapshot(membership)))
    return added


@transaction.atomic
def do_remove_member(*, actor, membership: Membership, left_on: dt.date, reason: str) -> Membership:
    ensure(actor, "bloc.manage", province=membership.province_id)
    if membership.left_on is not None:
        raise ActionError("Đơn vị đã rời khối trước đó.")
    if not reason or not reason.strip():
        raise ActionError("Hãy ghi lý do đơn vị rời khối.", field="reason")
    if left_on is None:
        raise ActionError("Hãy nhập ngày rời khối.", field="left_on")
    if membership.joined_on and left_on < membership.joined_on:
        raise ActionError("Ngày rời khối không được trước ngày tham gia.", field="left_on")
    bloc_year = membership.bloc_year
    if membership.unit_id in (bloc_year.head_unit_id, bloc_year.deputy_unit_id):
        raise ActionError(f"{membership.unit.name} đang là Trưởng hoặc Phó Trưởng khối năm {bloc_year.year}; hãy chọn đơn vị khác trước.")
    before = snapshot(membership)
    updated = Membership.objects.filter(pk=membership.pk, left_on__isnull=True).update(left_on=left_on, reason=reason.strip())
    if updated != 1:
        raise ActionError("Đã có người cập nhật thành viên này. Hãy tải lại trang.")
    membership.refresh_from_db()
    record(actor=actor, action="blocs.member.remove", obj=membership, changes=diff(before, snapshot(membership)))
    return membership


@transaction.atomic
def do_set_leadership(
    *,
    actor,
    bloc_year: BlocYear,
    head_unit: Unit,
    deputy_unit: Unit | None,
    selected_by: str = HeadSelection.ELECTION,
    decided_on: dt.date | None = None,
    note: str = "",
    expected_version: int,
) -> BlocYear:
    """Record the head and deputy the meeting chose for this year."""
    bloc = bloc_year.bloc
    ensure(actor, "bloc.lead", province=bloc_year.province_id, bloc=bloc)
    members = set(bloc_year.memberships.filter(left_on__isnull=True).values_list("unit_id", flat=True))
    if len(members) < MIN_MEMBERS:
        raise ActionError(f"Khối năm {bloc_year.year} cần ít nhất {MIN_MEMBERS} đơn vị thành viên.")
    if head_unit is None:
        raise ActionError("Hãy chọn đơn vị Trưởng khối.", field="head_unit")
    # The deputy may be left empty when the meeting's record does not name one.
    if deputy_unit is not None and head_unit.pk == deputy_unit.pk:
        raise ActionError("Trưởng khối và Phó Trưởng khối phải là hai đơn vị khác nhau.", field="deputy_unit")
    for unit, label in ((head_unit, "Trưởng khối"), (deputy_unit, "Phó Trưởng khối")):
        if unit is not None and unit.pk not in members:
            raise ActionError(f"{unit.name} không phải thành viên của khối năm {bloc_year.year}, không thể làm {label}.")
    if bloc.no_consecutive_head:
        previous = BlocYear.objects.filter(bloc=bloc, year=bloc_year.year - 1).first()
        if previous is not None and previous.head_unit_id == head_unit.pk:
            raise ActionError(
                f"{head_unit.name} đã làm Trưởng khối năm {previous.year}. Khối đang đặt quy định không làm Trưởng khối hai năm liền "
                "(có thể đổi trong thông tin khối)."
            )
    if selected_by not in HeadSelection.values:
        raise ActionError("Cách chọn Trưởng khối không hợp lệ.", field="selected_by")
    before = snapshot(bloc_year)
    bloc_year.head_unit = head_unit
    bloc_year.deputy_unit = deputy_unit
    bloc_year.head_selected_by = selected_by
    bloc_year.head_decided_on = decided_on
    bloc_year.head_decision_note = note.strip()
    normalise_text_fields(bloc_year)
    save_with_version(bloc_year, expected_version, ["head_unit", "deputy_unit", "head_selected_by", "head_decided_on", "head_decision_note"])
    record(actor=actor, action="blocs.year.leadership", obj=bloc_year, changes=diff(before, snapshot(bloc_year)))
    return bloc_year


@transaction.atomic
def do_set_rotation(*, actor, bloc: Bloc, units: list[Unit]) -> list[RotationSlot]:
    ensure(actor, "bloc.manage", province=bloc.province_id)
    if len({u.pk for u in units}) != len(units):
        raise ActionError("Một đơn vị chỉ được xuất hiện một lần trong thứ tự luân phiên.")
    for unit in units:
        _unit_allowed_in(bloc, unit)
    before = [slot.unit.name for slot in bloc.rotation.select_related("unit")]
    bloc.rotation.all().delete()
    slots = [RotationSlot(province_id=bloc.province_id, bloc=bloc, unit=unit, position=i + 1) for i, unit in enumerate(units)]
    RotationSlot.objects.bulk_create(slots)
    record(actor=actor, action="blocs.bloc.rotation", obj=bloc, changes={"rotation": [before, [u.name for u in units]]})
    return slots


def _create_default_deadlines(bloc_year: BlocYear) -> None:
    """The year's calendar from the province's defaults, or the documented national defaults."""
    overrides = {d.kind: (d.month, d.day) for d in DeadlineDefault.objects.filter(province_id=bloc_year.province_id)}
    rows = []
    for kind, (month, day) in {**DEFAULT_DEADLINES, **overrides}.items():
        try:
            due = dt.date(bloc_year.year, month, day)
        except ValueError:
            due = dt.date(bloc_year.year, month, 28)
        rows.append(Deadline(province_id=bloc_year.province_id, bloc_year=bloc_year, kind=kind, due_on=due))
    Deadline.objects.bulk_create(rows)


@transaction.atomic
def do_set_deadline(*, actor, bloc_year: BlocYear, kind: str, due_on: dt.date, note: str = "") -> Deadline:
    ensure(actor, "bloc.lead", province=bloc_year.province_id, bloc=bloc_year.bloc_id)
    if kind not in DeadlineKind.values:
        raise ActionError("Loại hạn không hợp lệ.", field="kind")
    if due_on is None:
        raise ActionError("Hãy nhập ngày hạn (ngày/tháng/năm).", field="due_on")
    if not (bloc_year.year - 1 <= due_on.year <= bloc_year.year + 1):
        raise ActionError(f"Hạn phải nằm trong khoảng năm {bloc_year.year - 1}–{bloc_year.year + 1}.", field="due_on")
    deadline = Deadline.objects.filter(bloc_year=bloc_year, kind=kind).first()
    before = snapshot(deadline) if deadline else {}
    if deadline is None:
        deadline = Deadline(province_id=bloc_year.province_id, bloc_year=bloc_year, kind=kind, due_on=due_on, note=note)
    else:
        deadline.due_on, deadline.note = due_on, note
    normalise_text_fields(deadline)
    deadline.save()
    record(actor=actor, action="blocs.deadline.set", obj=deadline, object_repr=f"{deadline.get_kind_display()} — {bloc_year}", changes=diff(before, snapshot(deadline)))
    return deadline


# ---------------------------------------------------------------- covenant (giao ước thi đua)


def _covenant_editable(covenant: Covenant) -> None:
    if covenant.state == CovenantState.SIGNED:
        raise ActionError("Giao ước đã ký kết, không sửa được nữa.")


@transaction.atomic
def do_draft_covenant(*, actor, bloc_year: BlocYear, content: str, place: str, title: str = "") -> Covenant:
    """The block head drafts the year's covenant; every current member gets a commitment line."""
    ensure(actor, "bloc.lead", province=bloc_year.province_id, bloc=bloc_year.bloc_id)
    if Covenant.objects.filter(bloc_year=bloc_year).exists():
        raise ActionError(f"Khối đã có giao ước thi đua năm {bloc_year.year}.")
    members = list(bloc_year.memberships.filter(left_on__isnull=True).select_related("unit"))
    if len(members) < MIN_MEMBERS:
        raise ActionError(f"Khối năm {bloc_year.year} cần ít nhất {MIN_MEMBERS} đơn vị thành viên để ký giao ước.")
    covenant = Covenant(
        province_id=bloc_year.province_id, bloc_year=bloc_year,
        title=title or f"Giao ước thi đua năm {bloc_year.year}", content=content or "", place=place or "",
    )
    normalise_text_fields(covenant)
    if not covenant.content:
        raise ActionError("Hãy nhập nội dung giao ước chung.", field="content")
    if not covenant.place:
        raise ActionError("Hãy nhập địa danh (nơi ký giao ước).", field="place")
    covenant.save()
    CovenantCommitment.objects.bulk_create(
        [CovenantCommitment(province_id=bloc_year.province_id, covenant=covenant, unit=m.unit) for m in members]
    )
    record(actor=actor, action="blocs.covenant.create", obj=covenant, changes=diff({}, snapshot(covenant)))
    return covenant


@transaction.atomic
def do_update_covenant(
    *, actor, covenant: Covenant, content: str, place: str, targets: dict[int, str], expected_version: int
) -> Covenant:
    """Edit the shared content and the members' targets. Changing a unit's targets after it
    confirmed clears its confirmation: it must confirm what will be signed."""
    ensure(actor, "bloc.lead", province=covenant.province_id, bloc=covenant.bloc_year.bloc_id)
    _covenant_editable(covenant)
    before = snapshot(covenant)
    covenant.content, covenant.place = content or "", place or ""
    normalise_text_fields(covenant)
    if not covenant.content:
        raise ActionError("Hãy nhập nội dung giao ước chung.", field="content")
    if not covenant.place:
        raise ActionError("Hãy nhập địa danh (nơi ký giao ước).", field="place")
    save_with_version(covenant, expected_version, ["content", "place"])
    changes = diff(before, snapshot(covenant))
    for commitment in covenant.commitments.select_related("unit"):
        if commitment.unit_id not in targets:
            continue
        new_targets = unicodedata.normalize("NFC", targets[commitment.unit_id] or "").strip()
        if new_targets != commitment.targets:
            changes[f"targets:{commitment.unit.name}"] = [commitment.targets, new_targets]
            CovenantCommitment.objects.filter(pk=commitment.pk).update(targets=new_targets, confirmed_at=None, confirmed_by=None)
    if changes:
        record(actor=actor, action="blocs.covenant.update", obj=covenant, changes=changes)
    return covenant


@transaction.atomic
def do_open_covenant(*, actor, covenant: Covenant, expected_version: int) -> Covenant:
    ensure(actor, "bloc.lead", province=covenant.province_id, bloc=covenant.bloc_year.bloc_id)
    if covenant.state != CovenantState.DRAFT:
        raise ActionError("Chỉ gửi lấy xác nhận khi giao ước đang là dự thảo.")
    missing = [c.unit.name for c in covenant.commitments.select_related("unit") if not c.targets.strip()]
    if missing:
        raise ActionError("Chưa nhập chỉ tiêu, cam kết cho: " + ", ".join(missing) + ".")
    updated = Covenant.objects.filter(pk=covenant.pk, version=expected_version, state=CovenantState.DRAFT).update(
        state=CovenantState.CONFIRMING, version=models.F("version") + 1
    )
    if updated != 1:
        raise ConcurrentEditError()
    covenant.refresh_from_db()
    record(actor=actor, action="blocs.covenant.open", obj=covenant, changes={"state": ["Dự thảo", covenant.get_state_display()]})
    return covenant


@transaction.atomic
def do_confirm_commitment(*, actor, commitment: CovenantCommitment, signer_name: str, signer_title: str) -> CovenantCommitment:
    """A member unit confirms its targets and names who signs for it."""
    ensure(actor, "registration.edit", unit=commitment.unit)
    covenant = commitment.covenant
    if covenant.state != CovenantState.CONFIRMING:
        raise ActionError("Giao ước chưa được gửi lấy xác nhận hoặc đã ký kết.")
    signer_name = unicodedata.normalize("NFC", signer_name or "").strip()
    signer_title = unicodedata.normalize("NFC", signer_title or "").strip()
    if not signer_name:
        raise ActionError("Hãy nhập họ tên người ký thay mặt đơn vị.", field="signer_name")
    if not signer_title:
        raise ActionError("Hãy nhập chức vụ người ký.", field="signer_title")
    updated = CovenantCommitment.objects.filter(pk=commitment.pk, confirmed_at__isnull=True).update(
        signer_name=signer_name, signer_title=signer_title, confirmed_at=timezone.now(),
        confirmed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if updated != 1:
        raise ActionError(f"{commitment.unit.name} đã xác nhận giao ước trước đó.")
    commitment.refresh_from_db()
    record(actor=actor, action="blocs.covenant.confirm", obj=commitment, object_repr=f"{commitment.unit.name} xác nhận {covenant.title}",
           changes={"signer_name": [None, signer_name], "signer_title": [None, signer_title]})
    return commitment


@transaction.atomic
def do_sign_covenant(*, actor, covenant: Covenant, signed_on: dt.date, expected_version: int) -> Covenant:
    ensure(actor, "bloc.lead", province=covenant.province_id, bloc=covenant.bloc_year.bloc_id)
    if covenant.state != CovenantState.CONFIRMING:
        raise ActionError("Giao ước phải được các đơn vị xác nhận trước khi ký kết.")
    waiting = [c.unit.name for c in covenant.commitments.select_related("unit") if c.confirmed_at is None]
    if waiting:
        raise ActionError("Còn đơn vị chưa xác nhận: " + ", ".join(waiting) + ".")
    if signed_on is None:
        raise ActionError("Hãy nhập ngày ký kết.", field="signed_on")
    updated = Covenant.objects.filter(pk=covenant.pk, version=expected_version, state=CovenantState.CONFIRMING).update(
        state=CovenantState.SIGNED, signed_on=signed_on, version=models.F("version") + 1
    )
    if updated != 1:
        raise ConcurrentEditError()
    covenant.refresh_from_db()
    record(actor=actor, action="blocs.covenant.sign", obj=covenant,
           changes={"state": ["Đang lấy xác nhận của các đơn vị", "Đã ký kết"], "signed_on": [None, signed_on.isoformat()]})
    return covenant


# ---------------------------------------------------------------- meetings


MEETING_FIELDS = ["kind", "held_on", "place", "chair", "guests", "minutes"]


def _check_meeting(meeting: Meeting, bloc_year: BlocYear, attending: list[Unit]) -> None:
    normalise_text_fields(meeting)
    if meeting.kind not in MeetingKind.values:
        raise ActionError("Loại hội nghị không hợp lệ.", field="kind")
    if meeting.held_on is None:
        raise ActionError("Hãy nhập ngày họp.", field="held_on")
    # A year's tổng kết is often held in the first quarter of the next year (central blocks: March).
    if not (bloc_year.year - 1 <= meeting.held_on.year <= bloc_year.year + 1):
        raise ActionError(f"Ngày họp phải trong khoảng năm {bloc_year.year - 1}–{bloc_year.year + 1}.", field="held_on")
    if not meeting.place:
        raise ActionError("Hãy nhập địa điểm họp.", field="place")
    members = set(bloc_year.memberships.values_list("unit_id", flat=True))
    strangers = [u.name for u in attending if u.pk not in members]
    if strangers:
        raise ActionError("Không phải đơn vị thành viên (hãy ghi vào khách mời): " + ", ".join(strangers) + ".", field="attending")


@transaction.atomic
def do_record_meeting(*, actor, bloc_year: BlocYear, data: dict[str, Any], attending: list[Unit]) -> Meeting:
    ensure(actor, "bloc.lead", province=bloc_year.province_id, bloc=bloc_year.bloc_id)
    meeting = Meeting(province_id=bloc_year.province_id, bloc_year=bloc_year, **{k: v for k, v in data.items() if k in MEETING_FIELDS})
    _check_meeting(meeting, bloc_year, attending)
    meeting.save()
    MeetingAttendance.objects.bulk_create(
        [MeetingAttendance(province_id=bloc_year.province_id, meeting=meeting, unit=u) for u in attending]
    )
    changes = diff({}, snapshot(meeting))
    changes["attending"] = [None, sorted(u.name for u in attending)]
    record(actor=actor, action="blocs.meeting.create", obj=meeting, changes=changes)
    return meeting


@transaction.atomic
def do_update_meeting(*, actor, meeting: Meeting, data: dict[str, Any], attending: list[Unit], expected_version: int) -> Meeting:
    bloc_year = meeting.bloc_year
    ensure(actor, "bloc.lead", province=bloc_year.province_id, bloc=bloc_year.bloc_id)
    before = snapshot(meeting)
    before["attending"] = sorted(meeting.attendance.values_list("unit__name", flat=True))
    for key, value in data.items():
        if key in MEETING_FIELDS:
            setattr(meeting, key, value)
    _check_meeting(meeting, bloc_year, attending)
    save_with_version(meeting, expected_version, MEETING_FIELDS)
    # Units still attending keep their row (and their check-in at the live conference).
    keep = {u.pk for u in attending}
    meeting.attendance.exclude(unit_id__in=keep).delete()
    existing = set(meeting.attendance.values_list("unit_id", flat=True))
    MeetingAttendance.objects.bulk_create(
        [MeetingAttendance(province_id=bloc_year.province_id, meeting=meeting, unit=u) for u in attending if u.pk not in existing]
    )
    after = snapshot(meeting)
    after["attending"] = sorted(u.name for u in attending)
    changes = diff(before, after)
    if changes:
        record(actor=actor, action="blocs.meeting.update", obj=meeting, changes=changes)
    return meeting


# ---------------------------------------------------------------- review reports

REPORT_SECTIONS = ["situation", "results", "deliberation", "proposals", "directions"]


@transaction.atomic
def do_save_report(*, actor, bloc_year: BlocYear, kind: str, sections: dict[str, str], expected_version: int | None) -> BlocReport:
    """Create or edit the narrative sections of the block's sơ kết / tổng kết report."""
    ensure(actor, "bloc.lead", province=bloc_year.province_id, bloc=bloc_year.bloc_id)
    if kind not in ReportKind.values:
        raise ActionError("Loại báo cáo không hợp lệ.", field="kind")
    report = BlocReport.objects.filter(bloc_year=bloc_year, kind=kind).first()
    if report is None:
        report = BlocReport(province_id=bloc_year.province_id, bloc_year=bloc_year, kind=kind, **{k: sections.get(k, "") for k in REPORT_SECTIONS})
        normalise_text_fields(report)
        report.save()
        record(actor=actor, action="blocs.report.create", obj=report, changes=diff({}, snapshot(report)))
        return report
    before = snapshot(report)
    for key in REPORT_SECTIONS:
        if key in sections:
            setattr(report, key, sections[key] or "")
    normalise_text_fields(report)
    changes = diff(before, snapshot(report))
    if changes:
        save_with_version(report, expected_version if expected_version is not None else -1, REPORT_SECTIONS)
        record(actor=actor, action="blocs.report.update", obj=report, changes=changes)
    return report


@transaction.atomic
def do_set_deadline_defaults(*, actor, province: Province, defaults: dict[str, tuple[int, int]]) -> list[DeadlineDefault]:
    """The province's default calendar (day, month per item) used when a block opens a year."""
    ensure(actor, "bloc.manage", province=province)
    rows = []
    changes: dict[str, list] = {}
    existing = {d.kind: d for d in DeadlineDefault.objects.filter(province=province)}
    for kind, (month, day) in defaults.items():
        if kind not in DeadlineKind.values:
            raise ActionError("Loại hạn không hợp lệ.")
        try:
            dt.date(2001, month, day)  # a common year: 29/02 is refused
        except (TypeError, ValueError):
            raise ActionError(f"Ngày {day}/{month} không hợp lệ cho “{DeadlineKind(kind).label}”.", field=kind) from None
        old = existing.get(kind)
        before = f"{old.day:02d}/{old.month:02d}" if old else "{:02d}/{:02d} (mặc định)".format(*reversed(DEFAULT_DEADLINES[kind]))
        after = f"{day:02d}/{month:02d}"
        if old is None:
            old = DeadlineDefault(province=province, kind=kind, month=month, day=day)
            old.save()
        elif (old.month, old.day) != (month, day):
            DeadlineDefault.objects.filter(pk=old.pk).update(month=month, day=day)
        else:
            rows.append(old)
            continue
        changes[DeadlineKind(kind).label] = [before, after]
        rows.append(old)
    if changes:
        record(actor=actor, action="blocs.deadline.defaults", province=province, object_type="blocs.deadlinedefault",
               object_repr=f"Lịch mặc định của {province}", changes=changes)
    return rows


# ---------------------------------------------------------------- the live conference (issue #18)


def _lead_meeting(actor, meeting: Meeting) -> None:
    ensure(actor, "bloc.lead", province=meeting.province_id, bloc=meeting.bloc_year.bloc_id)


AGENDA_FIELDS = ["kind", "title", "poll", "covenant", "decision", "conclusion"]


def _check_agenda_item(item: AgendaItem, meeting: Meeting) -> None:
    normalise_text_fields(item)
    if item.kind not in AgendaKind.values:
        raise ActionError("Hãy chọn loại nội dung của chương trình.", field="kind")
    if item.poll_id and item.kind not in POLL_KINDS:
        raise ActionError("Chỉ nội dung bình xét, biểu quyết hoặc bầu Trưởng khối mới gắn với một cuộc bỏ phiếu.", field="poll")
    if item.poll_id and item.poll.meeting_id != meeting.pk:
        raise ActionError("Cuộc bỏ phiếu này không thuộc hội nghị.", field="poll")
    if item.poll_id and AgendaItem.objects.filter(meeting=meeting, poll_id=item.poll_id).exclude(pk=item.pk).exists():
        raise ActionError("Cuộc bỏ phiếu này đã có trong chương trình hội nghị.", field="poll")
    # A tổng kết often signs the next year's covenant.
    if item.covenant_id and (
        item.kind != AgendaKind.COVENANT or item.covenant.bloc_year.bloc_id != meeting.bloc_year.bloc_id
        or item.covenant.bloc_year.year not in (meeting.bloc_year.year, meeting.bloc_year.year + 1)
    ):
        raise ActionError("Giao ước phải là giao ước của khối năm này hoặc năm sau, gắn với nội dung ký kết giao ước.", field="covenant")
    if item.decision_id and item.decision.province_id != meeting.province_id:
        raise ActionError("Quyết định khen thưởng không thuộc tỉnh của khối.", field="decision")
    if not item.title:
        item.title = item.poll.title if item.poll_id else (item.covenant.title if item.covenant_id else "")
    if not item.title:
        raise ActionError("Hãy nhập nội dung của mục chương trình.", field="title")
    if len(item.title) > 255:
        raise ActionError("Nội dung quá dài (tối đa 255 ký tự).", field="title")


@transaction.atomic
def do_add_agenda_item(*, actor, meeting: Meeting, data: dict[str, Any]) -> AgendaItem:
    """Add an item at the end of the meeting's agenda, linked to what it acts on."""
    _lead_meeting(actor, meeting)
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    last = AgendaItem.objects.filter(meeting=meeting).aggregate(m=models.Max("position"))["m"] or 0
    item = AgendaItem(province_id=meeting.province_id, meeting=meeting, position=last + 1,
                      **{k: v for k, v in data.items() if k in AGENDA_FIELDS and v is not None})
    _check_agenda_item(item, meeting)
    item.save()
    record(actor=actor, action="blocs.agenda.add", obj=item, changes=diff({}, snapshot(item)))
    return item


@transaction.atomic
def do_update_agenda_item(*, actor, item: AgendaItem, data: dict[str, Any], expected_version: int) -> AgendaItem:
    """Edit an item (its title, links, the meeting's conclusion on it)."""
    _lead_meeting(actor, item.meeting)
    before = snapshot(item)
    for key, value in data.items():
        if key in AGENDA_FIELDS:
            setattr(item, key, value)
    _check_agenda_item(item, item.meeting)
    save_with_version(item, expected_version, AGENDA_FIELDS)
    changes = diff(before, snapshot(item))
    if changes:
        record(actor=actor, action="blocs.agenda.update", obj=item, changes=changes)
    return item


@transaction.atomic
def do_remove_agenda_item(*, actor, item: AgendaItem) -> None:
    _lead_meeting(actor, item.meeting)
    if item.state != AgendaState.WAITING:
        raise ActionError("Chỉ bỏ được nội dung chưa tiến hành.")
    record(actor=actor, action="blocs.agenda.remove", obj=item, changes=diff(snapshot(item), {}))
    item.delete()


@transaction.atomic
def do_set_live_item(*, actor, meeting: Meeting, item: AgendaItem | None, expected_version: int) -> Meeting:
    """Move the meeting to `item` (the one live item; the previous one is done), or end the
    agenda (`item` None: every item done). `expected_version` is the meeting's: two secretaries
    moving at once do not skip an item."""
    _lead_meeting(actor, meeting)
    if item is not None and item.meeting_id != meeting.pk:
        raise ActionError("Nội dung này không thuộc chương trình của hội nghị.")
    current = AgendaItem.objects.filter(meeting=meeting, state=AgendaState.LIVE).first()
    if item is not None and current is not None and current.pk == item.pk:
        return meeting
    save_with_version(meeting, expected_version, [])
    now = timezone.now()
    if current is not None:
        AgendaItem.objects.filter(pk=current.pk).update(state=AgendaState.DONE, version=models.F("version") + 1, updated_at=now)
    if item is None:
        AgendaItem.objects.filter(meeting=meeting).exclude(state=AgendaState.DONE).update(
            state=AgendaState.DONE, version=models.F("version") + 1, updated_at=now
        )
    else:
        AgendaItem.objects.filter(pk=item.pk).update(
            state=AgendaState.LIVE, started_at=item.started_at or now, version=models.F("version") + 1, updated_at=now
        )
    record(
        actor=actor, action="blocs.agenda.live", obj=meeting,
        changes={"live_item": [current.title if current else None, item.title if item else "Kết thúc chương trình"]},
    )
    return meeting


def _mark_present_in_open_polls(meeting: Meeting, unit: Unit) -> None:
    """A unit checked in is present in the meeting's open polls too (their quorum)."""
    from thidua.voting.models import PollState, Voter

    Voter.objects.filter(poll__meeting=meeting, poll__state=PollState.OPEN, unit=unit, is_present=False).update(
        is_present=True, updated_at=timezone.now(), version=models.F("version") + 1
    )


@transaction.atomic
def do_check_in(*, actor, meeting: Meeting, unit: Unit | None = None, token: str | None = None) -> tuple[MeetingAttendance, bool]:
    """Check a member unit in. With `unit`: the secretary (Trưởng khối, cán bộ TĐKT tỉnh) checks it
    in by hand. Without: the actor's own unit, from the QR `token` shown on the projector (single
    use, short-lived) or, with no token, through the API by the member's own account. Returns the
    attendance and whether it was new; a unit already present is answered as it is (nothing
    written), so a second call is not an error."""
    from thidua.blocs import conference
    from thidua.core.errors import NotPermitted, StateConflict

    if unit is not None:
        _lead_meeting(actor, meeting)
        method = CheckInMethod.SECRETARY
        if not conference.member_units(meeting).filter(pk=unit.pk).exists():
            raise ActionError(f"{unit.name} không phải đơn vị thành viên của khối năm {meeting.bloc_year.year} (khách mời không điểm danh).", field="unit")
    else:
        ensure(actor, "poll.vote")
        method = CheckInMethod.QR if token is not None else CheckInMethod.API
        if token is not None:
            try:
                conference.check_token(meeting, token)
            except conference.TokenProblem as exc:
                raise ActionError(str(exc), field="token") from exc
        units = conference.units_represented_by(meeting, actor)
        if not units:
            raise NotPermitted(
                "Tài khoản của bạn không đại diện cho đơn vị thành viên nào của khối tại hội nghị này, nên không điểm danh được "
                "(khách mời dự họp, không biểu quyết). Nếu có nhầm lẫn, hãy báo thư ký hội nghị."
            )
        unit = units[0]
        if token is not None:
            used = CheckInTokenUse.objects.filter(digest=conference.token_digest(meeting, token)).first()
            if used is not None and used.user_id != actor.pk:
                raise StateConflict("Mã điểm danh này đã được dùng. Hãy quét mã QR mới đang hiện trên màn hình hội nghị.", field="token")
    existing = MeetingAttendance.objects.filter(meeting=meeting, unit=unit).first()
    if existing is not None and existing.checked_in_at is not None:
        return existing, False
    if token is not None:
        try:
            with transaction.atomic():
                CheckInTokenUse.objects.create(meeting=meeting, province_id=meeting.province_id, digest=conference.token_digest(meeting, token), user=actor)
        except IntegrityError as exc:
            raise StateConflict("Mã điểm danh này đã được dùng. Hãy quét mã QR mới đang hiện trên màn hình hội nghị.", field="token") from exc
    person = (actor.get_full_name() or actor.get_username()) if actor is not None and method != CheckInMethod.SECRETARY else ""
    now = timezone.now()
    if existing is not None:
        # Listed beforehand without a time: the check-in completes the row.
        MeetingAttendance.objects.filter(pk=existing.pk).update(
            checked_in_at=now, checked_in_by=actor, method=method, representative=existing.representative or person,
            updated_at=now, version=models.F("version") + 1,
        )
        existing.refresh_from_db()
        attendance = existing
    else:
        try:
            with transaction.atomic():
                attendance = MeetingAttendance.objects.create(
                    province_id=meeting.province_id, meeting=meeting, unit=unit, representative=person, checked_in_at=now,
                    checked_in_by=actor, method=method,
                )
        except IntegrityError:
            # Checked in by someone else a moment ago: the same answer as a second call.
            return MeetingAttendance.objects.get(meeting=meeting, unit=unit), False
    _mark_present_in_open_polls(meeting, unit)
    record(
        actor=actor, action="blocs.meeting.check_in", obj=meeting,
        changes={"attending": [None, unit.name], "method": [None, CheckInMethod(method).label]},
    )
    return attendance, True


@transaction.atomic
def do_create_screen_link(*, actor, meeting: Meeting, label: str) -> tuple[ScreenLink, str]:
    """A read-only link for the hall's projector; the secret is shown once, only its digest kept."""
    import hashlib
    import secrets

    _lead_meeting(actor, meeting)
    label = unicodedata.normalize("NFC", label or "").strip() or "Màn hình hội trường"
    if len(label) > 100:
        raise ActionError("Tên màn hình tối đa 100 ký tự.", field="label")
    secret = secrets.token_urlsafe(24)
    link = ScreenLink.objects.create(
        province_id=meeting.province_id, meeting=meeting, label=label, prefix=secret[:6],
        digest=hashlib.sha256(secret.encode()).hexdigest(), created_by=actor,
    )
    record(actor=actor, action="blocs.screen.create", obj=link, changes={"label": [None, label], "prefix": [None, link.prefix]})
    return link, secret


@transaction.atomic
def do_revoke_screen_link(*, actor, link: ScreenLink) -> ScreenLink:
    _lead_meeting(actor, link.meeting)
    if link.revoked_at is not None:
        raise ActionError("Đường dẫn màn hình này đã bị thu hồi trước đó.")
    link.revoked_at = timezone.now()
    ScreenLink.objects.filter(pk=link.pk).update(revoked_at=link.revoked_at, version=models.F("version") + 1)
    record(actor=actor, action="blocs.screen.revoke", obj=link, changes={"revoked_at": [None, link.revoked_at.isoformat()]})
    return link
