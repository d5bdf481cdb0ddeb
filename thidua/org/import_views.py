"""Pages for importing the registry from Excel: the template download and the upload."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from thidua.core.access import access
from thidua.core.errors import ActionError
from thidua.core.forms import VietnameseFormMixin
from thidua.jobs.models import JobKind
from thidua.jobs.views import start_and_show
from thidua.org import importer
from thidua.org.models import Province

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(VietnameseFormMixin, forms.Form):
    file = forms.FileField(
        label="Tệp Excel (.xlsx)",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + XLSX_TYPE}),
        error_messages={"required": "Hãy chọn tệp Excel để nhập.", "empty": "Tệp rỗng, không có dữ liệu."},
    )
    province = forms.ModelChoiceField(
        label="Tỉnh/thành phố nhận đơn vị mới",
        queryset=Province.objects.none(),
        required=False,
        empty_label=None,
        error_messages={"invalid_choice": "Tỉnh/thành phố đã chọn không hợp lệ."},
    )
    dry_run = forms.BooleanField(label="Chỉ kiểm tra tệp, chưa ghi vào danh mục", required=False)

    def __init__(self, *args, provinces=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].error_messages["required"] = "Hãy chọn tệp Excel để nhập."
        provinces = provinces if provinces is not None else Province.objects.none()
        self.fields["province"].queryset = provinces
        if provinces.count() <= 1:
            self.fields["province"].widget = forms.HiddenInput()


@access("registry.import")
def upload(request):
    provinces = importer.target_provinces(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, provinces=provinces)
    context = {"form": form, "provinces": provinces, "max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024),
               "max_rows": importer.MAX_ROWS}
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        province = form.cleaned_data.get("province") or provinces.first()
        if not form.cleaned_data["dry_run"]:
            # The import runs as a background job (thidua/jobs): the file's whole-file checks here,
            # the rows' checks and the all-or-nothing write in the job, whose page shows progress.
            issues = importer.check_file(upload_file, upload_file.size)
            if issues:
                rejected = importer.ImportRejected(issues)
                context.update(error=rejected.message, issues=rejected.issues)
                return render(request, "org/import_upload.html", context, status=422)
            try:
                return start_and_show(request, kind=JobKind.ORG_IMPORT, action="registry.import", upload=upload_file,
                                      params={"province": str(province.uid) if province else ""},
                                      province=province)
            except ActionError as error:
                context.update(error=error.message, issues=[])
                return render(request, "org/import_upload.html", context, status=422)
        try:
            result = importer.import_workbook(
                actor=request.user,
                province=province,
                fileobj=upload_file,
                size=upload_file.size,
                file_name=upload_file.name,
                dry_run=form.cleaned_data["dry_run"],
            )
        except importer.ImportRejected as rejected:
            context.update(error=rejected.message, issues=rejected.issues)
            return render(request, "org/import_upload.html", context, status=422)
        except ActionError as error:
            context.update(error=error.message, issues=[])
            return render(request, "org/import_upload.html", context, status=422)
        if result.dry_run:
            context.update(preview=result, province=province)
            return render(request, "org/import_upload.html", context)
        messages.success(request, result.message())
        return redirect(reverse("orgimport:upload"))
    status = 422 if request.method == "POST" else 200
    return render(request, "org/import_upload.html", context, status=status)


@access("registry.import")
def template(request):
    response = HttpResponse(importer.build_template(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-danh-muc.xlsx"'
    return response
