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
    national_title_pt: float = 12
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
    # Heading block: two columns of the 165 mm text width. The right column holds the national
    # title on ONE line (88.2 mm at 12 pt bold Times New Roman, 95.6 mm at 13 pt, plus 3.8 mm of
    # cell margins); the left one is as wide as that leaves, so "BAN TUYÊN GIÁO TỈNH ỦY" fits too.
    heading_widths_mm: tuple[float, float] = (70, 95)
    # Width of the motto at motto_pt, bold (Times New Roman metrics, measured on a LibreOffice
    # render with Tinos, metric-compatible): the rule under it is drawn exactly this long.
    motto_width_mm: float = 60.4
    party_heading_width_mm: float = 72.9
    # Signing on behalf: NĐ 30/2020 writes "TM.", "KT.", "TL.", "TUQ."; HD 36 writes "T/M", "K/T", "T/L", "T/U".
    authority_marks: tuple[tuple[str, str], ...] = (("TM.", "TM."), ("KT.", "KT."), ("TL.", "TL."), ("TUQ.", "TUQ."))
    # Nơi nhận: NĐ 30/2020 "Nơi nhận:" bold italic 12, list 11, lines end ";" and the last "." with
    # "- Lưu: VT, <drafting unit>."; HD 36 (verify sizes against the text, domain-rules §7.1) underlines
    # "Nơi nhận:" upright 14, list 12, lines end "," and the last "- Lưu Văn phòng <unit>." / "- Lưu VT."
    recipients_label_bold: bool = True
    recipients_label_italic: bool = True
    recipients_label_underline: bool = False
    recipients_separator: str = ";"
    archive_prefix: str = "Lưu: VT"


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
    # "ĐẢNG CỘNG SẢN VIỆT NAM" at 15 pt is 72.9 mm: the issuer's column can be wider.
    heading_widths_mm=(80, 85),
    authority_marks=(("TM.", "T/M"), ("KT.", "K/T"), ("TL.", "T/L"), ("TUQ.", "T/U")),
    recipients_label_pt=14,
    recipients_pt=12,
    recipients_label_bold=False,
    recipients_label_italic=False,
    recipients_label_underline=True,
    recipients_separator=",",
    archive_prefix="Lưu VT",
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


def date_words(on: dt.date | None) -> str:
    """"ngày 05 tháng 01 năm 2024": how a document writes a date, in its text as on its date line.
    Days below 10 and months 1–2 are padded with a zero (NĐ 30/2020 Phụ lục I); blank for hand entry."""
    if on is None:
        return "ngày      tháng      năm"
    day = f"{on.day:02d}"
    month = f"{on.month:02d}" if on.month < 3 else str(on.month)
    return f"ngày {day} tháng {month} năm {on.year}"


def place_date_line(place: str, on: dt.date | None) -> str:
    """"Hạ Long, ngày 20 tháng 02 năm 2018": the place name (địa danh), then the date in words."""
    return f"{place}, {date_words(on)}"


# The same marks in both formats: NĐ 30/2020 "TM." ↔ HD 36 "T/M" (thay mặt), KT. ↔ K/T (ký thay),
# TL. ↔ T/L (thừa lệnh), TUQ. ↔ T/U (thừa ủy quyền).
_MARKS = (("TM.", "T/M"), ("KT.", "K/T"), ("TL.", "T/L"), ("TUQ.", "T/U"))


def authority(layout: Layout, text: str) -> str:
    """"TM. KHỐI THI ĐUA" in the layout's own marks: "T/M KHỐI THI ĐUA" in a Party document."""
    text = (text or "").strip()
    ours = dict(layout.authority_marks)
    for state, party in _MARKS:
        for mark in (state, party):
            if text.upper() == mark or text.upper().startswith(mark + " "):
                return ours.get(state, state) + text[len(mark):]
    return text


def join_office(office: str, unit_name: str) -> str:
    """"Trưởng ban" + "Ban Tuyên giáo Tỉnh ủy" → "Trưởng Ban Tuyên giáo Tỉnh ủy" (the shared word once);
    an office already naming the unit is kept as it is."""
    from thidua.rules.text import fold

    if not unit_name or fold(unit_name) in fold(office):
        return office
    head, tail = office.split(), unit_name.split()
    for k in range(min(len(head), len(tail)), 0, -1):
        if [fold(w) for w in head[-k:]] == [fold(w) for w in tail[:k]]:
            return " ".join(head[:-k] + tail)
    return " ".join(head + tail)


def recipient_lines(layout: Layout, recipients: list[str], archive: str = "") -> list[str]:
    """Nơi nhận lines: "- X;" each ("- X," in a Party document), the archive line last with a full stop."""
    # The archive line is always last and always the layout's own; a "Lưu…" item given in the list is dropped.
    items = [r.strip().rstrip(";,.") for r in recipients if r and r.strip() and not r.strip().lower().startswith("lưu")]
    lines = [f"- {item}{layout.recipients_separator}" for item in items]
    archive_text = layout.archive_prefix + (f", {archive}" if archive else "")
    lines.append(f"- {archive_text}.")
    return lines


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
    """A ruled table. Its header row repeats on every page and no row splits across pages; the
    renderer widens a column that is too narrow for its longest word or number."""

    header: list[str]
    rows: list[list[str]]
    widths_mm: list[float] | None = None
    align: list[str] | None = None  # per column: left | center | right (default left, STT centred)


@dataclass
class SignatureGrid:
    """Signature blocks of several parties (e.g. every member unit signing a covenant), two per row."""

    signatures: list["Signature"]


@dataclass
class Signature:
    authority: str = ""  # e.g. "TM. KHỐI THI ĐUA", "KT. GIÁM ĐỐC"
    title: str = ""  # e.g. "TRƯỞNG KHỐI"
    name: str = ""
    # An agency signs with its seal; a person signs alone (no "đóng dấu" asked of an individual).
    seal: bool = False
    # Lines under the title, e.g. the head's own office "GIÁM ĐỐC SỞ NỘI VỤ" under "TRƯỞNG KHỐI".
    subtitle: str = ""


@dataclass
class Annex:
    """A list attached to the document ("DANH SÁCH … (Kèm theo Quyết định số … ngày … của …)"):
    printed after the signed text, on its own page with its own heading."""

    title: str
    reference: str
    body: list = field(default_factory=list)


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
    # The line naming the deciding authority before "Căn cứ …" (e.g. "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH").
    authority_line: str = ""
    # The drafting unit's abbreviation for "- Lưu: VT, TĐKT." (the archive line ends Nơi nhận).
    archive: str = ""
    annexes: list[Annex] = field(default_factory=list)
    # A person's own document (báo cáo thành tích cá nhân): national title only, no issuer and no số;
    # place and date over the signatures.
    personal: bool = False
    # A wide table (the ranking table): A4 landscape, allowed when tables are not set apart (NĐ 30/2020).
    landscape: bool = False
    # A table attached to other papers (bảng tổng hợp) carries no số/ký hiệu of its own.
    numbered: bool = True

    def type_abbreviation(self) -> str:
        if self.type_abbr is not None:
            return self.type_abbr
        return TYPE_ABBREVIATIONS.get(self.doc_type.upper(), "")
