"""The bytes a download sends: the generated DOCX as stored, or its PDF (LibreOffice, cached by the
DOCX's SHA-256 under DATA_DIR/cache/pdf). Shared by the page routes and the /api/v1 routes."""

from __future__ import annotations

from django.conf import settings

from thidua.documents.models import IssuedDocument
from thidua.documents.pdf import PdfError, docx_to_pdf

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"
__all__ = ["DOCX_TYPE", "PDF_TYPE", "PdfError", "docx_bytes", "docx_name", "pdf_bytes", "pdf_name", "pdf_cache_dir"]


def pdf_cache_dir():
    return settings.DATA_DIR / "cache" / "pdf"


def docx_name(document: IssuedDocument) -> str:
    return document.generated_file.name.rsplit("/", 1)[-1]


def pdf_name(document: IssuedDocument) -> str:
    name = docx_name(document)
    return (name[:-5] if name.lower().endswith(".docx") else name) + ".pdf"


def docx_bytes(document: IssuedDocument) -> bytes:
    with document.generated_file.open("rb") as handle:
        return handle.read()


def pdf_bytes(document: IssuedDocument) -> bytes:
    """The PDF of the document's current DOCX; raises PdfError (Vietnamese message) on failure."""
    return docx_to_pdf(docx_bytes(document), pdf_cache_dir())
