"""Checks on an uploaded evidence file of a điển hình (before it is stored with core.files):
an allowed type, a size limit, and content that really is what its name says (a damaged or
password-protected file is refused with a Vietnamese message, nothing stored)."""

from __future__ import annotations

import io
import zipfile

from thidua.core.errors import ActionError

MAX_BYTES = 20 * 1024 * 1024
EXTENSIONS = (".pdf", ".docx", ".jpg", ".jpeg", ".png")
ALLOWED_TEXT = "PDF, Word (.docx) hoặc ảnh (.jpg, .png)"


def read_checked(upload) -> bytes:
    """The bytes of `upload` after the checks; raises ActionError (field "file")."""
    if upload is None:
        raise ActionError("Hãy chọn tệp minh chứng.", field="file")
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1]
    lower = name.lower()
    if not lower.endswith(EXTENSIONS):
        raise ActionError(f"Tệp minh chứng phải là {ALLOWED_TEXT}.", field="file")
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ActionError(f"Tệp “{name}” quá lớn (tối đa {MAX_BYTES // (1024 * 1024)} MB).", field="file")
    data = upload.read(MAX_BYTES + 1)
    upload.seek(0)
    if len(data) > MAX_BYTES:
        raise ActionError(f"Tệp “{name}” quá lớn (tối đa {MAX_BYTES // (1024 * 1024)} MB).", field="file")
    if not data:
        raise ActionError(f"Tệp “{name}” rỗng.", field="file")
    if lower.endswith(".pdf"):
        _check_pdf(name, data)
    elif lower.endswith(".docx"):
        _check_docx(name, data)
    elif lower.endswith(".png"):
        if not data.startswith(b"\x89PNG\r\n\x1a\n"):
            raise ActionError(f"Không đọc được ảnh “{name}”: tệp hỏng hoặc không phải ảnh PNG.", field="file")
    elif not data.startswith(b"\xff\xd8\xff"):
        raise ActionError(f"Không đọc được ảnh “{name}”: tệp hỏng hoặc không phải ảnh JPEG.", field="file")
    return data


def _check_pdf(name: str, data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    unreadable = f"Không đọc được tệp PDF “{name}”: tệp hỏng hoặc không phải PDF."
    if not data.lstrip()[:5] == b"%PDF-":
        raise ActionError(unreadable, field="file")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ActionError(f"Tệp PDF “{name}” được đặt mật khẩu: hãy tải lên bản không khóa.", field="file")
        if len(reader.pages) < 1:
            raise ActionError(unreadable, field="file")
    except ActionError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, AttributeError):
        raise ActionError(unreadable, field="file") from None


def _check_docx(name: str, data: bytes) -> None:
    unreadable = f"Không đọc được tệp Word “{name}”: tệp hỏng hoặc không phải .docx."
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "EncryptedPackage" in names:
                raise ActionError(f"Tệp Word “{name}” được đặt mật khẩu: hãy tải lên bản không khóa.", field="file")
            if "word/document.xml" not in names or archive.testzip() is not None:
                raise ActionError(unreadable, field="file")
    except ActionError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError):
        # A password-protected Word file is an OLE container, not a zip.
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise ActionError(f"Tệp Word “{name}” được đặt mật khẩu hoặc là định dạng .doc cũ: hãy lưu lại dạng .docx không khóa.", field="file") from None
        raise ActionError(unreadable, field="file") from None
