"""Render a DocumentSpec to DOCX bytes in the NĐ 30/2020 or HD 36 layout.

The heading block is a borderless two-column table, as in the official samples: the issuer on
the left with the số/ký hiệu under it, the national title and motto (or "ĐẢNG CỘNG SẢN VIỆT NAM")
on the right, each on one line, with the place and date under them. Page numbers sit centred in
the top margin and the first page carries none.

What a văn thư checks on paper is enforced here, for every document: table rows never split and
header rows repeat on each page; the signature block stays whole and with the text before it; a
list attached to the document (Annex) comes after the signature, on its own page with its own
heading; Nơi nhận ends with the archive line and a full stop; control characters never reach the
XML. The render checks (tests/core/test_document_render.py) read the PDF back to prove it.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.text.paragraph import Paragraph as DocxParagraph

from thidua.documents.layout import (
    Annex,
    DocumentSpec,
    Heading,
    Layout,
    Paragraph,
    Signature,
    SignatureGrid,
    Table,
    authority,
    number_line,
    place_date_line,
    recipient_lines,
)
from thidua.rules.text import strip_controls

_ALIGN = {
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}
# Word's default left and right cell margins (0.19 cm each), which every width below accounts for.
CELL_MARGIN_MM = 1.905


def _set_run_font(run, layout: Layout, size: float, *, bold=False, italic=False, underline=False) -> None:
    run.font.name = layout.font_name
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    if underline:
        run.font.underline = True
    # Vietnamese letters use the hAnsi slot; set every slot so Word never substitutes a font.
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), layout.font_name)


def _run(paragraph, layout: Layout, text: str, size: float, **style):
    """Add a run of `text` (control characters dropped: user text may carry them) in the layout's font."""
    run = paragraph.add_run(strip_controls(text))
    _set_run_font(run, layout, size, **style)
    return run


# Formatted paragraphs already built, by their formatting: a new paragraph is a copy of one with
# its text replaced. python-docx's property setters cost milliseconds per run; a 1,000-row list or
# a 200-page report would take many seconds through them (bench: documents_long_docx).
_PROTOTYPES: dict[tuple, object] = {}


def _text_of(element):
    return element.find(qn("w:r")).find(qn("w:t"))


def _paragraph(container, layout: Layout, text: str, size: float, *, bold=False, italic=False, underline=False,
               align="center", space_after=0.0, keep_with_next=False, line_spacing=None, first_line_indent_cm=None):
    key = (layout.font_name, size, bold, italic, underline, align, space_after, keep_with_next, line_spacing, first_line_indent_cm)
    prototype = _PROTOTYPES.get(key)
    if prototype is None:
        paragraph = container.add_paragraph()
        paragraph.alignment = _ALIGN[align]
        paragraph.paragraph_format.space_after = Pt(space_after)
        paragraph.paragraph_format.space_before = Pt(0)
        if keep_with_next:
            paragraph.paragraph_format.keep_with_next = True
        if line_spacing is not None:
            paragraph.paragraph_format.line_spacing = line_spacing
        if first_line_indent_cm is not None:
            paragraph.paragraph_format.first_line_indent = Cm(first_line_indent_cm)
        _run(paragraph, layout, "x", size, bold=bold, italic=italic, underline=underline)
        _text_of(paragraph._p).set(qn("xml:space"), "preserve")
        _PROTOTYPES[key] = copy.deepcopy(paragraph._p)
        _text_of(paragraph._p).text = strip_controls(text)
        return paragraph
    element = copy.deepcopy(prototype)
    _text_of(element).text = strip_controls(text)
    parent = getattr(container, "_body", container)  # a Document adds to its body; a cell to itself
    parent._element._insert_p(element)
    return DocxParagraph(element, parent)


def _cell_line(cell, layout: Layout, text: str, size: float, *, first: bool, align="center", keep_with_next=False, **style):
    """The first line of a cell goes in the paragraph the cell starts with; the others follow it."""
    if first:
        paragraph = cell.paragraphs[0]
        paragraph.alignment = _ALIGN[align]
        _run(paragraph, layout, text, size, **style)
        return paragraph
    return _paragraph(cell, layout, text, size, align=align, keep_with_next=keep_with_next, **style)


def _short_rule(paragraph, *, indent_cm: float) -> None:
    """A solid line under a heading line (đường kẻ ngang, nét liền), drawn as a bottom border
    of an empty paragraph narrowed by indents."""
    paragraph.paragraph_format.left_indent = Cm(indent_cm)
    paragraph.paragraph_format.right_indent = Cm(indent_cm)
    ppr = paragraph._element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "6")
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), "000000")
    borders.append(bottom)
    ppr.append(borders)


def _rule_under(container, layout: Layout, column_mm: float, text_mm: float) -> None:
    """A rule exactly as long as a centred line of text `text_mm` wide in a column `column_mm` wide."""
    indent_mm = max(0.0, (column_mm - 2 * CELL_MARGIN_MM - text_mm) / 2)
    _short_rule(_paragraph(container, layout, "", 4), indent_cm=indent_mm / 10)


def _set_widths(table, widths_mm: list[float]) -> None:
    """Fix column widths in the grid and every cell (Word and LibreOffice read different ones)."""
    table.autofit = False
    for column, width in zip(table.columns, widths_mm):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm):
            cell.width = Mm(width)


def _hide_borders(table) -> None:
    tbl_pr = table._element.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _grid_borders(table) -> None:
    tbl_pr = table._element.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), "4")
        element.set(qn("w:color"), "000000")
        borders.append(element)
    tbl_pr.append(borders)


def _row_flag(row, name: str) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    element = OxmlElement(f"w:{name}")
    element.set(qn("w:val"), "true")
    tr_pr.append(element)


def keep_rows_whole(table, *, header: bool) -> None:
    """No row splits across pages; the first row repeats at the top of every page when `header`."""
    for index, row in enumerate(table.rows):
        _row_flag(row, "cantSplit")
        if header and index == 0:
            _row_flag(row, "tblHeader")


# Times New Roman advance widths in ems (measured on a render with Tinos, metric-compatible): enough
# to know the narrowest a column may be before a word or number in it breaks.
_NARROW = set("iljtfrI.,;:!|'()-/[] ")
_WIDE = set("mwMWĐDOQGH@%")


def text_width_mm(text: str, size_pt: float, *, bold=False) -> float:
    ems = 0.0
    for ch in text:
        if ch in _NARROW:
            ems += 0.33
        elif ch in _WIDE:
            ems += 0.85
        elif ch.isdigit():
            ems += 0.5
        elif ch.isupper():
            ems += 0.72
        else:
            ems += 0.5
    return ems * size_pt * (1.06 if bold else 1.0) * 25.4 / 72


def fit_widths(widths_mm: list[float], columns: list[list[tuple[str, bool]]], size_pt: float) -> list[float]:
    """Widen every column whose longest word (or number) would not fit, taking the room from the
    columns with most to spare, so no cell breaks "STT", "Năm" or a year ("202/4")."""
    needed = []
    for cells in columns:
        longest = 0.0
        for text, bold in cells:
            for word in str(text).split():
                longest = max(longest, text_width_mm(word, size_pt, bold=bold))
        needed.append(longest + 2 * CELL_MARGIN_MM + 1.0)
    widths = list(widths_mm)
    total = sum(widths)
    if sum(needed) > total:
        return widths
    for index, width in enumerate(widths):
        short = needed[index] - width
        while short > 0.01:
            spare = [(widths[j] - needed[j], j) for j in range(len(widths)) if j != index and widths[j] > needed[j]]
            if not spare:
                break
            room, donor = max(spare)
            take = min(room, short)
            widths[donor] -= take
            widths[index] += take
            short -= take
    return [round(w, 1) for w in widths]


def _page_number_header(section, layout: Layout) -> None:
    section.different_first_page_header_footer = True
    header = section.header
    paragraph = header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    _set_run_font(run, layout, layout.page_number_pt)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._element.append(element)


def title_lines(cell, layout: Layout, column_mm: float) -> None:
    """The right heading column: the national title and motto (or the Party heading), each on one
    line, with a rule under the last as long as it."""
    if layout.code == "HD36":
        _cell_line(cell, layout, layout.party_heading, layout.party_heading_pt, first=True, bold=True)
        _rule_under(cell, layout, column_mm, layout.party_heading_width_mm)
    else:
        _cell_line(cell, layout, layout.national_title, layout.national_title_pt, first=True, bold=True)
        _paragraph(cell, layout, layout.motto, layout.motto_pt, bold=True)
        _rule_under(cell, layout, column_mm, layout.motto_width_mm)


def issuer_lines(cell, layout: Layout, superior: str, issuer: str) -> None:
    """The left heading column: the superior body (not bold), the issuer (bold), then the rule
    (NĐ 30/2020) or the star (HD 36)."""
    first = True
    if superior:
        _cell_line(cell, layout, superior.upper(), layout.superior_pt, first=True)
        first = False
    _cell_line(cell, layout, issuer.upper(), layout.issuer_pt, first=first, bold=True)
    if layout.code == "HD36":
        _paragraph(cell, layout, "*", layout.issuer_pt)
    else:
        _short_rule(_paragraph(cell, layout, "", 4), indent_cm=2.2)


def heading_table(document, layout: Layout):
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _hide_borders(table)
    _set_widths(table, list(layout.heading_widths_mm))
    return table.rows[0].cells


def _heading_block(document, spec: DocumentSpec) -> None:
    layout = spec.layout
    left, right = heading_table(document, layout)
    issuer_lines(left, layout, spec.superior_name, spec.issuer_name)
    if spec.numbered:
        _paragraph(
            left, layout,
            number_line(layout, number=spec.number, type_abbr=spec.type_abbreviation(), issuer_abbr=spec.issuer_abbr),
            layout.number_pt,
        )
    title_lines(right, layout, layout.heading_widths_mm[1])
    _paragraph(right, layout, place_date_line(spec.place, spec.date), layout.place_date_pt, italic=True)


def _personal_heading(document, spec: DocumentSpec) -> None:
    """A person's own document carries the national title and motto only, centred."""
    layout = spec.layout
    width = layout.page_width_mm - layout.margin_left_mm - layout.margin_right_mm
    _paragraph(document, layout, layout.national_title, layout.national_title_pt, bold=True)
    _paragraph(document, layout, layout.motto, layout.motto_pt, bold=True)
    _rule_under(document, layout, width + 2 * CELL_MARGIN_MM, layout.motto_width_mm)


def _table(document, layout: Layout, block: Table) -> None:
    """The header row and one formatted row are built with python-docx; every data row is a copy
    of that row with its texts replaced (rows by the thousand stay fast)."""
    count = len(block.header)
    table = document.add_table(rows=2, cols=count)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _grid_borders(table)
    align = list(block.align or [])
    align += ["left"] * (count - len(align))
    for index, name in enumerate(block.header):
        if name == "STT" and not block.align:
            align[index] = "center"
    header, model = table.rows
    for cell, text in zip(header.cells, block.header):
        _cell_line(cell, layout, text, layout.table_pt, first=True, bold=True)
    for index, cell in enumerate(model.cells):
        _cell_line(cell, layout, "x", layout.table_pt, first=True, align=align[index])
    keep_rows_whole(table, header=True)
    if block.widths_mm:
        columns = [[(block.header[i], True)] + [(row[i], False) for row in block.rows if i < len(row)] for i in range(count)]
        _set_widths(table, fit_widths(block.widths_mm, columns, layout.table_pt))
    prototype = model._tr
    tbl = table._tbl
    tbl.remove(prototype)
    for row in block.rows:
        tr = copy.deepcopy(prototype)
        texts = [str(value) for value in row] + [""] * (count - len(row))
        for t, text in zip(tr.iter(qn("w:t")), texts):
            t.text = strip_controls(text)
            t.set(qn("xml:space"), "preserve")
        tbl.append(tr)
    _paragraph(document, layout, "", 6)


def _body(document, layout: Layout, blocks: list) -> None:
    for index, block in enumerate(blocks):
        # A heading, or a line introducing what follows, never ends a page alone.
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if isinstance(block, Heading):
            _paragraph(document, layout, block.text, layout.body_pt, bold=True, align="justify",
                       space_after=layout.body_space_after_pt, keep_with_next=True, first_line_indent_cm=layout.body_first_line_indent_cm)
        elif isinstance(block, Paragraph):
            _paragraph(
                document, layout, block.text, layout.body_pt, bold=block.bold, italic=block.italic,
                align=block.align, space_after=layout.body_space_after_pt,
                keep_with_next=isinstance(following, (Table, SignatureGrid)) or (block.bold and block.align == "center"),
                line_spacing=layout.body_line_spacing,
                first_line_indent_cm=layout.body_first_line_indent_cm if block.indent and block.align == "justify" else None,
            )
        elif isinstance(block, Table):
            _table(document, layout, block)
        elif isinstance(block, SignatureGrid):
            _signature_grid(document, layout, block)


def _hint(signature: Signature) -> str:
    return "(Ký, ghi rõ họ tên, đóng dấu)" if signature.seal else "(Ký, ghi rõ họ tên)"


def _signature_lines(cell, layout: Layout, signature: Signature, *, first: bool, hint: bool) -> None:
    """Authority, title, office, the hint, room to sign, the name: one unbreakable block."""
    for text in (authority(layout, signature.authority), signature.title, signature.subtitle):
        if text:
            _cell_line(cell, layout, text.upper(), layout.signer_pt, first=first, bold=True, keep_with_next=not first)
            first = False
    if hint:
        _cell_line(cell, layout, _hint(signature), layout.signer_pt - 1, first=first, italic=True)
        first = False
    for _ in range(3):
        _cell_line(cell, layout, "", layout.signer_pt, first=first)
        first = False
    if signature.name:
        _paragraph(cell, layout, signature.name, layout.signer_pt, bold=True)


def _signature_grid(document, layout: Layout, grid: SignatureGrid) -> None:
    signatures = grid.signatures
    rows = (len(signatures) + 1) // 2
    table = document.add_table(rows=rows, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _hide_borders(table)
    _set_widths(table, [82, 83])
    for index, signature in enumerate(signatures):
        cell = table.rows[index // 2].cells[index % 2]
        _signature_lines(cell, layout, signature, first=True, hint=True)
        _paragraph(cell, layout, "", layout.signer_pt)
    keep_rows_whole(table, header=False)


def _recipients(cell, layout: Layout, spec: DocumentSpec) -> None:
    _cell_line(
        cell, layout, "Nơi nhận:", layout.recipients_label_pt, first=True, align="left",
        bold=layout.recipients_label_bold, italic=layout.recipients_label_italic, underline=layout.recipients_label_underline,
    )
    for line in recipient_lines(layout, spec.recipients, spec.archive):
        _paragraph(cell, layout, line, layout.recipients_pt, align="left")


def _closing(document, spec: DocumentSpec) -> None:
    """Nơi nhận on the left and the signature on the right (or, without Nơi nhận, up to two
    signatures side by side), in one row that never splits and stays with the text before it."""
    layout = spec.layout
    signatures = list(spec.signatures or [])
    if not signatures and not spec.recipients:
        return
    if spec.personal:
        _paragraph(document, layout, place_date_line(spec.place, spec.date), layout.place_date_pt, italic=True,
                   align="right", keep_with_next=True)
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _hide_borders(table)
    _set_widths(table, [80, 85])
    left, right = table.rows[0].cells
    with_recipients = bool(spec.recipients) or bool(spec.archive)
    if with_recipients:
        _recipients(left, layout, spec)
        stacks = {id(right): signatures}
    elif len(signatures) >= 2:
        stacks = {id(left): signatures[:-1], id(right): signatures[-1:]}
    else:
        stacks = {id(right): signatures}
    for cell in (left, right):
        first = not (cell is left and with_recipients)
        for signature in stacks.get(id(cell), []):
            # Form hints ("(Ký, ghi rõ họ tên)") only where forms print them: a person's own
            # document and people signing (minutes); an agency's signature block carries none.
            _signature_lines(cell, layout, signature, first=first, hint=not with_recipients and (spec.personal or not signature.seal))
            first = False
    keep_rows_whole(table, header=False)


def _annex(document, spec: DocumentSpec, annex: Annex) -> None:
    """The attached list: a new page, the heading (issuer and national title), its title, the
    "(Kèm theo …)" line and the body."""
    layout = spec.layout
    breaker = _paragraph(document, layout, "", 2)
    breaker.paragraph_format.page_break_before = True
    left, right = heading_table(document, layout)
    issuer_lines(left, layout, spec.superior_name, spec.issuer_name)
    title_lines(right, layout, layout.heading_widths_mm[1])
    _paragraph(document, layout, "", 6)
    _paragraph(document, layout, annex.title.upper(), layout.doc_type_pt, bold=True, keep_with_next=True)
    _paragraph(document, layout, annex.reference, layout.subject_pt, italic=True, keep_with_next=True)
    _short_rule(_paragraph(document, layout, "", 4, keep_with_next=True), indent_cm=6.0)
    _paragraph(document, layout, "", 6, keep_with_next=True)
    _body(document, layout, annex.body)


def new_document(layout, *, landscape: bool = False):
    """An empty A4 document with the layout's font (every script slot), size and margins."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = layout.font_name
    style.font.size = Pt(layout.body_pt)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), layout.font_name)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    width, height = (layout.page_height_mm, layout.page_width_mm) if landscape else (layout.page_width_mm, layout.page_height_mm)
    section.page_width = Mm(width)
    section.page_height = Mm(height)
    section.top_margin = Mm(layout.margin_top_mm)
    section.bottom_margin = Mm(layout.margin_bottom_mm)
    section.left_margin = Mm(layout.margin_left_mm)
    section.right_margin = Mm(layout.margin_right_mm)
    return document


# Fixed zip entry times: the same data gives the same bytes, so the SHA-256 kept with a document
# (and the PDF cache keyed by it) identifies its content, not the second it was rendered.
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def save_docx(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                # python-docx stamps the creation time; the register keeps the real one.
                data = _CORE_DATES.sub(b">2020-01-01T00:00:00Z<", data)
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, data)
    return out.getvalue()


_CORE_DATES = re.compile(rb">\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<")


def render_docx(spec: DocumentSpec) -> bytes:
    layout = spec.layout
    document = new_document(layout, landscape=spec.landscape)
    _page_number_header(document.sections[0], layout)
    # python-docx starts with one empty paragraph; it is dropped at the end.
    if spec.personal:
        _personal_heading(document, spec)
    else:
        _heading_block(document, spec)
    _paragraph(document, layout, "", 6)
    if spec.doc_type:
        _paragraph(document, layout, spec.doc_type.upper(), layout.doc_type_pt, bold=True, keep_with_next=True)
    if spec.subject:
        _paragraph(document, layout, spec.subject, layout.subject_pt, bold=True,
                   space_after=6 if spec.authority_line else 12, keep_with_next=True)
    if spec.authority_line:
        _paragraph(document, layout, spec.authority_line.upper(), layout.doc_type_pt, bold=True, space_after=12, keep_with_next=True)
    _body(document, layout, spec.body)
    # The signature block never starts a page on its own: the last line of text goes with it.
    paragraphs = document.paragraphs
    if paragraphs:
        paragraphs[-1].paragraph_format.keep_with_next = True
    _closing(document, spec)
    for annex in spec.annexes:
        _annex(document, spec, annex)
    body = document.element.body
    first = body[0]
    if first.tag == qn("w:p") and not "".join(first.itertext()).strip():
        body.remove(first)
    return save_docx(document)
