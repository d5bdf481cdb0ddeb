"""Render a DocumentSpec to DOCX bytes in the NĐ 30/2020 or HD 36 layout.

The heading block is a borderless two-column table, as in the official samples: the issuer on
the left with the số/ký hiệu under it, the national title and motto (or "ĐẢNG CỘNG SẢN VIỆT NAM")
on the right with the place and date under it. Page numbers sit centred in the top margin and
the first page carries none.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from thidua.documents.layout import (
    DocumentSpec,
    Heading,
    Layout,
    Paragraph,
    SignatureGrid,
    Table,
    number_line,
    place_date_line,
)

_ALIGN = {
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}


def _set_run_font(run, layout: Layout, size: float, *, bold=False, italic=False) -> None:
    run.font.name = layout.font_name
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    # Vietnamese letters use the hAnsi slot; set every slot so Word never substitutes a font.
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), layout.font_name)


def _paragraph(container, layout: Layout, text: str, size: float, *, bold=False, italic=False, align="center", space_after=0.0):
    paragraph = container.add_paragraph()
    paragraph.alignment = _ALIGN[align]
    paragraph.paragraph_format.space_after = Pt(space_after)
    paragraph.paragraph_format.space_before = Pt(0)
    run = paragraph.add_run(text)
    _set_run_font(run, layout, size, bold=bold, italic=italic)
    return paragraph


def _short_rule(paragraph, *, indent_cm: float) -> None:
    """A solid line under a heading line (đường kẻ ngang, nét liền), drawn as a bottom border
    of an empty paragraph narrowed by indents so it spans about a third to a half of the text."""
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


def _heading_block(document, spec: DocumentSpec) -> None:
    layout = spec.layout
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _hide_borders(table)
    _set_widths(table, [62, 103])
    left, right = table.rows[0].cells
    left.paragraphs[0].text = ""
    right.paragraphs[0].text = ""
    first_left = True

    def left_line(text, size, bold=False, italic=False):
        nonlocal first_left
        if first_left:
            paragraph = left.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(text)
            _set_run_font(run, layout, size, bold=bold, italic=italic)
            first_left = False
            return paragraph
        return _paragraph(left, layout, text, size, bold=bold, italic=italic)

    if spec.superior_name:
        left_line(spec.superior_name.upper(), layout.superior_pt)
    left_line(spec.issuer_name.upper(), layout.issuer_pt, bold=True)
    if layout.code == "HD36":
        _paragraph(left, layout, "*", layout.issuer_pt)
    else:
        _short_rule(_paragraph(left, layout, "", 4), indent_cm=2.2)
    _paragraph(
        left,
        layout,
        number_line(layout, number=spec.number, type_abbr=spec.type_abbreviation(), issuer_abbr=spec.issuer_abbr),
        layout.number_pt,
        space_after=0,
    )

    if layout.code == "HD36":
        paragraph = right.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_run_font(paragraph.add_run(layout.party_heading), layout, layout.party_heading_pt, bold=True)
        _short_rule(_paragraph(right, layout, "", 4), indent_cm=1.2)
    else:
        paragraph = right.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_run_font(paragraph.add_run(layout.national_title), layout, layout.national_title_pt, bold=True)
        _paragraph(right, layout, layout.motto, layout.motto_pt, bold=True)
        _short_rule(_paragraph(right, layout, "", 4), indent_cm=2.1)
    _paragraph(right, layout, place_date_line(spec.place, spec.date), layout.place_date_pt, italic=True, align="center")


def _body(document, spec: DocumentSpec) -> None:
    layout = spec.layout
    for block in spec.body:
        if isinstance(block, Heading):
            paragraph = _paragraph(document, layout, block.text, layout.body_pt, bold=True, align="justify", space_after=layout.body_space_after_pt)
            paragraph.paragraph_format.first_line_indent = Cm(layout.body_first_line_indent_cm)
        elif isinstance(block, Paragraph):
            paragraph = _paragraph(
                document, layout, block.text, layout.body_pt, bold=block.bold, italic=block.italic,
                align=block.align, space_after=layout.body_space_after_pt,
            )
            paragraph.paragraph_format.line_spacing = layout.body_line_spacing
            if block.indent and block.align == "justify":
                paragraph.paragraph_format.first_line_indent = Cm(layout.body_first_line_indent_cm)
        elif isinstance(block, Table):
            table = document.add_table(rows=1, cols=len(block.header))
            _grid_borders(table)
            for cell, text in zip(table.rows[0].cells, block.header):
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
                _set_run_font(cell.paragraphs[0].add_run(text), layout, layout.table_pt, bold=True)
            for row in block.rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, row):
                    _set_run_font(cell.paragraphs[0].add_run(str(text)), layout, layout.table_pt)
            if block.widths_mm:
                _set_widths(table, block.widths_mm)
            _paragraph(document, layout, "", 6)
        elif isinstance(block, SignatureGrid):
            _signature_grid(document, layout, block)


def _signature_grid(document, layout: Layout, grid: SignatureGrid) -> None:
    signatures = grid.signatures
    rows = (len(signatures) + 1) // 2
    table = document.add_table(rows=rows, cols=2)
    _hide_borders(table)
    _set_widths(table, [82, 83])
    for index, signature in enumerate(signatures):
        cell = table.rows[index // 2].cells[index % 2]
        first = True
        for text in (signature.authority, signature.title):
            if not text:
                continue
            if first:
                paragraph = cell.paragraphs[0]
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _set_run_font(paragraph.add_run(text.upper()), layout, layout.signer_pt, bold=True)
                first = False
            else:
                _paragraph(cell, layout, text.upper(), layout.signer_pt, bold=True)
        _paragraph(cell, layout, "(Ký, ghi rõ họ tên, đóng dấu)", layout.signer_pt - 1, italic=True)
        for _ in range(3):
            _paragraph(cell, layout, "", layout.signer_pt)
        if signature.name:
            _paragraph(cell, layout, signature.name, layout.signer_pt, bold=True)
        _paragraph(cell, layout, "", layout.signer_pt)


def _closing(document, spec: DocumentSpec) -> None:
    layout = spec.layout
    if not spec.signatures and not spec.recipients:
        return
    signatures = spec.signatures or []
    table = document.add_table(rows=1, cols=2)
    _hide_borders(table)
    _set_widths(table, [80, 85])
    left, right = table.rows[0].cells
    if spec.recipients:
        paragraph = left.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        _set_run_font(paragraph.add_run("Nơi nhận:"), layout, layout.recipients_label_pt, bold=True, italic=True)
        for recipient in spec.recipients:
            _paragraph(left, layout, f"- {recipient};", layout.recipients_pt, align="left")
    for index, signature in enumerate(signatures):
        first = index == 0
        lines = [(signature.authority, True), (signature.title, True)]
        for text, bold in lines:
            if not text:
                continue
            if first:
                paragraph = right.paragraphs[0]
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _set_run_font(paragraph.add_run(text.upper()), layout, layout.signer_pt, bold=bold)
                first = False
            else:
                _paragraph(right, layout, text.upper(), layout.signer_pt, bold=bold)
        # Room for the signature and seal.
        for _ in range(3):
            _paragraph(right, layout, "", layout.signer_pt)
        if signature.name:
            _paragraph(right, layout, signature.name, layout.signer_pt, bold=True)


def new_document(layout):
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
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Mm(layout.page_width_mm)
    section.page_height = Mm(layout.page_height_mm)
    section.top_margin = Mm(layout.margin_top_mm)
    section.bottom_margin = Mm(layout.margin_bottom_mm)
    section.left_margin = Mm(layout.margin_left_mm)
    section.right_margin = Mm(layout.margin_right_mm)
    return document


def render_docx(spec: DocumentSpec) -> bytes:
    layout = spec.layout
    document = new_document(layout)
    _page_number_header(document.sections[0], layout)
    # python-docx starts with one empty paragraph; the heading table goes before it.
    _heading_block(document, spec)
    _paragraph(document, layout, "", 6)
    if spec.doc_type:
        _paragraph(document, layout, spec.doc_type.upper(), layout.doc_type_pt, bold=True)
    if spec.subject:
        _paragraph(document, layout, spec.subject, layout.subject_pt, bold=True, space_after=12)
    _body(document, spec)
    _closing(document, spec)
    if spec.footer_note:
        _paragraph(document, layout, spec.footer_note, 10, italic=True, align="left")
    # Drop the empty first paragraph python-docx's template carries.
    body = document.element.body
    first = body[0]
    if first.tag == qn("w:p") and not "".join(first.itertext()).strip():
        body.remove(first)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
