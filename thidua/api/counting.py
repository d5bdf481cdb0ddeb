"""/api/v1: Kiểm phiếu giấy, biên bản.

The same actions as the pages of thidua/counting/views.py: two independent tally entries by two
accounts of the counting board, their field-by-field comparison, the result once they match, and
the result of a vote held elsewhere with its scanned minutes (base64 in the JSON body).
An entry's figures are not shown until both entries exist, so neither side can copy the other.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

import base64
import binascii
import datetime as dt
from typing import Any, Dict, List, Optional
from uuid import UUID

from django.core.files.uploadedfile import SimpleUploadedFile
from ninja import Field, Router, Schema

from thidua.api.auth import requires
from thidua.api.registry import ErrorOut, _user
from thidua.core.access import get_scoped_or_404
from thidua.core.errors import ActionError
from thidua.counting import actions
from thidua.counting.models import TallyEntry
from thidua.voting.models import Mode, Poll

router = Router(tags=["Kiểm phiếu giấy, biên bản"])

ERRORS: Dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: Dict[int, Any] = {**ERRORS, 409: ErrorOut}


class CandidateCountIn(Schema):
    yes: int = Field(description="Số phiếu đồng ý (hoặc được chọn)")
    no: Optional[int] = Field(None, description="Số phiếu không đồng ý (bắt buộc khi đồng ý/không đồng ý từng người)")


class CountsIn(Schema):
    present: int = Field(description="Số thành viên có mặt")
    written_opinions: int = Field(0, description="Số ý kiến bằng văn bản của thành viên vắng mặt")
    ballots_issued: Optional[int] = Field(None, description="Số phiếu phát ra")
    ballots_used: Optional[int] = Field(None, description="Số phiếu thu vào")
    ballots_spoiled: Optional[int] = Field(None, description="Số phiếu hỏng, không sử dụng (nộp lại)")
    ballots_invalid: Optional[int] = Field(None, description="Số phiếu không hợp lệ")
    ballots_blank: Optional[int] = Field(None, description="Số phiếu trắng (hợp lệ, không đồng ý ai)")
    candidates: Dict[UUID, CandidateCountIn] = Field(description="Theo mã (uid) của người/đơn vị được bình xét")


class TallyEntryIn(CountsIn):
    replace: Optional[int] = Field(None, description="Nhập lại: 1 hoặc 2, lần nhập được thay thế")


class ExternalResultIn(CountsIn):
    version: int = Field(description="Phiên bản cuộc bỏ phiếu đã đọc (compare-and-set)")
    council_size: Optional[int] = Field(None, description="Tổng số thành viên, khi cuộc bỏ phiếu chưa chốt danh sách")
    held_at: str = Field(description="Nơi tổ chức bỏ phiếu (hội đồng, cơ quan đã họp)")
    minutes_reference: str = Field("", description="Số, ký hiệu biên bản gốc")
    minutes_date: Optional[dt.date] = None
    minutes_filename: str = Field(description="Tên tệp biên bản gốc, ví dụ bien-ban.pdf")
    minutes_base64: str = Field(description="Nội dung tệp biên bản gốc (PDF, PNG hoặc JPEG), mã hóa base64")


class VersionIn(Schema):
    version: int = Field(description="Phiên bản cuộc bỏ phiếu đã đọc (compare-and-set)")


class EntryOut(Schema):
    uid: UUID
    entry_no: int
    entered_by: str
    created_at: dt.datetime
    superseded: bool
    counts: Optional[Dict[str, Any]] = Field(None, description="Số liệu; chỉ hiện khi đã có đủ hai lần nhập")


class DifferenceOut(Schema):
    field: str
    label: str
    first: Optional[int]
    second: Optional[int]
    message: str


class ComparisonOut(Schema):
    poll: UUID
    poll_version: int
    state: str
    entries: List[EntryOut]
    matched: bool
    differences: Optional[List[DifferenceOut]] = Field(None, description="Chỗ khác nhau; null khi chưa đủ hai lần nhập")
    result_sha256: str = Field(description="Mã kiểm tra SHA-256 của kết quả (rỗng khi chưa có kết quả)")
    result: Optional[Dict[str, Any]]


def _poll(request, uid: UUID) -> Poll:
    poll = get_scoped_or_404(_user(request), Poll, "poll.count", uid=uid)
    if poll.mode not in (Mode.PAPER, Mode.EXTERNAL):
        raise ActionError("Cuộc bỏ phiếu này không kiểm phiếu giấy.")
    return poll


def _candidate_keys(poll: Poll) -> dict:
    return {c.uid: str(c.pk) for c in poll.candidates.all()}


def _counts(poll: Poll, payload: CountsIn) -> dict:
    keys = _candidate_keys(poll)
    data = payload.dict()
    candidates = {}
    for uid, row in payload.candidates.items():
        if uid not in keys:
            raise ActionError("Số phiếu ghi cho người/đơn vị không có trong danh sách bình xét.", field="candidates")
        candidates[keys[uid]] = {"yes": row.yes, "no": row.no}
    data["candidates"] = candidates
    return data


def _uid_counts(poll: Poll, counts: dict) -> dict:
    uids = {v: str(k) for k, v in _candidate_keys(poll).items()}
    out = {k: v for k, v in counts.items() if k != "candidates"}
    out["candidates"] = {uids.get(k, k): v for k, v in (counts.get("candidates") or {}).items()}
    return out


def comparison_out(poll: Poll) -> dict:
    poll.refresh_from_db()
    state = actions.comparison(poll)
    both = state["first"] is not None and state["second"] is not None
    entries = []
    for entry in TallyEntry.objects.filter(poll=poll).select_related("entered_by").order_by("entry_no", "created_at"):
        entries.append({
            "uid": entry.uid, "entry_no": entry.entry_no, "entered_by": entry.entered_by.get_username(), "created_at": entry.created_at,
            "superseded": entry.superseded, "counts": _uid_counts(poll, entry.counts()) if both else None,
        })
    differences = None
    if state["differences"] is not None:
        uids = {v: str(k) for k, v in _candidate_keys(poll).items()}
        differences = []
        for d in state["differences"]:
            field = d.field
            if field.startswith("candidates."):
                _, cid, part = field.split(".", 2)
                field = f"candidates.{uids.get(cid, cid)}.{part}"
            differences.append({"field": field, "label": d.label, "first": d.first, "second": d.second, "message": d.message})
    return {
        "poll": poll.uid, "poll_version": poll.version, "state": poll.state, "entries": entries, "matched": state["matched"],
        "differences": differences, "result_sha256": poll.result_sha256 or "", "result": poll.result,
    }


@router.get("/polls/{uid}/tally-comparison", response={200: ComparisonOut, **ERRORS}, summary="Đối chiếu hai lần nhập kết quả kiểm phiếu giấy")
@requires("poll.count")
def get_comparison(request, uid: UUID):
    return comparison_out(_poll(request, uid))


@router.post(
    "/polls/{uid}/tally-entries", response={201: ComparisonOut, **WRITE_ERRORS},
    summary="Nhập kết quả kiểm phiếu giấy (mỗi lần nhập một tài khoản khác nhau; khớp nhau thì có kết quả)",
)
@requires("poll.count")
def enter_tally(request, uid: UUID, payload: TallyEntryIn):
    user = _user(request)
    poll = _poll(request, uid)
    actions.do_enter_tally(actor=user, poll=poll, counts=_counts(poll, payload), replace=payload.replace)
    if actions.comparison(poll)["matched"]:
        poll.refresh_from_db()
        actions.do_accept_tally(actor=user, poll=poll, expected_version=poll.version)
    return 201, comparison_out(poll)


@router.post("/polls/{uid}/tally-accept", response={200: ComparisonOut, **WRITE_ERRORS}, summary="Ghi kết quả khi hai lần nhập đã khớp")
@requires("poll.count")
def accept_tally(request, uid: UUID, payload: VersionIn):
    poll = _poll(request, uid)
    actions.do_accept_tally(actor=_user(request), poll=poll, expected_version=payload.version)
    return comparison_out(poll)


@router.post(
    "/polls/{uid}/external-result", response={201: ComparisonOut, **WRITE_ERRORS},
    summary="Ghi kết quả bỏ phiếu họp ngoài hệ thống, kèm biên bản gốc",
)
@requires("poll.count")
def record_external(request, uid: UUID, payload: ExternalResultIn):
    poll = _poll(request, uid)
    try:
        content = base64.b64decode(payload.minutes_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ActionError("Nội dung biên bản gốc (minutes_base64) không phải base64 hợp lệ.", field="minutes_base64") from None
    counts = _counts(poll, payload)
    if payload.council_size is not None:
        counts["council_size"] = payload.council_size
    actions.do_record_external_result(
        actor=_user(request), poll=poll, counts=counts,
        minutes_upload=SimpleUploadedFile(payload.minutes_filename or "bien-ban.pdf", content),
        held_at=payload.held_at, minutes_reference=payload.minutes_reference, minutes_date=payload.minutes_date,
        expected_version=payload.version,
    )
    return 201, comparison_out(poll)


class CouncilConfirmationIn(Schema):
    item: UUID = Field(description="Mã (uid) của đối tượng trong hồ sơ đề nghị")
    poll: Optional[UUID] = Field(None, description="Cuộc bỏ phiếu có biên bản ghi xác nhận (hoặc meeting)")
    meeting: Optional[UUID] = Field(None, description="Hội nghị của khối có quyết định ghi xác nhận (hoặc poll)")
    key: str = Field(description="Tiêu chuẩn định tính: solidarity, exemplary, movement_effective, targets_exceeded, "
                                 "party_orgs_strong, outstanding, exceptional_achievement")
    confirmed: bool = Field(description="true: hội đồng xác nhận đạt; false: không xác nhận")
    reference: str = Field(description="Số, ký hiệu biên bản hoặc quyết định")
    dated: dt.date = Field(description="Ngày biên bản hoặc quyết định")
    note: str = ""


class CouncilConfirmationOut(Schema):
    uid: UUID
    item: UUID
    key: str
    confirmed: bool
    text: str
    item_outcome: Optional[str] = Field(None, description="Kết quả xét điều kiện của đối tượng sau khi ghi (engine)")
    item_status: Optional[str] = Field(None, description="Kết quả hiển thị: ELIGIBLE, ELIGIBLE_IF_CONFIRMED, HOLD, NOT_ELIGIBLE")


@router.post(
    "/council-confirmations", response={201: CouncilConfirmationOut, **WRITE_ERRORS},
    summary="Ghi xác nhận của hội đồng về tiêu chuẩn định tính của một đối tượng đề nghị, theo biên bản hoặc quyết định",
)
@requires("poll.manage")
def record_council_confirmation(request, payload: CouncilConfirmationIn):
    from thidua.blocs.models import Meeting
    from thidua.proposals.models import ProposalItem
    from thidua.rules import council

    user = _user(request)
    if (payload.poll is None) == (payload.meeting is None):
        raise ActionError("Cần chọn đúng một nguồn: biên bản của một cuộc bỏ phiếu (poll) hoặc quyết định của hội nghị (meeting).")
    poll = get_scoped_or_404(user, Poll, "poll.manage", uid=payload.poll) if payload.poll else None
    meeting = get_scoped_or_404(user, Meeting, "bloc.lead", uid=payload.meeting) if payload.meeting else None
    source = poll or meeting
    items = ProposalItem.objects.filter(province_id__in=source.province.lineage_ids())
    item = get_scoped_or_404(user, items, "registry.view", uid=payload.item)
    row = actions.do_record_council_confirmation(
        actor=user, item=item, key=payload.key, confirmed=payload.confirmed, reference=payload.reference, dated=payload.dated,
        poll=poll, meeting=meeting, note=payload.note,
    )
    item.refresh_from_db()
    result = item.eligibility or {}
    status = council.status(result) if result.get("outcome") else None
    return 201, {"uid": row.uid, "item": item.uid, "key": row.key, "confirmed": row.confirmed, "text": row.text,
                 "item_outcome": result.get("outcome"), "item_status": status}
