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
from thidua.api.params import year_query
from thidua.api.registry import ErrorOut, _user
from thidua.core.errors import ActionError
from thidua.reports import selectors
from thidua.reports.models import ProvinceReport
from thidua.reports.statistics import cell_records, compute_table
from thidua.rules import statistics as core

router = Router(tags=["Báo cáo, thống kê"])
ERRORS: Dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class StatisticsItemOut(Schema):
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
    rows: List[StatisticsItemOut]
    columns: List[StatisticsItemOut]


class StatisticsRowOut(Schema):
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
    rows: List[StatisticsRowOut]


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
def statistics_definitions(request, year: Optional[int] = year_query()):
    return [_definition_out(d) for d in core.definitions_for_year(_year(year))]


@router.get("/reports/statistics/{code}", response={200: TableOut, **ERRORS}, url_name="statistics_table",
            summary="Tính một biểu thống kê trong phạm vi của người gọi")
@requires("registry.view")
def statistics_table(request, code: str, year: Optional[int] = year_query(), province: Optional[UUID] = None):
    picked = _picked(request, province, year)
    definition = _definition(code, picked.year)
    table = compute_table(picked.scope, picked.year, definition)
    return {**table.as_dict(), "province": picked.province.uid, "scope": selectors.scope_text(picked.scope),
            "explanation": core.describe(definition, picked.year)}


@router.get("/reports/statistics/{code}/records", response={200: RecordsOut, **ERRORS}, url_name="statistics_records",
            summary="Các trường hợp được đếm ở một ô của biểu (dòng, cột)")
@requires("registry.view")
def statistics_records(request, code: str, row: str, column: str, year: Optional[int] = year_query(), province: Optional[UUID] = None,
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


class ProvinceReportIn(Schema):
    version: int = 0
    issuer_unit: Optional[UUID] = None
    signer_name: Optional[str] = None
    signer_title: Optional[str] = None
    signer_authority: Optional[str] = None
    situation: Optional[str] = None
    highlights: Optional[str] = None
    limitations: Optional[str] = None
    directions: Optional[str] = None
    proposals: Optional[str] = None


class BlocLineOut(Schema):
    name: str
    members: int
    registered: int
    approved: int
    head: str
    ranking: str
    leader: str
    leader_note: str


class ProvinceReportOut(Schema):
    uid: Optional[UUID]
    province: UUID
    year: int
    version: int
    issuer_unit: Optional[UUID]
    signer_name: str
    signer_title: str
    signer_authority: str
    situation: str
    highlights: str
    limitations: str
    directions: str
    proposals: str
    blocs: List[BlocLineOut]
    initiatives: int
    exemplars: int
    money_total: int
    money_unknown: int


def _report_out(picked, report) -> dict:
    from thidua.reports.models import NARRATIVE_SECTIONS
    from thidua.reports.province import province_year

    data = province_year(picked.scope, picked.year)
    text = {k: getattr(report, k) if report else "" for k in (*NARRATIVE_SECTIONS, "signer_name", "signer_title", "signer_authority")}
    return {
        "uid": report.uid if report else None, "province": picked.province.uid, "year": picked.year,
        "version": report.version if report else 0, "issuer_unit": report.issuer_unit.uid if report and report.issuer_unit_id else None,
        **text,
        "blocs": [{"name": b.name, "members": b.members, "registered": b.registered, "approved": b.approved, "head": b.head,
                   "ranking": b.ranking_state, "leader": b.leader, "leader_note": b.leader_note} for b in data.blocs],
        "initiatives": data.initiatives_total, "exemplars": data.exemplars_total, "money_total": data.money_total, "money_unknown": data.money_unknown,
    }


def _whole_province(request, province, year):
    picked = _picked(request, province, year)
    if not picked.scope.whole_province:
        raise Http404("Không tìm thấy")
    return picked


@router.get("/reports/province/{year}", response={200: ProvinceReportOut, **ERRORS}, url_name="province_report",
            summary="Báo cáo tổng kết của tỉnh: các phần do cơ quan thường trực soạn và số liệu tổng hợp")
@requires("registry.view")
def province_report(request, year: int, province: Optional[UUID] = None):
    picked = _whole_province(request, province, year)
    report = ProvinceReport.objects.filter(province=picked.province, year=picked.year).select_related("issuer_unit").first()
    return _report_out(picked, report)


@router.put("/reports/province/{year}", response={200: ProvinceReportOut, **ERRORS, 409: ErrorOut}, url_name="province_report_save",
            summary="Soạn, sửa các phần của báo cáo tổng kết của tỉnh (version: phiên bản đã đọc, 0 khi chưa có)")
@requires("report.province")
def province_report_save(request, year: int, payload: ProvinceReportIn, province: Optional[UUID] = None):
    from thidua.org.models import Unit
    from thidua.reports import actions

    picked = _whole_province(request, province, year)
    data = {k: v for k, v in payload.dict().items() if k not in ("version", "issuer_unit") and v is not None}
    if "issuer_unit" in payload.model_fields_set:
        issuer = None
        if payload.issuer_unit is not None:
            issuer = Unit.objects.filter(uid=payload.issuer_unit, province_id__in=picked.scope.province_ids).first()
            if issuer is None:
                raise ActionError("Cơ quan ban hành phải là một đơn vị của tỉnh.", field="issuer_unit")
        data["issuer_unit"] = issuer
    report = actions.do_save_province_report(actor=_user(request), province=picked.province, year=picked.year, data=data,
                                             expected_version=payload.version)
    report = ProvinceReport.objects.select_related("issuer_unit").get(pk=report.pk)
    return _report_out(picked, report)
