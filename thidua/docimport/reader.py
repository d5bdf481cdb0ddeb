"""The container of an uploaded Word dossier, checked by its bytes (not its name), then its tables.

Refused with a Vietnamese message, before anything is stored: a file over the size cap
(settings.DOCIMPORT_MAX_BYTES), an empty file, a password-protected Word file (an OLE compound
file holding "EncryptedPackage"), a Word 97-2003 .doc (an OLE file renamed .docx), anything that is
not a zip holding word/document.xml, a macro-enabled document (.docm content type or a
vbaProject part), a zip that inflates past MAX_INFLATED_BYTES, a document with no table, and a
document none of whose tables has a name column.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.conf import settings

from thidua.core.errors import ActionError
from thidua.rules import docimport as core

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_INFLATED_BYTES = 100 * 1024 * 1024
MAX_TABLE_ROWS = 3000
MACRO_TYPES = ("macroenabled", "vbaproject", "vnd.ms-office.vbaproject")


@dataclass
class Table:
    index: int  # 1-based, in document order
    grid: list[list[str]]


@dataclass
class Document:
    paragraphs: list[str]
    tables: list[Table]


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def check_container(name: str, data: bytes, size: int | None = None) -> None:
    """`size` is the upload's size when only the first bytes past the cap were read."""
    limit = settings.DOCIMPORT_MAX_BYTES
    size = max(size or 0, len(data))
    if size > limit:
        raise ActionError(f"Tệp “{name}” quá lớn ({_mb(size)} MB). Dung lượng tối đa là {_mb(limit)} MB; "
                          "hãy bỏ bớt ảnh trong tệp hoặc tách danh sách thành nhiều tệp.", field="file")
    if not data:
        raise ActionError(f"Tệp “{name}” rỗng, không có nội dung.", field="file")
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise ActionError(f"Tệp “{name}” được đặt mật khẩu nên không đọc được. Hãy mở tệp bằng Word, bỏ mật khẩu "
                              "(Tệp → Thông tin → Bảo vệ tài liệu) rồi tải lên lại.", field="file")
        raise ActionError(f"Tệp “{name}” là định dạng Word 97-2003 (.doc), dù tên tệp có thể là .docx. Hãy mở bằng Word, "
                          "chọn Lưu thành “Word Document (.docx)” rồi tải lên lại.", field="file")
    not_docx = ActionError(f"Tệp “{name}” không phải tệp Word (.docx). Hãy tải lên danh sách, tờ trình dạng .docx.", field="file")
    if not data.startswith(b"PK\x03\x04"):
        raise not_docx
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if sum(info.file_size for info in infos) > MAX_INFLATED_BYTES:
                raise ActionError(f"Tệp “{name}” chứa quá nhiều dữ liệu khi giải nén. Hãy tách thành nhiều tệp nhỏ hơn.", field="file")
            content_types = archive.read("[Content_Types].xml").decode("utf-8", "replace").lower() if "[Content_Types].xml" in names else ""
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, RuntimeError):
        raise not_docx from None
    if "word/document.xml" not in names or not content_types:
        raise not_docx
    if any(t in content_types for t in MACRO_TYPES) or any(n.lower().endswith("vbaproject.bin") for n in names):
        raise ActionError(f"Tệp “{name}” là tài liệu Word có macro (.docm). Vì an toàn, hệ thống không nhận tệp có macro: "
                          "hãy lưu lại thành “Word Document (.docx)” rồi tải lên.", field="file")


def _grid(table) -> list[list[str]]:
    """The cell texts of a table, one list per row; a merged cell's text in every position it covers."""
    try:
        cells = table._cells  # python-docx resolves gridSpan and vMerge here, once for the whole table
        width = table._column_count
    except Exception:  # noqa: BLE001 — an irregular table: fall back to row by row
        try:
            return [[c.text for c in row.cells] for row in table.rows]
        except Exception:  # noqa: BLE001
            return []
    return [[c.text for c in cells[i:i + width]] for i in range(0, len(cells), width)] if width else []


def read(name: str, data: bytes, size: int | None = None) -> Document:
    check_container(name, data, size)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # noqa: BLE001 — python-docx raises several kinds for a damaged file
        raise ActionError(f"Không đọc được tệp Word “{name}”: tệp bị hỏng. Hãy mở bằng Word, lưu lại rồi tải lên.", field="file") from None
    tables = []
    for index, table in enumerate(document.tables, start=1):
        if len(table.rows) > MAX_TABLE_ROWS:
            raise ActionError(f"Bảng thứ {index} có quá nhiều dòng (tối đa {MAX_TABLE_ROWS}). Hãy tách danh sách.", field="file")
        tables.append(Table(index=index, grid=_grid(table)))
    paragraphs = [p.text for p in document.paragraphs]
    if not tables:
        raise ActionError(f"Tệp “{name}” không có bảng nào. Danh sách đề nghị phải là một bảng (STT, Họ và tên, Chức vụ, "
                          "Danh hiệu/Hình thức khen thưởng…); hãy kiểm tra lại tệp.", field="file")
    if not any(core.find_header(t.grid) for t in tables):
        raise ActionError(f"Không tìm thấy cột “Họ và tên” trong bảng nào của tệp “{name}”. Dòng tiêu đề của bảng cần có cột "
                          "Họ và tên (hoặc Họ tên, Tên tập thể).", field="file")
    return Document(paragraphs=paragraphs, tables=tables)
