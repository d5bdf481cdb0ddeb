"""/api/v1 resources of the organisation registry: provinces, units, departments, people.

Thin like the pages: `requires()` checks the role, get_scoped_or_404 the scope (an object outside
it answers 404 like a missing one) and the org actions do every write, with their audit rows.
Objects are named by their uid; integer keys never leave the server.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

import datetime as dt
from typing import Any, List, Literal, Optional
from uuid import UUID

from django.db.models import QuerySet
from ninja import Field, Query, Router, Schema

from thidua.api.auth import requires
from thidua.api.errors import ReferenceNotFound
from thidua.api.params import PageParams  # noqa: F401  (bounded paging, shared by every list)
from thidua.core.access import get_scoped_or_404, scoped
from thidua.core.db import vi_order
from thidua.core.errors import ActionError
from thidua.org import actions, selectors
from thidua.org.models import Department, DocFormat, Gender, Person, Province, Unit, UnitKind

router = Router(tags=["Danh mục tổ chức"])

UnitKindCode = Literal[tuple(UnitKind.values)]  # type: ignore[valid-type]
DocFormatCode = Literal[tuple(DocFormat.values)]  # type: ignore[valid-type]
GenderCode = Literal[tuple(Gender.values)]  # type: ignore[valid-type]


# ---------------------------------------------------------------- schemas


class ErrorDetail(Schema):
    code: str
    message: str
    field: Optional[str] = None


class ErrorOut(Schema):
    error: ErrorDetail


ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ProvinceOut(Schema):
    uid: UUID
    code: str = Field(description="Mã đơn vị hành chính chính thức")
    name: str
    is_city: bool
    valid_from: Optional[dt.date]
    valid_to: Optional[dt.date]
    merged_into: Optional[UUID] = Field(None, description="Tỉnh kế thừa sau sắp xếp (nếu có)")


class UnitOut(Schema):
    uid: UUID
    name: str
    short_name: str
    kind: str
    kind_label: str
    doc_format: str
    superior_name: str
    province: UUID
    province_name: str
    parent: Optional[UUID]
    parent_name: Optional[str]
    address: str
    established_on: Optional[dt.date]
    ended_on: Optional[dt.date]
    version: int = Field(description="Gửi lại khi sửa; nếu đã có người sửa trước, API trả 409")


class UnitPage(Schema):
    count: int
    limit: int
    offset: int
    items: List[UnitOut]


class UnitIn(Schema):
    province: UUID = Field(description="Tỉnh/thành phố của đơn vị")
    name: str = Field(max_length=255)
    short_name: str = Field("", max_length=60)
    kind: UnitKindCode = "STATE"  # type: ignore[valid-type]
    doc_format: Optional[DocFormatCode] = Field(None, description="Mặc định theo loại đơn vị")  # type: ignore[valid-type]
    superior_name: str = Field("", max_length=255)
    parent: Optional[UUID] = None
    address: str = Field("", max_length=255)
    established_on: Optional[dt.date] = None
    ended_on: Optional[dt.date] = None


class UnitPatch(Schema):
    version: int = Field(description="Phiên bản đã đọc (compare-and-set)")
    name: Optional[str] = Field(None, max_length=255)
    short_name: Optional[str] = Field(None, max_length=60)
    kind: Optional[UnitKindCode] = None  # type: ignore[valid-type]
    doc_format: Optional[DocFormatCode] = None  # type: ignore[valid-type]
    superior_name: Optional[str] = Field(None, max_length=255)
    parent: Optional[UUID] = None
    address: Optional[str] = Field(None, max_length=255)
    established_on: Optional[dt.date] = None
    ended_on: Optional[dt.date] = None


class DepartmentOut(Schema):
    uid: UUID
    name: str
    unit: UUID


class DepartmentIn(Schema):
    name: str = Field(max_length=255)


class PersonOut(Schema):
    uid: UUID
    full_name: str
    gender: str
    gender_label: str
    birth_date: Optional[dt.date]
    ethnicity: str
    staff_code: str
    unit: UUID
    unit_name: str
    department: Optional[UUID]
    department_name: Optional[str]
    position_title: str
    is_leader: bool
    is_party_member: bool
    version: int


class PersonPage(Schema):
    count: int
    limit: int
    offset: int
    items: List[PersonOut]


class PersonIn(Schema):
    unit: UUID
    full_name: str = Field(max_length=120)
    gender: GenderCode  # type: ignore[valid-type]
    birth_date: Optional[dt.date] = None
    ethnicity: str = Field("Kinh", max_length=40)
    staff_code: str = Field("", max_length=40)
    department: Optional[UUID] = None
    position_title: str = Field("", max_length=120)
    is_leader: bool = False
    is_party_member: bool = False


class PersonPatch(Schema):
    version: int = Field(description="Phiên bản đã đọc (compare-and-set)")
    unit: Optional[UUID] = Field(None, description="Đổi đơn vị là điều chuyển: cần quyền ở cả đơn vị mới")
    full_name: Optional[str] = Field(None, max_length=120)
    gender: Optional[GenderCode] = None  # type: ignore[valid-type]
    birth_date: Optional[dt.date] = None
    ethnicity: Optional[str] = Field(None, max_length=40)
    staff_code: Optional[str] = Field(None, max_length=40)
    department: Optional[UUID] = None
    position_title: Optional[str] = Field(None, max_length=120)
    is_leader: Optional[bool] = None
    is_party_member: Optional[bool] = None


# ---------------------------------------------------------------- helpers


def _user(request):
    return getattr(request, "auth", None) or request.user


def _page(qs: QuerySet, params: PageParams, render) -> dict:
    count = qs.count()
    items = [render(obj) for obj in qs[params.offset : params.offset + params.limit]]
    return {"count": count, "limit": params.limit, "offset": params.offset, "items": items}


def _ref(user, model, uid: UUID | None, field: str, label: str, action: str = "registry.view"):
    """The object a request body names, or a 404 naming the field."""
    if uid is None:
        return None
    obj = scoped(user, model, action).filter(uid=uid).first()
    if obj is None:
        raise ReferenceNotFound(f"Không tìm thấy {label} đã chọn.", field=field)
    return obj


def _text_fields(data: dict, names: tuple[str, ...]) -> dict:
    """A JSON null in a text field means "empty" (the model keeps text columns non-null)."""
    return {k: ("" if (k in names and v is None) else v) for k, v in data.items()}


def province_out(p: Province) -> dict:
    return {
        "uid": p.uid,
        "code": p.code,
        "name": p.name,
        "is_city": p.is_city,
        "valid_from": p.valid_from,
        "valid_to": p.valid_to,
        "merged_into": p.merged_into.uid if p.merged_into_id else None,
    }


def unit_out(u: Unit) -> dict:
    return {
        "uid": u.uid,
        "name": u.name,
        "short_name": u.short_name,
        "kind": u.kind,
        "kind_label": u.get_kind_display(),
        "doc_format": u.doc_format,
        "superior_name": u.superior_name,
        "province": u.province.uid,
        "province_name": str(u.province),
        "parent": u.parent.uid if u.parent_id else None,
        "parent_name": u.parent.name if u.parent_id else None,
        "address": u.address,
        "established_on": u.established_on,
        "ended_on": u.ended_on,
        "version": u.version,
    }


def department_out(d: Department) -> dict:
    return {"uid": d.uid, "name": d.name, "unit": d.unit.uid}


def person_out(p: Person) -> dict:
    return {
        "uid": p.uid,
        "full_name": p.full_name,
        "gender": p.gender,
        "gender_label": p.get_gender_display(),
        "birth_date": p.birth_date,
        "ethnicity": p.ethnicity,
        "staff_code": p.staff_code,
        "unit": p.unit.uid,
        "unit_name": p.unit.name,
        "department": p.department.uid if p.department_id else None,
        "department_name": p.department.name if p.department_id else None,
        "position_title": p.position_title,
        "is_leader": p.is_leader,
        "is_party_member": p.is_party_member,
        "version": p.version,
    }


UNIT_TEXT = ("short_name", "superior_name", "address", "name")
PERSON_TEXT = ("full_name", "ethnicity", "staff_code", "position_title")


# ---------------------------------------------------------------- provinces


@router.get("/provinces", response={200: List[ProvinceOut], **ERRORS}, summary="Danh sách tỉnh/thành phố trong phạm vi")
@requires("registry.view")
def list_provinces(request):
    qs = scoped(_user(request), Province.objects.select_related("merged_into"), "registry.view")
    return [province_out(p) for p in qs.order_by(vi_order("name"), "valid_from", "pk")]


@router.get("/provinces/{uid}", response={200: ProvinceOut, **ERRORS}, summary="Xem một tỉnh/thành phố")
@requires("registry.view")
def get_province(request, uid: UUID):
    return province_out(get_scoped_or_404(_user(request), Province.objects.select_related("merged_into"), uid=uid))


# ---------------------------------------------------------------- units


def _units(user):
    return scoped(user, Unit.objects.select_related("province", "parent"), "registry.view")


@router.get("/units", response={200: UnitPage, **ERRORS}, summary="Danh sách đơn vị (tìm không dấu, lọc theo loại)")
@requires("registry.view")
def list_units(
    request,
    page: Query[PageParams],
    q: Optional[str] = Query(None, description="Tên hoặc tên viết tắt, không cần dấu", max_length=200),
    kind: Optional[UnitKindCode] = Query(None),  # type: ignore[valid-type]
    status: Literal["active", "ended", "all"] = Query("active", description="active: đang hoạt động; ended: đã chấm dứt"),
):
    qs = _units(_user(request))
    if status == "active":
        qs = qs.filter(ended_on__isnull=True)
    elif status == "ended":
        qs = qs.filter(ended_on__isnull=False)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = selectors.search(qs, q)
    return _page(qs.order_by(vi_order("name"), "pk"), page, unit_out)


@router.get("/units/{uid}", response={200: UnitOut, **ERRORS}, summary="Xem một đơn vị")
@requires("registry.view")
def get_unit(request, uid: UUID):
    return unit_out(get_scoped_or_404(_user(request), _units(_user(request)), uid=uid))


@router.post("/units", response={201: UnitOut, **ERRORS}, summary="Thêm đơn vị")
@requires("unit.edit")
def create_unit(request, payload: UnitIn):
    user = _user(request)
    data = _text_fields(payload.dict(), UNIT_TEXT)
    province = _ref(user, Province, data.pop("province"), "province", "tỉnh/thành phố")
    data["parent"] = _ref(user, Unit, data.pop("parent"), "parent", "đơn vị cấp trên")
    data["doc_format"] = data.get("doc_format") or ""
    unit = actions.do_create_unit(actor=user, province=province, data=data)
    return 201, unit_out(Unit.objects.select_related("province", "parent").get(pk=unit.pk))


@router.patch("/units/{uid}", response={200: UnitOut, 409: ErrorOut, **ERRORS}, summary="Sửa đơn vị (gửi kèm version)")
@requires("unit.edit")
def update_unit(request, uid: UUID, payload: UnitPatch):
    user = _user(request)
    unit = get_scoped_or_404(user, _units(user), uid=uid)
    data = _text_fields(payload.dict(exclude_unset=True), UNIT_TEXT)
    version = data.pop("version")
    if "parent" in data:
        data["parent"] = _ref(user, Unit, data["parent"], "parent", "đơn vị cấp trên")
    if "doc_format" in data and data["doc_format"] is None:
        data["doc_format"] = ""
    actions.do_update_unit(actor=user, unit=unit, data=data, expected_version=version)
    return unit_out(Unit.objects.select_related("province", "parent").get(pk=unit.pk))


# ---------------------------------------------------------------- departments


@router.get("/units/{uid}/departments", response={200: List[DepartmentOut], **ERRORS}, summary="Phòng, ban của một đơn vị")
@requires("registry.view")
def list_departments(request, uid: UUID):
    user = _user(request)
    unit = get_scoped_or_404(user, Unit, uid=uid)
    qs = Department.objects.filter(unit=unit).select_related("unit").order_by(vi_order("name"), "pk")
    return [department_out(d) for d in qs]


@router.post("/units/{uid}/departments", response={201: DepartmentOut, **ERRORS}, summary="Thêm phòng, ban")
@requires("department.edit")
def create_department(request, uid: UUID, payload: DepartmentIn):
    user = _user(request)
    unit = get_scoped_or_404(user, Unit, uid=uid)
    department = actions.do_create_department(actor=user, unit=unit, name=payload.name)
    return 201, department_out(department)


# ---------------------------------------------------------------- people


def _people(user):
    return scoped(user, Person.objects.select_related("unit", "department"), "registry.view")


@router.get("/people", response={200: PersonPage, **ERRORS}, summary="Danh sách cá nhân (tìm không dấu, lọc theo đơn vị)")
@requires("registry.view")
def list_people(
    request,
    page: Query[PageParams],
    q: Optional[str] = Query(None, description="Họ tên hoặc mã cán bộ, không cần dấu", max_length=200),
    unit: Optional[UUID] = Query(None, description="uid của đơn vị"),
):
    user = _user(request)
    qs = _people(user)
    if unit is not None:
        qs = qs.filter(unit=_ref(user, Unit, unit, "unit", "đơn vị"))
    if q:
        qs = selectors.search(qs, q)
    return _page(qs.order_by(vi_order("given_name"), vi_order("full_name"), "pk"), page, person_out)


@router.get("/people/{uid}", response={200: PersonOut, **ERRORS}, summary="Xem một cá nhân")
@requires("registry.view")
def get_person(request, uid: UUID):
    return person_out(get_scoped_or_404(_user(request), _people(_user(request)), uid=uid))


@router.post("/people", response={201: PersonOut, **ERRORS}, summary="Thêm cá nhân")
@requires("person.edit")
def create_person(request, payload: PersonIn):
    user = _user(request)
    data = _text_fields(payload.dict(), PERSON_TEXT)
    unit = _ref(user, Unit, data.pop("unit"), "unit", "đơn vị")
    data["department"] = _ref(user, Department, data.pop("department"), "department", "phòng, ban")
    person = actions.do_create_person(actor=user, unit=unit, data=data)
    return 201, person_out(Person.objects.select_related("unit", "department").get(pk=person.pk))


@router.patch("/people/{uid}", response={200: PersonOut, 409: ErrorOut, **ERRORS}, summary="Sửa cá nhân (gửi kèm version)")
@requires("person.edit")
def update_person(request, uid: UUID, payload: PersonPatch):
    user = _user(request)
    person = get_scoped_or_404(user, _people(user), uid=uid)
    data = _text_fields(payload.dict(exclude_unset=True), PERSON_TEXT)
    version = data.pop("version")
    if "unit" in data:
        if data["unit"] is None:
            raise ActionError("Cá nhân phải thuộc một đơn vị.", field="unit")
        data["unit"] = _ref(user, Unit, data["unit"], "unit", "đơn vị")
    if "department" in data:
        data["department"] = _ref(user, Department, data["department"], "department", "phòng, ban")
    for flag in ("is_leader", "is_party_member", "gender"):
        if flag in data and data[flag] is None:
            raise ActionError("Trường này không được để trống.", field=flag)
    actions.do_update_person(actor=user, person=person, data=data, expected_version=version)
    return person_out(Person.objects.select_related("unit", "department").get(pk=person.pk))
