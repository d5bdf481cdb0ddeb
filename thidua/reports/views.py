"""Pages of the reports: the statistics tables (each figure links to the records it counts, Excel
export in the table's layout) and the province's tổng kết report (narrative + DOCX). Thin: the
selectors pick the province and year in the user's scope, the engine computes, actions write."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from thidua.core.access import access, scope_of
from thidua.core.db import vi_order
from thidua.core.errors import ActionError
from thidua.core.forms import apply_action_error
from thidua.org.models import Unit
from thidua.reports import actions, excel, selectors
from thidua.reports.forms import ProvinceReportForm
from thidua.reports.models import NARRATIVE_SECTIONS, ProvinceReport
from thidua.reports.statistics import cell_records, compute_tables
from thidua.rules import statistics as core

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _picked(request):
    """(Picked, error message or "") from ?nam=&tinh=."""
    error = ""
    try:
        year = selectors.parse_year(request.GET.get("nam"))
    except selectors.BadYear as exc:
        year, error = selectors.parse_year(None), exc.message
    return selectors.pick(request.user, request.GET.get("tinh"), year), error


def _query(picked, **extra) -> str:
    params = {"nam": picked.year, **({"tinh": picked.province.uid} if picked.province else {}), **extra}
    return urlencode(params)


@access("registry.view")
def home(request):
    picked, error = _picked(request)
    can_report = scope_of(request.user).can("report.province")
    return render(request, "reports/home.html", {"picked": picked, "error": error, "can_report": can_report,
                                                 "query": _query(picked)})


@access("registry.view")
def statistics_page(request):
    picked, error = _picked(request)
    definitions = core.definitions_for_year(picked.year)
    code = request.GET.get("bang")
    if code:
        definitions = [d for d in definitions if d.code == code]
        if not definitions:
            raise Http404("Không tìm thấy")
    tables = compute_tables(picked.scope, picked.year, definitions) if picked.scope else []
    if request.GET.get("xuat") == "xlsx" and picked.scope:
        data = excel.tables_workbook(tables, selectors.scope_text(picked.scope))
        response = HttpResponse(data, content_type=XLSX)
        name = f"thong-ke-tdkt-{picked.year}" + (f"-{code.lower()}" if code else "")
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    shown = []
    for table in tables:
        d = table.definition
        rows = [(row, [(col, value, _query(picked, bang=d.code, dong=row.key, cot=col.key)) for col, value in cells])
                for row, cells in table.grid()]
        shown.append({"table": table, "rows": rows, "why": core.describe(d, picked.year),
                      "xlsx": _query(picked, bang=d.code, xuat="xlsx")})
    context = {"picked": picked, "error": error, "tables": shown, "query": _query(picked),
               "scope_text": selectors.scope_text(picked.scope) if picked.scope else ""}
    return render(request, "reports/statistics.html", context)


@access("registry.view")
def statistics_records(request):
    """The records one figure counts (same scope, same conditions as the figure)."""
    picked, error = _picked(request)
    if not request.GET.get("bang") or picked.scope is None:
        # Nothing chosen yet: say where the lists come from instead of a dead end.
        return render(request, "reports/records.html", {"picked": picked, "error": error, "definition": None, "back": _query(picked)})
    definition = core.definition_for(request.GET.get("bang", ""), picked.year)
    if definition is None:
        raise Http404("Không tìm thấy")
    row, column = definition.row(request.GET.get("dong", "")), definition.column(request.GET.get("cot", ""))
    qs = cell_records(picked.scope, picked.year, definition, request.GET.get("dong", ""), request.GET.get("cot", ""))
    if qs is None:
        raise Http404("Không tìm thấy")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    context = {
        "picked": picked, "error": error, "definition": definition, "row": row, "column": column, "page_obj": page,
        "why": core.describe(definition, picked.year), "back": _query(picked),
        "query": _query(picked, bang=definition.code, dong=row.key, cot=column.key),
    }
    return render(request, "reports/records.html", context)


def _report_picked(request):
    picked, error = _picked(request)
    if picked.scope is not None and not picked.scope.whole_province:
        picked = selectors.Picked(picked.provinces, None, picked.year, None)
    return picked, error


@access("registry.view")
def province_report_page(request):
    picked, error = _report_picked(request)
    if picked.province is None:
        return render(request, "reports/province_report.html", {"picked": picked, "error": error, "no_province": True})
    from thidua.documents.models import IssuedDocument
    from thidua.reports.province import province_year

    province = picked.province
    can_edit = scope_of(request.user).can("report.province")
    report = ProvinceReport.objects.filter(province=province, year=picked.year).select_related("issuer_unit").first()
    units = Unit.objects.filter(province_id__in=picked.scope.province_ids, ended_on__isnull=True).order_by(vi_order("name"))
    initial = {"version": report.version} if report else {"version": 0}
    form = ProvinceReportForm(request.POST or None, instance=report, initial=initial, units=units)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Chỉ cán bộ thi đua, khen thưởng của tỉnh mới soạn báo cáo tổng kết của tỉnh.")
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in form.Meta.fields}
            try:
                report = actions.do_save_province_report(
                    actor=request.user, province=province, year=picked.year, data=data,
                    expected_version=form.cleaned_data.get("version"),
                )
                if request.POST.get("generate"):
                    from thidua.documents.actions import do_generate_document

                    do_generate_document(actor=request.user, kind_code="PROVINCE_REPORT", source=report)
                    messages.success(request, "Đã lưu và sinh văn bản báo cáo (DOCX) để vào sổ.")
                else:
                    messages.success(request, "Đã lưu báo cáo.")
            except ActionError as exc:
                apply_action_error(form, exc)
            else:
                return redirect(reverse("reports:province_report") + "?" + _query(picked))
    document = IssuedDocument.objects.filter(kind="PROVINCE_REPORT", source_key=str(report.uid)).first() if report else None
    context = {
        "picked": picked, "error": error, "form": form, "report": report, "can_edit": can_edit, "document": document,
        "data": province_year(picked.scope, picked.year), "query": _query(picked), "sections": NARRATIVE_SECTIONS,
    }
    return render(request, "reports/province_report.html", context, status=422 if request.method == "POST" else 200)


@access("registry.view")
def province_report_docx(request):
    """The report's DOCX as the data stands now (a signed one: the stored file)."""
    from thidua.reports.documents import report_docx

    picked, error = _report_picked(request)
    if picked.province is None:
        return render(request, "reports/province_report.html", {"picked": picked, "error": error, "no_province": True})
    report = ProvinceReport.objects.filter(province=picked.province, year=picked.year).select_related("issuer_unit", "province").first()
    problem = f"Chưa có báo cáo tổng kết năm {picked.year}: hãy chọn cơ quan ban hành và lưu báo cáo trước khi tải văn bản."
    if report is not None:
        try:
            data, name = report_docx(report)
        except ActionError as exc:
            problem = exc.message
        else:
            problem = ""
    if problem:
        return render(request, "reports/docx_missing.html", {"picked": picked, "problem": problem, "query": _query(picked)})
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
