from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from thidua.core.access import access, get_scoped_or_404
from thidua.core.errors import ActionError
from thidua.core.forms import VietnameseFormMixin
from thidua.documents import actions, downloads
from thidua.documents.models import IssuedDocument


class RegisterForm(VietnameseFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    number = forms.CharField(label="Số", max_length=20)
    issued_on = forms.DateField(label="Ngày ban hành")


def _back(request, document) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return target


@access("registry.view")
def download(request, uid):
    document = get_scoped_or_404(request.user, IssuedDocument, uid=uid)
    name = document.generated_file.name.rsplit("/", 1)[-1]
    return FileResponse(document.generated_file.open("rb"), as_attachment=True, filename=name)


@access("registry.view")
def download_pdf(request, uid):
    """The document as PDF (LibreOffice); when conversion fails the officer is sent back with why."""
    document = get_scoped_or_404(request.user, IssuedDocument, uid=uid)
    try:
        data = downloads.pdf_bytes(document)
    except downloads.PdfError as error:
        messages.error(request, error.message)
        referer = request.META.get("HTTP_REFERER") or "/"
        if not url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
            referer = "/"
        return redirect(referer)
    response = HttpResponse(data, content_type=downloads.PDF_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{downloads.pdf_name(document)}"'
    return response


@access("registry.view")
def download_scan(request, uid):
    document = get_scoped_or_404(request.user, IssuedDocument, uid=uid)
    if not document.signed_scan:
        raise Http404("Chưa có bản ký")
    return FileResponse(document.signed_scan.open("rb"), as_attachment=True, filename=document.signed_scan.name.rsplit("/", 1)[-1])


@require_POST
@access("registry.view")
def register(request, uid):
    document = get_scoped_or_404(request.user, IssuedDocument, uid=uid)
    form = RegisterForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Số hoặc ngày ban hành không hợp lệ: " + "; ".join(e for errs in form.errors.values() for e in errs))
    else:
        try:
            actions.do_register_document(
                actor=request.user, document=document, number=form.cleaned_data["number"],
                issued_on=form.cleaned_data["issued_on"], expected_version=form.cleaned_data["version"],
            )
        except ActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Đã ghi số {document.number if document.number else form.cleaned_data['number']} cho văn bản và sinh lại tệp.")
    return redirect(_back(request, document))


@require_POST
@access("registry.view")
def upload_scan(request, uid):
    document = get_scoped_or_404(request.user, IssuedDocument, uid=uid)
    version = int(request.POST["version"]) if request.POST.get("version", "").isdigit() else -1
    try:
        actions.do_upload_signed_scan(actor=request.user, document=document, upload=request.FILES.get("scan"), expected_version=version)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Đã lưu bản scan đã ký; đây là bản chính thức của văn bản.")
    return redirect(_back(request, document))
