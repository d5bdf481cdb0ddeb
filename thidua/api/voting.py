"""/api/v1 for councils, polls, ballots and results.

Thin like thidua/voting/views.py: `requires()` checks the broad role, the scoped fetch answers 404
outside the caller's scope, and thidua.voting.actions does every write (audit, compare-and-set,
ballot secrecy). A ballot is answered with the participation only — never its content or key.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

import datetime as dt
from decimal import Decimal
from typing import Any, Dict, List, Literal, Optional
from uuid import UUID

from django.http import Http404
from ninja import Field, Router, Schema
from ninja import Query  # bounded paging of the lists (thidua/api/params.py)

from thidua.api.auth import requires
from thidua.api.registry import ERRORS, PageParams, _page, _ref, _user
from thidua.core.access import get_scoped_or_404, scoped
from thidua.org.models import Province, Unit
from thidua.voting import actions, selectors
from thidua.voting.models import (
    Council,
    CouncilLevel,
    CouncilMember,
    CouncilRole,
    Electorate,
    Method,
    Mode,
    Office,
    Poll,
    PollState,
    Subject,
)

TAG_COUNCILS = "Hội đồng thi đua, khen thưởng"
TAG_POLLS = "Bình xét, bỏ phiếu"

router = Router(tags=[TAG_POLLS])

WRITE_ERRORS = {**ERRORS, 409: ERRORS[422]}

LevelCode = Literal[tuple(CouncilLevel.values)]  # type: ignore[valid-type]
RoleCode = Literal[tuple(CouncilRole.values)]  # type: ignore[valid-type]
ElectorateCode = Literal[tuple(Electorate.values)]  # type: ignore[valid-type]
SubjectCode = Literal[tuple(Subject.values)]  # type: ignore[valid-type]
MethodCode = Literal[tuple(Method.values)]  # type: ignore[valid-type]
ModeCode = Literal[tuple(Mode.values)]  # type: ignore[valid-type]
OfficeCode = Literal[tuple([""] + list(Office.values))]  # type: ignore[valid-type]
SourceCode = Literal["PAPER", "SHOW_OF_HANDS", "EXTERNAL"]


# --------------------------------------------------------------------------- schemas


class MemberOut(Schema):
    uid: UUID
    full_name: str
    position: str
    role: str
    role_label: str
    term_from: dt.date
    term_to: Optional[dt.date]
    has_account: bool
    version: int


class CouncilOut(Schema):
    uid: UUID
    name: str
    level: str
    level_label: str
    unit: Optional[UUID]
    bloc: Optional[UUID]
    founding_decision: str
    founding_date: Optional[dt.date]
    active_from: Optional[dt.date]
    active_to: Optional[dt.date]
    version: int
    members: Optional[List[MemberOut]] = None


class CouncilIn(Schema):
    province: Optional[UUID] = Field(None, description="Tỉnh của hội đồng cấp tỉnh (uid)")
    name: str
    level: LevelCode = "PROVINCE"  # type: ignore[valid-type]
    unit: Optional[UUID] = None
    founding_decision: str = ""
    founding_date: Optional[dt.date] = None
    active_from: Optional[dt.date] = None
    active_to: Optional[dt.date] = None


class MemberIn(Schema):
    full_name: str
    position: str = ""
    role: RoleCode = "MEMBER"  # type: ignore[valid-type]
    username: Optional[str] = Field(None, description="Tên đăng nhập của tài khoản bỏ phiếu điện tử")
    term_from: dt.date
    term_to: Optional[dt.date] = None


class CandidateOut(Schema):
    id: int = Field(..., description="Mã dùng trong phiếu bầu và trong kết quả")
    uid: UUID
    label: str
    position: int


class PollOut(Schema):
    uid: UUID
    title: str
    council: Optional[UUID]
    meeting: Optional[UUID]
    electorate: str
    subject: str
    office: str
    award_code: str
    award_year: Optional[int]
    method: str
    mode: str
    quota: Optional[int]
    threshold_pct: Optional[Decimal] = Field(description="Trống: cuộc bỏ phiếu trước khi có quy định, biên bản không nêu tỷ lệ")
    base: str
    citation: str
    rule_version: str
    quorum_text: str
    held_on: dt.date
    state: str
    state_label: str
    electorate_size: Optional[int]
    participation_count: int
    candidates: List[CandidateOut]
    result: Optional[Dict[str, Any]]
    result_sha256: str
    version: int


class CandidateIn(Schema):
    label: Optional[str] = None
    unit: Optional[UUID] = None


class PollIn(Schema):
    title: str
    council: Optional[UUID] = None
    meeting: Optional[UUID] = None
    electorate: ElectorateCode = "COUNCIL"  # type: ignore[valid-type]
    subject: SubjectCode = "AWARD"  # type: ignore[valid-type]
    office: OfficeCode = ""  # type: ignore[valid-type]
    award_code: str = ""
    award_year: Optional[int] = None
    method: Optional[MethodCode] = Field(  # type: ignore[valid-type]
        None, description="Bỏ trống: APPROVE_EACH, hoặc SHOW_OF_HANDS khi mode là SHOW_OF_HANDS (biểu quyết giơ tay chỉ cần một trường)"
    )
    mode: Optional[ModeCode] = Field(  # type: ignore[valid-type]
        None, description="Bỏ trống: E_BALLOT, hoặc SHOW_OF_HANDS khi method là SHOW_OF_HANDS"
    )
    quota: Optional[int] = None
    threshold_pct: Optional[Decimal] = Field(None, description="Để trống: mức của quy định có hiệu lực vào ngày họp")
    held_on: Optional[dt.date] = None
    candidates: List[CandidateIn] = []


class VersionIn(Schema):
    version: int


class BallotIn(Schema):
    approved: List[int] = Field(..., description="Mã (id) những người, đơn vị đồng ý; với cách “chọn một”: một mã; [] là phiếu trắng")


class ParticipationOut(Schema):
    poll: UUID
    voted: bool
    kind: str
    message: str


class ResultIn(Schema):
    version: int
    source: Optional[SourceCode] = Field(  # type: ignore[valid-type]
        None, description="Bỏ trống: theo hình thức của cuộc bỏ phiếu (mode SHOW_OF_HANDS, PAPER hoặc EXTERNAL); nếu gửi, phải khớp hình thức đó"
    )
    council_size: Optional[int] = None
    present: Optional[int] = Field(None, description="Bắt buộc, trừ cuộc bỏ phiếu trước khi có quy định mà biên bản không ghi")
    written_opinions: int = 0
    yes: Dict[int, int] = Field(default_factory=dict, description="Số phiếu đồng ý theo mã (id) người, đơn vị")
    declared: Optional[List[int]] = Field(
        None, description="Chỉ cho cuộc bỏ phiếu trước khi có quy định: mã (id) người, đơn vị mà hội nghị đã công bố (ghi nhận theo biên bản)"
    )


class ChairChoiceIn(Schema):
    version: int
    chosen: List[int]


class CouncilPage(Schema):
    count: int
    limit: int
    offset: int
    items: List[CouncilOut]


class PollPage(Schema):
    count: int
    limit: int
    offset: int
    items: List[PollOut]


# --------------------------------------------------------------------------- helpers


def member_out(m: CouncilMember) -> dict:
    return {
        "uid": m.uid, "full_name": m.full_name, "position": m.position, "role": m.role, "role_label": m.get_role_display(),
        "term_from": m.term_from, "term_to": m.term_to, "has_account": m.user_id is not None, "version": m.version,
    }


def council_out(c: Council, detail: bool = False) -> dict:
    out = {
        "uid": c.uid, "name": c.name, "level": c.level, "level_label": c.get_level_display(),
        "unit": c.unit.uid if c.unit_id else None, "bloc": c.bloc.uid if c.bloc_id else None,
        "founding_decision": c.founding_decision, "founding_date": c.founding_date,
        "active_from": c.active_from, "active_to": c.active_to, "version": c.version,
    }
    if detail:
        out["members"] = [member_out(m) for m in c.members.order_by("role", "full_name", "pk")]
    return out


def poll_out(p: Poll) -> dict:
    return {
        "uid": p.uid, "title": p.title, "council": p.council.uid if p.council_id else None,
        "meeting": p.meeting.uid if p.meeting_id else None, "electorate": p.electorate, "subject": p.subject, "office": p.office,
        "award_code": p.award_code, "award_year": p.award_year, "method": p.method, "mode": p.mode, "quota": p.quota,
        "threshold_pct": p.threshold_pct, "base": p.base, "citation": p.citation, "rule_version": p.rule_version,
        "quorum_text": p.quorum_text, "held_on": p.held_on, "state": p.state, "state_label": p.get_state_display(),
        "electorate_size": p.electorate_size, "participation_count": selectors.participation_count(p),
        "candidates": [{"id": c.pk, "uid": c.uid, "label": c.label, "position": c.position} for c in p.candidates.all()],
        "result": p.result, "result_sha256": p.result_sha256, "version": p.version,
    }


def _poll(user, uid: UUID) -> Poll:
    poll = selectors.visible_polls(user).filter(uid=uid).first()
    if poll is None:
        raise Http404("Không tìm thấy")
    return poll


def _reload(poll: Poll) -> Poll:
    return Poll.objects.select_related("council", "meeting").get(pk=poll.pk)


# --------------------------------------------------------------------------- councils


@router.get("/councils", response={200: CouncilPage, **ERRORS}, summary="Danh sách hội đồng thi đua, khen thưởng", tags=[TAG_COUNCILS])
@requires("registry.view")
def list_councils(request, page: Query[PageParams]):
    qs = scoped(_user(request), Council).select_related("unit", "bloc").order_by("name", "pk")
    return _page(qs, page, council_out)


@router.post("/councils", response={201: CouncilOut, **WRITE_ERRORS}, summary="Lập hội đồng", tags=[TAG_COUNCILS])
@requires("council.manage")
def create_council(request, payload: CouncilIn):
    user = _user(request)
    data = payload.dict()
    province = _ref(user, Province, data.pop("province"), "province", "tỉnh/thành phố", "council.manage")
    data["unit"] = _ref(user, Unit, data.pop("unit"), "unit", "đơn vị", "council.manage")
    if province is None and data["unit"] is not None:
        province = data["unit"].province
    if province is None:
        from thidua.core.errors import ActionError

        raise ActionError("Hãy chọn tỉnh hoặc đơn vị của hội đồng.", field="province")
    council = actions.do_create_council(actor=user, province=province, data=data)
    return 201, council_out(council, detail=True)


@router.get("/councils/{uid}", response={200: CouncilOut, **ERRORS}, summary="Hội đồng và thành viên", tags=[TAG_COUNCILS])
@requires("registry.view")
def get_council(request, uid: UUID):
    return council_out(get_scoped_or_404(_user(request), Council, uid=uid), detail=True)


@router.post("/councils/{uid}/members", response={201: MemberOut, **WRITE_ERRORS}, summary="Thêm thành viên hội đồng", tags=[TAG_COUNCILS])
@requires("council.manage")
def add_member(request, uid: UUID, payload: MemberIn):
    from django.contrib.auth import get_user_model

    from thidua.core.errors import ActionError

    user = _user(request)
    council = get_scoped_or_404(user, Council, "council.manage", uid=uid)
    data = payload.dict()
    username = data.pop("username")
    data["user"] = None
    if username:
        data["user"] = get_user_model().objects.filter(username=username, is_active=True).first()
        if data["user"] is None:
            raise ActionError(f"Không có tài khoản đang hoạt động tên “{username}”.", field="username")
    member = actions.do_add_council_member(actor=user, council=council, data=data)
    return 201, member_out(member)


# --------------------------------------------------------------------------- polls


@router.get("/polls", response={200: PollPage, **ERRORS}, summary="Danh sách cuộc bỏ phiếu")
@requires("registry.view")
def list_polls(request, page: Query[PageParams], state: Optional[str] = None):
    qs = selectors.visible_polls(_user(request)).select_related("council", "meeting").order_by("-held_on", "-pk")
    if state in PollState.values:
        qs = qs.filter(state=state)
    return _page(qs, page, poll_out)


@router.post("/polls", response={201: PollOut, **WRITE_ERRORS}, summary="Lập cuộc bỏ phiếu (trong hội nghị của khối hoặc phiên họp hội đồng)")
@requires("poll.manage")
def create_poll(request, payload: PollIn):
    from thidua.blocs.models import Meeting

    user = _user(request)
    data = payload.dict()
    candidates = data.pop("candidates")
    # A show of hands is one choice: either field says it, the other follows.
    hands = "SHOW_OF_HANDS" in (data.get("method"), data.get("mode"))
    data["method"] = data.get("method") or ("SHOW_OF_HANDS" if hands else "APPROVE_EACH")
    data["mode"] = data.get("mode") or ("SHOW_OF_HANDS" if hands else "E_BALLOT")
    data["council"] = _ref(user, Council, data.pop("council"), "council", "hội đồng", "poll.manage")
    data["meeting"] = _ref(user, Meeting, data.pop("meeting"), "meeting", "hội nghị", "poll.manage")
    items = []
    for i, c in enumerate(candidates):
        unit = _ref(user, Unit, c["unit"], f"candidates[{i}].unit", "đơn vị") if c.get("unit") else None
        items.append({"label": c.get("label") or "", "unit": unit})
    poll = actions.do_create_poll(actor=user, data=data, candidates=items)
    return 201, poll_out(_reload(poll))


@router.get("/polls/{uid}", response={200: PollOut, **ERRORS}, summary="Cuộc bỏ phiếu: tình trạng, số đã bỏ phiếu, kết quả")
@requires("registry.view")
def get_poll(request, uid: UUID):
    return poll_out(_poll(_user(request), uid))


@router.post("/polls/{uid}/open", response={200: PollOut, **WRITE_ERRORS}, summary="Mở bỏ phiếu (chốt danh sách người bỏ phiếu; gửi kèm version)")
@requires("poll.manage")
def open_poll(request, uid: UUID, payload: VersionIn):
    user = _user(request)
    poll = actions.do_open_poll(actor=user, poll=_poll(user, uid), expected_version=payload.version)
    return poll_out(_reload(poll))


@router.post("/polls/{uid}/close", response={200: PollOut, **WRITE_ERRORS}, summary="Đóng bỏ phiếu; phiếu điện tử được kiểm tự động (gửi kèm version)")
@requires("poll.manage")
def close_poll(request, uid: UUID, payload: VersionIn):
    user = _user(request)
    poll = actions.do_close_poll(actor=user, poll=_poll(user, uid), expected_version=payload.version)
    return poll_out(_reload(poll))


@router.post("/polls/{uid}/ballot", response={201: ParticipationOut, **WRITE_ERRORS}, summary="Bỏ phiếu kín của tài khoản đang gọi")
@requires("poll.vote")
def cast_ballot(request, uid: UUID, payload: BallotIn):
    user = _user(request)
    poll = _poll(user, uid)
    actions.do_cast_ballot(actor=user, poll=poll, approved=payload.approved)
    # Participation only: the answer never repeats the ballot nor names it.
    return 201, {"poll": poll.uid, "voted": True, "kind": "E_BALLOT", "message": "Phiếu của bạn đã được ghi nhận."}


@router.get("/polls/{uid}/ballot", response={200: ParticipationOut, **ERRORS}, summary="Tài khoản đang gọi đã bỏ phiếu chưa")
@requires("poll.vote")
def my_participation(request, uid: UUID):
    user = _user(request)
    poll = _poll(user, uid)
    voter = selectors.voter_of(poll, user)
    if voter is None:
        return {"poll": poll.uid, "voted": False, "kind": "", "message": "Bạn không có tên trong danh sách người bỏ phiếu."}
    participation = voter.participations.first()
    if participation is None:
        return {"poll": poll.uid, "voted": False, "kind": "", "message": "Bạn chưa bỏ phiếu."}
    return {"poll": poll.uid, "voted": True, "kind": participation.kind, "message": "Bạn đã bỏ phiếu."}


@router.get("/polls/{uid}/result", response={200: Dict[str, Any], **ERRORS}, summary="Kết quả kiểm phiếu (đầu ra của hàm kiểm phiếu) và mã SHA-256")
@requires("registry.view")
def get_result(request, uid: UUID):
    poll = _poll(_user(request), uid)
    if poll.result is None:
        raise Http404("Không tìm thấy")
    out = {"result": poll.result, "sha256": poll.result_sha256, "source": poll.result_source}
    if poll.result.get("tie"):
        # Women first at equal merit (NĐ 152/2025 Điều 4 khoản 6): genders of the tied and the rule.
        out["equal_merit"] = selectors.tie_equal_merit(poll)
    return out


@router.post("/polls/{uid}/result", response={200: PollOut, **WRITE_ERRORS}, summary="Ghi kết quả biểu quyết giơ tay hoặc bỏ phiếu họp ngoài hệ thống")
@requires("poll.count")
def record_result(request, uid: UUID, payload: ResultIn):
    user = _user(request)
    poll = _poll(user, uid)
    counts = {"present": payload.present, "written_opinions": payload.written_opinions, "yes": payload.yes}
    if payload.declared is not None:
        counts["declared"] = payload.declared
    if payload.council_size:
        counts["council_size"] = payload.council_size
    # The poll's mode says how it was voted; a second field that must agree is only an option.
    source = payload.source or (poll.mode if poll.mode != "E_BALLOT" else "SHOW_OF_HANDS")
    poll = actions.do_record_result(actor=user, poll=poll, counts=counts, source=source, expected_version=payload.version)
    return poll_out(_reload(poll))


@router.post("/polls/{uid}/chair-choice", response={200: PollOut, **WRITE_ERRORS}, summary="Ghi lựa chọn của Chủ tịch hội đồng khi bằng phiếu")
@requires("poll.manage")
def chair_choice(request, uid: UUID, payload: ChairChoiceIn):
    user = _user(request)
    poll = actions.do_resolve_tie(actor=user, poll=_poll(user, uid), chair_choice=payload.chosen, expected_version=payload.version)
    return poll_out(_reload(poll))
