import datetime as dt

import pytest

from tests.core.docx_xml import DocxXml
from thidua.documents.docx import render_docx
from thidua.documents.layout import (
    HD36,
    ND30,
    DocumentSpec,
    Paragraph,
    Signature,
    Table,
    number_line,
    pad_number,
    place_date_line,
)


def _spec(layout, **extra):
    values = dict(
        layout=layout,
        superior_name="UBND tỉnh Quảng Ninh" if layout is ND30 else "Tỉnh ủy An Giang",
        issuer_name="Sở Nội vụ" if layout is ND30 else "Ban Tuyên giáo",
        issuer_abbr="SNV" if layout is ND30 else "BTGTU",
        doc_type="Báo cáo",
        subject="Tổng kết công tác thi đua, khen thưởng năm 2017",
        place="Hạ Long" if layout is ND30 else "An Giang",
        number=5,
        date=dt.date(2017, 12, 20),
        body=[
            Paragraph("Năm 2017, các đơn vị trong khối đã hoàn thành tốt nhiệm vụ."),
            Table(["STT", "Đơn vị"], [["1", "Sở Nội vụ"]]),
        ],
        signatures=[Signature("TM. KHỐI THI ĐUA", "TRƯỞNG KHỐI", "Trần Thị Thu Hoài")],
        recipients=["Ban Thi đua - Khen thưởng tỉnh"],
        archive="TĐKT",
    )
    values.update(extra)
    return DocumentSpec(**values)


def test_numbers_below_ten_are_padded():
    assert pad_number(5) == "05" and pad_number("12") == "12" and pad_number(None) == ""


def test_state_and_party_number_lines_differ():
    assert number_line(ND30, number=5, type_abbr="BC", issuer_abbr="SNV") == "Số: 05/BC-SNV"
    assert number_line(HD36, number=127, type_abbr="QĐ", issuer_abbr="TW") == "Số 127-QĐ/TW"
    # Before the văn thư registers it, the number is left blank for hand entry.
    assert number_line(ND30, number=None, type_abbr="BC", issuer_abbr="SNV").startswith("Số: ")
    assert "/BC-SNV" in number_line(ND30, number=None, type_abbr="BC", issuer_abbr="SNV")


def test_place_and_date_pad_days_and_january_february():
    assert place_date_line("Hạ Long", dt.date(2018, 2, 5)) == "Hạ Long, ngày 05 tháng 02 năm 2018"
    assert place_date_line("An Giang", dt.date(2023, 12, 29)) == "An Giang, ngày 29 tháng 12 năm 2023"


@pytest.mark.parametrize("layout", [ND30, HD36])
def test_page_is_a4_with_official_margins(layout):
    xml = DocxXml(render_docx(_spec(layout)))
    assert xml.page_mm() == (210.0, 297.0)
    margins = xml.margins_mm()
    assert 20 <= margins["top"] <= 25 and 20 <= margins["bottom"] <= 25
    assert 30 <= margins["left"] <= 35 and 15 <= margins["right"] <= 20
    assert xml.header_has_page_field() and xml.first_page_different()


def test_state_document_heading_block():
    xml = DocxXml(render_docx(_spec(ND30)))
    title = xml.run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert title.bold and 12 <= title.size_pt <= 13 and title.font == "Times New Roman"
    motto = xml.run("Độc lập - Tự do - Hạnh phúc")
    assert motto.bold and 13 <= motto.size_pt <= 14
    issuer = xml.run("SỞ NỘI VỤ")
    assert issuer.bold and 12 <= issuer.size_pt <= 13
    superior = xml.run("UBND TỈNH QUẢNG NINH")
    assert not superior.bold
    number = xml.run("Số: 05/BC-SNV")
    assert number.size_pt == 13
    place = xml.run("Hạ Long, ngày 20 tháng 12 năm 2017")
    assert place.italic and 13 <= place.size_pt <= 14
    doc_type = xml.run("BÁO CÁO")
    assert doc_type.bold and 13 <= doc_type.size_pt <= 14
    recipients = xml.run("Nơi nhận:")
    assert recipients.bold and recipients.italic and recipients.size_pt == 12
    assert xml.run("- Ban Thi đua - Khen thưởng tỉnh;").size_pt == 11
    # Nơi nhận ends with the archive line: the drafting unit and a full stop.
    assert xml.run("- Lưu: VT, TĐKT.").size_pt == 11
    assert "- Lưu: VT;" not in xml.text()
    assert all(r.font == "Times New Roman" for r in xml.runs())


def test_party_document_heading_block():
    xml = DocxXml(render_docx(_spec(HD36)))
    heading = xml.run("ĐẢNG CỘNG SẢN VIỆT NAM")
    assert heading.bold and heading.size_pt == 15
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in xml.text()
    superior = xml.run("TỈNH ỦY AN GIANG")
    assert superior.size_pt == 14 and not superior.bold
    issuer = xml.run("BAN TUYÊN GIÁO")
    assert issuer.size_pt == 14 and issuer.bold
    assert xml.run("*").size_pt == 14
    assert xml.run("Số 05-BC/BTGTU").size_pt == 14
    doc_type = xml.run("BÁO CÁO")
    assert doc_type.bold and 15 <= doc_type.size_pt <= 16


def test_body_and_table_text_is_kept_in_nfc_and_order():
    xml = DocxXml(render_docx(_spec(ND30)))
    text = xml.text()
    assert text.index("BÁO CÁO") < text.index("Năm 2017") < text.index("Nơi nhận:")
    assert "Trần Thị Thu Hoài" in text


# ------------------------------------------------------------------------------------ issue #14


def test_control_characters_typed_or_pasted_never_break_generation():
    """A bell, a NUL or a form feed pasted into any field used to make python-docx raise (a 500)."""
    dirty = "Sở\x00 Nội\x07 vụ\x1b\x0c"
    spec = _spec(
        ND30, issuer_name=dirty, superior_name="UBND\x01 tỉnh", subject="Tổng kết\x08 năm\x7f 2017", place="Hạ\x0b Long",
        body=[Paragraph("Nội dung\x00 có ký tự điều khiển\x1f."), Table(["STT", "Đơn\x02 vị"], [["1", "Ban\x03 A"]])],
        signatures=[Signature("TM.\x04 KHỐI", "TRƯỞNG\x05 KHỐI", "Trần\x06 Thị Thu Hoài")],
        recipients=["Ban\x0e Thi đua"],
    )
    text = DocxXml(render_docx(spec)).text()
    assert "SỞ NỘI VỤ" in text and "Nội dung có ký tự điều khiển." in text and "Trần Thị Thu Hoài" in text
    assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in text)


def test_input_drops_control_characters_but_keeps_line_breaks():
    from thidua.rules.text import nfc, strip_controls

    assert strip_controls("Dòng 1\x07\r\nDòng\x00 2\x0cDòng 3") == "Dòng 1\r\nDòng 2\nDòng 3"
    assert nfc("  Nguyễn\x00 Văn\x1b  An ") == "Nguyễn Văn An"


def test_dates_in_documents_are_written_in_words():
    from thidua.documents.layout import date_words

    assert date_words(dt.date(2024, 1, 5)) == "ngày 05 tháng 01 năm 2024"
    assert date_words(dt.date(2024, 12, 20)) == "ngày 20 tháng 12 năm 2024"
    assert date_words(None).startswith("ngày ")


@pytest.mark.parametrize("layout,ending,separator", [(ND30, "- Lưu: VT, TĐKT.", ";"), (HD36, "- Lưu VT, TĐKT.", ",")])
def test_recipients_end_with_the_archive_line_and_a_full_stop(layout, ending, separator):
    from thidua.documents.layout import recipient_lines

    lines = recipient_lines(layout, ["Như Điều 3;", "Lưu: VT"], "TĐKT")
    assert lines == [f"- Như Điều 3{separator}", ending]


def test_party_documents_sign_t_m_and_state_documents_tm():
    from thidua.documents.layout import authority

    assert authority(HD36, "TM. KHỐI THI ĐUA") == "T/M KHỐI THI ĐUA" and authority(HD36, "KT. BÍ THƯ") == "K/T BÍ THƯ"
    assert authority(ND30, "T/M ỦY BAN NHÂN DÂN") == "TM. ỦY BAN NHÂN DÂN" and authority(ND30, "") == ""
    text = DocxXml(render_docx(_spec(HD36))).text()
    assert "T/M KHỐI THI ĐUA" in text and "TM. KHỐI" not in text


def test_narrow_columns_are_widened_so_stt_and_years_never_break():
    from thidua.documents.docx import fit_widths

    widths = fit_widths([8, 100, 8, 49], [[("STT", True), ("12", False)], [("Đơn vị", True)], [("Năm", True), ("2024", False)], [("Ghi chú", True)]], 13)
    assert sum(widths) == pytest.approx(165) and widths[0] >= 12.5 and widths[2] >= 13 and widths[1] >= 80


def test_rows_never_split_headers_repeat_and_the_signature_stays_whole():
    xml = DocxXml(render_docx(_spec(ND30, body=[Table(["STT", "Đơn vị"], [[str(n), f"Đơn vị {n}"] for n in range(1, 80)])])))
    document = xml.zip.read("word/document.xml").decode()
    assert document.count("<w:tblHeader") == 1
    # Every row of every table (the list, the heading, the closing) refuses to split over pages.
    assert document.count("<w:cantSplit") == document.count("<w:tr>") + document.count("<w:tr ") - 1


def test_an_annex_comes_after_the_signature_on_its_own_page():
    from thidua.documents.layout import Annex

    spec = _spec(ND30, doc_type="Quyết định", authority_line="Giám đốc Sở Nội vụ",
                 annexes=[Annex("Danh sách khen thưởng", "(Kèm theo Quyết định số 05/QĐ-SNV ngày 20 tháng 12 năm 2017 của Giám đốc Sở Nội vụ)",
                                [Table(["STT", "Họ và tên"], [["1", "Nguyễn Văn An"]])])])
    xml = DocxXml(render_docx(spec))
    text = xml.text()
    assert text.index("GIÁM ĐỐC SỞ NỘI VỤ") < text.index("Năm 2017, các đơn vị")
    assert text.index("Trần Thị Thu Hoài") < text.index("DANH SÁCH KHEN THƯỞNG") < text.index("Nguyễn Văn An")
    assert text.count("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") == 2  # the list's own heading
    assert b'w:pageBreakBefore' in xml.zip.read("word/document.xml")


def test_a_persons_own_document_has_no_issuer_or_number_line():
    spec = _spec(ND30, personal=True, issuer_name="", issuer_abbr="", recipients=[], archive="",
                 signatures=[Signature("XÁC NHẬN CỦA THỦ TRƯỞNG ĐƠN VỊ", seal=True), Signature("NGƯỜI BÁO CÁO THÀNH TÍCH", name="Nguyễn Văn An")])
    text = DocxXml(render_docx(spec)).text()
    assert "Số" not in text.split("BÁO CÁO")[0] and "SỞ NỘI VỤ" not in text
    assert "(Ký, ghi rõ họ tên, đóng dấu)" in text and "(Ký, ghi rõ họ tên)\n" in text


def test_the_same_spec_gives_the_same_bytes():
    """The SHA-256 kept with a document (and the PDF cache keyed by it) identifies its content."""
    assert render_docx(_spec(ND30)) == render_docx(_spec(ND30))


@pytest.mark.parametrize("layout,text_mm", [(ND30, ND30.motto_width_mm), (HD36, HD36.party_heading_width_mm)])
def test_the_rule_under_the_motto_is_as_long_as_the_motto(layout, text_mm):
    """The rule is a bottom border narrowed by equal indents: column − cell margins − 2 × indent = the text."""
    from tests.core.docx_xml import NS, W
    from thidua.documents.docx import CELL_MARGIN_MM

    xml = DocxXml(render_docx(_spec(layout)))
    right_cell = xml.document.findall(".//w:tbl", NS)[0].findall(".//w:tc", NS)[1]
    rules = [p for p in right_cell.findall("w:p", NS) if p.find("w:pPr/w:pBdr/w:bottom", NS) is not None]
    assert len(rules) == 1
    indent = rules[0].find("w:pPr/w:ind", NS)
    left, right = (int(indent.get(f"{{{W}}}{side}")) / 56.692913 for side in ("left", "right"))
    drawn = layout.heading_widths_mm[1] - 2 * CELL_MARGIN_MM - left - right
    assert left == pytest.approx(right) and drawn == pytest.approx(text_mm, abs=0.5)


@pytest.mark.parametrize("authority,title,issuer_name,unit_name,expected", [
    ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Chủ tịch UBND tỉnh An Giang", "UBND tỉnh An Giang", "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH AN GIANG"),
    ("", "Giám đốc", "Sở Nội vụ", "Sở Nội vụ", "GIÁM ĐỐC SỞ NỘI VỤ"),
    ("", "Trưởng ban", "Ban Tuyên giáo Tỉnh ủy", "Ban Tuyên giáo Tỉnh ủy", "TRƯỞNG BAN TUYÊN GIÁO TỈNH ỦY"),
    ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Ủy ban nhân dân tỉnh An Giang", "Ủy ban nhân dân tỉnh An Giang", "ỦY BAN NHÂN DÂN TỈNH AN GIANG"),
])
def test_the_deciding_authority_line_names_the_office_that_decides(authority, title, issuer_name, unit_name, expected):
    from types import SimpleNamespace

    from thidua.proposals.documents import deciding_authority

    decision = SimpleNamespace(signer_authority=authority, signer_title=title, issuer_name=issuer_name,
                               issuer_unit_id=1, issuer_unit=SimpleNamespace(name=unit_name))
    assert deciding_authority(decision) == expected
