"""The papers of a paper vote, built from plain data (no Django): numbered ballots and the minutes.

- `render_ballots(sheet)`: DOCX bytes of numbered paper ballots (phiếu bầu), one per A4 page, in the
  issuing unit's layout (NĐ 30/2020 or HD 36, thidua/documents/layout.py): heading block, the ballot's
  serial number, the candidates with boxes to mark, the instructions and the box where the counting
  board signs (a ballot without it is not an official ballot of the session, domain-rules.md §5).
- `minutes_spec(data)`: the DocumentSpec of the biên bản kiểm phiếu (with, for a block meeting's own
  acclamation, the biên bản họp part); it goes through the document register like the covenant.
  It prints the members, present and absent with written opinions, the ballots, votes and
  percentage per candidate, threshold and citation, the result, the counting board's signatures
  and the SHA-256 of the result data ("Mã kiểm tra"), so a copy can be checked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK
from docx.oxml.ns import qn

from thidua.documents.docx import (
    _cell_line,
    _grid_borders,
    _hide_borders,
    _paragraph,
    _set_widths,
    fit_widths,
    heading_table,
    issuer_lines,
    keep_rows_whole,
    save_docx,
    title_lines,
)
from thidua.documents.docx import new_document
from thidua.documents.layout import (
    DocumentSpec,
    Heading,
    Layout,
    Paragraph,
    Signature,
    SignatureGrid,
    Table,
    date_words,
)
from thidua.rules.counting import valid_ballots

APPROVE_EACH = "APPROVE_EACH"
CHOOSE_ONE = "CHOOSE_ONE"
MAX_BALLOTS = 500


def serial(number: int, width: int = 3) -> str:
    return str(number).zfill(width)


def vn_date(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def vn_percent(text: str) -> str:
    """"93.33" → "93,33%"."""
    return f"{str(text).replace('.', ',')}%"


# ------------------------------------------------------------------------------------ ballots


@dataclass
class BallotSheet:
    layout: Layout
    issuer_name: str  # the council or the block, e.g. "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG TỈNH"
    title: str  # what is decided, e.g. "Bầu danh hiệu Chiến sĩ thi đua cấp tỉnh năm 2025"
    method: str  # APPROVE_EACH | CHOOSE_ONE
    candidates: list[tuple[str, str]]  # (name, detail such as the unit)
    first_number: int
    last_number: int
    superior_name: str = ""
    held_on: dt.date | None = None
    place: str = ""
    quota: int | None = None

    @property
    def count(self) -> int:
        return self.last_number - self.first_number + 1


def ballot_instructions(method: str, quota: int | None, candidates: int) -> list[str]:
    if method == CHOOSE_ONE:
        return [
            "Đánh dấu (X) vào ô “Chọn” của MỘT người/đơn vị.",
            "Phiếu chọn từ hai người/đơn vị trở lên là phiếu không hợp lệ; phiếu không chọn ai là phiếu trắng.",
        ]
    lines = [
        "Đồng ý với người/đơn vị nào thì đánh dấu (X) vào ô “Đồng ý”; không đồng ý thì đánh dấu (X) vào ô “Không đồng ý”.",
        "Tên không đánh dấu ô nào được tính là không đồng ý.",
    ]
    if quota and quota < candidates:
        lines.append(f"Chỉ đồng ý tối đa {quota} người/đơn vị; phiếu đồng ý quá {quota} người/đơn vị là phiếu không hợp lệ.")
    return lines


def _ballot_heading(document, sheet: BallotSheet) -> None:
    """The same heading columns as every other document: the national title on one line."""
    layout = sheet.layout
    left, right = heading_table(document, layout)
    issuer_lines(left, layout, sheet.superior_name, sheet.issuer_name)
    title_lines(right, layout, layout.heading_widths_mm[1])


def _ballot_page(document, sheet: BallotSheet, number: int) -> None:
    layout = sheet.layout
    width = max(3, len(str(sheet.last_number)))
    _ballot_heading(document, sheet)
    _paragraph(document, layout, f"Phiếu số: {serial(number, width)}", layout.number_pt, bold=True, align="right", space_after=6)
    _paragraph(document, layout, "PHIẾU BẦU", layout.doc_type_pt + 2, bold=True, space_after=0)
    _paragraph(document, layout, sheet.title, layout.subject_pt, bold=True, space_after=0)
    when = ", ".join(p for p in (sheet.place, date_words(sheet.held_on) if sheet.held_on else "") if p)
    if when:
        _paragraph(document, layout, f"({when})", layout.place_date_pt, italic=True, space_after=12)
    if sheet.method == CHOOSE_ONE:
        header, widths = ["STT", "Họ và tên / Tên đơn vị", "Chọn"], [15, 120, 30]
    else:
        header, widths = ["STT", "Họ và tên / Tên đơn vị", "Đồng ý", "Không đồng ý"], [15, 96, 27, 27]
    table = document.add_table(rows=1, cols=len(header))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _grid_borders(table)
    for cell, text in zip(table.rows[0].cells, header):
        _cell_line(cell, layout, text, layout.table_pt, first=True, bold=True)
    for index, (name, detail) in enumerate(sheet.candidates, start=1):
        cells = table.add_row().cells
        _cell_line(cells[0], layout, str(index), layout.table_pt, first=True)
        _cell_line(cells[1], layout, name, layout.table_pt, first=True, align="left", bold=True)
        if detail:
            _paragraph(cells[1], layout, detail, layout.table_pt - 1, italic=True, align="left")
    keep_rows_whole(table, header=True)
    columns = [[(header[0], True)] + [(str(len(sheet.candidates)), False)]] + [[(text, True)] for text in header[1:]]
    _set_widths(table, fit_widths(widths, columns, layout.table_pt))
    _paragraph(document, layout, "", 6)
    _paragraph(document, layout, "Cách ghi phiếu:", layout.body_pt - 1, bold=True, italic=True, align="left")
    for line in ballot_instructions(sheet.method, sheet.quota, len(sheet.candidates)):
        _paragraph(document, layout, f"- {line}", layout.body_pt - 1, italic=True, align="justify", space_after=2)
    _paragraph(document, layout, "", 6)
    stamp = document.add_table(rows=1, cols=2)
    _hide_borders(stamp)
    _set_widths(stamp, [95, 70])
    cell = stamp.rows[0].cells[1]
    _cell_line(cell, layout, "TỔ KIỂM PHIẾU", layout.signer_pt - 1, first=True, bold=True)
    _paragraph(cell, layout, "(Ký xác nhận phiếu hợp lệ)", layout.signer_pt - 2, italic=True)
    keep_rows_whole(stamp, header=False)


def render_ballots(sheet: BallotSheet) -> bytes:
    """DOCX bytes: one numbered ballot per A4 page, numbers first_number … last_number."""
    if sheet.first_number < 1 or sheet.last_number < sheet.first_number:
        raise ValueError("ballot numbers")
    layout = sheet.layout
    document = new_document(layout)
    body = document.element.body
    first = body[0]
    if first.tag == qn("w:p"):
        body.remove(first)
    for number in range(sheet.first_number, sheet.last_number + 1):
        _ballot_page(document, sheet, number)
        if number != sheet.last_number:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    return save_docx(document)


# ------------------------------------------------------------------------------------ minutes


@dataclass
class MinutesData:
    """Everything the biên bản kiểm phiếu prints, as plain values.

    `result` is the output of thidua.rules.voting.tally (the poll's stored result);
    `counts` the matched paper tally or the counts of a result from elsewhere.
    """

    layout: Layout
    issuer_name: str
    issuer_abbr: str
    poll_title: str
    electorate_label: str  # "thành viên Hội đồng" | "đơn vị thành viên"
    members_total: int
    result: dict
    counts: dict
    result_sha256: str
    place: str  # the venue, e.g. "Hội trường Tỉnh ủy An Giang"
    held_on: dt.date | None
    superior_name: str = ""
    # The place name (địa danh) of the date line, e.g. "An Giang"; the venue is said in the text.
    place_name: str = ""
    number: str | None = None
    issued_on: dt.date | None = None
    source: str = "PAPER"  # PAPER | EXTERNAL
    external_note: str = ""  # for EXTERNAL: where the vote was held, the minutes received
    board_head: str = ""
    board_members: list[str] = field(default_factory=list)
    chair: str = ""
    secretary: str = ""
    # The biên bản họp part for a block meeting (acclamation): meeting name, attending units, guests.
    meeting_title: str = ""
    attending: list[str] = field(default_factory=list)
    guests: list[str] = field(default_factory=list)
    notes: str = ""
    # A tie at the cut-off: each tied candidate's gender and the women-first rule with its
    # citation (thidua.rules.voting.equal_merit), so the chair's choice can follow it.
    equal_merit: str = ""


def _figures(data: MinutesData) -> list[Paragraph]:
    counts = data.counts
    present = counts.get("present") or 0
    written = counts.get("written_opinions") or 0
    absent = data.members_total - present
    lines = [
        f"Tổng số {data.electorate_label}: {data.members_total}.",
        f"Số có mặt: {present}; vắng mặt: {absent}, trong đó có {written} ý kiến bằng văn bản gửi Tổ kiểm phiếu.",
    ]
    if counts.get("present") is None and data.result.get("historical"):
        lines = [f"Tổng số {data.electorate_label}: {data.members_total or 'biên bản không ghi'}.", "Số có mặt: biên bản không ghi."]
    quorum = data.result.get("quorum") or {}
    if quorum.get("text"):
        lines.append(quorum["text"])
    return [Paragraph(line) for line in lines]


def _ballot_figures(data: MinutesData) -> list:
    counts = data.counts
    if counts.get("ballots_used") is None:
        return [Paragraph("Biên bản kiểm phiếu gốc không ghi số phiếu phát ra, thu vào; kết quả ghi theo số phiếu đồng ý của từng người/đơn vị.", italic=True)]
    valid = valid_ballots(counts)
    rows = [
        ["1", "Số phiếu phát ra", str(counts.get("ballots_issued"))],
        ["2", "Số phiếu thu vào", str(counts.get("ballots_used"))],
        ["3", "Số phiếu hỏng, không sử dụng (nộp lại)", str(counts.get("ballots_spoiled"))],
        ["4", "Số phiếu hợp lệ", str(valid)],
        ["5", "Số phiếu không hợp lệ", str(counts.get("ballots_invalid"))],
        ["6", "Số phiếu trắng (trong số phiếu hợp lệ)", str(counts.get("ballots_blank"))],
    ]
    return [Table(["STT", "Nội dung", "Số phiếu"], rows, widths_mm=[15, 115, 35])]


def threshold_text(threshold: dict, electorate_label: str) -> str:
    """"Ngưỡng: ít nhất 80% tổng số thành viên Hội đồng (kể cả vắng mặt), tức ít nhất 6/7 phiếu đồng ý; căn cứ: …"."""
    if not threshold:
        return ""
    if threshold.get("source") == "minutes":  # a vote before any rule version: as the minutes state it
        return threshold.get("text") or ""
    percent = str(threshold.get("percent", "")).replace(".", ",")
    text = (
        f"Ngưỡng: ít nhất {percent}% tổng số {electorate_label} (kể cả vắng mặt), tức ít nhất "
        f"{threshold.get('votes_needed')}/{threshold.get('base_size')} phiếu đồng ý"
    )
    citation = threshold.get("citation") or ""
    return text + (f"; căn cứ: {citation}." if citation else ".")


def strip_ids(text: str, labels: dict[str, str] | None) -> str:
    """The tally's sentences name candidates "Nguyễn Văn An (12)"; people read the name only."""
    for cid, label in (labels or {}).items():
        text = text.replace(f"{label} ({cid})", label)
    return text


def result_rows(result: dict, labels: dict[str, str] | None = None) -> list[list[str]]:
    """STT, người/đơn vị, số phiếu đồng ý, tỷ lệ, kết quả: one row per candidate of a tally output."""
    labels = labels or {}
    rows = []
    for index, row in enumerate(result.get("results") or [], start=1):
        name = labels.get(str(row["id"])) or row.get("name") or str(row["id"])
        if result.get("historical"):
            outcome = "Hội nghị công bố" if row.get("selected") else "Không công bố"
            yes = "—" if row["yes"] is None else str(row["yes"])
            rows.append([str(index), name, yes, "—" if row.get("percent") is None else vn_percent(row["percent"]), outcome])
            continue
        if row.get("selected"):
            outcome = "Đạt, được chọn"
        elif row.get("passed"):
            outcome = "Đạt ngưỡng, không được chọn"
        else:
            outcome = "Không đạt"
        rows.append([str(index), name, str(row["yes"]), vn_percent(row["percent"]), outcome])
    return rows


def minutes_spec(data: MinutesData, labels: dict[str, str] | None = None) -> DocumentSpec:
    result = data.result
    threshold = result.get("threshold") or {}
    body: list = []
    when = date_words(data.held_on) if data.held_on else ""
    body.append(
        Paragraph(
            f"Hôm nay, {when} tại {data.place}, {data.issuer_name} tổ chức bỏ phiếu: {data.poll_title}."
            if when else f"Tại {data.place}, {data.issuer_name} tổ chức bỏ phiếu: {data.poll_title}."
        )
    )
    section = 1
    roman = ["I", "II", "III", "IV", "V", "VI", "VII"]
    if data.meeting_title:
        body.append(Heading(f"{roman[section - 1]}. DIỄN BIẾN HỘI NGHỊ"))
        section += 1
        body.append(Paragraph(f"Hội nghị: {data.meeting_title}."))
        if data.chair:
            body.append(Paragraph(f"Chủ trì: {data.chair}." + (f" Thư ký: {data.secretary}." if data.secretary else "")))
        if data.attending:
            body.append(Paragraph(f"Đơn vị dự họp ({len(data.attending)}): {', '.join(data.attending)}."))
        if data.guests:
            body.append(Paragraph(f"Khách mời (dự, không biểu quyết): {', '.join(data.guests)}."))
    elif data.chair:
        body.append(Paragraph(f"Chủ trì: {data.chair}." + (f" Thư ký: {data.secretary}." if data.secretary else "")))
    body.append(Heading(f"{roman[section - 1]}. THÀNH PHẦN THAM GIA BỎ PHIẾU"))
    section += 1
    body += _figures(data)
    board = ([f"{data.board_head} (Trưởng ban)"] if data.board_head else []) + list(data.board_members)
    if board:
        body.append(Paragraph(f"Ban kiểm phiếu gồm: {', '.join(board)}."))
    body.append(Heading(f"{roman[section - 1]}. KẾT QUẢ KIỂM PHIẾU"))
    section += 1
    if result.get("historical"):
        body.append(Paragraph(f"Kết quả {result.get('note') or ''}: cuộc bỏ phiếu diễn ra trước khi có quy định bỏ phiếu, kiểm phiếu "
                              "có hiệu lực trong hệ thống; hệ thống không xét lại kết quả.", bold=True))
    if data.source == "EXTERNAL":
        body.append(
            Paragraph(
                "Kết quả ghi nhận từ cuộc bỏ phiếu tổ chức ngoài hệ thống"
                + (f" ({data.external_note})" if data.external_note else "")
                + "; biên bản gốc được lưu kèm hồ sơ.",
                italic=True,
            )
        )
    else:
        body.append(
            Paragraph("Kết quả do hai thành viên Ban kiểm phiếu nhập độc lập (nhập hai lần) và đã khớp nhau.", italic=True)
        )
    body += _ballot_figures(data)
    if threshold:
        body.append(Paragraph(threshold_text(threshold, data.electorate_label)))
    body.append(
        Table(
            ["STT", "Người/đơn vị được bình xét", "Số phiếu đồng ý", f"Tỷ lệ (so với tổng số {data.members_total})", "Kết quả"],
            result_rows(result, labels),
            widths_mm=[13, 62, 25, 30, 35],
        )
    )
    tie = result.get("tie")
    if tie and tie.get("text"):
        body.append(Paragraph(strip_ids(tie["text"], labels)))
    if tie and data.equal_merit:
        body.append(Paragraph(f"Giới tính của những người, đơn vị bằng phiếu và quy định ưu tiên: {data.equal_merit}"))
    body.append(Heading(f"{roman[section - 1]}. KẾT LUẬN"))
    section += 1
    selected = [r for r in (result.get("results") or []) if r.get("selected")]
    names = [(labels or {}).get(str(r["id"])) or r.get("name") or str(r["id"]) for r in selected]
    if selected:
        body.append(Paragraph(f"Được chọn ({len(selected)}): {'; '.join(names)}."))
    else:
        body.append(Paragraph("Không có người/đơn vị nào được chọn."))
    if result.get("needs_chair_choice"):
        body.append(Paragraph("Có trường hợp bằng phiếu ở vị trí cuối của chỉ tiêu: chờ Chủ tịch hội đồng quyết định."))
    if data.notes:
        for line in [ln.strip() for ln in data.notes.splitlines() if ln.strip()]:
            body.append(Paragraph(line))
    body.append(Paragraph(f"Mã kiểm tra (SHA-256): {data.result_sha256}", bold=True, indent=False, align="left"))
    body.append(
        Paragraph(
            "Mã kiểm tra là giá trị băm SHA-256 của dữ liệu kết quả bỏ phiếu đã lưu trong hệ thống; "
            "tính lại từ dữ liệu để đối chiếu bản sao của biên bản này.",
            italic=True,
        )
    )
    body.append(Paragraph("Biên bản được lập xong, đọc lại cho các thành viên cùng nghe và nhất trí thông qua."))
    signatures = []
    if data.board_head:
        signatures.append(Signature("", "TRƯỞNG BAN KIỂM PHIẾU", data.board_head))
    for member in data.board_members:
        signatures.append(Signature("", "THÀNH VIÊN", member))
    if not signatures:
        signatures = [Signature("", "TRƯỞNG BAN KIỂM PHIẾU", ""), Signature("", "THÀNH VIÊN", "")]
    body.append(Paragraph("BAN KIỂM PHIẾU", bold=True, align="center", indent=False))
    body.append(SignatureGrid(signatures))
    # The secretary signs on the left, the chair on the right; people sign without a seal.
    closing = []
    if data.secretary:
        closing.append(Signature("", "THƯ KÝ", data.secretary))
    if data.chair:
        closing.append(Signature("", "CHỦ TRÌ", data.chair))
    return DocumentSpec(
        layout=data.layout,
        superior_name=data.superior_name,
        issuer_name=data.issuer_name,
        issuer_abbr=data.issuer_abbr,
        doc_type="BIÊN BẢN",
        type_abbr="BB",
        subject=("Họp và kiểm phiếu: " if data.meeting_title else "Kiểm phiếu: ") + data.poll_title,
        place=data.place_name or data.place,
        number=data.number or None,
        date=data.issued_on or data.held_on,
        body=body,
        signatures=closing,
        recipients=[],
    )
