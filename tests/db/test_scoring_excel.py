"""Excel round trips of criteria scoring through the database: a criteria set exported and imported
into a new draft, a unit's pre-filled sheet downloaded, filled offline and uploaded back, an upload
for another unit refused, the reviewer's file with reasons, the ranking table before and after
publication."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from thidua.blocs import actions as bloc_actions
from thidua.blocs.models import MeetingKind
from thidua.core.errors import ActionError
from thidua.scoring import actions, excel, selectors
from thidua.scoring.models import CriteriaSet, Criterion, ScoreChange
from tests.db.test_scoring import FULL, build_block, fresh, open_round, to_appraised

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def block(world):
    return open_round(build_block(world))


def upload(data: bytes, name: str = "phieu.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX)


def type_into(data: bytes, edits: dict[str, dict[str, object]]) -> bytes:
    """Type into the downloaded sheet as a person would in Excel: {code: {header: value}}."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb[excel.SCORE_SHEET]
    header_row = next(r for r in range(1, 30) if ws.cell(row=r, column=1).value == "Mã")
    headers = {ws.cell(row=header_row, column=c).value: c for c in range(1, 15) if ws.cell(row=header_row, column=c).value}
    for r in range(header_row + 1, ws.max_row + 1):
        code = ws.cell(row=r, column=1).value
        for header, value in edits.get(code, {}).items():
            ws.cell(row=r, column=headers[header], value=value)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.mark.sqlite
def test_criteria_set_exported_and_imported_into_a_new_draft(block):
    b, w = block, block.world
    data = excel.export_criteria_set(b.criteria_set)
    specs = excel.read_criteria_upload(upload(data, "bang-tieu-chi.xlsx"))
    assert specs == selectors.criterion_specs(selectors.ordered_criteria(b.criteria_set))

    draft = actions.do_create_criteria_set(
        actor=w.an_officer, province=w.an_giang, data={"bloc": b.bloc, "year": b.bloc_year.year + 1, "name": "Bảng tiêu chí năm sau"},
    )
    actions.do_import_criteria_set(actor=w.an_officer, criteria_set=draft, specs=specs, expected_version=draft.version)
    imported = selectors.criterion_specs(selectors.ordered_criteria(draft))
    assert imported == specs
    assert Criterion.objects.get(criteria_set=draft, code="1.2").parent.code == "1"


@pytest.mark.sqlite
def test_a_bad_criteria_file_is_refused_row_by_row_and_nothing_written(block):
    b = block
    wb = load_workbook(io.BytesIO(excel.export_criteria_set(b.criteria_set)))
    ws = wb[excel.CRITERIA_SHEET]
    header_row = next(r for r in range(1, 10) if ws.cell(row=r, column=1).value == "Mã tiêu chí")
    ws.cell(row=header_row + 2, column=5, value="ba mươi")
    ws.cell(row=header_row + 3, column=4, value="Hệ số")
    buffer = io.BytesIO()
    wb.save(buffer)
    with pytest.raises(ActionError) as refused:
        excel.read_criteria_upload(upload(buffer.getvalue()))
    rows = [str(r) for r in refused.value.rows]
    assert rows == [
        f"Trang “Tiêu chí”, Dòng {header_row + 2}, cột Điểm tối đa: “ba mươi” không phải là số.",
        f"Trang “Tiêu chí”, Dòng {header_row + 3}, cột Loại: Loại “Hệ số” không hợp lệ. "
        "Ghi một trong: Nhóm tiêu chí; Tiêu chí chấm điểm; Điểm thưởng; Điểm trừ.",
    ]
    assert "Chưa có dữ liệu nào được ghi" in refused.value.message


@pytest.mark.sqlite
def test_a_unit_downloads_its_sheet_fills_it_offline_and_uploads_it(block):
    b, w = block, block.world
    sheet = fresh(b.tg)
    data = excel.export_sheet(sheet)
    ws = load_workbook(io.BytesIO(data))[excel.SCORE_SHEET]
    assert ws["A2"].value == "Đơn vị: Ban Tuyên giáo Tỉnh ủy"
    filled = type_into(data, {
        "1.1": {"Điểm chấm": "28,5", "Giải trình, ghi chú": "Hoàn thành 100% chỉ tiêu"},
        "1.2": {"Điểm chấm": 25}, "2.1": {"Điểm chấm": 35}, "3": {"Điểm chấm": 2}, "4": {"Điểm chấm": 0},
    })
    result = excel.read_sheet_upload(upload(filled), sheet)
    assert result.values == {
        "1.1": (Decimal("28.50"), "Hoàn thành 100% chỉ tiêu"), "1.2": (Decimal("25.00"), ""), "2.1": (Decimal("35.00"), ""),
        "3": (Decimal("2.00"), ""), "4": (Decimal("0.00"), ""),
    }
    actions.do_import_sheet(actor=w.unit_officer, sheet=sheet, level="SELF", values=result.values, expected_version=sheet.version)
    view = selectors.sheet_rows(fresh(b.tg))
    assert view.self_totals.total == Decimal("90.5")
    assert {r.criterion.code: r.score.self_note for r in view.rows if r.score}["1.1"] == "Hoàn thành 100% chỉ tiêu"

    # The next download is pre-filled with what was saved.
    again = excel.read_sheet_upload(upload(excel.export_sheet(fresh(b.tg))), fresh(b.tg))
    assert again.values == result.values


@pytest.mark.sqlite
def test_an_upload_for_another_unit_is_refused(block):
    b = block
    other_file = excel.export_sheet(fresh(b.tc))
    with pytest.raises(ActionError) as refused:
        excel.read_sheet_upload(upload(type_into(other_file, {"1.1": {"Điểm chấm": 30}})), fresh(b.tg))
    assert [str(r) for r in refused.value.rows] == [
        f"Tệp này là phiếu chấm điểm của “Ban Tổ chức Tỉnh ủy” năm {b.bloc_year.year}, "
        f"không phải phiếu của “Ban Tuyên giáo Tỉnh ủy” năm {b.bloc_year.year}. Không có điểm nào được ghi."
    ]


def test_bad_cells_are_reported_with_their_rows_and_nothing_is_saved(block):
    b, w = block, block.world
    sheet = fresh(b.tg)
    filled = type_into(excel.export_sheet(sheet), {"1.1": {"Điểm chấm": 31}, "1.2": {"Điểm chấm": "hai lăm"}, "2.1": {"Điểm chấm": 35}})
    with pytest.raises(ActionError) as refused:
        excel.read_sheet_upload(upload(filled), sheet)
    text = [str(r) for r in refused.value.rows]
    assert len(text) == 2
    assert "cột Điểm chấm: Tiêu chí 1.1: điểm 31 vượt mức tối đa 30." in text[0]
    assert "cột Điểm chấm: Tiêu chí 1.2: “hai lăm” không phải là số." in text[1]
    assert not fresh(b.tg).scores.exclude(self_points=None).exists()


def test_the_reviewer_s_file_carries_reasons_and_an_old_step_file_is_refused(block):
    from tests.db.test_scoring import fill_and_submit

    b, w = block, block.world
    own_step_file = excel.export_sheet(fresh(b.tg))
    fill_and_submit(w.unit_officer, b.tg)
    sheet = fresh(b.tg)

    with pytest.raises(ActionError) as refused:
        excel.read_sheet_upload(upload(own_step_file), sheet)
    assert "bước “Tự chấm”, nay phiếu đang ở bước “Chấm chéo”" in str(refused.value.rows[0])

    data = excel.export_sheet(sheet)
    ws = load_workbook(io.BytesIO(data))[excel.SCORE_SHEET]
    header_row = next(r for r in range(1, 30) if ws.cell(row=r, column=1).value == "Mã")
    headers = [ws.cell(row=header_row, column=c).value for c in range(1, 9)]
    assert headers == ["Mã", "Nội dung tiêu chí", "Loại", "Điểm tối đa", "Điểm đơn vị tự chấm", "Điểm chấm", "Giải trình, ghi chú", "Lý do sửa điểm"]

    corrected = type_into(data, {"1.1": {"Điểm chấm": 26, "Lý do sửa điểm": "Chỉ tiêu 3 chưa đạt"}})
    result = excel.read_sheet_upload(upload(corrected), sheet)
    assert result.values["1.1"][0] == Decimal("26.00") and result.values["1.2"][0] == Decimal("25.00")
    actions.do_import_sheet(actor=b.peer_officer, sheet=sheet, level="CROSS", values=result.values, reasons=result.reasons,
                            expected_version=sheet.version)
    change = ScoreChange.objects.get(sheet=b.tg, criterion__code="1.1")
    assert (change.old_points, change.new_points, change.reason) == (Decimal("28"), Decimal("26"), "Chỉ tiêu 3 chưa đạt")


@pytest.mark.sqlite
def test_ranking_table_before_and_after_publication(block):
    b, w = block, block.world
    to_appraised(b, b.tg)
    to_appraised(b, b.tc, {**FULL, "1.1": ("30", "")})

    ws = load_workbook(io.BytesIO(excel.export_ranking(b.round))).active
    assert ws["A1"].value == "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG THI ĐUA"
    assert ws["A3"].value == "Kết quả tạm tính, chưa công bố"
    header_row = next(r for r in range(1, 10) if ws.cell(row=r, column=1).value == "STT")
    header = [ws.cell(row=header_row, column=c).value for c in range(1, 11)]
    assert header == [
        "STT", "Đơn vị", "1. Thực hiện nhiệm vụ chính trị (60 điểm)", "2. Công tác thi đua khen thưởng (40 điểm)",
        "Điểm thưởng", "Điểm trừ", "Tổng điểm", "Xếp hạng", "Xếp loại", "Ghi chú",
    ]
    rows = [[ws.cell(row=r, column=c).value for c in range(1, 11)] for r in range(header_row + 1, header_row + 4)]
    assert [r[:9] for r in rows[:2]] == [
        [1, "Ban Tổ chức Tỉnh ủy", 55, 35, 2, 0, 92, 1, "Tốt"],
        [2, "Ban Tuyên giáo Tỉnh ủy", 53, 35, 2, 0, 90, 2, "Tốt"],
    ]
    assert rows[2][1] == "Ban Dân vận Tỉnh ủy" and rows[2][7] == "Không xếp hạng"

    meeting = bloc_actions.do_record_meeting(
        actor=None, bloc_year=b.bloc_year,
        data={"kind": MeetingKind.ANNUAL_REVIEW, "held_on": dt.date(b.bloc_year.year, 12, 20), "place": "An Giang"},
        attending=[w.tuyen_giao, w.to_chuc, b.dan_van],
    )
    round_ = actions.do_publish_results(
        actor=b.head_officer, round=b.round, meeting=meeting, unranked={b.dv: "Đơn vị không gửi phiếu tự chấm"},
        expected_version=b.round.version,
    )
    # Published results come from the frozen snapshot, even if the data were touched afterwards.
    CriteriaSet.objects.filter(pk=b.criteria_set.pk).update(tie_breakers=[])
    ws = load_workbook(io.BytesIO(excel.export_ranking(round_))).active
    assert ws["A3"].value.startswith("Kết quả đã công bố")
    rows = [[ws.cell(row=r, column=c).value for c in range(1, 11)] for r in range(header_row + 1, header_row + 4)]
    assert rows[0][:9] == [1, "Ban Tổ chức Tỉnh ủy", 55, 35, 2, 0, 92, 1, "Tốt"]
    assert rows[0][9].startswith("Đề xuất đơn vị dẫn đầu.")
    assert "Đơn vị không gửi phiếu tự chấm" in rows[2][9]
