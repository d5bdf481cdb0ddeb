"""/api/v1: Hồ sơ thành tích — a subject's history, recording and revoking awards and ratings,
a subject's eligibility (the same request and engine as POST /api/v1/eligibility/evaluate) and
the batch "ai đủ điều kiện".

Thin like thidua/history/views.py: `requires()` checks the role, get_scoped_or_404 the scope
(outside it answers 404 like a missing object), thidua.history.actions does every write with its
audit row and compare-and-set. Subjects are named by kind ("ca-nhan" | "don-vi") and uid.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

import datetime as dt
from typing import Annotated, Any, Dict, List, Literal, Optional
from uuid import UUID

from django.http import Http404
from ninja import Field, Query, Router, Schema

from thidua.api.auth import requires
from thidua.api.params import MAX_OFFSET, MAX_YEAR, MIN_YEAR
from thidua.api.registry import ErrorOut, _user
from thidua.core.access import get_scoped_or_404, scoped
from thidua.history import actions, batch, selectors
from thidua.history.models import AwardKind, AwardRecord, AwardSource, DecisionLevel, TaskRating
from thidua.org.models import Person, Province, Unit
from thidua.awards.selectors import award_label
from thidua.rules import council
from thidua.rules.catalogue import AWARD_CODES, CATALOGUE_BY_CODE, COLLECTIVE, INDIVIDUAL, RATINGS, awards_for
from thidua.rules.errors import WhatIfError

router = Router(tags=["Hồ sơ thành tích"])

ERRORS: Dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: Dict[int, Any] = {**ERRORS, 409: ErrorOut}
SubjectKind = Literal["ca-nhan", "don-vi"]
AwardCode = Literal[AWARD_CODES]  # type: ignore[valid-type]
# What history records: every catalogue entry, the law's (coded or manual) or the province's own (issue #19).
RecordCode = Annotated[str, Field(min_length=2, max_length=30, description="Mã trong danh mục: " + ", ".join(CATALOGUE_BY_CODE) + " hoặc mã của tỉnh")]
RatingCode = Literal[RATINGS]  # type: ignore[valid-type]
AwardKindCode = Literal[tuple(AwardKind.values)]  # type: ignore[valid-type]
LevelCode = Literal[tuple(DecisionLevel.values)]  # type: ignore[valid-type]
MODELS = {"ca-nhan": Person, "don-vi": Unit}


class AwardOut(Schema):
    uid: UUID
    award: str
    name: str
    kind: str
    year: int
    decision_number: str
    decision_date: Optional[dt.date]
    decision_issuer: str
    decision_level: str
    source: str
    decision_uid: Optional[UUID]
    revoked: bool
    revoked_reason: str
    revoked_on: Optional[dt.date]
    version: int


class RatingOut(Schema):
    uid: UUID
    year: int
    rating: str
    rating_label: str
    version: int


class HistoryOut(Schema):
    subject: str = Field(description="“individual” (cá nhân) hoặc “collective” (tập thể)")
    uid: UUID
    name: str
    ratings: List[RatingOut]
    awards: List[AwardOut]
    request_history: List[Dict[str, Any]] = Field(description="Lịch sử theo đúng định dạng “history” của yêu cầu eligibility")


class AwardIn(Schema):
    award: RecordCode
    year: int
    kind: AwardKindCode = "MERIT"
    external: bool = Field(False, description="Quyết định của cấp trên, ngoài hệ thống")
    decision_number: str = ""
    decision_date: Optional[dt.date] = None
    decision_issuer: str = ""
    decision_level: Optional[LevelCode] = None
    note: str = ""


class AwardRevokeIn(Schema):
    reason: str
    revoked_on: Optional[dt.date] = None
    version: int


class RatingIn(Schema):
    year: int
    rating: RatingCode
    version: Optional[int] = Field(None, description="Bắt buộc khi sửa kết quả đã có (compare-and-set)")


class EligibilityParams(Schema):
    year: int = Field(..., ge=MIN_YEAR, le=MAX_YEAR, description="Năm xét (năm thành tích)")
    award: Optional[AwardCode] = Field(None, description="Để trống: mọi danh hiệu, hình thức áp dụng cho đối tượng")
    decided_on: Optional[dt.date] = Field(None, description="Ngày quyết định (mặc định hôm nay): chọn văn bản có hiệu lực")


class BatchParams(Schema):
    year: int = Field(..., ge=MIN_YEAR, le=MAX_YEAR)
    kind: SubjectKind = "ca-nhan"
    award: Optional[AwardCode] = None
    province: Optional[UUID] = None
    outcome: Optional[Literal["ELIGIBLE", "ELIGIBLE_IF_CONFIRMED", "NOT_ELIGIBLE", "HOLD"]] = Field(
        None, description="Lọc theo kết quả hiển thị (statuses): ELIGIBLE_IF_CONFIRMED là đủ điều kiện nếu Hội đồng xác nhận"
    )
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class BatchRowOut(Schema):
    uid: UUID
    name: str
    outcomes: Dict[str, str]
    statuses: Dict[str, str] = Field(
        ..., description="Kết quả hiển thị: như outcomes, nhưng ELIGIBLE_IF_CONFIRMED khi còn chờ Hội đồng xác nhận tiêu chuẩn định tính"
    )


class BatchOut(Schema):
    year: int
    count: int
    limit: int
    offset: int
    items: List[BatchRowOut]


def _subject(user, kind: str, uid: UUID, action: str = "registry.view"):
    model = MODELS.get(kind)
    if model is None:
        raise Http404("Không tìm thấy")
    return get_scoped_or_404(user, model.objects.select_related("province"), action, uid=uid)


def _award_out(a: AwardRecord) -> dict:
    return {"uid": a.uid, "award": a.award_code, "name": award_label(a.award_code), "kind": a.award_kind, "year": a.year,
            "decision_number": a.decision_number, "decision_date": a.decision_date, "decision_issuer": a.decision_issuer,
            "decision_level": a.decision_level, "source": a.source, "decision_uid": a.decision_uid, "revoked": a.revoked,
            "revoked_reason": a.revoked_reason, "revoked_on": a.revoked_on, "version": a.version}


def _rating_out(r: TaskRating) -> dict:
    return {"uid": r.uid, "year": r.year, "rating": r.rating, "rating_label": r.get_rating_display(), "version": r.version}


@router.get("/history/{kind}/{uid}", response={200: HistoryOut, **ERRORS}, summary="Xem hồ sơ thành tích của cá nhân, tập thể")
@requires("registry.view")
def get_history(request, kind: SubjectKind, uid: UUID):
    subject = _subject(_user(request), kind, uid)
    filters = {"person": subject} if kind == "ca-nhan" else {"unit": subject}
    return {
        "subject": selectors.kind_of(subject), "uid": subject.uid,
        "name": subject.full_name if kind == "ca-nhan" else subject.name,
        "ratings": [_rating_out(r) for r in TaskRating.objects.filter(**filters).order_by("year")],
        "awards": [_award_out(a) for a in AwardRecord.objects.filter(**filters).order_by("year", "pk")],
        "request_history": selectors.subject_history(subject),
    }


@router.post("/history/{kind}/{uid}/awards", response={201: AwardOut, **ERRORS}, summary="Ghi khen thưởng đã nhận")
@requires("history.edit")
def record_award(request, kind: SubjectKind, uid: UUID, payload: AwardIn):
    user = _user(request)
    subject = _subject(user, kind, uid, "history.edit")
    decision = {"number": payload.decision_number, "date": payload.decision_date, "issuer": payload.decision_issuer,
                "level": payload.decision_level or ""}
    award = actions.do_record_award(user, subject, payload.award, payload.year, decision=decision,
                                    source=AwardSource.EXTERNAL if payload.external else AwardSource.MANUAL,
                                    award_kind=payload.kind, note=payload.note)
    return 201, _award_out(award)


@router.post("/history/awards/{uid}/revoke", response={200: AwardOut, **WRITE_ERRORS},
             summary="Hủy bỏ khen thưởng (giữ bản ghi, ghi lý do)")
@requires("history.edit")
def revoke_award(request, uid: UUID, payload: AwardRevokeIn):
    user = _user(request)
    award = AwardRecord.objects.filter(uid=uid).first()
    if award is None:
        raise Http404("Không tìm thấy")
    _subject(user, "ca-nhan" if award.person_id else "don-vi", award.subject.uid, "history.edit")
    award = actions.do_revoke_award(user, award, reason=payload.reason, revoked_on=payload.revoked_on,
                                    expected_version=payload.version)
    return _award_out(award)


@router.put("/history/{kind}/{uid}/ratings", response={200: RatingOut, **WRITE_ERRORS},
            summary="Ghi hoặc sửa kết quả đánh giá, xếp loại của một năm")
@requires("history.edit")
def set_rating(request, kind: SubjectKind, uid: UUID, payload: RatingIn):
    user = _user(request)
    subject = _subject(user, kind, uid, "history.edit")
    rating = actions.do_set_task_rating(user, subject, payload.year, payload.rating, expected_version=payload.version)
    return _rating_out(rating)


@router.get("/history/{kind}/{uid}/eligibility", response={200: Dict[str, Any], **ERRORS},
            summary="Có thể đề nghị khen thưởng gì: kết quả, lý do và căn cứ (như /eligibility/evaluate)")
@requires("registry.view")
def subject_eligibility(request, kind: SubjectKind, uid: UUID, params: Query[EligibilityParams]):
    subject = _subject(_user(request), kind, uid)
    request_obj = selectors.eligibility_request(subject, params.award, params.year, on=params.decided_on)
    result = selectors.evaluate_request(request_obj)
    if "error" in result:
        return 422, result
    # Beside the what-if results (kept identical to that door): the status the pages show, by
    # award — ELIGIBLE_IF_CONFIRMED when the result still waits on the council.
    statuses = {item["award"]: council.status(item) for item in result["results"]}
    labels = {code: council.STATUS_LABELS[status] for code, status in statuses.items()}
    return {**result, "request": request_obj, "statuses": statuses, "status_labels": labels}


@router.get("/history/eligible", response={200: BatchOut, **ERRORS},
            summary="Ai đủ điều kiện: kết quả của mọi cá nhân hoặc tập thể trong phạm vi được xem")
@requires("registry.view")
def eligible(request, params: Query[BatchParams]):
    user = _user(request)
    model = MODELS[params.kind]
    qs = scoped(user, model)
    if model is Unit:
        qs = qs.filter(ended_on__isnull=True)
    if params.province:
        province = Province.objects.filter(uid=params.province).first()
        if province is None:
            raise Http404("Không tìm thấy")
        qs = qs.filter(province_id__in=province.lineage_ids())
    subject = INDIVIDUAL if model is Person else COLLECTIVE
    awards = [params.award] if params.award in awards_for(subject) else awards_for(subject)
    try:
        rows = (batch.evaluate_people if model is Person else batch.evaluate_units)(qs, params.year, awards=awards)
    except WhatIfError as exc:
        return 422, {"error": {"code": exc.code, "message": exc.message, "field": exc.field}}
    awaiting = batch.awards_awaiting_council(subject, awards)

    def statuses(row):
        return {code: batch.display_status(value, code, awaiting) for code, value in row.outcomes.items()}

    if params.outcome:
        rows = [r for r in rows if params.outcome in statuses(r).values()]
    page = rows[params.offset: params.offset + params.limit]
    objects = {o.pk: o for o in model.objects.filter(pk__in=[r.pk for r in page])}
    items = [{"uid": objects[r.pk].uid, "name": getattr(objects[r.pk], "full_name", None) or objects[r.pk].name,
              "outcomes": r.outcomes, "statuses": statuses(r)} for r in page]
    return {"year": params.year, "count": len(rows), "limit": params.limit, "offset": params.offset, "items": items}
