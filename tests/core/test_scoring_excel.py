"""Excel files of criteria scoring, on plain data: criteria set, score sheet, ranking table."""

import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from thidua.rules.scoring import CriterionSpec, RankInput, rank, sheet_totals
from thidua.scoring.excel import (
    CRITERIA_SHEET,
    META_SHEET,
    SCORE_SHEET,
    SheetMeta,
    build_criteria_workbook,
    build_ranking_workbook,
    build_sheet_workbook,
    parse_criteria_workbook,
    parse_sheet_workbook,
)

D = Decimal

SPECS = [
    CriterionSpec("1", "Công tác chuyên môn", "GROUP", D("60.00"), guidance="Theo báo cáo tổng kết"),
    CriterionSpec("1.1", "Hoàn thành kế hoạch năm", "SCORE", D("30.00"), "1", evidence_required=True),
    CriterionSpec("1.10", "Cải cách hành chính", "SCORE", D("30.00"), "1"),
    CriterionSpec("2", "Công tác xây dựng Đảng", "SCORE", D("40.00")),
    CriterionSpec("3", "Điểm thưởng", "GROUP", D("5.00")),
    CriterionSpec("3.1", "Được tặng Cờ thi đua", "BONUS", D("3.00"), "3"),
    CriterionSpec("4", "Điểm trừ", "GROUP", None),
    CriterionSpec("4.1", "Bị kỷ luật", "DEDUCTION", D("10.00"), "4"),
]
META = SheetMeta(
    sheet_uid="5f0c6a1e-0000-4000-8000-000000000001", unit_name="Ban Tuyên giáo Tỉnh ủy", bloc_name="Khối các ban Đảng",
    year=2024, set_uid="5f0c6a1e-0000-4000-8000-0000000000aa", set_name="Bảng tiêu chí 2024", set_version=1, level="SELF",
)


def as_file(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)


def messages(issues) -> list[str]:
    return [str(i) for i in issues]


def criteria_file(rows, header=("Mã tiêu chí", "Thuộc nhóm", "Nội dung tiêu chí", "Loại", "Điểm tối đa", "Bắt buộc minh chứng", "Hướng dẫn chấm"),
                  title=True) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = CRITERIA_SHEET
    if title:
        ws.append(["BẢNG TIÊU CHÍ"])
        ws.append([])
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


# --------------------------------------------------------------------------- criteria set


def test_criteria_round_trip_keeps_everything():
    specs, issues = parse_criteria_workbook(as_file(build_criteria_workbook(SPECS)))
    assert issues == []
    assert specs == SPECS  # "1.10" stays "1.10" (text cells), guidance and evidence kept


def test_criteria_export_layout():
    wb = load_workbook(as_file(build_criteria_workbook(SPECS, title_lines=["BẢNG TIÊU CHÍ", "Khối các ban Đảng"])))
    ws = wb[CRITERIA_SHEET]
    assert ws["A1"].value == "BẢNG TIÊU CHÍ" and ws["A1"].font.name == "Times New Roman"
    header = [c.value for c in ws[4]]
    assert header == ["Mã tiêu chí", "Thuộc nhóm", "Nội dung tiêu chí", "Loại", "Điểm tối đa", "Bắt buộc minh chứng", "Hướng dẫn chấm"]
    assert [c.value for c in ws[5]][:6] == ["1", None, "Công tác chuyên môn", "Nhóm tiêu chí", 60, "Không"]
    assert "Hướng dẫn" in wb.sheetnames


def test_criteria_import_infers_parent_and_kind_and_reads_vietnamese_numbers():
    specs, issues = parse_criteria_workbook(criteria_file([
        ("1", None, "Nhóm 1", None, "60", None, None),
        ("1.1", None, "Tiêu chí a", None, "30,5", "Có", None),
        ("1.2", None, "Tiêu chí b", "tiêu chí", 29.5, "không", None),
        (2, None, "Thưởng", "Điểm thưởng", 5, None, None),
    ]))
    assert issues == []
    assert [(s.code, s.parent_code, s.kind, s.max_points, s.evidence_required) for s in specs] == [
        ("1", None, "GROUP", D("60.00"), False),
        ("1.1", "1", "SCORE", D("30.50"), True),
        ("1.2", "1", "SCORE", D("29.50"), False),
        ("2", None, "BONUS", D("5.00"), False),
    ]


@pytest.mark.parametrize(
    "rows,expected",
    [
        ([("1", None, "", "Tiêu chí", "10", None, None)], "Dòng 4, cột Nội dung tiêu chí: Ô bắt buộc, không được để trống."),
        ([(None, None, "Không mã", "Tiêu chí", "10", None, None)], "Dòng 4, cột Mã tiêu chí: Ô bắt buộc, không được để trống."),
        ([("1", None, "A", "Hệ số", "10", None, None)], "Dòng 4, cột Loại: Loại “Hệ số” không hợp lệ."),
        ([("1", None, "A", "Tiêu chí", "mười", None, None)], "Dòng 4, cột Điểm tối đa: “mười” không phải là số."),
        ([("1", None, "A", "Tiêu chí", "-5", None, None)], "Dòng 4, cột Điểm tối đa: Điểm tối đa không được âm (-5)."),
        ([("1", None, "A", "Tiêu chí", "1,255", None, None)], "cột Điểm tối đa: Điểm tối đa chỉ được có tối đa 2 chữ số thập phân (1,255)."),
        ([("1", None, "A", "Tiêu chí", "5", "chắc có", None)], "Dòng 4, cột Bắt buộc minh chứng: Giá trị “chắc có” không hợp lệ."),
        ([("1", None, "A", "Tiêu chí", None, None, None)], "Dòng 4: Tiêu chí “1”: chưa có điểm tối đa"),
        ([("1", None, "A", "Tiêu chí", "5", None, None), ("1", None, "B", "Tiêu chí", "5", None, None)], "Mã tiêu chí “1” bị trùng"),
        ([("1.1", "9", "A", "Tiêu chí", "5", None, None)], "Dòng 4: Tiêu chí “1.1”: nhóm cha “9” không có trong bảng."),
        (
            [("1", None, "N", "Nhóm", "10", None, None), ("1.1", "1", "A", None, "6", None, None), ("1.2", "1", "B", None, "6", None, None)],
            "Dòng 4: Nhóm “1”: tổng điểm tối đa của các tiêu chí con (12) vượt điểm tối đa của nhóm (10).",
        ),
    ],
)
def test_criteria_import_row_errors(rows, expected):
    specs, issues = parse_criteria_workbook(criteria_file(rows))
    assert specs == []
    assert any(expected in m for m in messages(issues)), messages(issues)
    assert all(m.startswith("Trang “Tiêu chí”") for m in messages(issues))


def test_criteria_import_reports_every_error_at_once():
    _, issues = parse_criteria_workbook(criteria_file([
        ("1", None, "", "Tiêu chí", "10", None, None),
        ("2", None, "B", "Tiêu chí", "x", None, None),
        ("3", None, "C", "??", "1", None, None),
    ]))
    assert [i.row for i in issues] == [4, 5, 6]


def test_criteria_import_without_header_or_rows():
    _, issues = parse_criteria_workbook(criteria_file([], header=("Cột A", "Cột B")))
    assert "Không tìm thấy dòng tiêu đề có các cột “Mã tiêu chí”, “Nội dung tiêu chí”" in messages(issues)[0]
    _, issues = parse_criteria_workbook(criteria_file([]))
    assert "Tệp không có tiêu chí nào" in messages(issues)[0]


@pytest.mark.parametrize(
    "data,expected",
    [
        (b"", "Tệp rỗng"),
        (b"STT,Ma\n1,2\n", "không phải bảng tính Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 100, "Excel 97-2003"),
        (b"PK\x03\x04 not really a zip", "không phải bảng tính Excel"),
    ],
)
def test_not_an_xlsx_is_refused(data, expected):
    _, issues = parse_criteria_workbook(io.BytesIO(data))
    assert expected in messages(issues)[0]
    _, issues = parse_sheet_workbook(io.BytesIO(data), specs=SPECS, expected=META)
    assert expected in messages(issues)[0]


def test_zip_bomb_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        archive.writestr("xl/workbook.xml", "<x/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (401 * 1024 * 1024))
    buffer.seek(0)
    _, issues = parse_criteria_workbook(buffer)
    assert "quá nhiều dữ liệu khi giải nén" in messages(issues)[0]


def test_too_large_file_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 1000
    _, issues = parse_criteria_workbook(as_file(build_criteria_workbook(SPECS)))
    assert "Tệp quá lớn" in messages(issues)[0]


# --------------------------------------------------------------------------- score sheet


def fill(data: bytes, edits: dict[str, tuple], sheet=SCORE_SHEET) -> io.BytesIO:
    """Open a downloaded sheet, type points/notes by code (as a person in Excel would), save."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb[sheet]
    header_row = next(r for r in range(1, 20) if ws.cell(row=r, column=1).value == "Mã")
    headers = {ws.cell(row=header_row, column=c).value: c for c in range(1, 12)}
    for r in range(header_row + 1, ws.max_row + 1):
        code = ws.cell(row=r, column=1).value
        if code in edits:
            points, note = edits[code]
            ws.cell(row=r, column=headers["Điểm chấm"], value=points)
            ws.cell(row=r, column=headers["Giải trình, ghi chú"], value=note)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def test_sheet_download_upload_round_trip():
    data = build_sheet_workbook(SPECS, META, {"1.1": (D("25.50"), "Đạt 85% kế hoạch")})
    upload = fill(data, {"1.10": ("28,25", ""), "2": (40, "Đủ"), "3.1": (0, None), "4.1": (0.1 + 0.2, "Một cán bộ bị khiển trách")})
    values, issues = parse_sheet_workbook(upload, specs=SPECS, expected=META)
    assert issues == []
    assert values == {
        "1.1": (D("25.50"), "Đạt 85% kế hoạch"),  # pre-filled value comes back
        "1.10": (D("28.25"), ""),
        "2": (D("40.00"), "Đủ"),
        "3.1": (D("0.00"), ""),  # zero is a score
        "4.1": (D("0.30"), "Một cán bộ bị khiển trách"),
    }
    totals = sheet_totals(SPECS, {code: v for code, (v, _) in values.items()})
    assert totals.total == D("93.45")


def test_sheet_layout_and_metadata():
    data = build_sheet_workbook(SPECS, META, reference={"1.1": D("30.00")})
    wb = load_workbook(io.BytesIO(data))
    ws = wb[SCORE_SHEET]
    assert ws["A1"].value == "PHIẾU CHẤM ĐIỂM THI ĐUA NĂM 2024" and ws["A1"].font.name == "Times New Roman"
    assert ws["A2"].value == "Đơn vị: Ban Tuyên giáo Tỉnh ủy"
    header_row = next(r for r in range(1, 20) if ws.cell(row=r, column=1).value == "Mã")
    assert [ws.cell(row=header_row, column=c).value for c in range(1, 8)] == [
        "Mã", "Nội dung tiêu chí", "Loại", "Điểm tối đa", "Điểm đơn vị tự chấm", "Điểm chấm", "Giải trình, ghi chú",
    ]
    assert ws.cell(row=header_row + 2, column=5).value == 30
    assert wb[META_SHEET].sheet_state == "hidden"


def test_blank_points_are_not_filled():
    values, issues = parse_sheet_workbook(as_file(build_sheet_workbook(SPECS, META)), specs=SPECS, expected=META)
    assert (values, issues) == ({}, [])


@pytest.mark.parametrize(
    "edits,expected",
    [
        ({"1.1": ("ba mươi", "")}, "Dòng 9, cột Điểm chấm: Tiêu chí 1.1: “ba mươi” không phải là số."),
        ({"1.1": (31, "")}, "Dòng 9, cột Điểm chấm: Tiêu chí 1.1: điểm 31 vượt mức tối đa 30."),
        ({"1.1": (-1, "")}, "Tiêu chí 1.1: điểm không được âm (-1)."),
        ({"1.1": ("10,555", "")}, "Tiêu chí 1.1: điểm chỉ được có tối đa 2 chữ số thập phân (10,555)."),
        ({"4.1": (-2, "")}, "Tiêu chí 4.1: điểm trừ ghi số điểm bị trừ, không ghi dấu âm"),
        ({"1": (50, "")}, "Tiêu chí 1 là nhóm tiêu chí: điểm được cộng từ các tiêu chí con, không nhập trực tiếp."),
        ({"1.1": (None, "Chưa có số liệu")}, "Tiêu chí 1.1: có giải trình nhưng chưa có điểm."),
    ],
)
def test_sheet_cell_errors(edits, expected):
    values, issues = parse_sheet_workbook(fill(build_sheet_workbook(SPECS, META), edits), specs=SPECS, expected=META)
    assert values == {}
    assert any(expected in m for m in messages(issues)), messages(issues)


def test_sheet_errors_are_all_or_nothing_and_all_reported():
    upload = fill(build_sheet_workbook(SPECS, META), {"1.1": (10, ""), "1.10": ("x", ""), "2": (99, "")})
    values, issues = parse_sheet_workbook(upload, specs=SPECS, expected=META)
    assert values == {}
    assert len(issues) == 2


def test_unknown_duplicate_and_missing_codes():
    wb = load_workbook(io.BytesIO(build_sheet_workbook(SPECS, META)))
    ws = wb[SCORE_SHEET]
    last = ws.max_row
    ws.cell(row=last + 1, column=1, value="9.9")
    ws.cell(row=last + 1, column=5, value=1)
    ws.cell(row=last + 2, column=1, value="2")
    ws.cell(row=last + 2, column=5, value=1)
    ws.cell(row=last + 3, column=5, value=7)  # points without a code
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    values, issues = parse_sheet_workbook(buffer, specs=SPECS, expected=META)
    text = messages(issues)
    assert values == {}
    assert any("Mã tiêu chí “9.9” không có trong bảng tiêu chí của phiếu." in m for m in text)
    assert any("Tiêu chí “2” xuất hiện hai lần" in m for m in text)
    assert any("Thiếu mã tiêu chí" in m for m in text)


@pytest.mark.parametrize(
    "change,expected",
    [
        ({"sheet_uid": "5f0c6a1e-0000-4000-8000-000000000002", "unit_name": "Ban Tổ chức Tỉnh ủy"},
         "Tệp này là phiếu chấm điểm của “Ban Tổ chức Tỉnh ủy” năm 2024, không phải phiếu của “Ban Tuyên giáo Tỉnh ủy” năm 2024."),
        ({"set_version": 2}, "Tệp được tải về theo bảng tiêu chí “Bảng tiêu chí 2024” phiên bản 2; phiếu nay dùng “Bảng tiêu chí 2024” phiên bản 1."),
        ({"set_uid": "other"}, "Hãy tải phiếu mới về và nhập lại."),
        ({"level": "CROSS"}, "Tệp được tải về ở bước “Chấm chéo”, nay phiếu đang ở bước “Tự chấm”."),
    ],
)
def test_upload_for_another_unit_set_or_step_is_refused(change, expected):
    other = SheetMeta(**{**META.__dict__, **change})
    data = build_sheet_workbook(SPECS, other)
    values, issues = parse_sheet_workbook(fill(data, {"1.1": (10, "")}), specs=SPECS, expected=META)
    assert values == {}
    assert expected in messages(issues)[0]


def test_upload_after_the_criteria_changed_is_refused():
    changed = [CriterionSpec(**{**s.__dict__, "max_points": D("35.00")}) if s.code == "1.1" else s for s in SPECS]
    data = build_sheet_workbook(SPECS, META)
    values, issues = parse_sheet_workbook(as_file(data), specs=changed, expected=META)
    assert values == {} and "Hãy tải phiếu mới về và nhập lại." in messages(issues)[0]


def test_a_criteria_file_is_not_a_score_sheet():
    values, issues = parse_sheet_workbook(as_file(build_criteria_workbook(SPECS)), specs=SPECS, expected=META)
    assert values == {} and "Tệp không phải phiếu chấm điểm tải về từ hệ thống" in messages(issues)[0]


# --------------------------------------------------------------------------- ranking table


def test_ranking_table_layout():
    a = sheet_totals(SPECS, {"1.1": D(30), "1.10": D(30), "2": D(40), "3.1": D(3), "4.1": D(0)})
    b = sheet_totals(SPECS, {"1.1": D(30), "1.10": D(25), "2": D(40), "3.1": D(0), "4.1": D("2.5")})
    ranking = rank([RankInput("b", "Ban Tổ chức", b), RankInput("a", "Ban Tuyên giáo", a), RankInput("c", "Ban Dân vận", None)], quota=1)
    data = build_ranking_workbook(
        ranking, groups=[("1", "Công tác chuyên môn", D(60)), ("2", "Công tác xây dựng Đảng", D(40))],
        title_lines=["BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG THI ĐUA", "Khối các ban Đảng — năm 2024"],
    )
    ws = load_workbook(io.BytesIO(data)).active
    assert ws["A1"].value == "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG THI ĐUA"
    assert ws["A1"].font.name == "Times New Roman" and ws["A1"].font.bold
    assert ws["A2"].value == "Khối các ban Đảng — năm 2024"
    header = [c.value for c in ws[4]]
    assert header == [
        "STT", "Đơn vị", "1. Công tác chuyên môn (60 điểm)", "2. Công tác xây dựng Đảng (40 điểm)",
        "Điểm thưởng", "Điểm trừ", "Tổng điểm", "Xếp hạng", "Xếp loại", "Ghi chú",
    ]
    first, second, third = ([c.value for c in ws[r]] for r in (5, 6, 7))
    assert first[:9] == [1, "Ban Tuyên giáo", 60, 40, 3, 0, 103, 1, "Xuất sắc"]
    assert first[9].startswith("Đề xuất đơn vị dẫn đầu.")
    assert second[:9] == [2, "Ban Tổ chức", 55, 40, 0, 2.5, 92.5, 2, "Tốt"]
    assert "Trong chỉ tiêu" not in (second[9] or "")
    assert third[1] == "Ban Dân vận" and third[7] == "Không xếp hạng" and "Chưa có phiếu chấm điểm" in third[9]
    assert all(ws.cell(row=r, column=c).font.name == "Times New Roman" for r in range(4, 8) for c in range(1, 11))
    footer = [ws.cell(row=r, column=1).value for r in range(9, 14)]
    assert any(line and "Đơn vị dẫn đầu được đề xuất: Ban Tuyên giáo" in line for line in footer)


def test_reasons_column_after_submission():
    from thidua.scoring.excel import parse_sheet_upload

    cross = SheetMeta(**{**META.__dict__, "level": "CROSS"})
    data = build_sheet_workbook(SPECS, cross, {"1.1": (D(30), "")}, reference={"1.1": D(30)}, with_reasons=True)
    wb = load_workbook(io.BytesIO(data))
    ws = wb[SCORE_SHEET]
    header_row = next(r for r in range(1, 20) if ws.cell(row=r, column=1).value == "Mã")
    headers = {ws.cell(row=header_row, column=c).value: c for c in range(1, 12)}
    assert "Lý do sửa điểm" in headers
    row = next(r for r in range(header_row, ws.max_row + 1) if ws.cell(row=r, column=1).value == "1.1")
    ws.cell(row=row, column=headers["Điểm chấm"], value=27)
    ws.cell(row=row, column=headers["Lý do sửa điểm"], value="Minh chứng chỉ đạt 90% kế hoạch")
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    upload, issues = parse_sheet_upload(buffer, specs=SPECS, expected=cross)
    assert issues == []
    assert upload.values == {"1.1": (D("27.00"), "")}
    assert upload.reasons == {"1.1": "Minh chứng chỉ đạt 90% kế hoạch"}
