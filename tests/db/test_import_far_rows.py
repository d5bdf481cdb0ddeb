"""Issue #12, point 4: a 10 KB workbook whose only data row is numbered 50,000,000 used to be read
row by row through every empty row (openpyxl fills the gaps) until the worker was killed. Every
importer now checks the sheet's declared size and each row's own number before reading: the file is
refused at once with a Vietnamese message, and the reader touches at most a couple of rows.

The files are written by hand (XML in a zip) as such a file would be; with and without the
<dimension> element, since a file may omit it or declare a wrong one."""

from __future__ import annotations

import io
import re
import zipfile
from xml.sax.saxutils import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from thidua.core import spreadsheets
from thidua.history import importer as history_importer
from thidua.org import importer as org_importer
from thidua.rules.scoring import CriterionSpec
from thidua.scoring import excel

pytestmark = pytest.mark.django_db

FAR = 50_000_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
</Relationships>"""


def _row(number: int, values: list[str]) -> str:
    cells = "".join(f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{escape(v)}</t></is></c>' for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


def far_row_workbook(sheet_name: str, header: list[str], data: list[str], *, declare: bool) -> bytes:
    """One sheet: the header in row 1 and one data row numbered 50,000,000; ~10 KB with a help
    text padding the workbook like a real template's instructions."""
    last = chr(64 + max(len(header), len(data)))
    dimension = f'<dimension ref="A1:{last}{FAR}"/>' if declare else ""
    padding = "".join(f"Hướng dẫn {n}: ghi đúng theo tệp mẫu, không sửa dòng tiêu đề.\n" for n in range(120))
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f"{dimension}<sheetData>{_row(1, header)}{_row(FAR, data)}</sheetData></worksheet>")
    workbook = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                f'<sheets><sheet name="{escape(sheet_name)}" sheetId="1" r:id="rId1"/></sheets></workbook>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        # Stored, never read: the size of a real small file.
        archive.writestr("docProps/help.txt", padding, compress_type=zipfile.ZIP_STORED)
    return buffer.getvalue()


@pytest.fixture
def rows_touched(monkeypatch):
    """Count the rows the shared reader takes out of a sheet's XML."""
    counter = {"rows": 0}
    original = spreadsheets._parsed_rows

    def counting(sheet):
        for item in original(sheet):
            counter["rows"] += 1
            yield item

    monkeypatch.setattr(spreadsheets, "_parsed_rows", counting)
    return counter


def assert_far_row_refused(message: str) -> None:
    assert "50.000.000" in message and "quá giới hạn" in message, message
    assert "Chưa có dữ liệu nào được ghi" in message


DECLARED = pytest.mark.parametrize("declare", [True, False], ids=["declared-size", "no-dimension"])


@DECLARED
def test_registry_import_page_refuses_the_far_row_at_once(world, client_for, rows_touched, declare):
    header = [c.title for c in org_importer.PERSON_COLUMNS]
    data = far_row_workbook("Cá nhân", header, ["Nguyễn Văn An", "Nam", "05/03/1985", "Kinh", "", "Ban Tuyên giáo Tỉnh ủy"], declare=declare)
    assert 1_000 < len(data) < 12_000
    upload = SimpleUploadedFile("danh-muc.xlsx", data, content_type=XLSX)
    # The rows are read by the import's background job; its page shows the refusal.
    response = client_for(world.an_officer).post(reverse("orgimport:upload"), {"file": upload}, follow=True)
    assert response.redirect_chain[-1][0].startswith("/cong-viec/")
    page = re.sub(r"\s+", " ", response.content.decode())
    assert_far_row_refused(page.replace("&ldquo;", "“").replace("&rdquo;", "”"))
    assert rows_touched["rows"] <= 2  # the header and the far row at most, never the 50 million between


@DECLARED
def test_history_import_refuses_the_far_row(rows_touched, declare):
    header = [c.title for c in history_importer.SHEETS[history_importer.RATING_SHEET]]
    data = far_row_workbook(history_importer.RATING_SHEET, header, ["Nguyễn Văn An", "", "Ban Tuyên giáo Tỉnh ủy", "2024", "Tốt"], declare=declare)
    sheets, issues = history_importer.read_workbook(io.BytesIO(data))
    assert sheets == {} and len(issues) == 1
    assert_far_row_refused(str(issues[0]))
    assert rows_touched["rows"] <= 2


@DECLARED
def test_criteria_set_import_refuses_the_far_row(rows_touched, declare):
    header = [c.header for c in excel.CRITERIA_COLUMNS]
    data = far_row_workbook(excel.CRITERIA_SHEET, header, ["1", "", "Công tác tham mưu", "Tiêu chí chấm điểm", "10"], declare=declare)
    specs, issues = excel.parse_criteria_workbook(io.BytesIO(data))
    assert specs == [] and len(issues) == 1
    assert_far_row_refused(str(issues[0]))
    assert rows_touched["rows"] <= 2


@DECLARED
def test_score_sheet_upload_refuses_a_real_sheet_with_a_far_row_added(rows_touched, declare):
    specs = [CriterionSpec(code="1", title="Công tác tham mưu", kind="SCORE", max_points=excel.Decimal("10"))]
    meta = excel.SheetMeta(sheet_uid="a1", unit_name="Ban Tuyên giáo Tỉnh ủy", bloc_name="Khối Đảng", year=2024,
                           set_uid="s1", set_name="Bảng tiêu chí", set_version=1)
    original = excel.build_sheet_workbook(specs, meta)
    source, target = io.BytesIO(original), io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            content = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":  # the sheet "Phiếu chấm điểm"
                text = content.decode()
                text = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:G{FAR}"/>' if declare else "", text)
                text = text.replace("</sheetData>", _row(FAR, ["1", "", "", "", "9"]) + "</sheetData>")
                content = text.encode()
            zout.writestr(item, content)
    upload, issues = excel.parse_sheet_upload(io.BytesIO(target.getvalue()), specs=specs, expected=meta)
    assert upload is None and len(issues) == 1
    assert_far_row_refused(str(issues[0]))
    # The hidden identity sheet (a dozen rows) and, without a declared size, the real rows up to the far one.
    assert rows_touched["rows"] <= 30


def test_the_unchanged_score_sheet_still_reads_back(rows_touched):
    specs = [CriterionSpec(code="1", title="Công tác tham mưu", kind="SCORE", max_points=excel.Decimal("10"))]
    meta = excel.SheetMeta(sheet_uid="a1", unit_name="Ban Tuyên giáo Tỉnh ủy", bloc_name="Khối Đảng", year=2024,
                           set_uid="s1", set_name="Bảng tiêu chí", set_version=1)
    data = excel.build_sheet_workbook(specs, meta, {"1": (excel.Decimal("9"), "Đạt")})
    upload, issues = excel.parse_sheet_upload(io.BytesIO(data), specs=specs, expected=meta)
    assert issues == [] and upload.values == {"1": (excel.Decimal("9.00"), "Đạt")}
    assert rows_touched["rows"] > 0  # the shared reader did the reading
