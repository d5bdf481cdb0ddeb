"""/api/v1/documents: the generated documents, downloaded with a Bearer token (DOCX and PDF).

The page routes (documents:download…) answer a signed-in browser; a token client uses these. The
document is found in the caller's scope exactly as on the pages (get_scoped_or_404)."""


from typing import Any, Dict
from uuid import UUID

from django.http import HttpResponse
from ninja import Router

from thidua.api.auth import requires
from thidua.api.errors import error_body
from thidua.api.registry import ErrorOut, _user
from thidua.core.access import get_scoped_or_404
from thidua.documents import downloads
from thidua.documents.models import IssuedDocument

router = Router(tags=["Văn bản"])
ERRORS: Dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 503: ErrorOut}  # 422: a uid that is not a UUID


def _file(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get(
    "/documents/{uid}/docx", response={200: None, **ERRORS}, url_name="document_docx", summary="Tải văn bản dạng DOCX (bản sinh từ dữ liệu, có số nếu đã vào sổ)",
)
@requires("registry.view")
def download_docx(request, uid: UUID):
    document = get_scoped_or_404(_user(request), IssuedDocument, uid=uid)
    return _file(downloads.docx_bytes(document), downloads.DOCX_TYPE, downloads.docx_name(document))


@router.get(
    "/documents/{uid}/pdf", response={200: None, **ERRORS}, url_name="document_pdf",
    summary="Tải văn bản dạng PDF (LibreOffice chuyển từ DOCX; 503 kèm lý do khi không chuyển được)",
)
@requires("registry.view")
def download_pdf(request, uid: UUID):
    document = get_scoped_or_404(_user(request), IssuedDocument, uid=uid)
    try:
        data = downloads.pdf_bytes(document)
    except downloads.PdfError as error:
        return 503, error_body("pdf_unavailable", error.message)
    return _file(data, downloads.PDF_TYPE, downloads.pdf_name(document))
