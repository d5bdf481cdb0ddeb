"""Word dossiers as lower units send them, built with python-docx for the import tests.

- `state_list()`: a Sở's danh sách (NĐ 30/2020 layout): the two-column heading table (cơ quan |
  Quốc hiệu), then the list with a two-row header ("Đề nghị khen thưởng" merged over "Danh hiệu
  thi đua" | "Hình thức khen thưởng", the other headings merged down), the column-number row, a
  section row merged across, "Hoà" written with the old tone placement, two "Trần Văn Bình".
- `party_list()`: a Party committee's list (HD 36 layout): "TT", "Họ và tên đảng viên" with
  "Đồng chí" and the chức vụ on a second line, "Chi bộ", "Hình thức đề nghị khen thưởng", and the
  award named once in the heading instead of a column.
- `collective_list()`: the state layout with a "Tập thể" section (Tập thể lao động tiên tiến for
  "Chi bộ Văn phòng", for "Phòng Tổng hợp" (two sub-units of similar names), for a phòng, ban) and
  a Bằng khen for the proposing unit itself, written with the old tone placement ("Tỉnh uỷ").
- `two_tables()`: a tờ trình whose text names the award, then two lists (staff, then leaders).
- Bad files: `no_table()`, `no_name_column()`, `macro_enabled()`, `encrypted()` (a real OLE
  compound file holding EncryptionInfo / EncryptedPackage, as Word writes a password-protected
  file), and tests/fixtures/danh-sach-word97.doc (a real Word 97-2003 file saved by LibreOffice).
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import docx

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _save(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _heading_table(document, left: str, right: str) -> None:
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = left, right
    table.cell(1, 0).text, table.cell(1, 1).text = "Số: 15/TTr-BTG", "An Giang, ngày 05 tháng 12 năm 2025"


def _fill(table, start: int, rows: list[list[str]]) -> None:
    for r, values in enumerate(rows, start=start):
        for c, value in enumerate(values):
            table.cell(r, c).text = value


def state_list(rows: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    _heading_table(document, "BAN TUYÊN GIÁO TỈNH ỦY", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc")
    document.add_paragraph("DANH SÁCH")
    document.add_paragraph("Đề nghị khen thưởng năm 2025")
    document.add_paragraph("(Kèm theo Tờ trình số 15/TTr-BTG ngày 05/12/2025)")
    rows = rows if rows is not None else [
        ["I. CÁ NHÂN"] * 7,
        ["1", "Nguyễn Thị Hoà", "1985", "Chuyên viên Phòng Tổng hợp", "Chiến sĩ thi đua cơ sở", "", "Hoàn thành xuất sắc nhiệm vụ"],
        ["2", "Trần Văn Bình", "", "Chuyên viên", "Lao động tiên tiến", "", ""],
        ["3", "Lê Văn Tâm", "1979", "Phó Trưởng ban", "", "Bằng khen của Chủ tịch UBND tỉnh", ""],
        ["4", "Phạm Minh Khang", "1990", "Chuyên viên", "Lao động tiên tiến", "", ""],
    ]
    table = document.add_table(rows=3 + len(rows), cols=7)
    table.style = "Table Grid"
    for c, text in enumerate(["STT", "Họ và tên", "Năm sinh", "Chức vụ, đơn vị công tác", "Đề nghị khen thưởng", "", "Ghi chú"]):
        if text:
            table.cell(0, c).text = text
    table.cell(0, 4).merge(table.cell(0, 5))
    table.cell(1, 4).text, table.cell(1, 5).text = "Danh hiệu thi đua", "Hình thức khen thưởng"
    for c in (0, 1, 2, 3, 6):
        table.cell(0, c).merge(table.cell(1, c))
    _fill(table, 2, [[f"({i})" for i in range(1, 8)]])
    _fill(table, 3, rows)
    for r, values in enumerate(rows, start=3):
        if len(set(values)) == 1:  # a section heading: one cell across the table
            table.cell(r, 0).merge(table.cell(r, 6))
            table.cell(r, 0).text = values[0]
    return _save(document)


def collective_list() -> bytes:
    return state_list([
        ["I. CÁ NHÂN"] * 7,
        ["1", "Nguyễn Thị Hoà", "1985", "Chuyên viên", "Lao động tiên tiến", "", ""],
        ["II. TẬP THỂ"] * 7,
        ["1", "Chi bộ Văn phòng", "", "", "Tập thể lao động tiên tiến", "", ""],
        ["2", "Phòng Tổng hợp", "", "", "Tập thể lao động tiên tiến", "", ""],
        ["3", "Phòng Tài vụ", "", "", "Tập thể lao động tiên tiến", "", ""],
        ["4", "Ban Tuyên giáo Tỉnh uỷ", "", "", "", "Bằng khen của Chủ tịch UBND tỉnh", "Hoàn thành xuất sắc nhiệm vụ"],
    ])


def party_list() -> bytes:
    document = docx.Document()
    _heading_table(document, "ĐẢNG BỘ TỈNH AN GIANG\nBAN TUYÊN GIÁO\n*", "ĐẢNG CỘNG SẢN VIỆT NAM")
    document.add_paragraph("DANH SÁCH")
    document.add_paragraph("đảng viên đề nghị tặng Giấy khen năm 2025")
    table = document.add_table(rows=5, cols=4)
    _fill(table, 0, [["TT", "Họ và tên đảng viên", "Chi bộ", "Ghi chú"]])
    table.cell(1, 0).merge(table.cell(1, 3))
    table.cell(1, 0).text = "Chi bộ Ban Tuyên giáo Tỉnh ủy"
    _fill(table, 2, [
        ["1", "Đồng chí Nguyễn Thị Hoà\nChuyên viên", "Chi bộ Ban Tuyên giáo", ""],
        ["2", "Đ/c Lê Văn Tâm\nPhó Trưởng ban", "Chi bộ Ban Tuyên giáo", ""],
        ["3", "Đồng chí Trần Văn Bình", "Chi bộ Ban Tuyên giáo", "sinh năm 1988"],
    ])
    return _save(document)


def two_tables() -> bytes:
    document = docx.Document()
    _heading_table(document, "BAN TUYÊN GIÁO TỈNH ỦY", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    document.add_paragraph("TỜ TRÌNH")
    document.add_paragraph("V/v đề nghị công nhận danh hiệu Lao động tiên tiến năm 2025")
    document.add_paragraph("Ban Tuyên giáo Tỉnh ủy đề nghị công nhận danh hiệu Lao động tiên tiến cho các cá nhân sau:")
    first = document.add_table(rows=3, cols=3)
    _fill(first, 0, [["STT", "Họ tên", "Chức vụ"], ["1", "Phạm Minh Khang", "Chuyên viên"], ["2", "Nguyen Thi Hoa", "Chuyên viên"]])
    document.add_paragraph("Lãnh đạo Ban:")
    second = document.add_table(rows=2, cols=3)
    _fill(second, 0, [["TT", "Họ và tên", "Chức danh"], ["1", "Lê Văn Tâm", "Phó Trưởng ban"]])
    return _save(document)


def no_table() -> bytes:
    document = docx.Document()
    document.add_paragraph("TỜ TRÌNH")
    document.add_paragraph("Đề nghị tặng Giấy khen cho đồng chí Nguyễn Thị Hoà, chuyên viên.")
    return _save(document)


def no_name_column() -> bytes:
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    _fill(table, 0, [["STT", "Nội dung", "Số lượng"], ["1", "Lao động tiên tiến", "12"]])
    return _save(document)


def macro_enabled() -> bytes:
    """The state list saved as .docm: the macro-enabled main part and a vbaProject.bin."""
    source = zipfile.ZipFile(io.BytesIO(state_list()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                                    b"application/vnd.ms-word.document.macroEnabled.main+xml")
                data = data.replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
            target.writestr(info, data)
        target.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0Attribute VB_Name = \"ThisDocument\"")
    return out.getvalue()


def _ole(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE compound file (version 3, 512-byte sectors) holding `streams` (each ≥ 4096 bytes,
    so no mini stream is needed): header, one FAT sector, one directory sector, the streams."""
    sector = 512
    endofchain, freesect, fatsect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    payloads = [data + b"\0" * (-len(data) % sector) for data in streams.values()]
    fat = [fatsect, endofchain]  # sector 0: the FAT; sector 1: the directory
    starts = []
    for payload in payloads:
        count = len(payload) // sector
        starts.append(len(fat))
        fat += [len(fat) + i + 1 for i in range(count - 1)] + [endofchain]
    fat += [freesect] * (sector // 4 - len(fat))

    def entry(name: str, kind: int, start: int, size: int, child: int = freesect, right: int = freesect) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1) + struct.pack("<III", freesect, right, child)
                + b"\0" * 16 + b"\0" * 4 + b"\0" * 16 + struct.pack("<IQ", start, size))

    names = list(streams)
    directory = entry("Root Entry", 5, endofchain, 0, child=1)
    for i, name in enumerate(names):
        directory += entry(name, 2, starts[i], len(streams[name]), right=(i + 2) if i + 1 < len(names) else freesect)
    directory = directory.ljust(sector, b"\0")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, endofchain, 0, endofchain, 0))
    header += struct.pack("<I", 0) + struct.pack("<I", freesect) * 108
    return header.ljust(sector, b"\0") + struct.pack(f"<{sector // 4}I", *fat) + directory + b"".join(payloads)


def encrypted() -> bytes:
    """A password-protected Word file: Word writes an OLE container with the encrypted package."""
    info = struct.pack("<HHI", 4, 4, 0x40) + "<encryption xmlns=\"http://schemas.microsoft.com/office/2006/encryption\"/>".encode()
    package = struct.pack("<Q", len(state_list())) + bytes(range(256)) * 32
    return _ole({"EncryptionInfo": info.ljust(4096, b"\0"), "EncryptedPackage": package})


def word97() -> bytes:
    return (FIXTURES / "danh-sach-word97.doc").read_bytes()
