"""Official Vietnamese document layouts as data.

Two formats, chosen by the issuing unit (domain-rules.md §7, §7.1):
- ND30: Nghị định 30/2020/NĐ-CP, Phụ lục I (State bodies).
- HD36: Hướng dẫn 36-HD/VPTW ngày 03/4/2018 (Party committees and agencies).

Several sizes are ranges in the texts; the values chosen here sit inside the ranges and are the
only place to change them. No Django import: the pure layout is tested on its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

MM = 1  # sizes below are in millimetres and points


@dataclass(frozen=True)
class Layout:
    code: str
    # Page: A4 portrait, 210 × 297 mm.
    page_width_mm: float = 210
    page_height_mm: float = 297
    margin_top_mm: float = 20
    margin_bottom_mm: float = 20
    margin_left_mm: float = 30
    margin_right_mm: float = 15
    font_name: str = "Times New Roman"
    # Heading block.
    national_title: str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    national_title_pt: float = 13
    motto: str = "Độc lập - Tự do - Hạnh phúc"
    motto_pt: float = 14
    party_heading: str = "ĐẢNG CỘNG SẢN VIỆT NAM"
    party_heading_pt: float = 15
    superior_pt: float = 13
    issuer_pt: float = 13
    number_pt: float = 13
    place_date_pt: float = 14
    doc_type_pt: float = 14
    subject_pt: float = 14
    body_pt: float = 14
    body_first_line_indent_cm: float = 1.27
    body_space_after_pt: float = 6
    body_line_spacing: float = 1.15
    signer_pt: float = 14
    recipients_label_pt: float = 12
    recipients_pt: float = 11
    page_number_pt: float = 14
    table_pt: float = 13


ND30 = Layout(code="ND30")
HD36 = Layout(
    code="HD36",
    superior_pt=14,
    issuer_pt=14,
    number_pt=14,
    place_date_pt=14,
    doc_type_pt=16,
    subject_pt=14,
    body_pt=14,
    signer_pt=14,
)
LAYOUTS = {"ND30": ND30, "HD36": HD36}

# Document type abbreviations (NĐ 30/2020 Phụ lục III; Party documents use the same letters).
TYPE_ABBREVIATIONS = {
    "QUYẾT ĐỊNH": "QĐ",
    "TỜ TRÌNH": "TTr",
    "BÁO CÁO": "BC",
    "KẾ HOẠCH": "KH",
    "BIÊN BẢN": "BB",
    "HƯỚNG DẪN": "HD",
    "THÔNG BÁO": "TB",
    "GIAO ƯỚC THI ĐUA": "GƯTĐ",
}


def pad_number(number: str | int | None) -> str:
    """Numbers below 10 are written with a leading zero (NĐ 30/2020 Phụ lục I)."""
    if number is None or str(number).strip() == "":
        return ""
    text = str(number).strip()
    return f"0{text}" if text.isdigit() and int(text) < 10 else text


def number_line(layout: Layout, *, number: str | int | None, type_abbr: str, issuer_abbr: str) -> str:
    """The số/ký hiệu line. A document not yet registered by the văn thư leaves the number blank.

    ND30: "Số: 05/BC-KTĐ"; HD36: "Số 05-BC/TU" (number, hyphen, type, slash, issuer).
    """
    padded = pad_number(number)
    if layout.code == "HD36":
        head = padded if padded else "      "
        return f"Số {head}-{type_abbr}/{issuer_abbr}" if type_abbr else f"Số {head}/{issuer_abbr}"
    head = padded if padded else "      "
    return f"Số: {head}/{type_abbr}-{issuer_abbr}" if type_abbr else f"Số: {head}/{issuer_abbr}"


def place_date_line(place: str, on: dt.date | None) -> str:
    """"Hạ Long, ngày 20 tháng 02 năm 2018": days below 10 and months 1–2 padded with a zero."""
    if on is None:
        return f"{place}, ngày      tháng      năm"
    day = f"{on.day:02d}"
    month = f"{on.month:02d}" if on.month < 3 else str(on.month)
    return f"{place}, ngày {day} tháng {month} năm {on.year}"


@dataclass
class Paragraph:
    text: str
    bold: bool = False
    italic: bool = False
    align: str = "justify"  # justify | center | left | right
    indent: bool = True


@dataclass
class Heading:
    text: str


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    widths_mm: list[float] | None = None


@dataclass
class SignatureGrid:
    """Signature blocks of several parties (e.g. every member unit signing a covenant), two per row."""

    signatures: list["Signature"]


@dataclass
class Signature:
    authority: str = ""  # e.g. "TM. KHỐI THI ĐUA", "KT. GIÁM ĐỐC"
    title: str = ""  # e.g. "TRƯỞNG KHỐI"
    name: str = ""


@dataclass
class DocumentSpec:
    layout: Layout
    issuer_name: str  # the issuing body, e.g. "SỞ NỘI VỤ", "BAN TUYÊN GIÁO"
    issuer_abbr: str  # for the số/ký hiệu line, e.g. "SNV", "BTGTU"
    doc_type: str  # e.g. "BÁO CÁO"; empty for letters (công văn)
    subject: str  # trích yếu
    place: str
    superior_name: str = ""  # the direct superior body, e.g. "UBND TỈNH QUẢNG NINH", "TỈNH ỦY AN GIANG"
    number: str | int | None = None
    date: dt.date | None = None
    body: list[Paragraph | Heading | Table | SignatureGrid] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    type_abbr: str | None = None
    footer_note: str = ""

    def type_abbreviation(self) -> str:
        if self.type_abbr is not None:
            return self.type_abbr
        return TYPE_ABBREVIATIONS.get(self.doc_type.upper(), "")
