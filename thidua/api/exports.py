"""/api/v1/exports/national: the national export of a province's decisions and awards (issue #15).

`GET /exports/national?from=&to=&format=json|xlsx[&province=]` validates the period's data
against the shipped JSON Schema (`GET /exports/national/schema`), logs the export and answers the
file (its SHA-256 in `X-Content-SHA256`); a document that fails the schema is refused (400, the
records named in Vietnamese) and nothing is logged. `GET /exports/national/log` lists the past
exports in the caller's scope, `GET /exports/national/{uid}/file` downloads one again.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

import datetime as dt
from typing import Any, Dict, List, Literal, Optional
from uuid import UUID

from django.core.files.storage import default_storage
from django.http import JsonResponse
from ninja import Field, Query, Router, Schema

from thidua.api.auth import requires
from thidua.api.errors import ReferenceNotFound
from thidua.api.registry import ErrorOut, PageParams, _page, _user
from thidua.core.access import get_scoped_or_404, provinces_for
from thidua.core.errors import ActionError
from thidua.exports import actions, national, selectors
from thidua.exports.models import NationalExport
from thidua.exports.views import file_response

router = Router(tags=["Xuất dữ liệu khen thưởng quốc gia"])
ERRORS: Dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class NationalQuery(Schema):
    date_from: dt.date = Field(alias="from", description="Ngày đầu kỳ (theo ngày quyết định), YYYY-MM-DD")
    date_to: dt.date = Field(alias="to", description="Ngày cuối kỳ, YYYY-MM-DD")
    format: Literal["json", "xlsx"] = Field("json", description="json: theo mẫu dữ liệu quốc gia; xlsx: cùng dữ liệu dạng Excel")
    province: Optional[UUID] = Field(None, description="Tỉnh; bỏ trống khi tài khoản chỉ quản lý một tỉnh")


class ExportLogOut(Schema):
    uid: UUID
    province: UUID
    province_name: str
    created_at: dt.datetime
    actor: str
    date_from: dt.date = Field(alias="from")
    date_to: dt.date = Field(alias="to")
    format: str
    schema_version: str
    decisions: int
    titles: int
    forms: int
    sha256: str
    size: int
    download_url: str


class ExportLogPage(Schema):
    count: int
    limit: int
    offset: int
    items: List[ExportLogOut]


def log_out(log: NationalExport) -> dict:
    return {
        "uid": log.uid, "province": log.province.uid, "province_name": log.province.name, "created_at": log.created_at,
        "actor": log.actor_name, "from": log.date_from, "to": log.date_to, "format": log.fmt, "schema_version": log.schema_version,
        "decisions": log.decision_count, "titles": log.title_count, "forms": log.form_count, "sha256": log.sha256, "size": log.size,
        "download_url": f"/api/v1/exports/national/{log.uid}/file",
    }


def _province(user, uid: Optional[UUID]):
    allowed = provinces_for(user, "export.national")
    if uid is not None:
        province = allowed.filter(uid=uid).first()
        if province is None:
            raise ReferenceNotFound("Không tìm thấy tỉnh đã chọn trong phạm vi của bạn.", field="province")
        return province
    only = list(allowed[:2])
    if len(only) != 1:
        raise ActionError("Hãy chọn tỉnh cần xuất dữ liệu (tham số province).", field="province")
    return only[0]


@router.get(
    "/exports/national", response={200: None, **ERRORS}, url_name="national_export",
    summary="Xuất quyết định và khen thưởng của một kỳ (JSON theo mẫu quốc gia hoặc Excel); ghi nhật ký xuất",
)
@requires("export.national")
def national_export(request, params: Query[NationalQuery]):
    user = _user(request)
    log, data = actions.do_create_national_export(
        actor=user, province=_province(user, params.province), date_from=params.date_from, date_to=params.date_to, fmt=params.format
    )
    return file_response(data, log)


@router.get("/exports/national/schema", response={200: None, **ERRORS}, summary="Lược đồ JSON Schema của tệp xuất (phiên bản hiện hành)")
@requires("export.national")
def national_schema(request):
    return JsonResponse(national.schema(), json_dumps_params={"ensure_ascii": False})


@router.get("/exports/national/log", response={200: ExportLogPage, **ERRORS}, by_alias=True, summary="Nhật ký các lần xuất dữ liệu")
@requires("export.national")
def national_log(request, params: Query[PageParams]):
    return _page(selectors.export_log(_user(request)), params, log_out)


@router.get("/exports/national/{uid}/file", response={200: None, **ERRORS}, summary="Tải lại tệp của một lần xuất")
@requires("export.national")
def national_file(request, uid: UUID):
    log = get_scoped_or_404(_user(request), NationalExport, "export.national", uid=uid)
    try:
        with default_storage.open(log.file.name, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise ReferenceNotFound("Tệp của lần xuất này không còn trên máy chủ.") from None
    return file_response(data, log)



