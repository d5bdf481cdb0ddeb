"""Server-side SVG charts (thidua.core.charts) and the block year's stage (thidua.rules.year_stage)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from thidua.core import charts
from thidua.rules.year_stage import stage_of

NS = {"svg": "http://www.w3.org/2000/svg"}


def _bars(svg: str) -> list[ET.Element]:
    return ET.fromstring(svg).findall("svg:rect", NS)


def test_bar_lengths_are_proportional_to_the_values():
    svg = charts.bar_chart("c1", "Xếp hạng khối", [charts.Bar("Ban Tuyên giáo", 90), charts.Bar("Ban Tổ chức", 45), charts.Bar("Ban Dân vận", 0)])
    rects = _bars(svg)
    widths = [float(r.get("width")) for r in rects]
    # The largest value fills the plot: from the bar's start to the value column.
    assert widths[0] == charts.WIDTH - float(rects[0].get("x")) - charts.VALUE_WIDTH
    assert abs(widths[1] - widths[0] / 2) < 0.01
    assert widths[2] == 0


def test_a_fixed_scale_draws_percentages_against_100():
    svg = charts.bar_chart("c2", "Tỷ lệ nữ", [charts.Bar("2025", 25.0, shown="25,0 %")], max_value=100)
    rect = _bars(svg)[0]
    assert abs(float(rect.get("width")) - (charts.WIDTH - float(rect.get("x")) - charts.VALUE_WIDTH) / 4) < 0.01
    assert "25,0 %" in svg


def test_text_is_escaped_and_the_svg_is_valid_xml():
    nasty = 'Đơn vị <script>alert("x")</script> & “Cụm” \'số 1\''
    svg = charts.bar_chart("c3", f"Biểu đồ {nasty}", [charts.Bar(nasty, 3)])
    root = ET.fromstring(svg)  # raises on malformed XML
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert root.find("svg:title", NS).text == f"Biểu đồ {nasty}"
    stacked = charts.stacked_chart("c4", nasty, ["2024", "2025"], [charts.Series(nasty, (1, 2))])
    ET.fromstring(stacked)
    assert "<script>" not in stacked


def test_charts_are_accessible_and_csp_clean():
    svg = charts.stacked_chart("c5", "Khen thưởng theo năm và loại", ["2024", "2025"],
                               [charts.Series("Danh hiệu thi đua", (3, 1)), charts.Series("Hình thức khen thưởng", (2, 0))])
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c5-t c5-d"
    desc = root.find("svg:desc", NS).text
    assert "2024: Danh hiệu thi đua 3, Hình thức khen thưởng 2 (tổng 5)" in desc
    # No style attribute or element (the CSP has no 'unsafe-inline' for styles), no script.
    assert all("style" not in el.attrib for el in root.iter())
    assert not root.findall(".//svg:style", NS) and not root.findall(".//svg:script", NS)


def test_stacked_columns_are_proportional_to_each_years_total():
    svg = charts.stacked_chart("c6", "Khen thưởng", ["2024", "2025"],
                               [charts.Series("Danh hiệu thi đua", (4, 1)), charts.Series("Hình thức khen thưởng", (4, 1))])
    segments = [r for r in _bars(svg) if r.get("class", "").startswith("seg") and float(r.get("height")) > 12]
    heights = [float(r.get("height")) for r in segments]
    # 2024: two segments of 4 fill the plot (200 px); 2025: two of 1, a quarter each of that.
    assert heights[:2] == [100.0, 100.0]
    assert heights[2:] == [25.0, 25.0]


def test_empty_data_says_so_in_vietnamese():
    assert "Chưa có số liệu" in charts.bar_chart("c7", "Xếp hạng", [])
    assert "Chưa có số liệu" in charts.stacked_chart("c8", "Khen thưởng", ["2025"], [charts.Series("Danh hiệu thi đua", (0,))])


def test_vietnamese_number_format():
    assert charts.vn_number(1234567) == "1.234.567"
    assert charts.vn_number(85.5, 1) == "85,5"
    assert charts.vn_number(1234.25, 2) == "1.234,25"
    assert charts.vn_number(None) == "—"


def test_stage_of_a_block_year_follows_the_furthest_step_started():
    base = dict(members=3, registrations={}, covenant_state=None, round_state=None, sheets={}, polls={}, proposals={})
    assert stage_of(**base).code == "REGISTRATION"
    assert stage_of(**{**base, "registrations": {"SUBMITTED": 1, "APPROVED": 1, "DRAFT": 1}}).detail == "2/3 đơn vị đã gửi đăng ký"
    assert stage_of(**{**base, "members": 0}).detail == "Khối chưa có đơn vị thành viên"
    assert stage_of(**{**base, "covenant_state": "CONFIRMING"}).detail == "Đang lấy xác nhận giao ước"
    scoring = stage_of(**{**base, "round_state": "OPEN", "sheets": {"DRAFT": 1, "SUBMITTED": 1, "APPRAISED": 1}})
    assert (scoring.code, scoring.detail, scoring.step) == ("SCORING", "2/3 phiếu đã gửi, 1/3 đã thẩm định", 3)
    assert stage_of(**{**base, "round_state": "PUBLISHED"}).detail == "Đã công bố kết quả chấm điểm"
    assert stage_of(**{**base, "round_state": "PUBLISHED", "polls": {"RESULT": 1, "OPEN": 1}}).detail == "1/2 cuộc bỏ phiếu đã có kết quả"
    assert stage_of(**{**base, "proposals": {"DRAFT": 1}}).detail == "Đang lập hồ sơ đề nghị, chưa gửi"
    assert stage_of(**{**base, "proposals": {"DRAFT": 1, "SUBMITTED": 2}}).code == "PROPOSALS"
    assert stage_of(**{**base, "proposals": {"DECIDED": 1}}).code == "DECIDED"
