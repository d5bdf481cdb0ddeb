"""/api/v1: Sổ sáng kiến — register an initiative, read one, find the stored ones it resembles,
recognise it (a likely copy needs a written reason).

Stable contract (used by checks outside this repository): POST /initiatives, GET /initiatives/{uid},
POST /initiatives/similar → {"matches": [{initiative, title, year, score, likely_copy, passages}]},
best first, only initiatives the caller may read.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

import datetime as dt
from typing import Any, Dict, List, Literal, Optional
from uuid import UUID

from ninja import Field, Router, Schema

from thidua.api.auth import requires
from thidua.api.registry import ErrorOut, _user
from thidua.core.access import get_scoped_or_404, scoped
from thidua.core.errors import ActionError
from thidua.history.models import Initiative, WorkKind
from thidua.initiatives import actions, selectors
from thidua.org.models import Person, Unit
from thidua.rules.catalogue import SCOPES

router = Router(tags=["Sổ sáng kiến"])

ERRORS: Dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: Dict[int, Any] = {**ERRORS, 409: ErrorOut}
KindCode = Literal[tuple(WorkKind.values)]  # type: ignore[valid-type]
LevelCode = Literal[SCOPES]  # type: ignore[valid-type]


class OwnerIn(Schema):
    person: UUID
    share: int = Field(..., description="Tỷ lệ đóng góp (%), tổng các tác giả bằng 100")


class InitiativeIn(Schema):
    title: str
    content: str
    year: int
    unit: UUID
    owners: List[OwnerIn]
    kind: KindCode = "INITIATIVE"
    field: str = Field("", description="Lĩnh vực")
    benefits: str = ""
    applied_at: str = ""


class OwnerOut(Schema):
    person: UUID
    name: str
    share: int


class InitiativeOut(Schema):
    uid: UUID
    title: str
    content: str
    year: int
    kind: str
    field: str
    benefits: str
    applied_at: str
    unit: Optional[UUID]
    owners: List[OwnerOut]
    recognised: bool
    level: str
    recognised_by: str
    decision_number: str
    recognised_on: Optional[dt.date]
    likely_copy: bool
    copy_score: Optional[float]
    copy_of: Optional[UUID]
    copy_reason: str
    used: bool
    version: int


class SimilarIn(Schema):
    title: str = ""
    content: str = ""
    exclude: Optional[UUID] = None
    limit: int = Field(10, ge=1, le=50)


class PassageOut(Schema):
    new: str
    stored: str


class MatchOut(Schema):
    initiative: UUID
    title: str
    year: int
    score: float = Field(..., description="Mức giống, 0..1")
    likely_copy: bool
    passages: List[PassageOut]


class SimilarOut(Schema):
    matches: List[MatchOut]


class RecogniseIn(Schema):
    level: LevelCode
    body: str = Field(..., description="Cơ quan, hội đồng công nhận")
    decision_number: str = ""
    decided_on: Optional[dt.date] = None
    reason: str = Field("", description="Bắt buộc khi sáng kiến nghi trùng lặp")
    version: int


def _out(item: Initiative) -> dict:
    owners = [{"person": o.person.uid, "name": o.person.full_name, "share": o.share} for o in item.owners.select_related("person")]
    return {
        "uid": item.uid, "title": item.title, "content": item.content, "year": item.year, "kind": item.kind,
        "field": item.sector, "benefits": item.benefits, "applied_at": item.applied_at,
        "unit": item.unit.uid if item.unit_id else None, "owners": owners, "recognised": item.recognised,
        "level": item.scope, "recognised_by": item.recognised_by, "decision_number": item.decision_number,
        "recognised_on": item.recognised_on, "likely_copy": item.likely_copy, "copy_score": item.copy_score,
        "copy_of": item.copy_of.uid if item.copy_of_id else None, "copy_reason": item.copy_reason,
        "used": item.used_for_award_id is not None, "version": item.version,
    }


def _data(user, payload: InitiativeIn) -> dict:
    unit = scoped(user, Unit).filter(uid=payload.unit).first()
    if unit is None:
        raise ActionError("Không tìm thấy đơn vị trong phạm vi được giao.", field="unit")
    people = {p.uid: p for p in scoped(user, Person).filter(uid__in=[o.person for o in payload.owners]).select_related("unit")}
    missing = [o.person for o in payload.owners if o.person not in people]
    if missing:
        raise ActionError("Không tìm thấy tác giả trong phạm vi được giao.", field="owners")
    return {"title": payload.title, "content": payload.content, "year": payload.year, "unit": unit, "kind": payload.kind,
            "sector": payload.field, "benefits": payload.benefits, "applied_at": payload.applied_at,
            "owners": [(people[o.person], o.share) for o in payload.owners]}


@router.post("/initiatives", response={201: InitiativeOut, **ERRORS}, summary="Đăng ký sáng kiến vào sổ sáng kiến")
@requires("history.edit")
def register_initiative(request, payload: InitiativeIn):
    user = _user(request)
    item = actions.do_register_initiative(user, _data(user, payload))
    return 201, _out(item)


@router.post("/initiatives/similar", response={200: SimilarOut, **ERRORS},
             summary="Tìm sáng kiến đã lưu giống nội dung nhập vào (nghi trùng lặp)")
@requires("registry.view")
def similar_initiatives(request, payload: SimilarIn):
    if not (payload.title.strip() or payload.content.strip()):
        raise ActionError("Hãy nhập tên hoặc nội dung sáng kiến để so sánh.", field="content")
    matches = selectors.similar(_user(request), title=payload.title, content=payload.content,
                                exclude_uid=payload.exclude, limit=payload.limit)
    return {"matches": [
        {"initiative": m.initiative.uid, "title": m.initiative.title, "year": m.initiative.year, "score": m.score,
         "likely_copy": m.likely_copy, "passages": [{"new": p.new, "stored": p.stored} for p in m.passages]}
        for m in matches
    ]}


@router.get("/initiatives/{uid}", response={200: InitiativeOut, **ERRORS}, summary="Xem một sáng kiến")
@requires("registry.view")
def get_initiative(request, uid: UUID):
    item = get_scoped_or_404(_user(request), Initiative.objects.select_related("unit", "copy_of"), uid=uid)
    return _out(item)


@router.post("/initiatives/{uid}/recognise", response={200: InitiativeOut, **WRITE_ERRORS},
             summary="Công nhận sáng kiến (nghi trùng lặp: phải ghi lý do)")
@requires("initiative.recognise")
def recognise_initiative(request, uid: UUID, payload: RecogniseIn):
    user = _user(request)
    item = get_scoped_or_404(user, Initiative.objects.select_related("unit", "copy_of"), "initiative.recognise", uid=uid)
    item = actions.do_recognise_initiative(user, item, level=payload.level, body=payload.body,
                                           decision_number=payload.decision_number, decided_on=payload.decided_on,
                                           reason=payload.reason, expected_version=payload.version)
    return _out(item)


class InitiativeUpdateIn(InitiativeIn):
    version: int = Field(..., description="Phiên bản đã đọc (compare-and-set)")


@router.put("/initiatives/{uid}", response={200: InitiativeOut, **WRITE_ERRORS},
            summary="Sửa sáng kiến (kiểm tra lại trùng lặp sau khi lưu)")
@requires("history.edit")
def update_initiative(request, uid: UUID, payload: InitiativeUpdateIn):
    user = _user(request)
    item = get_scoped_or_404(user, Initiative.objects.select_related("unit", "copy_of"), "history.edit", uid=uid)
    item = actions.do_edit_initiative(user, item, _data(user, payload), expected_version=payload.version)
    return _out(item)


class InitiativePatchIn(Schema):
    version: int = Field(..., description="Phiên bản đã đọc (compare-and-set)")
    title: Optional[str] = None
    content: Optional[str] = None
    year: Optional[int] = None
    unit: Optional[UUID] = None
    owners: Optional[List[OwnerIn]] = Field(None, description="Thay toàn bộ danh sách tác giả (tổng tỷ lệ 100 %)")
    kind: Optional[KindCode] = None  # type: ignore[valid-type]
    field: Optional[str] = Field(None, description="Lĩnh vực")
    benefits: Optional[str] = None
    applied_at: Optional[str] = None


@router.patch("/initiatives/{uid}", response={200: InitiativeOut, **WRITE_ERRORS},
              summary="Sửa một phần sáng kiến (chỉ các trường gửi lên; kiểm tra lại trùng lặp sau khi lưu)")
@requires("history.edit")
def patch_initiative(request, uid: UUID, payload: InitiativePatchIn):
    user = _user(request)
    item = get_scoped_or_404(user, Initiative.objects.select_related("unit", "copy_of"), "history.edit", uid=uid)
    sent = payload.dict(exclude_unset=True)
    data: dict = {key: sent[key] for key in ("title", "content", "year", "kind", "benefits", "applied_at") if key in sent}
    if "field" in sent:
        data["sector"] = sent["field"]
    if sent.get("unit") is not None:
        data["unit"] = scoped(user, Unit).filter(uid=payload.unit).first()
        if data["unit"] is None:
            raise ActionError("Không tìm thấy đơn vị trong phạm vi được giao.", field="unit")
    if payload.owners is not None:
        people = {p.uid: p for p in scoped(user, Person).filter(uid__in=[o.person for o in payload.owners])}
        if any(o.person not in people for o in payload.owners):
            raise ActionError("Không tìm thấy tác giả trong phạm vi được giao.", field="owners")
        data["owners"] = [(people[o.person], o.share) for o in payload.owners]
    item = actions.do_edit_initiative(user, item, data, expected_version=payload.version)
    return _out(item)
