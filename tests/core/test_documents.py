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
