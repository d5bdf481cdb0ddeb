"""Excel export of the statistics tables, in each table's own layout: the title, the period and
scope, the legal basis (or CHƯA XÁC MINH), then the header row and one row per table row with the
figures as numbers. One sheet per table. Text goes out inert (thidua/core/spreadsheets.py)."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from thidua.core.spreadsheets import workbook_bytes
from thidua.rules.statistics import describe

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_ROW = 5  # rows 1–4: title, scope, basis, how counted


def _sheet_title(code: str) -> str:
    return "".join(ch for ch in code if ch not in ':[]*?/\\')[:31] or "Bảng"


def write_table(sheet, table, scope_text: str) -> None:
    d = table.definition
    width = len(d.columns) + 2
    sheet["A1"] = f"Biểu {d.code}. {d.title.upper()}"
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = f"Năm {table.year} — {scope_text}"
    sheet["A3"] = f"Căn cứ: {d.basis}"
    sheet["A4"] = describe(d, table.year)
    for row in range(1, 5):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        sheet.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    sheet["A3"].font = Font(italic=True)
    header = ["STT", "Nội dung"] + [c.label for c in d.columns]
    for column, label in enumerate(header, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=column, value=label)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BOX
    for offset, (row, cells) in enumerate(table.grid(), start=1):
        line = HEADER_ROW + offset
        stt = sheet.cell(row=line, column=1, value="" if row.is_total else offset)
        label = sheet.cell(row=line, column=2, value=row.label)
        stt.border = label.border = BOX
        if row.is_total:
            label.font = Font(bold=True)
        for column, (_, value) in enumerate(cells, start=3):
            cell = sheet.cell(row=line, column=column, value=value)
            cell.border = BOX
            cell.number_format = "#,##0"
            if row.is_total:
                cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 48
    for column in range(3, width + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 16
    sheet.row_dimensions[HEADER_ROW].height = 45
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=3)


def tables_workbook(tables, scope_text: str) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        write_table(workbook.create_sheet(_sheet_title(table.definition.code)), table, scope_text)
    return workbook_bytes(workbook)
