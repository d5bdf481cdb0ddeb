"""Numbered paper ballots and the biên bản kiểm phiếu, read back from the DOCX XML."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.core.docx_xml import DocxXml
from thidua.counting.paper import BallotSheet, MinutesData, minutes_spec, render_ballots
from thidua.documents.docx import render_docx
from thidua.documents.layout import HD36, ND30
from thidua.rules.voting import tally

CANDIDATES = [("Nguyễn Văn An", "Sở Nội vụ"), ("Trần Thị Bình", "Sở Tài chính"), ("Lê Văn Cường", "")]


def _sheet(layout=ND30, **extra):
    values = dict(
        layout=layout, superior_name="UBND tỉnh An Giang", issuer_name="Hội đồng Thi đua - Khen thưởng tỉnh",
        title="Bầu danh hiệu Chiến sĩ thi đua cấp tỉnh năm 2025", method="APPROVE_EACH", candidates=CANDIDATES,
        first_number=1, last_number=3, held_on=dt.date(2026, 1, 5), place="Long Xuyên", quota=2,
    )
    values.update(extra)
    return BallotSheet(**values)


@pytest.mark.parametrize("layout", [ND30, HD36])
def test_ballots_are_a4_times_new_roman_with_official_margins(layout):
    xml = DocxXml(render_ballots(_sheet(layout)))
    assert xml.page_mm() == (210.0, 297.0)
    margins = xml.margins_mm()
    assert 20 <= margins["top"] <= 25 and 30 <= margins["left"] <= 35 and 15 <= margins["right"] <= 20
    assert all(run.font == "Times New Roman" for run in xml.runs())


def test_each_ballot_carries_its_number_candidates_and_instructions():
    data = render_ballots(_sheet(first_number=8, last_number=12))
    xml = DocxXml(data)
    text = xml.text()
    numbers = [run.text for run in xml.runs() if run.text.startswith("Phiếu số: ")]
    assert numbers == ["Phiếu số: 008", "Phiếu số: 009", "Phiếu số: 010", "Phiếu số: 011", "Phiếu số: 012"]
    assert text.count("PHIẾU BẦU") == 5 and text.count("Nguyễn Văn An") == 5
    assert xml.run("PHIẾU BẦU").bold
    assert "Đồng ý" in text and "Không đồng ý" in text
    assert "Chỉ đồng ý tối đa 2 người/đơn vị; phiếu đồng ý quá 2 người/đơn vị là phiếu không hợp lệ." in text
    assert "(Long Xuyên, ngày 05 tháng 01 năm 2026)" in text
    # One ballot per page: four page breaks between five ballots.
    assert xml.zip.read("word/document.xml").count(b'w:type="page"') == 4
    state = xml.run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert state.bold and 12 <= state.size_pt <= 13
    assert xml.run("HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG TỈNH").bold


def test_party_ballots_use_the_party_heading_and_choose_one_instructions():
    xml = DocxXml(render_ballots(_sheet(HD36, method="CHOOSE_ONE", quota=1, superior_name="Tỉnh ủy An Giang")))
    text = xml.text()
    assert xml.run("ĐẢNG CỘNG SẢN VIỆT NAM").size_pt == 15
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in text
    assert "Chọn" in text and "Không đồng ý" not in text
    assert "Đánh dấu (X) vào ô “Chọn” của MỘT người/đơn vị." in text


# ------------------------------------------------------------------------------------ minutes

COUNTS = {
    "present": 13, "written_opinions": 2, "ballots_issued": 16, "ballots_used": 15, "ballots_spoiled": 1,
    "ballots_invalid": 1, "ballots_blank": 0,
    "candidates": {"1": {"yes": 14, "no": 0}, "2": {"yes": 11, "no": 3}, "3": {"yes": 2, "no": 12}},
}
RESULT = tally({
    "kind": "voting", "decided_on": "2026-01-05", "award": "CSTD_TINH", "council_size": 15, "present": 13,
    "written_opinions": 2, "quota": 2,
    "candidates": [{"id": "1", "name": "Nguyễn Văn An", "yes": 14}, {"id": "2", "name": "Trần Thị Bình", "yes": 11},
                   {"id": "3", "name": "Lê Văn Cường", "yes": 2}],
})
SHA = "9f2c" + "0" * 60


def _minutes(layout=ND30, **extra):
    values = dict(
        layout=layout, superior_name="UBND tỉnh An Giang", issuer_name="Hội đồng Thi đua - Khen thưởng tỉnh",
        issuer_abbr="HĐTĐKT", poll_title="Bầu danh hiệu Chiến sĩ thi đua cấp tỉnh năm 2025",
        electorate_label="thành viên Hội đồng", members_total=15, result=RESULT, counts=COUNTS, result_sha256=SHA,
        place="Long Xuyên", held_on=dt.date(2026, 1, 5), board_head="Phạm Minh Đức", board_members=["Võ Thị Hạnh", "Đặng Văn Khoa"],
        chair="Hồ Văn Mừng",
    )
    values.update(extra)
    return MinutesData(**values)


def test_minutes_print_the_figures_percentages_threshold_result_and_hash():
    xml = DocxXml(render_docx(minutes_spec(_minutes())))
    text = xml.text()
    assert xml.page_mm() == (210.0, 297.0)
    margins = xml.margins_mm()
    assert 20 <= margins["top"] <= 25 and 30 <= margins["left"] <= 35 and 15 <= margins["right"] <= 20
    assert xml.run("BIÊN BẢN").bold and 13 <= xml.run("BIÊN BẢN").size_pt <= 14
    assert xml.run("Số:       /BB-HĐTĐKT").size_pt == 13  # blank until the văn thư registers it
    assert "Long Xuyên, ngày 05 tháng 01 năm 2026" in text
    assert "Tổng số thành viên Hội đồng: 15." in text
    assert "Số có mặt: 13; vắng mặt: 2, trong đó có 2 ý kiến bằng văn bản gửi Tổ kiểm phiếu." in text
    for label, figure in (("Số phiếu phát ra", "16"), ("Số phiếu thu vào", "15"), ("Số phiếu hợp lệ", "14"), ("Số phiếu không hợp lệ", "1")):
        assert f"{label}\n{figure}" in text, label
    assert "93,33%" in text and "73,33%" in text and "13,33%" in text
    assert "Đạt, được chọn" in text and "Không đạt" in text
    assert "ít nhất 90% tổng số thành viên" in text and "14/15" in text and "Nghị định 98/2023/NĐ-CP" in text
    assert "Được chọn (1): Nguyễn Văn An." in text
    hash_run = xml.run(f"Mã kiểm tra (SHA-256): {SHA}")
    assert hash_run.bold and hash_run.font == "Times New Roman"
    assert "TRƯỞNG BAN KIỂM PHIẾU" in text and "Phạm Minh Đức" in text and text.count("THÀNH VIÊN") >= 2
    assert "Đặng Văn Khoa" in text and "CHỦ TRÌ" in text


def test_registered_party_minutes_carry_the_party_number_line():
    spec = minutes_spec(_minutes(HD36, superior_name="Tỉnh ủy An Giang", issuer_name="Khối thi đua các cơ quan Đảng tỉnh",
                                 issuer_abbr="BTCTU", number="7", issued_on=dt.date(2026, 1, 6)))
    xml = DocxXml(render_docx(spec))
    assert xml.run("Số 07-BB/BTCTU").size_pt == 14
    assert xml.run("ĐẢNG CỘNG SẢN VIỆT NAM").bold


def test_acclamation_minutes_have_the_meeting_part_and_external_minutes_say_so():
    spec = minutes_spec(_minutes(
        meeting_title="Hội nghị tổng kết năm 2025", attending=["Ban Tuyên giáo Tỉnh ủy", "Ban Tổ chức Tỉnh ủy"],
        guests=["Đại diện Ban Thi đua - Khen thưởng tỉnh"], source="EXTERNAL", external_note="biên bản số 12/BB-HĐ",
        counts={"present": 13, "written_opinions": 2, "candidates": COUNTS["candidates"]},
    ))
    text = DocxXml(render_docx(spec)).text()
    assert "I. DIỄN BIẾN HỘI NGHỊ" in text and "Đơn vị dự họp (2): Ban Tuyên giáo Tỉnh ủy, Ban Tổ chức Tỉnh ủy." in text
    assert "Khách mời (dự, không biểu quyết): Đại diện Ban Thi đua - Khen thưởng tỉnh." in text
    assert "Họp và kiểm phiếu: Bầu danh hiệu" in text
    assert "ngoài hệ thống (biên bản số 12/BB-HĐ)" in text
    assert "không ghi số phiếu phát ra" in text
