"""Pages of the national export: choose the period and format, download; the log of past exports."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render

from thidua.core.access import access, get_scoped_or_404, provinces_for
from thidua.core.db import vi_order
from thidua.core.errors import ActionError
from thidua.core.forms import apply_action_error
from thidua.exports import actions, national, selectors
from thidua.exports.forms import NationalExportForm
from thidua.exports.models import NationalExport


def file_response(data: bytes, log: NationalExport) -> HttpResponse:
    response = HttpResponse(data, content_type=log.content_type)
    response["Content-Disposition"] = f'attachment; filename="{log.filename}"'
    response["X-Content-SHA256"] = log.sha256
    return response


@access("export.national")
def national_page(request):
    provinces = list(provinces_for(request.user, "export.national").order_by(vi_order("name")))
    if not provinces:
        raise Http404("Không tìm thấy")
    form = NationalExportForm(request.POST or None, provinces=provinces, initial={"province": str(provinces[0].uid)})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                log, content = actions.do_create_national_export(
                    actor=request.user, province=data["province"], date_from=data["date_from"], date_to=data["date_to"], fmt=data["fmt"]
                )
            except ActionError as error:
                apply_action_error(form, error, {"from": "date_from", "to": "date_to", "format": "fmt"})
            else:
                return file_response(content, log)
        status = 422
    page = Paginator(selectors.export_log(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "exports/national.html",
                  {"form": form, "page_obj": page, "schema_version": national.SCHEMA_VERSION}, status=status)


@access("export.national")
def national_download(request, uid):
    log = get_scoped_or_404(request.user, NationalExport, "export.national", uid=uid)
    try:
        with default_storage.open(log.file.name, "rb") as handle:
            data = handle.read()
    except FileNotFoundError as exc:
        raise Http404("Không tìm thấy") from exc
    return file_response(data, log)
