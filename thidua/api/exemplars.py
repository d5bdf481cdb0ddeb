"""/api/v1: Điển hình tiên tiến — the list (the page's selector and filters), one entry, create,
update (compare-and-set on `version`), and a replication (nhân rộng). Evidence files are added
through the pages.

A unit, person or movement named by uid outside the caller's scope answers 404 naming the field,
like a missing one; nothing is written.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

import datetime as dt
from typing import Any, Dict, List, Literal, Optional
from uuid import UUID

from ninja import Field, Query, Router, Schema

from thidua.api.auth import requires
from thidua.api.params import PageParams, year_query
from thidua.api.registry import ErrorOut, _page, _ref, _user
from thidua.core.access import get_scoped_or_404
from thidua.exemplars import actions, selectors
from thidua.exemplars.models import Exemplar, SubjectKind
from thidua.movements.models import Movement
from thidua.org.models import Person, Province, Unit
from thidua.rules.catalogue import SCOPES

router = Router(tags=["Điển hình tiên tiến"])

ERRORS: Dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: Dict[int, Any] = {**ERRORS, 409: ErrorOut}
KindCode = Literal[tuple(SubjectKind.values)]  # type: ignore[valid-type]
LevelCode = Literal[SCOPES]  # type: ignore[valid-type]


class ReplicationOut(Schema):
    uid: UUID
    unit: Optional[UUID]
    place: str = Field(description="Tên đơn vị hoặc nơi áp dụng")
    applied_on: dt.date
    result: str


class ExemplarOut(Schema):
    uid: UUID
    kind: str
    kind_label: str
    name: str = Field(description="Tên tập thể hoặc cá nhân")
    unit: UUID
    unit_name: str
    person: Optional[UUID]
    movement: Optional[UUID]
    movement_title: Optional[str]
    year: int
    title: str
    story: str
    level: str
    issuer: str
    decision_number: str
    decision_date: Optional[dt.date]
    note: str
    evidence: List[str] = Field(description="Tên các tệp minh chứng")
    replications: List[ReplicationOut]
    version: int = Field(description="Gửi lại khi sửa; nếu đã có người sửa trước, API trả 409")


class ExemplarPage(Schema):
    count: int
    limit: int
    offset: int
    items: List[ExemplarOut]


class ExemplarIn(Schema):
    kind: KindCode  # type: ignore[valid-type]
    unit: Optional[UUID] = Field(None, description="Tập thể điển hình; với cá nhân: đơn vị khi được biểu dương (mặc định đơn vị hiện tại)")
    person: Optional[UUID] = Field(None, description="Cá nhân điển hình (khi kind = INDIVIDUAL)")
    movement: Optional[UUID] = None
    year: int
    title: str = Field(..., max_length=300, description="Điển hình về nội dung gì")
    story: str = Field(..., description="Câu chuyện, thành tích")
    level: LevelCode = "PROVINCE"  # type: ignore[valid-type]
    issuer: str = Field(..., max_length=200, description="Cơ quan, người công nhận")
    decision_number: str = Field("", max_length=80)
    decision_date: Optional[dt.date] = None
    note: str = Field("", max_length=255)


class ExemplarUpdateIn(ExemplarIn):
    version: int = Field(..., description="Phiên bản đã đọc (compare-and-set)")


class ReplicationIn(Schema):
    unit: Optional[UUID] = Field(None, description="Đơn vị áp dụng (trong danh mục)")
    place: str = Field("", max_length=255, description="Nơi áp dụng, khi không có trong danh mục")
    applied_on: dt.date
    result: str


def exemplar_out(e: Exemplar) -> dict:
    return {
        "uid": e.uid, "kind": e.kind, "kind_label": e.get_kind_display(), "name": e.subject_name, "unit": e.unit.uid,
        "unit_name": e.unit.name, "person": e.person.uid if e.person_id else None,
        "movement": e.movement.uid if e.movement_id else None, "movement_title": e.movement.title if e.movement_id else None,
        "year": e.year, "title": e.title, "story": e.story, "level": e.level, "issuer": e.issuer,
        "decision_number": e.decision_number, "decision_date": e.decision_date, "note": e.note,
        "evidence": [f.original_name for f in e.evidence.all()],
        "replications": [{"uid": r.uid, "unit": r.unit.uid if r.unit_id else None, "place": r.where, "applied_on": r.applied_on,
                          "result": r.result} for r in e.replications.all()],
        "version": e.version,
    }


def _qs():
    return Exemplar.objects.select_related("unit", "person", "movement").prefetch_related("evidence", "replications__unit")


def _data(user, payload: ExemplarIn) -> dict:
    unit = _ref(user, Unit, payload.unit, "unit", "đơn vị", actions.EDIT)
    person = _ref(user, Person, payload.person, "person", "cá nhân", actions.EDIT)
    movement = None
    if payload.movement is not None:
        home = unit or (person.unit if person else None)
        lineage = Province.objects.get(pk=home.province_id).lineage_ids() if home else set()
        movement = Movement.objects.filter(uid=payload.movement, province_id__in=lineage).first()
        if movement is None:
            from thidua.api.errors import ReferenceNotFound

            raise ReferenceNotFound("Không tìm thấy phong trào đã chọn trong tỉnh của đơn vị.", field="movement")
    return {"kind": payload.kind, "unit": unit, "person": person, "movement": movement, "year": payload.year,
            "title": payload.title, "story": payload.story, "level": payload.level, "issuer": payload.issuer,
            "decision_number": payload.decision_number, "decision_date": payload.decision_date, "note": payload.note}


@router.get("/exemplars", response={200: ExemplarPage, **ERRORS},
            summary="Danh sách điển hình tiên tiến (tìm không dấu, lọc theo năm, phong trào, đối tượng, đơn vị, cấp)")
@requires("registry.view")
def list_exemplars(
    request,
    page: Query[PageParams],
    q: Optional[str] = Query(None, max_length=200, description="Tên, đơn vị, nội dung điển hình, số quyết định; không cần dấu"),
    year: Optional[int] = year_query(),
    movement: Optional[UUID] = Query(None),
    kind: Optional[KindCode] = Query(None),  # type: ignore[valid-type]
    unit: Optional[UUID] = Query(None),
    level: Optional[LevelCode] = Query(None),  # type: ignore[valid-type]
):
    qs = selectors.exemplar_list(_user(request), q=q or "", year=year, movement=movement, kind=kind or "", unit=unit,
                                 level=level or "")
    return _page(qs.prefetch_related("evidence", "replications__unit"), page, exemplar_out)


@router.get("/exemplars/{uid}", response={200: ExemplarOut, **ERRORS}, summary="Xem một điển hình tiên tiến")
@requires("registry.view")
def get_exemplar(request, uid: UUID):
    return exemplar_out(get_scoped_or_404(_user(request), _qs(), uid=uid))


@router.post("/exemplars", response={201: ExemplarOut, **ERRORS}, summary="Ghi điển hình tiên tiến")
@requires(actions.EDIT)
def create_exemplar(request, payload: ExemplarIn):
    user = _user(request)
    item = actions.do_create_exemplar(actor=user, data=_data(user, payload))
    return 201, exemplar_out(get_scoped_or_404(user, _qs(), uid=item.uid))


@router.put("/exemplars/{uid}", response={200: ExemplarOut, **WRITE_ERRORS}, summary="Sửa điển hình tiên tiến")
@requires(actions.EDIT)
def update_exemplar(request, uid: UUID, payload: ExemplarUpdateIn):
    user = _user(request)
    item = get_scoped_or_404(user, _qs(), actions.EDIT, uid=uid)
    data = _data(user, payload)
    if data["unit"] is None and data["person"] is not None:
        data["unit"] = data["person"].unit
    actions.do_update_exemplar(actor=user, exemplar=item, data=data, expected_version=payload.version)
    return exemplar_out(get_scoped_or_404(user, _qs(), uid=uid))


@router.post("/exemplars/{uid}/replications", response={201: ExemplarOut, **ERRORS},
             summary="Ghi nơi nhân rộng điển hình (đơn vị hoặc nơi áp dụng, thời gian, kết quả)")
@requires(actions.EDIT)
def add_replication(request, uid: UUID, payload: ReplicationIn):
    user = _user(request)
    item = get_scoped_or_404(user, _qs(), actions.EDIT, uid=uid)
    unit = _ref(user, Unit, payload.unit, "unit", "đơn vị áp dụng")
    actions.do_add_replication(actor=user, exemplar=item, data={"unit": unit, "place": payload.place,
                                                                 "applied_on": payload.applied_on, "result": payload.result})
    return 201, exemplar_out(get_scoped_or_404(user, _qs(), uid=uid))
