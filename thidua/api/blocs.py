"""/api/v1 resources of the block year: blocks, their years, members, leadership, deadlines,
covenant, meetings, review reports, movements, registrations and the generated documents.

Thin like the pages of thidua/blocs/views.py and thidua/movements/views.py: `requires()` checks
the broad role (a Trưởng khối's right is block-scoped, so the leadership, covenant, meeting and
report endpoints are reachable with "registry.view" and the action then checks "bloc.lead"),
get_scoped_or_404 the scope (outside it answers 404 like a missing object) and the domain actions
do every write with their audit rows and compare-and-set. Objects are named by their uid.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

import datetime as dt
from typing import Any, Dict, List, Literal, Optional
from uuid import UUID

from django.db.models import Q
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from thidua.api.auth import requires
from thidua.api.errors import ReferenceNotFound
from thidua.api.registry import ErrorOut, PageParams, _page, _ref, _text_fields, _user
from thidua.blocs import actions as bloc_actions
from thidua.blocs import selectors as bloc_selectors
from thidua.blocs.models import (
    Bloc,
    BlocKind,
    BlocReport,
    BlocYear,
    Covenant,
    CovenantCommitment,
    DeadlineKind,
    HeadSelection,
    Meeting,
    MeetingKind,
    Membership,
    ReportKind,
)
from thidua.core.access import ensure, get_scoped_or_404, scope_of, scoped
from thidua.core.db import vi_order
from thidua.core.errors import ActionError, NotPermitted
from thidua.documents import actions as document_actions
from thidua.documents.models import IssuedDocument
from thidua.movements import actions as movement_actions
from thidua.movements.models import Movement, MovementKind, MovementLevel, Registration, SubjectKind
from thidua.movements.selectors import rollup
from thidua.org import selectors as org_selectors
from thidua.org.models import Person, Province, Unit
from thidua.awards.selectors import award_label
from thidua.rules.catalogue import AWARD_CODES, AWARD_NAMES
from thidua.rules.workflows import (
    MOVEMENT_ACTIONS,
    MOVEMENT_STATES,
    MOVEMENT_TRANSITIONS,
    REGISTRATION_EDITABLE,
    REGISTRATION_STATES,
    allowed_actions,
)

TAG_BLOCS = "Khối, cụm thi đua"
TAG_YEARS = "Năm thi đua của khối"
TAG_COVENANT = "Giao ước thi đua"
TAG_MEETINGS = "Hội nghị, báo cáo của khối"
TAG_MOVEMENTS = "Phong trào thi đua"
TAG_REGISTRATIONS = "Đăng ký thi đua"
TAG_DOCUMENTS = "Văn bản"

router = Router(tags=[TAG_BLOCS])

BlocKindCode = Literal[tuple(BlocKind.values)]  # type: ignore[valid-type]
HeadSelectionCode = Literal[tuple(HeadSelection.values)]  # type: ignore[valid-type]
DeadlineKindCode = Literal[tuple(DeadlineKind.values)]  # type: ignore[valid-type]
MeetingKindCode = Literal[tuple(MeetingKind.values)]  # type: ignore[valid-type]
ReportKindCode = Literal[tuple(ReportKind.values)]  # type: ignore[valid-type]
MovementKindCode = Literal[tuple(MovementKind.values)]  # type: ignore[valid-type]
MovementLevelCode = Literal[tuple(MovementLevel.values)]  # type: ignore[valid-type]
MovementStateCode = Literal[tuple(MOVEMENT_STATES)]  # type: ignore[valid-type]
MovementActionCode = Literal[tuple(MOVEMENT_ACTIONS)]  # type: ignore[valid-type]
SubjectKindCode = Literal[tuple(SubjectKind.values)]  # type: ignore[valid-type]
AwardCode = Literal[AWARD_CODES]  # type: ignore[valid-type]

ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut}


# ---------------------------------------------------------------- schemas: references


class UnitRef(Schema):
    uid: UUID
    name: str


class BlocRef(Schema):
    uid: UUID
    name: str


class PersonRef(Schema):
    uid: UUID
    full_name: str


class VersionIn(Schema):
    version: int = Field(description="Phiên bản đã đọc (compare-and-set); nếu đã có người sửa trước, API trả 409")


# ---------------------------------------------------------------- schemas: documents


class DocumentOut(Schema):
    uid: UUID
    kind: str
    title: str
    state: str
    state_label: str
    number: str
    issued_on: Optional[dt.date]
    sha256: str = Field(description="SHA-256 của tệp DOCX đã sinh")
    generated_at: dt.datetime
    signed_sha256: str = Field(description="SHA-256 của bản scan đã ký (rỗng khi chưa có)")
    download_url: str = Field(description="Địa chỉ tải tệp DOCX qua API (Bearer token): /api/v1/documents/{uid}/docx")
    pdf_url: str = Field(description="Địa chỉ tải bản PDF qua API (Bearer token): /api/v1/documents/{uid}/pdf")
    version: int


class DocumentRegisterIn(VersionIn):
    number: str = Field(max_length=20, description="Số văn bản văn thư đã cấp, ví dụ 05")
    issued_on: dt.date


# ---------------------------------------------------------------- schemas: blocks and years


class BlocOut(Schema):
    uid: UUID
    name: str
    kind: str
    kind_label: str
    province: UUID
    province_name: str
    parent: Optional[BlocRef]
    founding_decision: str
    founding_date: Optional[dt.date]
    founding_issuer: str
    description: str
    head_selection: str
    head_selection_label: str
    term_start_month: int
    term_start_day: int
    no_consecutive_head: bool
    ended_on: Optional[dt.date]
    years: List[int] = Field(description="Các năm thi đua đã mở, mới nhất trước")
    version: int


class BlocPage(Schema):
    count: int
    limit: int
    offset: int
    items: List[BlocOut]


class BlocIn(Schema):
    province: UUID = Field(description="Tỉnh/thành phố của khối")
    name: str = Field(max_length=255)
    kind: BlocKindCode = "KHOI"  # type: ignore[valid-type]
    parent: Optional[UUID] = Field(None, description="Khối thi đua chứa cụm này (chỉ với cụm)")
    founding_decision: str = Field("", max_length=120)
    founding_date: Optional[dt.date] = None
    founding_issuer: str = Field("", max_length=200)
    description: str = ""
    head_selection: HeadSelectionCode = "ELECTION"  # type: ignore[valid-type]
    term_start_month: int = Field(1, ge=1, le=12)
    term_start_day: int = Field(1, ge=1, le=31)
    no_consecutive_head: bool = True


class BlocPatch(VersionIn):
    name: Optional[str] = Field(None, max_length=255)
    kind: Optional[BlocKindCode] = None  # type: ignore[valid-type]
    parent: Optional[UUID] = None
    founding_decision: Optional[str] = Field(None, max_length=120)
    founding_date: Optional[dt.date] = None
    founding_issuer: Optional[str] = Field(None, max_length=200)
    description: Optional[str] = None
    head_selection: Optional[HeadSelectionCode] = None  # type: ignore[valid-type]
    term_start_month: Optional[int] = Field(None, ge=1, le=12)
    term_start_day: Optional[int] = Field(None, ge=1, le=31)
    no_consecutive_head: Optional[bool] = None


class MembershipOut(Schema):
    uid: UUID
    unit: UnitRef
    joined_on: Optional[dt.date]
    left_on: Optional[dt.date]
    reason: str
    lineage_note: str
    is_current: bool


class DeadlineOut(Schema):
    kind: str
    kind_label: str
    due_on: dt.date
    note: str
    days_left: int = Field(description="Số ngày còn lại đến hạn (âm khi đã quá hạn)")


class BlocYearOut(Schema):
    uid: UUID
    bloc: BlocRef
    year: int
    head_unit: Optional[UnitRef]
    deputy_unit: Optional[UnitRef]
    head_selected_by: str
    head_selected_by_label: str
    head_decided_on: Optional[dt.date]
    head_decision_note: str
    head_term_start: dt.date
    head_term_end: dt.date
    member_count: int
    version: int


class BlocYearDetailOut(BlocYearOut):
    members: List[MembershipOut]
    deadlines: List[DeadlineOut]


class OpenYearIn(Schema):
    year: int = Field(ge=bloc_actions.MIN_YEAR, le=bloc_actions.MAX_YEAR)
    copy_members: bool = Field(True, description="Chuyển các đơn vị thành viên của năm trước sang")


class OpenYearOut(Schema):
    year: BlocYearDetailOut
    notes: List[str] = Field(description="Những điều cần biết khi chuyển thành viên (sáp nhập, giải thể…)")


class MembershipIn(Schema):
    unit: UUID
    joined_on: Optional[dt.date] = None
    reason: str = Field("", max_length=255)


class MembersIn(Schema):
    units: List[UUID] = Field(min_length=1, max_length=200, description="Các đơn vị thêm vào năm thi đua (thêm tất cả hoặc không thêm đơn vị nào)")
    joined_on: Optional[dt.date] = None
    reason: str = Field("", max_length=255)


class LeaveIn(Schema):
    left_on: dt.date
    reason: str = Field(max_length=255)


class LeadershipProposalOut(Schema):
    head: Optional[UnitRef]
    deputy: Optional[UnitRef]
    reasons: List[str]


class LeadershipIn(VersionIn):
    head_unit: UUID = Field(description="uid của đơn vị Trưởng khối (phải là thành viên năm đó)")
    deputy_unit: Optional[UUID] = Field(None, description="uid của đơn vị Phó Trưởng khối (có thể để trống)")
    selected_by: HeadSelectionCode = "ELECTION"  # type: ignore[valid-type]
    decided_on: Optional[dt.date] = None
    note: str = Field("", max_length=255)


class DeadlineIn(Schema):
    due_on: dt.date
    note: str = Field("", max_length=255)


# ---------------------------------------------------------------- schemas: covenant


class CommitmentOut(Schema):
    uid: UUID
    unit: UnitRef
    targets: str
    signer_name: str
    signer_title: str
    confirmed: bool
    confirmed_at: Optional[dt.datetime]


class CovenantOut(Schema):
    uid: UUID
    bloc_year: UUID
    title: str
    content: str
    place: str
    state: str
    state_label: str
    signed_on: Optional[dt.date]
    commitments: List[CommitmentOut]
    document: Optional[DocumentOut]
    version: int


class CovenantIn(Schema):
    content: str = Field(description="Nội dung giao ước chung, mỗi dòng một cam kết")
    place: str = Field(max_length=100, description="Địa danh nơi ký")
    title: str = Field("", max_length=255, description="Mặc định “Giao ước thi đua năm …”")


class TargetIn(Schema):
    unit: UUID
    targets: str


class CovenantPatch(VersionIn):
    content: Optional[str] = None
    place: Optional[str] = Field(None, max_length=100)
    targets: List[TargetIn] = Field(default_factory=list, description="Chỉ tiêu, cam kết của từng đơn vị thành viên")


class SignIn(VersionIn):
    signed_on: dt.date


class ConfirmIn(Schema):
    signer_name: str = Field(max_length=120)
    signer_title: str = Field(max_length=120)


# ---------------------------------------------------------------- schemas: meetings and reports


class MeetingOut(Schema):
    uid: UUID
    bloc_year: UUID
    kind: str
    kind_label: str
    held_on: dt.date
    place: str
    chair: str
    guests: str
    minutes: str
    attending: List[UnitRef]
    version: int


class MeetingIn(Schema):
    kind: MeetingKindCode  # type: ignore[valid-type]
    held_on: dt.date
    place: str = Field(max_length=255)
    chair: str = Field("", max_length=255)
    guests: str = ""
    minutes: str = ""
    attending: List[UUID] = Field(default_factory=list, description="uid các đơn vị thành viên dự họp")


class MeetingPatch(VersionIn):
    kind: Optional[MeetingKindCode] = None  # type: ignore[valid-type]
    held_on: Optional[dt.date] = None
    place: Optional[str] = Field(None, max_length=255)
    chair: Optional[str] = Field(None, max_length=255)
    guests: Optional[str] = None
    minutes: Optional[str] = None
    attending: Optional[List[UUID]] = None


class ReportOut(Schema):
    uid: UUID
    bloc_year: UUID
    kind: str
    kind_label: str
    situation: str
    results: str
    deliberation: str
    proposals: str
    directions: str
    document: Optional[DocumentOut]
    version: int


class ReportIn(Schema):
    version: Optional[int] = Field(None, description="Bỏ trống khi lập mới; gửi phiên bản đã đọc khi sửa")
    situation: Optional[str] = None
    results: Optional[str] = None
    deliberation: Optional[str] = None
    proposals: Optional[str] = None
    directions: Optional[str] = None


# ---------------------------------------------------------------- schemas: movements and registrations


class NextAction(Schema):
    action: str
    label: str


class MovementOut(Schema):
    uid: UUID
    title: str
    kind: str
    kind_label: str
    level: str
    level_label: str
    launched_by: str
    bloc: Optional[BlocRef]
    province: UUID
    start_date: dt.date
    end_date: Optional[dt.date]
    goals: str
    content: str
    plan_number: str
    plan_date: Optional[dt.date]
    has_plan_file: bool
    state: str
    state_label: str
    next_actions: List[NextAction]
    version: int


class MovementPage(Schema):
    count: int
    limit: int
    offset: int
    items: List[MovementOut]


class MovementIn(Schema):
    province: Optional[UUID] = Field(None, description="Tỉnh phát động; mặc định là tỉnh của khối khi là phong trào của khối")
    title: str = Field(max_length=300)
    kind: MovementKindCode = "REGULAR"  # type: ignore[valid-type]
    level: MovementLevelCode = "PROVINCE"  # type: ignore[valid-type]
    launched_by: str = Field("", max_length=200)
    bloc: Optional[UUID] = Field(None, description="Khối, cụm phát động (bắt buộc khi cấp là BLOC)")
    start_date: dt.date
    end_date: Optional[dt.date] = None
    goals: str = ""
    content: str = ""
    plan_number: str = Field("", max_length=80)
    plan_date: Optional[dt.date] = None


class MovementPatch(VersionIn):
    title: Optional[str] = Field(None, max_length=300)
    kind: Optional[MovementKindCode] = None  # type: ignore[valid-type]
    level: Optional[MovementLevelCode] = None  # type: ignore[valid-type]
    launched_by: Optional[str] = Field(None, max_length=200)
    bloc: Optional[UUID] = None
    start_date: Optional[dt.date] = None
    end_date: Optional[dt.date] = None
    goals: Optional[str] = None
    content: Optional[str] = None
    plan_number: Optional[str] = Field(None, max_length=80)
    plan_date: Optional[dt.date] = None


class TransitionIn(VersionIn):
    action: MovementActionCode  # type: ignore[valid-type]
    note: str = ""


class RegistrationItemOut(Schema):
    subject_kind: str
    subject_kind_label: str
    person: Optional[PersonRef]
    award: str
    award_label: str
    note: str


class RegistrationOut(Schema):
    uid: UUID
    bloc_year: UUID
    bloc: BlocRef
    year: int
    unit: UnitRef
    state: str
    state_label: str
    editable: bool = Field(description="Đơn vị còn sửa được (chưa gửi hoặc bị trả lại)")
    targets: str
    return_reason: str
    submitted_at: Optional[dt.datetime]
    decided_at: Optional[dt.datetime]
    items: List[RegistrationItemOut]
    version: int


class RegistrationBrief(Schema):
    uid: UUID
    state: str
    state_label: str
    version: int


class RollupRow(Schema):
    unit: UnitRef
    registration: Optional[RegistrationBrief]
    counts: Dict[str, int] = Field(description="Số dòng đăng ký theo mã danh hiệu, hình thức khen thưởng")
    late: bool = Field(description="Chưa gửi khi đã quá hạn, hoặc gửi sau hạn")


class RollupOut(Schema):
    bloc_year: UUID
    year: int
    deadline: Optional[dt.date]
    can_review: bool
    award_labels: Dict[str, str]
    rows: List[RollupRow]


class StartRegistrationIn(Schema):
    unit: UUID = Field(description="uid của đơn vị thành viên đăng ký")


class RegistrationItemIn(Schema):
    subject_kind: SubjectKindCode  # type: ignore[valid-type]
    person: Optional[UUID] = Field(None, description="uid của cá nhân (khi đăng ký cho cá nhân)")
    award: str = Field(min_length=2, max_length=12, description="Mã trong danh mục khen thưởng (cả hình thức thẩm định thủ công và khen thưởng của tỉnh)")
    note: str = Field("", max_length=255)


class RegistrationIn(VersionIn):
    targets: str = ""
    items: List[RegistrationItemIn] = Field(default_factory=list)


class ReasonIn(VersionIn):
    reason: str = ""


# ---------------------------------------------------------------- renderers


def _unit_ref(unit: Unit | None) -> dict | None:
    return {"uid": unit.uid, "name": unit.name} if unit is not None else None


def document_out(document: IssuedDocument | None) -> dict | None:
    if document is None:
        return None
    return {
        "uid": document.uid,
        "kind": document.kind,
        "title": document.title,
        "state": document.state,
        "state_label": document.get_state_display(),
        "number": document.number,
        "issued_on": document.issued_on,
        "sha256": document.generated_sha256,
        "generated_at": document.generated_at,
        "signed_sha256": document.signed_sha256,
        "download_url": reverse("api:document_docx", kwargs={"uid": document.uid}),
        "pdf_url": reverse("api:document_pdf", kwargs={"uid": document.uid}),
        "version": document.version,
    }


def _document_of(kind: str, source) -> IssuedDocument | None:
    return IssuedDocument.objects.filter(kind=kind, source_key=str(source.uid)).first()


def bloc_out(bloc: Bloc) -> dict:
    return {
        "uid": bloc.uid,
        "name": bloc.name,
        "kind": bloc.kind,
        "kind_label": bloc.get_kind_display(),
        "province": bloc.province.uid,
        "province_name": str(bloc.province),
        "parent": {"uid": bloc.parent.uid, "name": bloc.parent.name} if bloc.parent_id else None,
        "founding_decision": bloc.founding_decision,
        "founding_date": bloc.founding_date,
        "founding_issuer": bloc.founding_issuer,
        "description": bloc.description,
        "head_selection": bloc.head_selection,
        "head_selection_label": bloc.get_head_selection_display(),
        "term_start_month": bloc.term_start_month,
        "term_start_day": bloc.term_start_day,
        "no_consecutive_head": bloc.no_consecutive_head,
        "ended_on": bloc.ended_on,
        "years": sorted((y.year for y in bloc.years.all()), reverse=True),
        "version": bloc.version,
    }


def membership_out(m: Membership) -> dict:
    return {
        "uid": m.uid,
        "unit": _unit_ref(m.unit),
        "joined_on": m.joined_on,
        "left_on": m.left_on,
        "reason": m.reason,
        "lineage_note": m.lineage_note,
        "is_current": m.is_current,
    }


def bloc_year_out(y: BlocYear, detail: bool = False) -> dict:
    start, end = y.head_term()
    out = {
        "uid": y.uid,
        "bloc": {"uid": y.bloc.uid, "name": y.bloc.name},
        "year": y.year,
        "head_unit": _unit_ref(y.head_unit),
        "deputy_unit": _unit_ref(y.deputy_unit),
        "head_selected_by": y.head_selected_by,
        "head_selected_by_label": y.get_head_selected_by_display() if y.head_selected_by else "",
        "head_decided_on": y.head_decided_on,
        "head_decision_note": y.head_decision_note,
        "head_term_start": start,
        "head_term_end": end,
        "member_count": y.memberships.filter(left_on__isnull=True).count(),
        "version": y.version,
    }
    if detail:
        today = dt.date.today()
        out["members"] = [membership_out(m) for m in y.memberships.select_related("unit").order_by(vi_order("unit__name"), "pk")]
        out["deadlines"] = [
            {"kind": d.kind, "kind_label": d.get_kind_display(), "due_on": d.due_on, "note": d.note, "days_left": (d.due_on - today).days}
            for d in y.deadlines.all()
        ]
    return out


def _reload_year(bloc_year: BlocYear) -> BlocYear:
    return BlocYear.objects.select_related("bloc", "head_unit", "deputy_unit").get(pk=bloc_year.pk)


def covenant_out(covenant: Covenant) -> dict:
    commitments = covenant.commitments.select_related("unit").order_by(vi_order("unit__name"), "pk")
    return {
        "uid": covenant.uid,
        "bloc_year": covenant.bloc_year.uid,
        "title": covenant.title,
        "content": covenant.content,
        "place": covenant.place,
        "state": covenant.state,
        "state_label": covenant.get_state_display(),
        "signed_on": covenant.signed_on,
        "commitments": [
            {
                "uid": c.uid, "unit": _unit_ref(c.unit), "targets": c.targets, "signer_name": c.signer_name,
                "signer_title": c.signer_title, "confirmed": c.confirmed_at is not None, "confirmed_at": c.confirmed_at,
            }
            for c in commitments
        ],
        "document": document_out(_document_of("COVENANT", covenant)),
        "version": covenant.version,
    }


def meeting_out(meeting: Meeting) -> dict:
    attending = Unit.objects.filter(pk__in=meeting.attendance.values("unit_id")).order_by(vi_order("name"), "pk")
    return {
        "uid": meeting.uid,
        "bloc_year": meeting.bloc_year.uid,
        "kind": meeting.kind,
        "kind_label": meeting.get_kind_display(),
        "held_on": meeting.held_on,
        "place": meeting.place,
        "chair": meeting.chair,
        "guests": meeting.guests,
        "minutes": meeting.minutes,
        "attending": [_unit_ref(u) for u in attending],
        "version": meeting.version,
    }


def report_out(report: BlocReport) -> dict:
    return {
        "uid": report.uid,
        "bloc_year": report.bloc_year.uid,
        "kind": report.kind,
        "kind_label": report.get_kind_display(),
        **{k: getattr(report, k) for k in bloc_actions.REPORT_SECTIONS},
        "document": document_out(_document_of("BLOC_REPORT", report)),
        "version": report.version,
    }


def movement_out(m: Movement) -> dict:
    return {
        "uid": m.uid,
        "title": m.title,
        "kind": m.kind,
        "kind_label": m.get_kind_display(),
        "level": m.level,
        "level_label": m.get_level_display(),
        "launched_by": m.launched_by,
        "bloc": {"uid": m.bloc.uid, "name": m.bloc.name} if m.bloc_id else None,
        "province": m.province.uid,
        "start_date": m.start_date,
        "end_date": m.end_date,
        "goals": m.goals,
        "content": m.content,
        "plan_number": m.plan_number,
        "plan_date": m.plan_date,
        "has_plan_file": bool(m.plan_file),
        "state": m.state,
        "state_label": MOVEMENT_STATES[m.state],
        "next_actions": [{"action": a, "label": MOVEMENT_ACTIONS[a]} for a in allowed_actions(MOVEMENT_TRANSITIONS, m.state)],
        "version": m.version,
    }


def registration_out(r: Registration) -> dict:
    items = r.items.select_related("person").order_by("subject_kind", "pk")
    return {
        "uid": r.uid,
        "bloc_year": r.bloc_year.uid,
        "bloc": {"uid": r.bloc_year.bloc.uid, "name": r.bloc_year.bloc.name},
        "year": r.bloc_year.year,
        "unit": _unit_ref(r.unit),
        "state": r.state,
        "state_label": REGISTRATION_STATES[r.state],
        "editable": r.state in REGISTRATION_EDITABLE,
        "targets": r.targets,
        "return_reason": r.return_reason,
        "submitted_at": r.submitted_at,
        "decided_at": r.decided_at,
        "items": [
            {
                "subject_kind": i.subject_kind,
                "subject_kind_label": i.get_subject_kind_display(),
                "person": {"uid": i.person.uid, "full_name": i.person.full_name} if i.person_id else None,
                "award": i.award,
                "award_label": i.get_award_display(),
                "note": i.note,
            }
            for i in items
        ],
        "version": r.version,
    }


# ---------------------------------------------------------------- lookups


def _years(user, action: str = "registry.view"):
    return scoped(user, BlocYear.objects.select_related("bloc", "head_unit", "deputy_unit", "province"), action)


def _year(user, uid: UUID, action: str = "registry.view") -> BlocYear:
    return get_scoped_or_404(user, _years(user, action), uid=uid)


def _member_unit(bloc_year: BlocYear, uid: UUID | None, field: str, *, current_only: bool = True) -> Unit | None:
    """A unit a body names among the year's members (the form's choices on the page)."""
    if uid is None:
        return None
    members = bloc_year.memberships.all()
    if current_only:
        members = members.filter(left_on__isnull=True)
    unit = Unit.objects.filter(pk__in=members.values("unit_id"), uid=uid).first()
    if unit is None:
        raise ActionError(f"Đơn vị đã chọn không phải thành viên của khối năm {bloc_year.year}.", field=field)
    return unit


def _lead(user, bloc_year: BlocYear) -> None:
    """The page's check before any form is read: only the block head (or the province's officer)
    runs the block's year. The action checks it again inside its transaction."""
    if not _can(user, "bloc.lead", province=bloc_year.province_id, bloc=bloc_year.bloc_id):
        raise NotPermitted("Chỉ Trưởng khối hoặc cán bộ TĐKT tỉnh mới thực hiện được thao tác này.")


def _can(user, action: str, **target) -> bool:
    try:
        ensure(user, action, **target)
    except ActionError:
        return False
    return True


def _registrations(user, action: str = "registry.view"):
    return scoped(user, Registration.objects.select_related("bloc_year__bloc", "unit"), action)


def _reload_registration(registration: Registration) -> Registration:
    return Registration.objects.select_related("bloc_year__bloc", "unit").get(pk=registration.pk)


def _movements(user, action: str = "registry.view"):
    return scoped(user, Movement.objects.select_related("bloc", "province"), action)


BLOC_TEXT = ("founding_decision", "founding_issuer", "description", "name")
MEETING_TEXT = ("place", "chair", "guests", "minutes")
MOVEMENT_TEXT = ("title", "launched_by", "goals", "content", "plan_number")


# ---------------------------------------------------------------- blocks


@router.get("/blocs", response={200: BlocPage, **ERRORS}, summary="Danh sách khối, cụm thi đua (tìm không dấu, lọc theo loại)")
@requires("registry.view")
def list_blocs(
    request,
    page: Query[PageParams],
    q: Optional[str] = Query(None, description="Tên khối, cụm, không cần dấu", max_length=200),
    kind: Optional[BlocKindCode] = Query(None),  # type: ignore[valid-type]
    status: Literal["active", "ended", "all"] = Query("active", description="active: đang hoạt động; ended: đã giải thể"),
):
    qs = scoped(_user(request), Bloc.objects.select_related("province", "parent").prefetch_related("years"), "registry.view")
    if status == "active":
        qs = qs.filter(ended_on__isnull=True)
    elif status == "ended":
        qs = qs.filter(ended_on__isnull=False)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = org_selectors.search(qs, q)
    return _page(qs.order_by(vi_order("name"), "pk"), page, bloc_out)


@router.get("/blocs/{uid}", response={200: BlocOut, **ERRORS}, summary="Xem một khối, cụm thi đua")
@requires("registry.view")
def get_bloc(request, uid: UUID):
    return bloc_out(get_scoped_or_404(_user(request), Bloc.objects.select_related("province", "parent"), uid=uid))


def _parent_bloc(user, uid: UUID | None) -> Bloc | None:
    return _ref(user, Bloc, uid, "parent", "khối thi đua cấp trên", action="bloc.manage")


@router.post("/blocs", response={201: BlocOut, **ERRORS}, summary="Thêm khối, cụm thi đua")
@requires("bloc.manage")
def create_bloc(request, payload: BlocIn):
    user = _user(request)
    data = _text_fields(payload.dict(), BLOC_TEXT)
    province = _ref(user, Province, data.pop("province"), "province", "tỉnh/thành phố")
    data["parent"] = _parent_bloc(user, data.pop("parent"))
    bloc = bloc_actions.do_create_bloc(actor=user, province=province, data=data)
    return 201, bloc_out(Bloc.objects.select_related("province", "parent").get(pk=bloc.pk))


@router.patch("/blocs/{uid}", response={200: BlocOut, **WRITE_ERRORS}, summary="Sửa thông tin khối, cụm (gửi kèm version)")
@requires("bloc.manage")
def update_bloc(request, uid: UUID, payload: BlocPatch):
    user = _user(request)
    bloc = get_scoped_or_404(user, Bloc.objects.select_related("province", "parent"), "bloc.manage", uid=uid)
    data = _text_fields(payload.dict(exclude_unset=True), BLOC_TEXT)
    version = data.pop("version")
    if "parent" in data:
        data["parent"] = _parent_bloc(user, data["parent"])
    for name in ("kind", "head_selection", "term_start_month", "term_start_day", "no_consecutive_head"):
        if name in data and data[name] is None:
            raise ActionError("Trường này không được để trống.", field=name)
    bloc_actions.do_update_bloc(actor=user, bloc=bloc, data=data, expected_version=version)
    return bloc_out(Bloc.objects.select_related("province", "parent").get(pk=bloc.pk))


@router.get("/blocs/{uid}/years", response={200: List[BlocYearOut], **ERRORS}, summary="Các năm thi đua của khối", tags=[TAG_YEARS])
@requires("registry.view")
def list_bloc_years(request, uid: UUID):
    user = _user(request)
    bloc = get_scoped_or_404(user, Bloc, uid=uid)
    years = BlocYear.objects.filter(bloc=bloc).select_related("bloc", "head_unit", "deputy_unit").order_by("-year")
    return [bloc_year_out(y) for y in years]


@router.post("/blocs/{uid}/years", response={201: OpenYearOut, **ERRORS}, summary="Mở năm thi đua mới của khối", tags=[TAG_YEARS])
@requires("bloc.manage")
def open_bloc_year(request, uid: UUID, payload: OpenYearIn):
    user = _user(request)
    bloc = get_scoped_or_404(user, Bloc, "bloc.manage", uid=uid)
    bloc_year, notes = bloc_actions.do_open_year(actor=user, bloc=bloc, year=payload.year, copy_members=payload.copy_members)
    return 201, {"year": bloc_year_out(_reload_year(bloc_year), detail=True), "notes": notes}


# ---------------------------------------------------------------- years, members, leadership, deadlines


@router.get(
    "/bloc-years/{uid}", response={200: BlocYearDetailOut, **ERRORS},
    summary="Xem một năm thi đua của khối (thành viên, lãnh đạo, các hạn)", tags=[TAG_YEARS],
)
@requires("registry.view")
def get_bloc_year(request, uid: UUID):
    return bloc_year_out(_year(_user(request), uid), detail=True)


@router.post("/bloc-years/{uid}/members", response={201: MembershipOut, **ERRORS}, summary="Thêm đơn vị thành viên vào năm thi đua", tags=[TAG_YEARS])
@requires("bloc.manage")
def add_member(request, uid: UUID, payload: MembershipIn):
    user = _user(request)
    bloc_year = _year(user, uid, "bloc.manage")
    unit = _ref(user, Unit, payload.unit, "unit", "đơn vị", action="bloc.manage")
    membership = bloc_actions.do_add_member(actor=user, bloc_year=bloc_year, unit=unit, joined_on=payload.joined_on, reason=payload.reason)
    return 201, membership_out(Membership.objects.select_related("unit").get(pk=membership.pk))


@router.post(
    "/bloc-years/{uid}/members/batch", response={201: List[MembershipOut], **ERRORS},
    summary="Thêm nhiều đơn vị thành viên cùng lúc (tất cả hoặc không đơn vị nào)", tags=[TAG_YEARS],
)
@requires("bloc.manage")
def add_members(request, uid: UUID, payload: MembersIn):
    user = _user(request)
    bloc_year = _year(user, uid, "bloc.manage")
    units = [_ref(user, Unit, unit_uid, f"units[{i}]", "đơn vị", action="bloc.manage") for i, unit_uid in enumerate(payload.units)]
    added = bloc_actions.do_add_members(actor=user, bloc_year=bloc_year, units=units, joined_on=payload.joined_on, reason=payload.reason)
    return 201, [membership_out(m) for m in Membership.objects.select_related("unit").filter(pk__in=[m.pk for m in added]).order_by("pk")]


@router.post(
    "/memberships/{uid}/leave", response={200: MembershipOut, **WRITE_ERRORS},
    summary="Ghi nhận đơn vị rời khối (ngày và lý do)", tags=[TAG_YEARS],
)
@requires("bloc.manage")
def leave_bloc(request, uid: UUID, payload: LeaveIn):
    user = _user(request)
    membership = get_scoped_or_404(user, Membership.objects.select_related("bloc_year", "unit"), "bloc.manage", uid=uid)
    bloc_actions.do_remove_member(actor=user, membership=membership, left_on=payload.left_on, reason=payload.reason)
    return membership_out(Membership.objects.select_related("unit").get(pk=membership.pk))


@router.get(
    "/bloc-years/{uid}/leadership-proposal", response={200: LeadershipProposalOut, **ERRORS},
    summary="Đề xuất Trưởng khối, Phó Trưởng khối theo luân phiên và lịch sử", tags=[TAG_YEARS],
)
@requires("registry.view")
def leadership_proposal(request, uid: UUID):
    bloc_year = _year(_user(request), uid)
    proposal = bloc_selectors.leadership_proposal(bloc_year)
    units = {u.pk: u for u in Unit.objects.filter(pk__in=[p for p in (proposal.head, proposal.deputy) if p is not None])}
    return {"head": _unit_ref(units.get(proposal.head)), "deputy": _unit_ref(units.get(proposal.deputy)), "reasons": list(proposal.reasons)}


@router.put(
    "/bloc-years/{uid}/leadership", response={200: BlocYearDetailOut, **WRITE_ERRORS},
    summary="Ghi nhận Trưởng khối, Phó Trưởng khối của năm (Trưởng khối hoặc cán bộ TĐKT tỉnh; gửi kèm version)", tags=[TAG_YEARS],
)
@requires("registry.view")
def set_leadership(request, uid: UUID, payload: LeadershipIn):
    user = _user(request)
    bloc_year = _year(user, uid)
    _lead(user, bloc_year)
    head = _member_unit(bloc_year, payload.head_unit, "head_unit")
    deputy = _member_unit(bloc_year, payload.deputy_unit, "deputy_unit")
    bloc_actions.do_set_leadership(
        actor=user, bloc_year=bloc_year, head_unit=head, deputy_unit=deputy, selected_by=payload.selected_by,
        decided_on=payload.decided_on, note=payload.note, expected_version=payload.version,
    )
    return bloc_year_out(_reload_year(bloc_year), detail=True)


@router.put(
    "/bloc-years/{uid}/deadlines/{kind}", response={200: DeadlineOut, **ERRORS},
    summary="Đặt hạn của năm thi đua (đăng ký, ký giao ước, sơ kết, tổng kết, gửi hồ sơ)", tags=[TAG_YEARS],
)
@requires("registry.view")
def set_deadline(request, uid: UUID, kind: DeadlineKindCode, payload: DeadlineIn):  # type: ignore[valid-type]
    user = _user(request)
    bloc_year = _year(user, uid)
    _lead(user, bloc_year)
    d = bloc_actions.do_set_deadline(actor=user, bloc_year=bloc_year, kind=kind, due_on=payload.due_on, note=payload.note)
    return {"kind": d.kind, "kind_label": d.get_kind_display(), "due_on": d.due_on, "note": d.note, "days_left": (d.due_on - dt.date.today()).days}


# ---------------------------------------------------------------- covenant


def _covenant_of_year(bloc_year: BlocYear) -> Covenant:
    covenant = Covenant.objects.filter(bloc_year=bloc_year).select_related("bloc_year__bloc").first()
    if covenant is None:
        raise ReferenceNotFound(f"Khối chưa có giao ước thi đua năm {bloc_year.year}.")
    return covenant


def _covenant(user, uid: UUID) -> Covenant:
    return get_scoped_or_404(user, Covenant.objects.select_related("bloc_year__bloc", "bloc_year__head_unit"), uid=uid)


@router.get("/bloc-years/{uid}/covenant", response={200: CovenantOut, **ERRORS}, summary="Giao ước thi đua của năm", tags=[TAG_COVENANT])
@requires("registry.view")
def get_covenant(request, uid: UUID):
    return covenant_out(_covenant_of_year(_year(_user(request), uid)))


@router.post(
    "/bloc-years/{uid}/covenant", response={201: CovenantOut, **ERRORS},
    summary="Lập dự thảo giao ước thi đua (Trưởng khối hoặc cán bộ TĐKT tỉnh)", tags=[TAG_COVENANT],
)
@requires("registry.view")
def draft_covenant(request, uid: UUID, payload: CovenantIn):
    user = _user(request)
    bloc_year = _year(user, uid)
    _lead(user, bloc_year)
    covenant = bloc_actions.do_draft_covenant(actor=user, bloc_year=bloc_year, content=payload.content, place=payload.place, title=payload.title)
    return 201, covenant_out(covenant)


@router.patch(
    "/covenants/{uid}", response={200: CovenantOut, **WRITE_ERRORS},
    summary="Sửa giao ước và chỉ tiêu của từng đơn vị (gửi kèm version)", tags=[TAG_COVENANT],
)
@requires("registry.view")
def update_covenant(request, uid: UUID, payload: CovenantPatch):
    user = _user(request)
    covenant = _covenant(user, uid)
    _lead(user, covenant.bloc_year)
    units = {u.uid: u.pk for u in Unit.objects.filter(pk__in=covenant.commitments.values("unit_id"))}
    targets: dict[int, str] = {}
    for number, line in enumerate(payload.targets, start=1):
        if line.unit not in units:
            raise ActionError(f"Dòng chỉ tiêu {number}: đơn vị không có trong giao ước.", field="targets")
        targets[units[line.unit]] = line.targets
    bloc_actions.do_update_covenant(
        actor=user, covenant=covenant,
        content=covenant.content if payload.content is None else payload.content,
        place=covenant.place if payload.place is None else payload.place,
        targets=targets, expected_version=payload.version,
    )
    return covenant_out(_covenant(user, uid))


@router.post(
    "/covenants/{uid}/open", response={200: CovenantOut, **WRITE_ERRORS},
    summary="Gửi giao ước để các đơn vị xác nhận (gửi kèm version)", tags=[TAG_COVENANT],
)
@requires("registry.view")
def open_covenant(request, uid: UUID, payload: VersionIn):
    user = _user(request)
    covenant = bloc_actions.do_open_covenant(actor=user, covenant=_covenant(user, uid), expected_version=payload.version)
    return covenant_out(covenant)


@router.post(
    "/commitments/{uid}/confirm", response={200: CovenantOut, **ERRORS},
    summary="Đơn vị xác nhận chỉ tiêu, cam kết và người ký", tags=[TAG_COVENANT],
)
@requires("registration.edit")
def confirm_commitment(request, uid: UUID, payload: ConfirmIn):
    user = _user(request)
    commitment = get_scoped_or_404(user, CovenantCommitment.objects.select_related("covenant__bloc_year", "unit"), "registration.edit", uid=uid)
    bloc_actions.do_confirm_commitment(actor=user, commitment=commitment, signer_name=payload.signer_name, signer_title=payload.signer_title)
    return covenant_out(Covenant.objects.select_related("bloc_year").get(pk=commitment.covenant_id))


@router.post(
    "/covenants/{uid}/sign", response={200: CovenantOut, **WRITE_ERRORS},
    summary="Ghi nhận giao ước đã ký kết (gửi kèm version)", tags=[TAG_COVENANT],
)
@requires("registry.view")
def sign_covenant(request, uid: UUID, payload: SignIn):
    user = _user(request)
    covenant = bloc_actions.do_sign_covenant(actor=user, covenant=_covenant(user, uid), signed_on=payload.signed_on, expected_version=payload.version)
    return covenant_out(covenant)


@router.post(
    "/covenants/{uid}/document", response={200: DocumentOut, **WRITE_ERRORS},
    summary="Sinh văn bản giao ước (DOCX) theo thể thức của đơn vị Trưởng khối", tags=[TAG_COVENANT, TAG_DOCUMENTS],
)
@requires("registry.view")
def generate_covenant_document(request, uid: UUID):
    user = _user(request)
    document = document_actions.do_generate_document(actor=user, kind_code="COVENANT", source=_covenant(user, uid))
    return document_out(document)


# ---------------------------------------------------------------- meetings


def _meeting(user, uid: UUID) -> Meeting:
    return get_scoped_or_404(user, Meeting.objects.select_related("bloc_year__bloc"), uid=uid)


def _attending(bloc_year: BlocYear, uids: list[UUID]) -> list[Unit]:
    return [_member_unit(bloc_year, uid, "attending", current_only=False) for uid in dict.fromkeys(uids)]


@router.get("/bloc-years/{uid}/meetings", response={200: List[MeetingOut], **ERRORS}, summary="Các hội nghị của khối trong năm", tags=[TAG_MEETINGS])
@requires("registry.view")
def list_meetings(request, uid: UUID):
    bloc_year = _year(_user(request), uid)
    return [meeting_out(m) for m in bloc_year.meetings.select_related("bloc_year").order_by("-held_on", "pk")]


@router.post(
    "/bloc-years/{uid}/meetings", response={201: MeetingOut, **ERRORS},
    summary="Ghi nhận hội nghị của khối (Trưởng khối hoặc cán bộ TĐKT tỉnh)", tags=[TAG_MEETINGS],
)
@requires("registry.view")
def record_meeting(request, uid: UUID, payload: MeetingIn):
    user = _user(request)
    bloc_year = _year(user, uid)
    _lead(user, bloc_year)
    data = _text_fields(payload.dict(exclude={"attending"}), MEETING_TEXT)
    meeting = bloc_actions.do_record_meeting(actor=user, bloc_year=bloc_year, data=data, attending=_attending(bloc_year, payload.attending))
    return 201, meeting_out(meeting)


@router.get("/meetings/{uid}", response={200: MeetingOut, **ERRORS}, summary="Xem một hội nghị của khối", tags=[TAG_MEETINGS])
@requires("registry.view")
def get_meeting(request, uid: UUID):
    return meeting_out(_meeting(_user(request), uid))


@router.patch("/meetings/{uid}", response={200: MeetingOut, **WRITE_ERRORS}, summary="Sửa hội nghị của khối (gửi kèm version)", tags=[TAG_MEETINGS])
@requires("registry.view")
def update_meeting(request, uid: UUID, payload: MeetingPatch):
    user = _user(request)
    meeting = _meeting(user, uid)
    _lead(user, meeting.bloc_year)
    data = _text_fields(payload.dict(exclude_unset=True), MEETING_TEXT)
    version = data.pop("version")
    for name in ("kind", "held_on"):
        if name in data and data[name] is None:
            raise ActionError("Trường này không được để trống.", field=name)
    if "attending" in data and data["attending"] is not None:
        attending = _attending(meeting.bloc_year, data.pop("attending"))
    else:
        data.pop("attending", None)
        attending = list(Unit.objects.filter(pk__in=meeting.attendance.values("unit_id")))
    bloc_actions.do_update_meeting(actor=user, meeting=meeting, data=data, attending=attending, expected_version=version)
    return meeting_out(_meeting(user, uid))


# ---------------------------------------------------------------- review reports


def _report(bloc_year: BlocYear, kind: str) -> BlocReport | None:
    return BlocReport.objects.filter(bloc_year=bloc_year, kind=kind).select_related("bloc_year").first()


@router.get(
    "/bloc-years/{uid}/reports/{kind}", response={200: ReportOut, **ERRORS},
    summary="Báo cáo sơ kết (INTERIM) hoặc tổng kết (ANNUAL) của khối", tags=[TAG_MEETINGS],
)
@requires("registry.view")
def get_report(request, uid: UUID, kind: ReportKindCode):  # type: ignore[valid-type]
    bloc_year = _year(_user(request), uid)
    report = _report(bloc_year, kind)
    if report is None:
        raise ReferenceNotFound(f"Khối chưa lập báo cáo {ReportKind(kind).label.lower()} năm {bloc_year.year}.")
    return report_out(report)


@router.put(
    "/bloc-years/{uid}/reports/{kind}", response={200: ReportOut, **WRITE_ERRORS},
    summary="Lập hoặc sửa báo cáo sơ kết, tổng kết (gửi kèm version khi sửa)", tags=[TAG_MEETINGS],
)
@requires("registry.view")
def save_report(request, uid: UUID, kind: ReportKindCode, payload: ReportIn):  # type: ignore[valid-type]
    user = _user(request)
    bloc_year = _year(user, uid)
    _lead(user, bloc_year)
    sections = {k: v for k, v in payload.dict(exclude={"version"}, exclude_unset=True).items() if v is not None}
    report = bloc_actions.do_save_report(actor=user, bloc_year=bloc_year, kind=kind, sections=sections, expected_version=payload.version)
    return report_out(_report(bloc_year, report.kind))


@router.post(
    "/bloc-years/{uid}/reports/{kind}/document", response={200: DocumentOut, **WRITE_ERRORS},
    summary="Sinh văn bản báo cáo sơ kết, tổng kết (DOCX)", tags=[TAG_MEETINGS, TAG_DOCUMENTS],
)
@requires("registry.view")
def generate_report_document(request, uid: UUID, kind: ReportKindCode):  # type: ignore[valid-type]
    user = _user(request)
    bloc_year = _year(user, uid)
    _lead(user, bloc_year)
    report = _report(bloc_year, kind)
    if report is None:
        raise ActionError(f"Hãy lập báo cáo {ReportKind(kind).label.lower()} trước khi sinh văn bản.")
    return document_out(document_actions.do_generate_document(actor=user, kind_code="BLOC_REPORT", source=report))


# ---------------------------------------------------------------- documents


@router.get("/documents/{uid}", response={200: DocumentOut, **ERRORS}, summary="Thông tin một văn bản đã sinh", tags=[TAG_DOCUMENTS])
@requires("registry.view")
def get_document(request, uid: UUID):
    return document_out(get_scoped_or_404(_user(request), IssuedDocument, uid=uid))


@router.post(
    "/documents/{uid}/register", response={200: DocumentOut, **WRITE_ERRORS},
    summary="Ghi số, ngày ban hành văn thư đã cấp và sinh lại tệp (gửi kèm version)", tags=[TAG_DOCUMENTS],
)
@requires("registry.view")
def register_document(request, uid: UUID, payload: DocumentRegisterIn):
    user = _user(request)
    document = get_scoped_or_404(user, IssuedDocument, uid=uid)
    document = document_actions.do_register_document(
        actor=user, document=document, number=payload.number, issued_on=payload.issued_on, expected_version=payload.version
    )
    return document_out(document)


# ---------------------------------------------------------------- movements


@router.get("/movements", response={200: MovementPage, **ERRORS}, summary="Danh sách phong trào thi đua", tags=[TAG_MOVEMENTS])
@requires("registry.view")
def list_movements(
    request,
    page: Query[PageParams],
    q: Optional[str] = Query(None, description="Tên, số kế hoạch, cơ quan phát động; không cần dấu", max_length=200),
    kind: Optional[MovementKindCode] = Query(None),  # type: ignore[valid-type]
    state: Optional[MovementStateCode] = Query(None),  # type: ignore[valid-type]
    year: Optional[int] = Query(None, ge=1990, le=2100, description="Phong trào diễn ra trong năm này"),
):
    qs = _movements(_user(request))
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    if year:
        qs = qs.filter(start_date__year__lte=year).filter(Q(end_date__isnull=True) | Q(end_date__year__gte=year))
    if q:
        qs = org_selectors.search(qs, q)
    return _page(qs.order_by("-start_date", "pk"), page, movement_out)


@router.get("/movements/{uid}", response={200: MovementOut, **ERRORS}, summary="Xem một phong trào thi đua", tags=[TAG_MOVEMENTS])
@requires("registry.view")
def get_movement(request, uid: UUID):
    return movement_out(get_scoped_or_404(_user(request), _movements(_user(request)), uid=uid))


@router.post("/movements", response={201: MovementOut, **ERRORS}, summary="Lập phong trào thi đua", tags=[TAG_MOVEMENTS])
@requires("movement.manage")
def create_movement(request, payload: MovementIn):
    user = _user(request)
    data = _text_fields(payload.dict(), MOVEMENT_TEXT)
    province_uid = data.pop("province")
    data["bloc"] = _ref(user, Bloc, data.pop("bloc"), "bloc", "khối, cụm phát động", action="movement.manage")
    if province_uid is not None:
        province = _ref(user, Province, province_uid, "province", "tỉnh/thành phố")
    elif data["bloc"] is not None:
        province = data["bloc"].province
    else:
        raise ActionError("Hãy chọn tỉnh/thành phố phát động phong trào.", field="province")
    movement = movement_actions.do_create_movement(actor=user, province=province, data=data)
    return 201, movement_out(Movement.objects.select_related("bloc", "province").get(pk=movement.pk))


@router.patch(
    "/movements/{uid}", response={200: MovementOut, **WRITE_ERRORS},
    summary="Sửa phong trào thi đua (gửi kèm version)", tags=[TAG_MOVEMENTS],
)
@requires("movement.manage")
def update_movement(request, uid: UUID, payload: MovementPatch):
    user = _user(request)
    movement = get_scoped_or_404(user, _movements(user, "movement.manage"), uid=uid)
    data = _text_fields(payload.dict(exclude_unset=True), MOVEMENT_TEXT)
    version = data.pop("version")
    if "bloc" in data:
        data["bloc"] = _ref(user, Bloc, data["bloc"], "bloc", "khối, cụm phát động", action="movement.manage")
    for name in ("kind", "level", "start_date"):
        if name in data and data[name] is None:
            raise ActionError("Trường này không được để trống.", field=name)
    movement_actions.do_update_movement(actor=user, movement=movement, data=data, expected_version=version)
    return movement_out(Movement.objects.select_related("bloc", "province").get(pk=movement.pk))


@router.post(
    "/movements/{uid}/transitions", response={200: MovementOut, **WRITE_ERRORS},
    summary="Chuyển trạng thái phong trào: phát động, triển khai, kiểm tra, sơ kết, tổng kết, khen thưởng, lưu trữ", tags=[TAG_MOVEMENTS],
)
@requires("movement.manage")
def advance_movement(request, uid: UUID, payload: TransitionIn):
    user = _user(request)
    movement = get_scoped_or_404(user, _movements(user, "movement.manage"), uid=uid)
    movement_actions.do_advance_movement(actor=user, movement=movement, action=payload.action, expected_version=payload.version, note=payload.note)
    return movement_out(Movement.objects.select_related("bloc", "province").get(pk=movement.pk))


# ---------------------------------------------------------------- registrations


@router.get(
    "/bloc-years/{uid}/registrations", response={200: RollupOut, **ERRORS},
    summary="Tổng hợp đăng ký thi đua của các đơn vị thành viên (đơn vị chỉ thấy dòng của mình)", tags=[TAG_REGISTRATIONS],
)
@requires("registry.view")
def registration_rollup(request, uid: UUID):
    user = _user(request)
    bloc_year = _year(user, uid)
    registrations = scoped(user, Registration.objects.filter(bloc_year=bloc_year)).prefetch_related("items")
    can_review = _can(user, "registration.review", province=bloc_year.province_id, bloc=bloc_year.bloc_id)
    rows = rollup(bloc_year, registrations)
    if not can_review:
        own = scope_of(user).unit_ids_for("registration.edit")
        rows = [r for r in rows if r["unit"].pk in own]
    deadline = bloc_year.deadlines.filter(kind=DeadlineKind.REGISTRATION).first()
    return {
        "bloc_year": bloc_year.uid,
        "year": bloc_year.year,
        "deadline": deadline.due_on if deadline else None,
        "can_review": can_review,
        # The law's names, and the names of the other awards registered (manual, the province's own).
        "award_labels": {**AWARD_NAMES, **{code: award_label(code, bloc_year.province_id) for r in rows for code, n in r["counts"].items()
                                           if n and code not in AWARD_NAMES}},
        "rows": [
            {
                "unit": _unit_ref(r["unit"]),
                "registration": (
                    {"uid": r["registration"].uid, "state": r["registration"].state,
                     "state_label": REGISTRATION_STATES[r["registration"].state], "version": r["registration"].version}
                    if r["registration"] is not None else None
                ),
                "counts": {code: n for code, n in r["counts"].items() if n},
                "late": r["late"],
            }
            for r in rows
        ],
    }


@router.post(
    "/bloc-years/{uid}/registrations", response={201: RegistrationOut, **ERRORS},
    summary="Lập bản đăng ký thi đua của một đơn vị thành viên", tags=[TAG_REGISTRATIONS],
)
@requires("registration.edit")
def start_registration(request, uid: UUID, payload: StartRegistrationIn):
    user = _user(request)
    bloc_year = _year(user, uid)
    unit = _ref(user, Unit, payload.unit, "unit", "đơn vị", action="registration.edit")
    registration = movement_actions.do_start_registration(actor=user, bloc_year=bloc_year, unit=unit)
    return 201, registration_out(_reload_registration(registration))


@router.get("/registrations/{uid}", response={200: RegistrationOut, **ERRORS}, summary="Xem một bản đăng ký thi đua", tags=[TAG_REGISTRATIONS])
@requires("registry.view")
def get_registration(request, uid: UUID):
    return registration_out(get_scoped_or_404(_user(request), _registrations(_user(request)), uid=uid))


@router.put(
    "/registrations/{uid}", response={200: RegistrationOut, **WRITE_ERRORS},
    summary="Sửa chỉ tiêu và các dòng đăng ký (khi chưa gửi hoặc bị trả lại; gửi kèm version)", tags=[TAG_REGISTRATIONS],
)
@requires("registration.edit")
def update_registration(request, uid: UUID, payload: RegistrationIn):
    user = _user(request)
    registration = get_scoped_or_404(user, _registrations(user, "registration.edit"), uid=uid)
    items = []
    for number, item in enumerate(payload.items, start=1):
        person = None
        if item.person is not None:
            person = scoped(user, Person, "registry.view").filter(uid=item.person).first()
            if person is None:
                raise ReferenceNotFound(f"Dòng {number}: không tìm thấy cá nhân đã chọn.", field="items")
        items.append({"subject_kind": item.subject_kind, "person": person, "award": item.award, "note": item.note})
    movement_actions.do_update_registration(
        actor=user, registration=registration, targets=payload.targets, items=items, expected_version=payload.version
    )
    return registration_out(_reload_registration(registration))


@router.post(
    "/registrations/{uid}/submit", response={200: RegistrationOut, **WRITE_ERRORS},
    summary="Gửi bản đăng ký để duyệt (gửi kèm version)", tags=[TAG_REGISTRATIONS],
)
@requires("registration.edit")
def submit_registration(request, uid: UUID, payload: VersionIn):
    user = _user(request)
    registration = get_scoped_or_404(user, _registrations(user, "registration.edit"), uid=uid)
    movement_actions.do_submit_registration(actor=user, registration=registration, expected_version=payload.version)
    return registration_out(_reload_registration(registration))


def _reviewed(request, uid: UUID):
    user = _user(request)
    return user, get_scoped_or_404(user, _registrations(user, "registration.review"), uid=uid)


@router.post(
    "/registrations/{uid}/approve", response={200: RegistrationOut, **WRITE_ERRORS},
    summary="Duyệt bản đăng ký (Trưởng khối hoặc cán bộ TĐKT tỉnh; gửi kèm version)", tags=[TAG_REGISTRATIONS],
)
@requires("registration.review")
def approve_registration(request, uid: UUID, payload: VersionIn):
    user, registration = _reviewed(request, uid)
    movement_actions.do_approve_registration(actor=user, registration=registration, expected_version=payload.version)
    return registration_out(_reload_registration(registration))


@router.post(
    "/registrations/{uid}/return", response={200: RegistrationOut, **WRITE_ERRORS},
    summary="Trả lại bản đăng ký kèm lý do (gửi kèm version)", tags=[TAG_REGISTRATIONS],
)
@requires("registration.review")
def return_registration(request, uid: UUID, payload: ReasonIn):
    user, registration = _reviewed(request, uid)
    movement_actions.do_return_registration(actor=user, registration=registration, reason=payload.reason, expected_version=payload.version)
    return registration_out(_reload_registration(registration))


@router.post(
    "/registrations/{uid}/reopen", response={200: RegistrationOut, **WRITE_ERRORS},
    summary="Mở lại bản đăng ký đã duyệt để đơn vị sửa, kèm lý do (gửi kèm version)", tags=[TAG_REGISTRATIONS],
)
@requires("registration.review")
def reopen_registration(request, uid: UUID, payload: ReasonIn):
    user, registration = _reviewed(request, uid)
    movement_actions.do_reopen_registration(actor=user, registration=registration, reason=payload.reason, expected_version=payload.version)
    return registration_out(_reload_registration(registration))
