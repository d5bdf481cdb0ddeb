"""/api/v1/reports: the TĐKT statistics tables (definitions held as data, computed in the caller's
scope), the records behind one figure, and the province's tổng kết report as DOCX.

Same selectors as the pages (thidua/reports/selectors.py): the province is one the caller may look
at (404 otherwise), the year defaults as on the pages; a unit or block user counts their units only.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

import datetime as dt
from typing import Any, Dict, List, Optional
from uuid import UUID

from django.http import Http404, HttpResponse
from ninja import Router, Schema

from thidua.api.auth import requires
from thidua.api.registry import ErrorOut, _user
from thidua.core.errors import ActionError
from thidua.reports import selectors
from thidua.reports.models import ProvinceReport
from thidua.reports.statistics import cell_records, compute_table
from thidua.rules import statistics as core

router = Router(tags=["Báo cáo, thống kê"])
ERRORS: Dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class ItemOut(Schema):
    key: str
    label: str
    where: Dict[str, List[str]]


class DefinitionOut(Schema):
    code: str
    version: int
    title: str
    effective_from: dt.date
    effective_to: Optional[dt.date]
    citation: str
    unconfirmed: str
    basis: str
    period: str
    filters: Dict[str, List[str]]
    rows: List[ItemOut]
    columns: List[ItemOut]


class RowOut(Schema):
    key: str
    label: str
    values: List[int]


class ColumnOut(Schema):
    key: str
    label: str


class TableOut(Schema):
    code: str
    version: int
    title: str
    year: int
    period: str
    basis: str
    citation: str
    unconfirmed: str
    province: UUID
    scope: str
    explanation: str
    columns: List[ColumnOut]
    rows: List[RowOut]


class RecordOut(Schema):
    uid: UUID
    subject: str
    person: Optional[UUID]
    unit: Optional[UUID]
    name: str
    award: str
    award_name: str
    year: int
    decision: str


class RecordsOut(Schema):
    count: int
    items: List[RecordOut]


def _year(value) -> int:
    try:
        return selectors.parse_year(value)
    except selectors.BadYear as exc:
        raise ActionError(exc.message, field="year") from None


def _picked(request, province: Optional[UUID], year: Optional[int]):
    picked = selectors.pick(_user(request), province, _year(year))
    if picked.scope is None:
        raise Http404("Không tìm thấy")
    return picked


def _sets(where) -> Dict[str, List[str]]:
    return {name: sorted(values) for name, values in where.items()}


def _definition_out(d: core.Definition) -> dict:
    items = lambda seq: [{"key": i.key, "label": i.label, "where": _sets(i.where)} for i in seq]  # noqa: E731
    return {
        "code": d.code, "version": d.version, "title": d.title, "effective_from": d.effective_from, "effective_to": d.effective_to,
        "citation": d.citation, "unconfirmed": d.unconfirmed, "basis": d.basis, "period": d.period, "filters": _sets(d.filters),
        "rows": items(d.rows), "columns": items(d.columns),
    }


def _definition(code: str, year: int) -> core.Definition:
    definition = core.definition_for(code, year)
    if definition is None:
        raise Http404("Không tìm thấy")
    return definition


@router.get("/reports/statistics/definitions", response={200: List[DefinitionOut], **ERRORS}, url_name="statistics_definitions",
            summary="Các biểu thống kê áp dụng cho một năm (định nghĩa dạng dữ liệu: dòng, cột, bộ lọc, căn cứ)")
@requires("registry.view")
def statistics_definitions(request, year: Optional[int] = None):
    return [_definition_out(d) for d in core.definitions_for_year(_year(year))]


@router.get("/reports/statistics/{code}", response={200: TableOut, **ERRORS}, url_name="statistics_table",
            summary="Tính một biểu thống kê trong phạm vi của người gọi")
@requires("registry.view")
def statistics_table(request, code: str, year: Optional[int] = None, province: Optional[UUID] = None):
    picked = _picked(request, province, year)
    definition = _definition(code, picked.year)
    table = compute_table(picked.scope, picked.year, definition)
    return {**table.as_dict(), "province": picked.province.uid, "scope": selectors.scope_text(picked.scope),
            "explanation": core.describe(definition, picked.year)}


@router.get("/reports/statistics/{code}/records", response={200: RecordsOut, **ERRORS}, url_name="statistics_records",
            summary="Các trường hợp được đếm ở một ô của biểu (dòng, cột)")
@requires("registry.view")
def statistics_records(request, code: str, row: str, column: str, year: Optional[int] = None, province: Optional[UUID] = None,
                       limit: int = 100, offset: int = 0):
    if not 1 <= limit <= 500 or offset < 0:
        raise ActionError("limit từ 1 đến 500, offset không âm.", field="limit")
    picked = _picked(request, province, year)
    qs = cell_records(picked.scope, picked.year, _definition(code, picked.year), row, column)
    if qs is None:
        raise Http404("Không tìm thấy")
    items = [
        {"uid": r.uid, "subject": "individual" if r.person_id else "collective", "person": r.person.uid if r.person_id else None,
         "unit": r.unit.uid if r.unit_id else None, "name": r.subject_name, "award": r.award_code,
         "award_name": r.get_award_code_display(), "year": r.year, "decision": r.decision_text}
        for r in qs[offset:offset + limit]
    ]
    return {"count": qs.count(), "items": items}


@router.get("/reports/province/{year}/docx", response={200: None, **ERRORS}, url_name="province_report_docx",
            summary="Tải báo cáo tổng kết công tác thi đua, khen thưởng của tỉnh (DOCX, theo số liệu hiện tại)")
@requires("registry.view")
def province_report_docx(request, year: int, province: Optional[UUID] = None):
    from thidua.reports.documents import report_docx

    picked = _picked(request, province, year)
    if not picked.scope.whole_province:
        raise Http404("Không tìm thấy")
    report = ProvinceReport.objects.filter(province=picked.province, year=picked.year).select_related("issuer_unit", "province").first()
    if report is None:
        raise Http404("Không tìm thấy")
    data, name = report_docx(report)
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
