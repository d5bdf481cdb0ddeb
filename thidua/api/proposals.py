"""/api/v1: Đề nghị, quyết định khen thưởng.

The same actions as the pages of thidua/proposals/views.py: `requires()` checks the broad role,
get_scoped_or_404 the scope (outside it answers 404 like a missing object), and the actions do
every write with its audit row and compare-and-set. Workflow events whose role depends on the
state (gửi, tiếp nhận, trả lại…) are reachable with "registry.view"; the action checks the role.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

import datetime as dt
from typing import Annotated, Any, Dict, List, Literal, Optional
from uuid import UUID

from ninja import Field, Query, Router, Schema

from thidua.api.auth import requires
from thidua.api.errors import ReferenceNotFound
from thidua.api.params import year_query
from thidua.api.registry import ErrorOut, PageParams, _page, _ref, _user
from thidua.core.access import get_scoped_or_404, scoped
from thidua.core.errors import ActionError
from thidua.org.models import Person, Province, Unit
from thidua.proposals import actions
from thidua.proposals.models import Decision, Proposal, ProposalItem
from thidua.awards.selectors import award_label
from thidua.rules import council
from thidua.proposals.money import proposal_money
from thidua.rules.catalogue import CATALOGUE_BY_CODE
from thidua.rules.proposals import LEVELS, PROPOSAL_EVENTS, PROPOSAL_STATES, money_total_text

router = Router(tags=["Đề nghị, quyết định khen thưởng"])

# Every entry of the catalogue: the law's (coded or manual appraisal) and the province's own, e.g.
# awards of other issuers (issue #19); the action says in Vietnamese when a code is not in it.
AwardCode = Annotated[str, Field(min_length=2, max_length=30, description="Mã trong danh mục: " + ", ".join(CATALOGUE_BY_CODE) + " hoặc mã của tỉnh")]
LevelCode = Literal[tuple(LEVELS)]  # type: ignore[valid-type]
StateCode = Literal[tuple(PROPOSAL_STATES)]  # type: ignore[valid-type]
EventCode = Literal[tuple(e for e in PROPOSAL_EVENTS if e != "decide")]  # type: ignore[valid-type]

ERRORS: Dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: Dict[int, Any] = {**ERRORS, 409: ErrorOut}


class Blocker(Schema):
    code: str
    kind: str = Field(description="BLOCK (chặn hồ sơ), HOLD (tạm hoãn; cấp quyết định có thể cho xét tiếp kèm lý do), WARN (lưu ý)")
    text: str
    citation: str


class ItemOut(Schema):
    uid: UUID
    subject_kind: str
    person: Optional[UUID]
    unit: Optional[UUID]
    subject_name: str
    award: str
    award_name: str
    achievements: str
    outcome: Optional[str] = Field(description="ELIGIBLE / NOT_ELIGIBLE / HOLD theo lần kiểm tra gần nhất")
    status: Optional[str] = Field(
        None, description="Kết quả hiển thị: như outcome, nhưng ELIGIBLE_IF_CONFIRMED khi còn chờ Hội đồng xác nhận tiêu chuẩn định tính"
    )
    council_confirmations: List[str] = Field(
        default_factory=list, description="Xác nhận của hội đồng đã ghi, kèm số, ngày biên bản hoặc quyết định"
    )
    blockers: List[Blocker]
    blocking: bool
    vote_members_total: Optional[int]
    vote_present: Optional[int]
    vote_yes: Optional[int]
    vote_held_on: Optional[dt.date]
    appraisal: str
    appraisal_note: str
    money_vnd: Optional[int] = Field(None, description="Tiền thưởng dự kiến nếu quyết định hôm nay (mỗi thời gian đạt thành tích chỉ chi danh hiệu cao nhất); null: chưa xác định hoặc không tính (không đủ điều kiện, không đề nghị)")
    money_note: str = ""
    version: int


class ProposalOut(Schema):
    uid: UUID
    title: str
    proposer: str
    proposer_unit: Optional[UUID]
    bloc_year: Optional[UUID]
    meeting: Optional[UUID]
    year: int
    level: str
    receiving_body: str
    proposed_on: Optional[dt.date]
    state: str
    state_label: str
    state_reason: str
    version: int
    money_total: int = Field(description="Tổng tiền thưởng dự kiến của các trường hợp đã biết mức")
    money_unknown_count: int = Field(description="Số trường hợp pháp luật chưa quy định mức tiền thưởng (không tính vào tổng, không phải 0 đồng)")
    money_total_text: str
    items: List[ItemOut]


class ProposalPage(Schema):
    count: int
    limit: int
    offset: int
    items: List[ProposalOut]


class ProposalIn(Schema):
    proposer_unit: Optional[UUID] = Field(None, description="Đơn vị đề nghị; hoặc `meeting` cho hồ sơ của khối")
    meeting: Optional[UUID] = Field(None, description="Hội nghị tổng kết, bình xét của khối (tờ trình của khối)")
    title: str
    year: Optional[int] = None
    level: LevelCode = "PROVINCE"
    receiving_body: str = ""
    reasons: str = ""
    proposed_on: Optional[dt.date] = None
    signer_name: str = ""
    signer_title: str = ""


class ItemIn(Schema):
    person: Optional[UUID] = None
    unit: Optional[UUID] = None
    award: AwardCode
    achievements: str = ""


class VoteIn(Schema):
    version: int
    members_total: int
    present: int
    yes: int
    held_on: Optional[dt.date] = None


class AppraiseIn(Schema):
    version: int
    appraisal: Literal["APPROVED", "NOT_APPROVED"]
    note: str = ""


class EventIn(Schema):
    version: int = Field(description="Phiên bản hồ sơ đã đọc (compare-and-set)")
    event: EventCode
    reason: str = ""


class RecipientOut(Schema):
    uid: UUID
    subject_kind: str
    subject_name: str
    award: str
    award_name: str
    year: int
    amount_vnd: Optional[int] = Field(description="null: chưa xác định (pháp luật chưa quy định mức, chưa nhập mức theo quyết định)")
    amount_entered_by_officer: bool = Field(description="Mức do cán bộ nhập theo quyết định của cơ quan ban hành")
    money_note: str
    revoked_on: Optional[dt.date]
    revoke_reason: str


class DecisionOut(Schema):
    uid: UUID
    kind: str
    number: str
    symbol: str
    reference: str
    issued_on: dt.date
    level: str
    issuer_name: str
    signer_name: str
    signer_title: str
    subject: str
    proposal: Optional[UUID]
    money_total: Optional[int] = Field(description="Tổng các mức đã biết; null khi chưa biết mức nào")
    money_unknown_count: int = Field(description="Số trường hợp chưa xác định tiền thưởng (không tính vào tổng)")
    money_total_text: str
    revoked_on: Optional[dt.date]
    revoke_reason: str
    version: int
    recipients: List[RecipientOut]


class DecisionPage(Schema):
    count: int
    limit: int
    offset: int
    items: List[DecisionOut]


class DecisionIn(Schema):
    number: str
    symbol: str
    issued_on: dt.date
    level: Optional[LevelCode] = None
    issuer_unit: Optional[UUID] = Field(
        None,
        description="Cơ quan ban hành. Bắt buộc khi cán bộ tỉnh ban hành quyết định cho hồ sơ đã trình (thiếu: lỗi 422 ở trường issuer_unit); "
        "thủ trưởng đơn vị bỏ trống (là đơn vị đề nghị); quyết định của cấp trên (decisions/external) ghi issuer_name",
    )
    issuer_name: str = ""
    signer_name: str = ""
    signer_title: str = ""
    signer_authority: str = ""
    subject: str = ""


class IssueIn(DecisionIn):
    version: int = Field(description="Phiên bản hồ sơ đề nghị đã đọc")


class RecipientIn(Schema):
    person: Optional[UUID] = None
    unit: Optional[UUID] = None
    award: AwardCode
    year: int


class ExternalIn(DecisionIn):
    recipients: List[RecipientIn]


class AmountIn(Schema):
    version: int = Field(description="Phiên bản của dòng được khen đã đọc (compare-and-set)")
    amount_vnd: Optional[int] = Field(description="Tiền thưởng theo quyết định (đồng); null: trả về “chưa xác định”")
    note: str = Field("", description="Căn cứ mức tiền thưởng (điều, văn bản)")


class RevokeIn(Schema):
    version: int
    reason: str
    revoked_on: dt.date
    recipients: Optional[List[UUID]] = Field(None, description="Chỉ hủy những người, tập thể này; bỏ trống: hủy cả quyết định")


# ---------------------------------------------------------------- rendering


def item_out(item: ProposalItem, line=None) -> dict:
    return {
        "uid": item.uid, "subject_kind": item.subject_kind, "person": item.person.uid if item.person_id else None,
        "unit": item.unit.uid if item.unit_id else None, "subject_name": item.subject_name, "award": item.award,
        "award_name": award_label(item.award), "achievements": item.achievements,
        "outcome": (item.eligibility or {}).get("outcome"), "blockers": item.blockers or [], "blocking": bool(item.blocking()),
        "status": council.status(item.eligibility) if (item.eligibility or {}).get("outcome") else None,
        "council_confirmations": [c.text for c in item.council_confirmations.all()],
        "vote_members_total": item.vote_members_total, "vote_present": item.vote_present, "vote_yes": item.vote_yes,
        "vote_held_on": item.vote_held_on, "appraisal": item.appraisal, "appraisal_note": item.appraisal_note, "version": item.version,
        "money_vnd": line.amount_vnd if line else None, "money_note": line.note if line else "",
    }


def _load(uid) -> Proposal:
    return Proposal.objects.select_related("proposer_unit", "bloc_year__bloc", "meeting").get(uid=uid)


def proposal_out(p: Proposal) -> dict:
    items = list(p.items.select_related("person", "unit").prefetch_related("council_confirmations").order_by("pk"))
    money, lines = proposal_money(p, items)
    return {
        "uid": p.uid, "title": p.title, "proposer": p.proposer_name, "proposer_unit": p.proposer_unit.uid if p.proposer_unit_id else None,
        "bloc_year": p.bloc_year.uid if p.bloc_year_id else None, "meeting": p.meeting.uid if p.meeting_id else None,
        "year": p.year, "level": p.level, "receiving_body": p.receiving_body, "proposed_on": p.proposed_on, "state": p.state,
        "state_label": PROPOSAL_STATES[p.state], "state_reason": p.state_reason, "version": p.version,
        "money_total": money.total_vnd, "money_unknown_count": money.unknown_count,
        "money_total_text": money_total_text(money.total_vnd, money.unknown_count),
        "items": [item_out(i, lines.get(i.pk)) for i in items],
    }


def item_with_money(item: ProposalItem) -> dict:
    """One item, with its expected money among the items of its proposal (periods span items)."""
    proposal = item.proposal
    _, lines = proposal_money(proposal, list(proposal.items.select_related("person", "unit")))
    return item_out(item, lines.get(item.pk))


def decision_out(d: Decision) -> dict:
    return {
        "uid": d.uid, "kind": d.kind, "number": d.number, "symbol": d.symbol, "reference": d.reference, "issued_on": d.issued_on,
        "level": d.level, "issuer_name": d.issuer_name, "signer_name": d.signer_name, "signer_title": d.signer_title,
        "subject": d.subject, "proposal": d.proposal.uid if d.proposal_id else None, "money_total": d.money_total_known,
        "money_unknown_count": d.money_unknown_count, "money_total_text": d.money_total_text,
        "revoked_on": d.revoked_on, "revoke_reason": d.revoke_reason, "version": d.version,
        "recipients": [
            {"uid": r.uid, "subject_kind": r.subject_kind, "subject_name": r.subject_name, "award": r.award, "award_name": award_label(r.award),
             "year": r.year, "amount_vnd": r.amount_vnd, "amount_entered_by_officer": r.amount_entered_by_officer, "money_note": r.money_note,
             "revoked_on": r.revoked_on, "revoke_reason": r.revoke_reason}
            for r in d.recipients.select_related("person", "unit").order_by("pk")
        ],
    }


def _subject(user, person: Optional[UUID], unit: Optional[UUID]):
    return (
        _ref(user, Person, person, "person", "cá nhân"),
        _ref(user, Unit, unit, "unit", "tập thể"),
    )


# ---------------------------------------------------------------- proposals


@router.get("/proposals", response={200: ProposalPage, **ERRORS}, summary="Danh sách hồ sơ đề nghị khen thưởng (lọc theo trạng thái, năm)")
@requires("registry.view")
def list_proposals(request, params: Query[PageParams], state: Optional[StateCode] = None, year: Optional[int] = year_query("Năm thành tích")):
    qs = scoped(_user(request), Proposal).select_related("proposer_unit", "bloc_year__bloc", "meeting")
    if state:
        qs = qs.filter(state=state)
    if year:
        qs = qs.filter(year=year)
    return _page(qs.order_by("-year", "-created_at"), params, proposal_out)


@router.get("/proposals/{uid}", response={200: ProposalOut, **ERRORS}, summary="Xem hồ sơ đề nghị, các trường hợp và vướng mắc")
@requires("registry.view")
def get_proposal(request, uid: UUID):
    return proposal_out(get_scoped_or_404(_user(request), Proposal, uid=uid))


@router.post("/proposals", response={201: ProposalOut, **ERRORS}, summary="Lập hồ sơ đề nghị (đơn vị, hoặc khối theo hội nghị bình xét)")
@requires("proposal.edit")
def create_proposal(request, payload: ProposalIn):
    from thidua.blocs.models import Meeting

    user = _user(request)
    data = payload.dict()
    unit = _ref(user, Unit, data.pop("proposer_unit"), "proposer_unit", "đơn vị đề nghị", action="proposal.edit")
    meeting = _ref(user, Meeting, data.pop("meeting"), "meeting", "hội nghị của khối", action="proposal.edit")
    if data.get("year") is None:
        data.pop("year")
    proposal = actions.do_create_proposal(actor=user, data=data, proposer_unit=unit, meeting=meeting)
    return 201, proposal_out(_load(proposal.uid))


@router.post("/proposals/{uid}/items", response={201: ItemOut, **ERRORS}, summary="Thêm cá nhân, tập thể vào hồ sơ (kiểm tra điều kiện ngay)")
@requires("proposal.edit")
def add_item(request, uid: UUID, payload: ItemIn):
    user = _user(request)
    proposal = get_scoped_or_404(user, Proposal, "proposal.edit", uid=uid)
    person, unit = _subject(user, payload.person, payload.unit)
    item = actions.do_add_item(actor=user, proposal=proposal, data={"person": person, "unit": unit, "award": payload.award, "achievements": payload.achievements})
    return 201, item_with_money(item)


@router.post("/polls/{uid}/proposal", response={201: ProposalOut, **WRITE_ERRORS}, summary="Lập hồ sơ đề nghị (nháp) từ các ứng viên được chọn của một cuộc bỏ phiếu, kèm kết quả biểu quyết")
@requires("proposal.edit")
def proposal_from_poll(request, uid: UUID):
    from thidua.voting.models import Poll

    user = _user(request)
    poll = get_scoped_or_404(user, Poll.objects.select_related("council__unit", "meeting__bloc_year__bloc"), "proposal.edit", uid=uid)
    proposal = actions.do_create_proposal_from_poll(actor=user, poll=poll)
    return 201, proposal_out(_load(proposal.uid))


class EligibleIn(Schema):
    award: AwardCode = Field(description="Danh hiệu xét cho toàn bộ cán bộ của đơn vị đề nghị (ví dụ LDTT, CSTDCS)")  # type: ignore[valid-type]


class ItemsAdded(Schema):
    added: int
    blocking: int = Field(description="Số trường hợp vừa thêm còn vướng mắc")
    items: List[ItemOut]


@router.post("/proposals/{uid}/eligible-staff", response={201: ItemsAdded, **WRITE_ERRORS}, summary="Thêm cùng lúc mọi cán bộ đủ điều kiện của đơn vị đề nghị")
@requires("proposal.edit")
def add_eligible_staff(request, uid: UUID, payload: EligibleIn):
    user = _user(request)
    proposal = get_scoped_or_404(user, Proposal.objects.select_related("proposer_unit"), "proposal.edit", uid=uid)
    added = actions.do_add_eligible_people(actor=user, proposal=proposal, award=payload.award)
    items = ProposalItem.objects.filter(pk__in=[i.pk for i in added]).select_related("person", "unit").order_by("pk")
    return 201, {"added": len(added), "blocking": sum(1 for i in added if i.blocking()), "items": [item_out(i) for i in items]}


class VersionIn(Schema):
    version: int = Field(description="Phiên bản hồ sơ đã đọc (compare-and-set)")


class ApprovedOut(Schema):
    approved: int
    proposal: ProposalOut


@router.post("/proposals/{uid}/approve-unblocked", response={200: ApprovedOut, **WRITE_ERRORS}, summary="Thẩm định đề nghị cùng lúc mọi trường hợp chưa thẩm định không có vướng mắc")
@requires("proposal.review")
def approve_unblocked(request, uid: UUID, payload: VersionIn):
    user = _user(request)
    proposal = get_scoped_or_404(user, Proposal, "proposal.review", uid=uid)
    count = actions.do_approve_unblocked(actor=user, proposal=proposal, expected_version=payload.version)
    return {"approved": count, "proposal": proposal_out(_load(proposal.uid))}


@router.delete("/proposal-items/{uid}", response={204: None, **ERRORS}, summary="Bỏ một trường hợp khỏi hồ sơ")
@requires("proposal.edit")
def remove_item(request, uid: UUID):
    user = _user(request)
    item = get_scoped_or_404(user, ProposalItem, "proposal.edit", uid=uid)
    actions.do_remove_item(actor=user, item=item)
    return 204, None


@router.post("/proposal-items/{uid}/vote", response={200: ItemOut, **WRITE_ERRORS}, summary="Ghi kết quả bỏ phiếu của hội đồng (số thành viên, dự họp, đồng ý)")
@requires("registry.view")
def record_vote(request, uid: UUID, payload: VoteIn):
    user = _user(request)
    item = get_scoped_or_404(user, ProposalItem, uid=uid)
    item = actions.do_record_vote(
        actor=user, item=item, members_total=payload.members_total, present=payload.present, yes=payload.yes,
        held_on=payload.held_on, expected_version=payload.version,
    )
    return item_with_money(ProposalItem.objects.get(pk=item.pk))


@router.post("/proposal-items/{uid}/appraisal", response={200: ItemOut, **WRITE_ERRORS}, summary="Ghi kết quả thẩm định một trường hợp")
@requires("proposal.review")
def appraise_item(request, uid: UUID, payload: AppraiseIn):
    user = _user(request)
    item = get_scoped_or_404(user, ProposalItem, "proposal.review", uid=uid)
    item = actions.do_appraise_item(actor=user, item=item, appraisal=payload.appraisal, note=payload.note, expected_version=payload.version)
    return item_with_money(ProposalItem.objects.get(pk=item.pk))


@router.post("/proposals/{uid}/check", response={200: ProposalOut, **ERRORS}, summary="Kiểm tra lại điều kiện của mọi trường hợp")
@requires("registry.view")
def check_proposal(request, uid: UUID):
    user = _user(request)
    proposal = get_scoped_or_404(user, Proposal, uid=uid)
    actions.do_check_proposal(actor=user, proposal=proposal)
    return proposal_out(_load(proposal.uid))


@router.post("/proposals/{uid}/events", response={200: ProposalOut, **WRITE_ERRORS}, summary="Chuyển trạng thái hồ sơ: gửi, rút lại, tiếp nhận, thẩm định, trình, trả lại, không đủ điều kiện")
@requires("registry.view")
def fire_event(request, uid: UUID, payload: EventIn):
    user = _user(request)
    proposal = get_scoped_or_404(user, Proposal, uid=uid)
    actions.do_transition(actor=user, proposal=proposal, event=payload.event, expected_version=payload.version, reason=payload.reason)
    return proposal_out(_load(proposal.uid))


# ---------------------------------------------------------------- decisions


def _decision_data(user, payload: DecisionIn) -> dict:
    data = payload.dict()
    data.pop("version", None)
    data.pop("recipients", None)
    data["issuer_unit"] = _ref(user, Unit, data.get("issuer_unit"), "issuer_unit", "cơ quan ban hành", action="decision.issue")
    if data.get("level") is None:
        data.pop("level")
    return data


@router.post("/proposals/{uid}/decision", response={201: DecisionOut, **WRITE_ERRORS}, summary="Ban hành quyết định cho hồ sơ đã trình (danh sách: các trường hợp được thẩm định đề nghị)")
@requires("decision.issue")
def issue_decision(request, uid: UUID, payload: IssueIn):
    user = _user(request)
    proposal = get_scoped_or_404(user, Proposal, "decision.issue", uid=uid)
    decision = actions.do_issue_decision(actor=user, proposal=proposal, data=_decision_data(user, payload), expected_version=payload.version)
    return 201, decision_out(decision)


@router.post("/decisions/external", response={201: DecisionOut, **ERRORS}, summary="Ghi nhận quyết định khen thưởng của cấp trên cùng danh sách")
@requires("decision.issue")
def record_external(request, payload: ExternalIn):
    user = _user(request)
    rows = []
    for row in payload.recipients:
        person, unit = _subject(user, row.person, row.unit)
        rows.append({"person": person, "unit": unit, "award": row.award, "year": row.year})
    data = _decision_data(user, payload)
    data.setdefault("level", "CENTRAL")
    province: Optional[Province] = actions.external_decision_province(user, issuer_unit=data.get("issuer_unit"), rows=rows)
    if province is None:
        raise ActionError("Tài khoản không ghi nhận được quyết định cho tỉnh nào.")
    decision = actions.do_record_external_decision(actor=user, province=province, data=data, recipients=rows)
    return 201, decision_out(decision)


@router.get("/decisions", response={200: DecisionPage, **ERRORS}, summary="Danh sách quyết định khen thưởng")
@requires("registry.view")
def list_decisions(request, params: Query[PageParams], year: Optional[int] = year_query("Năm ban hành quyết định")):
    qs = scoped(_user(request), Decision).select_related("proposal")
    if year:
        qs = qs.filter(issued_on__year=year)
    return _page(qs.order_by("-issued_on", "-pk"), params, decision_out)


@router.get("/decisions/{uid}", response={200: DecisionOut, **ERRORS}, summary="Xem quyết định: danh sách, tiền thưởng, tổng tiền")
@requires("registry.view")
def get_decision(request, uid: UUID):
    return decision_out(get_scoped_or_404(_user(request), Decision, uid=uid))


@router.post("/decisions/{uid}/revoke", response={200: DecisionOut, **WRITE_ERRORS}, summary="Hủy khen thưởng (cả quyết định hoặc một số người), giữ bản ghi kèm lý do")
@requires("decision.issue")
def revoke_decision(request, uid: UUID, payload: RevokeIn):
    user = _user(request)
    decision = get_scoped_or_404(user, Decision, "decision.issue", uid=uid)
    ids = None
    if payload.recipients:
        found = dict(decision.recipients.filter(uid__in=payload.recipients).values_list("uid", "pk"))
        if len(found) != len(set(payload.recipients)):
            raise ReferenceNotFound("Có người, tập thể không thuộc quyết định này.", field="recipients")
        ids = list(found.values())
    decision = actions.do_revoke_decision(
        actor=user, decision=decision, reason=payload.reason, revoked_on=payload.revoked_on, expected_version=payload.version, recipient_ids=ids,
    )
    return decision_out(Decision.objects.get(pk=decision.pk))



@router.post(
    "/decisions/{uid}/recipients/{recipient}/amount", response={200: DecisionOut, **WRITE_ERRORS},
    summary="Nhập tiền thưởng theo quyết định cho trường hợp pháp luật chưa quy định mức (“chưa xác định”)",
)
@requires("decision.issue")
def set_recipient_amount(request, uid: UUID, recipient: UUID, payload: AmountIn):
    user = _user(request)
    decision = get_scoped_or_404(user, Decision, "decision.issue", uid=uid)
    row = decision.recipients.select_related("person", "unit").filter(uid=recipient).first()
    if row is None:
        raise ReferenceNotFound("Người, tập thể này không thuộc quyết định.", field="recipient")
    actions.do_set_recipient_amount(actor=user, recipient=row, amount_vnd=payload.amount_vnd, note=payload.note, expected_version=payload.version)
    return decision_out(Decision.objects.get(pk=decision.pk))
