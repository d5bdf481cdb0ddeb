"""/api/v1 for criteria sets, scoring rounds, score sheets, scores and the ranking.

Thin like the pages: `requires()` checks the broad role, a scoped fetch the scope (outside it answers
404 like a missing object; a sheet is found only if the caller may see it — its own unit's, one it
is assigned to cross-check, or any once the results are published), and thidua.scoring.actions does
every write with its audit row and compare-and-set (a stale `version` answers 409 "đã có người sửa").
Objects are named by their uid; points are decimal strings ("8.5"), never floats.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

import base64
import binascii
import datetime as dt
from decimal import Decimal
from typing import Any, Dict, List, Literal, Optional, Union
from uuid import UUID

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadedfile import SimpleUploadedFile
from ninja import Field, Query, Router, Schema

from thidua.api.auth import requires
from thidua.api.registry import ErrorOut, PageParams, _page, _ref, _user
from thidua.blocs.models import BlocYear, Meeting
from thidua.core.access import get_scoped_or_404, scoped
from thidua.core.errors import ActionError, NotPermitted
from thidua.org.models import Province, Unit
from thidua.rules import scoring as core
from thidua.scoring import actions, selectors
from thidua.scoring.models import (
    CriteriaSet,
    Criterion,
    CriterionKind,
    LeaderConfirmation,
    RoundState,
    ScoreLevel,
    ScoreSheet,
    ScoringRound,
)

router = Router(tags=["Chấm điểm, xếp hạng"])

ERRORS: Dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: Dict[int, Any] = {**ERRORS, 409: ErrorOut}

KindCode = Literal[tuple(CriterionKind.values)]  # type: ignore[valid-type]
LevelCode = Literal[tuple(ScoreLevel.values)]  # type: ignore[valid-type]
EventCode = Literal[tuple(k for k in core.SHEET_EVENTS if k != "publish")]  # type: ignore[valid-type]
HowCode = Literal[tuple(LeaderConfirmation.values)]  # type: ignore[valid-type]
TieBreakerCode = Literal[tuple(core.TIE_BREAKERS)]  # type: ignore[valid-type]
Points = Optional[Union[Decimal, str]]


def _d(value) -> Optional[str]:
    return None if value is None else str(value)


# ---------------------------------------------------------------- schemas


class Ref(Schema):
    uid: UUID
    name: str


class BandIn(Schema):
    code: str = Field(max_length=20)
    label: str = Field(max_length=60)
    min_total: Decimal = Field(ge=0, description="Điểm tối thiểu của mức")


class CriterionOut(Schema):
    uid: UUID
    code: str
    title: str
    kind: str
    kind_label: str
    max_points: Optional[str]
    parent_code: Optional[str]
    evidence_required: bool
    guidance: str
    position: int
    version: int


class CriteriaSetOut(Schema):
    uid: UUID
    name: str
    year: int
    version_no: int
    bloc: Optional[Ref]
    based_on: Optional[UUID]
    state: str
    state_label: str
    bands: List[Dict[str, Any]]
    tie_breakers: List[str]
    results_visible_before_publish: bool
    note: str
    version: int
    criteria: Optional[List[CriterionOut]] = None


class CriteriaSetPage(Schema):
    count: int
    limit: int
    offset: int
    items: List[CriteriaSetOut]


class CriteriaSetIn(Schema):
    province: UUID = Field(description="Tỉnh/thành phố của bảng tiêu chí")
    bloc: Optional[UUID] = Field(None, description="Khối, cụm; để trống: bảng mẫu của tỉnh")
    year: int = Field(ge=1990, le=2100)
    name: str = Field(max_length=255)
    bands: List[BandIn] = Field(default_factory=list, description="Mức xếp loại; để trống: Xuất sắc ≥95, Tốt ≥85, Khá ≥70, Trung bình ≥50, Yếu")
    tie_breakers: List[TieBreakerCode] = Field(default_factory=list)  # type: ignore[valid-type]
    results_visible_before_publish: bool = False
    note: str = ""


class CriteriaSetPatch(Schema):
    version: int = Field(description="Phiên bản đã đọc (compare-and-set); nếu đã có người sửa trước, API trả 409")
    name: Optional[str] = Field(None, max_length=255)
    bands: Optional[List[BandIn]] = None
    tie_breakers: Optional[List[TieBreakerCode]] = None  # type: ignore[valid-type]
    results_visible_before_publish: Optional[bool] = None
    note: Optional[str] = None


class CopyIn(Schema):
    year: Optional[int] = Field(None, ge=1990, le=2100, description="Năm của bản sao; để trống: cùng năm (phiên bản mới)")
    name: Optional[str] = Field(None, max_length=255)


class CriterionIn(Schema):
    code: str = Field(max_length=20)
    title: str = Field(max_length=500)
    kind: KindCode = "SCORE"  # type: ignore[valid-type]
    max_points: Points = None
    parent_code: Optional[str] = Field(None, max_length=20)
    evidence_required: bool = False
    guidance: str = ""


class RoundOut(Schema):
    uid: UUID
    bloc: Ref
    year: int
    bloc_year: UUID
    criteria_set: Ref
    state: str
    state_label: str
    quota: Optional[int]
    results_visible: bool
    published_at: Optional[dt.datetime]
    published_meeting: Optional[str]
    confirmed_leader: Optional[Ref]
    leader_confirmed_how: str
    leader_confirmed_note: str
    version: int


class SheetSummaryOut(Schema):
    uid: UUID
    unit: Ref
    state: str
    state_label: str
    total_points: Optional[str]
    unranked_reason: str
    version: int


class RoundDetailOut(RoundOut):
    sheets: List[SheetSummaryOut] = Field(description="Các phiếu người gọi được xem")


class RoundIn(Schema):
    bloc_year: UUID
    criteria_set: UUID
    quota: Optional[int] = Field(None, ge=0, le=10_000)
    results_visible_before_publish: Optional[bool] = None


class RoundPatch(Schema):
    version: int
    quota: Optional[int] = Field(None, ge=0, le=10_000)
    results_visible_before_publish: Optional[bool] = Field(None, description="null: theo bảng tiêu chí")
    note: Optional[str] = None


class EvidenceIn(Schema):
    code: str = Field(max_length=20, description="Mã tiêu chí")
    filename: str = Field(min_length=1, max_length=255, description="Tên tệp, ví dụ quyet-dinh.pdf")
    content_base64: str = Field(description="Nội dung tệp mã hóa base64 (tối đa 20 MB)")


class AssignIn(Schema):
    sheet: UUID
    reviewer_units: List[UUID]


class UnrankedIn(Schema):
    sheet: UUID
    reason: str = Field(max_length=500)


class PublishIn(Schema):
    version: int
    meeting: UUID = Field(description="Hội nghị của khối công bố kết quả")
    unranked: List[UnrankedIn] = Field(default_factory=list, description="Phiếu không xếp hạng, kèm lý do")


class LeaderIn(Schema):
    version: int
    unit: UUID
    how: HowCode  # type: ignore[valid-type]
    note: str = Field("", max_length=500)


class RankedRowOut(Schema):
    unit: UUID
    label: str
    total: Optional[str]
    base: Optional[str]
    bonus: Optional[str]
    deduction: Optional[str]
    rank: Optional[int]
    tied_with: List[UUID]
    band_code: Optional[str]
    band_label: Optional[str]
    proposed_leader: bool
    within_quota: bool
    reasons: List[str]
    by_group: Dict[str, str]


class RankingOut(Schema):
    published: bool = Field(description="true: kết quả đã công bố (đã chốt); false: tạm tính")
    rows: List[RankedRowOut]
    leader: Optional[UUID]
    leader_tie: List[UUID]
    explanation: List[str]


class ChangeOut(Schema):
    level: str
    level_label: str
    old_points: Optional[str]
    new_points: Optional[str]
    reason: str
    changed_by: str
    changed_at: dt.datetime


class EvidenceOut(Schema):
    uid: UUID
    filename: str
    sha256: str


class RowOut(Schema):
    code: str
    title: str
    kind: str
    depth: int
    max_points: Optional[str]
    evidence_required: bool
    self_points: Optional[str]
    cross_points: Optional[str]
    final_points: Optional[str]
    effective_points: Optional[str]
    self_note: str
    cross_note: str
    final_note: str
    evidence: List[EvidenceOut]
    changes: List[ChangeOut]


class EventOut(Schema):
    event: str
    event_label: str
    from_state: str
    to_state: str
    reason: str
    by: str
    at: dt.datetime


class SheetOut(SheetSummaryOut):
    round: UUID
    criteria_set: UUID
    submitted_at: Optional[dt.datetime]
    total: str
    self_total: str
    missing: List[str] = Field(description="Tiêu chí chưa có điểm tự chấm")
    notes: List[str]
    rows: List[RowOut]
    events: List[EventOut]
    allowed_events: List[str] = Field(description="Thao tác người gọi làm được lúc này")
    score_level: Optional[str] = Field(description="Cấp người gọi nhập điểm lúc này (SELF, CROSS, PANEL) hoặc null")


class ScoreIn(Schema):
    code: str = Field(max_length=20)
    points: Points = Field(None, description="Điểm, ví dụ \"8.5\" (0 là điểm hợp lệ); null: để trống")
    note: Optional[str] = Field(None, description="Giải trình/nhận xét; null: giữ nguyên")
    reason: str = Field("", description="Lý do sửa điểm (bắt buộc với mọi thay đổi sau khi phiếu đã gửi)")


class ScoresIn(Schema):
    version: int
    level: LevelCode  # type: ignore[valid-type]
    scores: List[ScoreIn]


class SheetTransitionIn(Schema):
    version: int
    event: EventCode  # type: ignore[valid-type]
    reason: str = ""


# ---------------------------------------------------------------- renderers


def _ref_of(obj, name_attr="name") -> Optional[dict]:
    return None if obj is None else {"uid": obj.uid, "name": getattr(obj, name_attr)}


def criterion_out(c: Criterion, code_of: dict) -> dict:
    return {
        "uid": c.uid, "code": c.code, "title": c.title, "kind": c.kind, "kind_label": c.get_kind_display(),
        "max_points": _d(c.max_points), "parent_code": code_of.get(c.parent_id), "evidence_required": c.evidence_required,
        "guidance": c.guidance, "position": c.position, "version": c.version,
    }


def set_out(s: CriteriaSet, detail: bool = False) -> dict:
    out = {
        "uid": s.uid, "name": s.name, "year": s.year, "version_no": s.version_no, "bloc": _ref_of(s.bloc),
        "based_on": s.based_on.uid if s.based_on_id else None, "state": s.state, "state_label": s.get_state_display(),
        "bands": s.bands or [], "tie_breakers": s.tie_breakers or [], "results_visible_before_publish": s.results_visible_before_publish,
        "note": s.note, "version": s.version,
    }
    if detail:
        criteria = selectors.ordered_criteria(s)
        code_of = {c.pk: c.code for c in criteria}
        out["criteria"] = [criterion_out(c, code_of) for c in criteria]
    return out


def round_out(r: ScoringRound) -> dict:
    return {
        "uid": r.uid, "bloc": _ref_of(r.bloc_year.bloc), "year": r.bloc_year.year, "bloc_year": r.bloc_year.uid,
        "criteria_set": _ref_of(r.criteria_set), "state": r.state, "state_label": r.get_state_display(), "quota": r.quota,
        "results_visible": r.results_visible, "published_at": r.published_at,
        "published_meeting": str(r.published_meeting) if r.published_meeting_id else None,
        "confirmed_leader": _ref_of(r.confirmed_leader), "leader_confirmed_how": r.leader_confirmed_how,
        "leader_confirmed_note": r.leader_confirmed_note, "version": r.version,
    }


def sheet_summary(s: ScoreSheet) -> dict:
    return {
        "uid": s.uid, "unit": _ref_of(s.unit), "state": s.state, "state_label": s.get_state_display(),
        "total_points": _d(s.total_points), "unranked_reason": s.unranked_reason, "version": s.version,
    }


def _who(user) -> str:
    return user.get_username() if user is not None else "hệ thống"


def sheet_out(user, sheet: ScoreSheet) -> dict:
    view = selectors.sheet_rows(sheet)
    roles = selectors.sheet_roles(user, sheet)
    level = selectors.score_level_for(sheet)
    out = sheet_summary(sheet)
    out.update({
        "round": sheet.round.uid, "criteria_set": sheet.round.criteria_set.uid, "submitted_at": sheet.submitted_at,
        "total": str(view.totals.total), "self_total": str(view.self_totals.total),
        "missing": [c.code for c in view.missing_self], "notes": list(view.totals.notes),
        "rows": [
            {
                "code": r.criterion.code, "title": r.criterion.title, "kind": r.criterion.kind, "depth": r.depth,
                "max_points": _d(r.criterion.max_points), "evidence_required": r.criterion.evidence_required,
                "self_points": _d(r.self_points), "cross_points": _d(r.cross_points), "final_points": _d(r.final_points),
                "effective_points": _d(r.effective_points),
                "self_note": r.score.self_note if r.score else "", "cross_note": r.score.cross_note if r.score else "",
                "final_note": r.score.final_note if r.score else "",
                "evidence": [{"uid": e.uid, "filename": e.filename, "sha256": e.sha256} for e in r.evidence],
                "changes": [
                    {"level": c.level, "level_label": c.get_level_display(), "old_points": _d(c.old_points), "new_points": _d(c.new_points),
                     "reason": c.reason, "changed_by": _who(c.changed_by), "changed_at": c.changed_at}
                    for c in r.changes
                ],
            }
            for r in view.rows
        ],
        "events": [
            {"event": e.event, "event_label": core.SHEET_EVENTS.get(e.event, e.event), "from_state": e.from_state, "to_state": e.to_state,
             "reason": e.reason, "by": _who(e.by), "at": e.at}
            for e in view.events
        ],
        "allowed_events": (
            [e for e in core.sheet_events_allowed(sheet.state, roles) if e != "publish"] if sheet.round.state == RoundState.OPEN else []
        ),
        "score_level": level[1] if level and level[0] in roles else None,
    })
    return out


def _ranking_out(round_: ScoringRound) -> dict:
    if round_.state == RoundState.PUBLISHED and round_.ranking_snapshot:
        snap = round_.ranking_snapshot
        rows = snap["rows"]
        return {
            "published": True,
            "rows": [
                {"unit": r["key"], "label": r["label"], "total": r["total"], "base": r.get("base"), "bonus": r.get("bonus"),
                 "deduction": r.get("deduction"), "rank": r["rank"], "tied_with": r["tied_with"], "band_code": r["band_code"],
                 "band_label": r["band_label"], "proposed_leader": r["proposed_leader"], "within_quota": r["within_quota"],
                 "reasons": r["reasons"], "by_group": r.get("by_group") or {}}
                for r in rows
            ],
            "leader": snap.get("leader_key"), "leader_tie": snap.get("leader_tie") or [], "explanation": snap.get("explanation") or [],
        }
    ranking = selectors.round_ranking(round_)
    return {
        "published": False,
        "rows": [
            {"unit": r.key, "label": r.label, "total": _d(r.total), "base": _d(r.totals.base) if r.totals else None,
             "bonus": _d(r.totals.bonus) if r.totals else None, "deduction": _d(r.totals.deduction) if r.totals else None,
             "rank": r.rank, "tied_with": list(r.tied_with), "band_code": r.band_code, "band_label": r.band_label,
             "proposed_leader": r.proposed_leader, "within_quota": r.within_quota, "reasons": list(r.reasons),
             "by_group": {k: str(v) for k, v in r.totals.by_group.items()} if r.totals else {}}
            for r in ranking.rows
        ],
        "leader": ranking.leader_key, "leader_tie": list(ranking.leader_tie), "explanation": list(ranking.explanation),
    }


# ---------------------------------------------------------------- fetch helpers


SET_QS = CriteriaSet.objects.select_related("bloc", "based_on")
ROUND_QS = ScoringRound.objects.select_related(
    "bloc_year", "bloc_year__bloc", "criteria_set", "confirmed_leader", "published_meeting"
)


def _bands(items) -> list:
    return [{"code": b.code, "label": b.label, "min_total": str(b.min_total)} for b in items or []]


def _round(user, uid: UUID, action: str = "registry.view") -> ScoringRound:
    return get_scoped_or_404(user, ROUND_QS, action, uid=uid)


def _sheet(user, uid: UUID) -> ScoreSheet:
    return selectors.get_visible_sheet_or_404(user, uid=uid)


# ---------------------------------------------------------------- criteria sets


@router.get("/scoring/sets", response={200: CriteriaSetPage, **ERRORS}, summary="Danh sách bảng tiêu chí chấm điểm")
@requires("registry.view")
def list_sets(
    request, page: Query[PageParams],
    bloc: Optional[UUID] = Query(None, description="Chỉ bảng của khối, cụm này"),
    year: Optional[int] = Query(None, ge=1990, le=2100),
):
    qs = scoped(_user(request), SET_QS, "registry.view").order_by("-year", "name", "-version_no")
    if bloc:
        qs = qs.filter(bloc__uid=bloc)
    if year:
        qs = qs.filter(year=year)
    return _page(qs, page, set_out)


@router.get("/scoring/sets/{uid}", response={200: CriteriaSetOut, **ERRORS}, summary="Xem bảng tiêu chí và các tiêu chí")
@requires("registry.view")
def get_set(request, uid: UUID):
    return set_out(get_scoped_or_404(_user(request), SET_QS, uid=uid), detail=True)


@router.post("/scoring/sets", response={201: CriteriaSetOut, **ERRORS}, summary="Lập bảng tiêu chí chấm điểm")
@requires("scoring.criteria")
def create_set(request, payload: CriteriaSetIn):
    user = _user(request)
    data = payload.dict()
    province = _ref(user, Province, data.pop("province"), "province", "tỉnh/thành phố")
    from thidua.blocs.models import Bloc

    data["bloc"] = _ref(user, Bloc, data.pop("bloc"), "bloc", "khối, cụm")
    data["bands"] = _bands(payload.bands)
    created = actions.do_create_criteria_set(actor=user, province=province, data=data)
    return 201, set_out(SET_QS.get(pk=created.pk), detail=True)


@router.patch("/scoring/sets/{uid}", response={200: CriteriaSetOut, **WRITE_ERRORS}, summary="Sửa bảng tiêu chí (chỉ khi chưa sử dụng; gửi kèm version)")
@requires("scoring.criteria")
def update_set(request, uid: UUID, payload: CriteriaSetPatch):
    user = _user(request)
    criteria_set = get_scoped_or_404(user, SET_QS, "scoring.criteria", uid=uid)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    if "bands" in data:
        data["bands"] = _bands(payload.bands)
    for name in ("name", "results_visible_before_publish"):
        if name in data and data[name] is None:
            raise ActionError("Trường này không được để trống.", field=name)
    data = {k: ([] if v is None and k in ("bands", "tie_breakers") else "" if v is None else v) for k, v in data.items()}
    actions.do_update_criteria_set(actor=user, criteria_set=criteria_set, data=data, expected_version=version)
    return set_out(SET_QS.get(pk=criteria_set.pk), detail=True)


@router.post("/scoring/sets/{uid}/copy", response={201: CriteriaSetOut, **ERRORS}, summary="Sao chép bảng tiêu chí (phiên bản mới, hoặc cho năm khác)")
@requires("scoring.criteria")
def copy_set(request, uid: UUID, payload: CopyIn):
    user = _user(request)
    source = get_scoped_or_404(user, SET_QS, uid=uid)
    copy = actions.do_copy_criteria_set(actor=user, source=source, year=payload.year, name=payload.name)
    return 201, set_out(SET_QS.get(pk=copy.pk), detail=True)


@router.post("/scoring/sets/{uid}/criteria", response={201: CriteriaSetOut, **WRITE_ERRORS}, summary="Thêm tiêu chí vào bảng (chỉ khi chưa sử dụng)")
@requires("scoring.criteria")
def add_criterion(request, uid: UUID, payload: CriterionIn):
    user = _user(request)
    criteria_set = get_scoped_or_404(user, SET_QS, "scoring.criteria", uid=uid)
    data = payload.dict()
    if data.get("max_points") is not None:
        value, error = core.parse_points(data["max_points"])
        if error:
            raise ActionError(f"Điểm tối đa: {error}", field="max_points")
        data["max_points"] = value
    actions.do_add_criterion(actor=user, criteria_set=criteria_set, data=data)
    return 201, set_out(SET_QS.get(pk=criteria_set.pk), detail=True)


# ---------------------------------------------------------------- rounds


@router.get("/scoring/rounds", response={200: List[RoundOut], **ERRORS}, summary="Các đợt chấm điểm người gọi được xem")
@requires("registry.view")
def list_rounds(request, year: Optional[int] = Query(None, ge=1990, le=2100)):
    qs = selectors.rounds_for(_user(request)).select_related("published_meeting")
    if year:
        qs = qs.filter(bloc_year__year=year)
    return [round_out(r) for r in qs[:500]]


@router.post("/scoring/rounds", response={201: RoundDetailOut, **ERRORS}, summary="Mở đợt chấm điểm của năm thi đua (bảng tiêu chí được khóa)")
@requires("scoring.criteria")
def open_round(request, payload: RoundIn):
    user = _user(request)
    bloc_year = _ref(user, BlocYear, payload.bloc_year, "bloc_year", "năm thi đua của khối")
    criteria_set = _ref(user, CriteriaSet, payload.criteria_set, "criteria_set", "bảng tiêu chí")
    round_ = actions.do_open_round(
        actor=user, bloc_year=bloc_year, criteria_set=criteria_set, quota=payload.quota,
        results_visible_before_publish=payload.results_visible_before_publish,
    )
    return 201, get_round(request, round_.uid)


@router.get("/scoring/rounds/{uid}", response={200: RoundDetailOut, **ERRORS}, summary="Xem đợt chấm điểm và các phiếu được xem")
@requires("registry.view")
def get_round(request, uid: UUID):
    user = _user(request)
    round_ = _round(user, uid)
    out = round_out(round_)
    out["sheets"] = [sheet_summary(s) for s in selectors.visible_sheets(user, round_).order_by("unit__name")]
    return out


@router.get("/scoring/rounds/{uid}/ranking", response={200: RankingOut, **ERRORS}, summary="Bảng xếp hạng (tạm tính, hoặc kết quả đã công bố)")
@requires("registry.view")
def get_ranking(request, uid: UUID):
    user = _user(request)
    round_ = _round(user, uid)
    if not (round_.state == RoundState.PUBLISHED or round_.results_visible or selectors.sees_every_sheet(user, round_)):
        raise NotPermitted("Kết quả xếp hạng chỉ được xem sau khi khối công bố.")
    return _ranking_out(round_)


@router.patch("/scoring/rounds/{uid}", response={200: RoundDetailOut, **WRITE_ERRORS}, summary="Sửa số đơn vị được đề nghị, quyền xem kết quả của đợt đang mở (gửi kèm version)")
@requires("scoring.criteria")
def update_round(request, uid: UUID, payload: RoundPatch):
    user = _user(request)
    round_ = _round(user, uid, "scoring.criteria")
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    if "note" in data and data["note"] is None:
        data["note"] = ""
    actions.do_update_round(actor=user, round=round_, data=data, expected_version=version)
    return get_round(request, uid)


@router.post("/scoring/rounds/{uid}/assignments", response={200: RoundDetailOut, **ERRORS}, summary="Phân công đơn vị chấm chéo một phiếu")
@requires("scoring.criteria")
def assign(request, uid: UUID, payload: AssignIn):
    user = _user(request)
    round_ = _round(user, uid, "scoring.criteria")
    sheet = round_.sheets.filter(uid=payload.sheet).select_related("unit").first()
    if sheet is None:
        raise ActionError("Không tìm thấy phiếu chấm điểm đã chọn trong đợt này.", field="sheet")
    units = list(Unit.objects.filter(uid__in=payload.reviewer_units))
    if len(units) != len(set(payload.reviewer_units)):
        raise ActionError("Không tìm thấy đơn vị chấm chéo đã chọn.", field="reviewer_units")
    actions.do_assign_cross_check(actor=user, round=round_, sheet=sheet, reviewer_units=units)
    return get_round(request, uid)


@router.post("/scoring/rounds/{uid}/publish", response={200: RoundOut, **WRITE_ERRORS}, summary="Công bố kết quả tại hội nghị của khối (chốt số liệu)")
@requires("scoring.publish")
def publish(request, uid: UUID, payload: PublishIn):
    user = _user(request)
    round_ = _round(user, uid, "scoring.publish")
    meeting = Meeting.objects.filter(uid=payload.meeting, bloc_year__bloc=round_.bloc_year.bloc).first()
    if meeting is None:
        raise ActionError("Không tìm thấy hội nghị của khối đã chọn.", field="meeting")
    sheets = {s.uid: s for s in round_.sheets.all()}
    unranked = {}
    for item in payload.unranked:
        if item.sheet not in sheets:
            raise ActionError("Không tìm thấy phiếu chấm điểm đã chọn trong đợt này.", field="unranked")
        unranked[sheets[item.sheet]] = item.reason
    actions.do_publish_results(actor=user, round=round_, meeting=meeting, unranked=unranked, expected_version=payload.version)
    return round_out(ROUND_QS.get(pk=round_.pk))


@router.post("/scoring/rounds/{uid}/leader", response={200: RoundOut, **WRITE_ERRORS}, summary="Xác nhận đơn vị dẫn đầu (suy tôn hoặc theo biên bản hội nghị)")
@requires("scoring.publish")
def confirm_leader(request, uid: UUID, payload: LeaderIn):
    user = _user(request)
    round_ = _round(user, uid, "scoring.publish")
    unit = Unit.objects.filter(uid=payload.unit).first()
    if unit is None:
        raise ActionError("Không tìm thấy đơn vị đã chọn.", field="unit")
    actions.do_confirm_leader(actor=user, round=round_, unit=unit, how=payload.how, note=payload.note, expected_version=payload.version)
    return round_out(ROUND_QS.get(pk=round_.pk))


# ---------------------------------------------------------------- sheets


@router.get("/scoring/sheets/{uid}", response={200: SheetOut, **ERRORS}, summary="Xem phiếu chấm điểm (điểm từng cấp, minh chứng, lịch sử sửa)")
@requires("registry.view")
def get_sheet(request, uid: UUID):
    user = _user(request)
    return sheet_out(user, _sheet(user, uid))


@router.put(
    "/scoring/sheets/{uid}/scores", response={200: SheetOut, **WRITE_ERRORS},
    summary="Lưu điểm một cấp (tự chấm, chấm chéo, thẩm định); sau khi gửi, mỗi thay đổi cần lý do; gửi kèm version",
)
@requires("scoring.review")
def save_scores(request, uid: UUID, payload: ScoresIn):
    user = _user(request)
    sheet = _sheet(user, uid)
    values, reasons = {}, {}
    for item in payload.scores:
        points = item.points
        values[item.code] = (str(points) if isinstance(points, Decimal) else points, item.note)
        if item.reason:
            reasons[item.code] = item.reason
    actions.do_save_scores(actor=user, sheet=sheet, level=payload.level, values=values, reasons=reasons, expected_version=payload.version)
    return sheet_out(user, _sheet(user, uid))


@router.post(
    "/scoring/sheets/{uid}/transition", response={200: SheetOut, **WRITE_ERRORS},
    summary="Gửi phiếu, xác nhận chấm chéo, thẩm định hoặc trả lại (kèm lý do); gửi kèm version",
)
@requires("scoring.review")
def transition(request, uid: UUID, payload: SheetTransitionIn):
    user = _user(request)
    sheet = _sheet(user, uid)
    actions.do_transition_sheet(actor=user, sheet=sheet, event=payload.event, reason=payload.reason, expected_version=payload.version)
    return sheet_out(user, _sheet(user, uid))


@router.post(
    "/scoring/sheets/{uid}/evidence", response={201: SheetOut, **ERRORS},
    summary="Đính kèm tài liệu minh chứng cho một tiêu chí (đơn vị tự chấm, khi phiếu chưa gửi)",
)
@requires("scoring.self")
def attach_evidence(request, uid: UUID, payload: EvidenceIn):
    user = _user(request)
    sheet = _sheet(user, uid)
    try:
        content = base64.b64decode(payload.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ActionError("Nội dung tệp (content_base64) không phải base64 hợp lệ.", field="content_base64") from None
    try:
        upload = SimpleUploadedFile(payload.filename, content)
    except SuspiciousFileOperation:  # "", ".", "../": no file name left (was a 500)
        raise ActionError("Tên tệp (filename) không hợp lệ: hãy ghi tên tệp, ví dụ quyet-dinh.pdf.", field="filename") from None
    actions.do_attach_evidence(actor=user, sheet=sheet, code=payload.code, upload=upload)
    return 201, sheet_out(user, _sheet(user, uid))
