"""The text of an uploaded initiative (DOCX with python-docx, PDF with pypdf): Vietnamese errors
for an unreadable, encrypted, oversized or empty file; nothing is stored but the text."""

from __future__ import annotations

import io
import unicodedata

from thidua.core.errors import ActionError

MAX_BYTES = 10 * 1024 * 1024
MAX_PAGES = 300


def extract_text(name: str, data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ActionError(f"Tệp “{name}” quá lớn (tối đa {MAX_BYTES // (1024 * 1024)} MB).", field="file")
    lower = (name or "").lower()
    if lower.endswith(".docx"):
        text = _docx(name, data)
    elif lower.endswith(".pdf"):
        text = _pdf(name, data)
    else:
        raise ActionError("Chỉ nhận tệp Word (.docx) hoặc PDF (.pdf).", field="file")
    text = unicodedata.normalize("NFC", text).strip()
    if not text:
        raise ActionError(f"Tệp “{name}” không có nội dung chữ đọc được (bản chụp ảnh cần nhập nội dung trực tiếp).", field="file")
    return text


def _docx(name: str, data: bytes) -> str:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # noqa: BLE001 — python-docx raises several kinds for a damaged file
        raise ActionError(f"Không đọc được tệp Word “{name}”: tệp hỏng hoặc không phải .docx.", field="file") from None
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(p for p in parts if p.strip())


def _pdf(name: str, data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ActionError(f"Tệp PDF “{name}” được đặt mật khẩu: hãy tải lên bản không khóa.", field="file")
        if len(reader.pages) > MAX_PAGES:
            raise ActionError(f"Tệp PDF “{name}” quá dài (tối đa {MAX_PAGES} trang).", field="file")
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except ActionError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError):
        raise ActionError(f"Không đọc được tệp PDF “{name}”: tệp hỏng hoặc không phải PDF.", field="file") from None
