"""Spreadsheet safety shared by every export and every Excel import.

Out: text that a spreadsheet would run as a formula goes out inert (OWASP "CSV injection"). A name
like ``=HYPERLINK("http://x","y")`` or ``@SUM(1)`` is written to CSV behind a single quote, and to
XLSX as an explicit text cell (data type "s", never a formula) marked "quote prefix", so Excel keeps
it text even when someone edits the cell. The XLSX value itself is the exact text, so a workbook
exported and imported back (criteria sets, score sheets) keeps the data unchanged. Numbers, dates
and booleans are never touched: a negative score stays a number.

In: ``sheet_rows`` reads an uploaded sheet by the real row numbers in the file. openpyxl's
``iter_rows`` fills every missing row with an empty one, so a 10 KB file whose only row is numbered
50,000,000 kept a worker busy for minutes; here the declared size (<dimension>) is checked before
reading and every row's own number (its ``r``) is checked while reading, so no more than
``row_limit`` rows are ever touched.
"""

from __future__ import annotations

import io
from typing import Any, Iterator

# OWASP: cells starting with these are run as formulas by Excel, LibreOffice or Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_text(text: str) -> str:
    """The text of one CSV field, inert: a leading single quote before a formula-like text."""
    return "'" + text if formula_like(text) else text


def _make_text(cell) -> None:
    cell.data_type = "s"
    cell.quotePrefix = True


def write_only_cell(sheet, value: Any) -> Any:
    """A value for ``sheet.append`` of a write-only sheet: formula-like text becomes a text cell."""
    if not formula_like(value):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    _make_text(cell)
    return cell


def defuse_workbook(workbook) -> None:
    """Turn every formula-like text cell of a (normal, not write-only) workbook into a text cell.
    thidua's workbooks carry no formulas of their own, so every such cell came from data."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if formula_like(cell.value):
                    _make_text(cell)


def workbook_bytes(workbook) -> bytes:
    """Save a workbook built in memory, after `defuse_workbook`. Every generated .xlsx goes through here."""
    defuse_workbook(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- reading uploads


class TooManyRows(ValueError):
    """A sheet claims or holds a row numbered beyond the limit; nothing of it was used."""

    def __init__(self, row: int, limit: int):
        super().__init__(row, limit)
        self.row = row
        self.limit = limit

    def message(self, sheet_name: str) -> str:
        row = f"{self.row:,}".replace(",", ".")
        limit = f"{self.limit:,}".replace(",", ".")
        return (f"Trang “{sheet_name}” có dữ liệu hoặc định dạng đến dòng {row}, quá giới hạn {limit} dòng mỗi trang. "
                "Hãy xoá các dòng thừa phía dưới dữ liệu (chọn các dòng đó, bấm Xoá dòng), lưu lại rồi tải lên; "
                "hoặc chia dữ liệu thành nhiều tệp nhỏ hơn. Chưa có dữ liệu nào được ghi.")


def _parsed_rows(sheet) -> Iterator[tuple[int, list[dict]]]:
    """(row number, cells) for each row element present in the sheet's XML, in file order.

    Only rows written in the file are produced: missing rows cost nothing."""
    from openpyxl.worksheet._reader import WorkSheetParser

    workbook = sheet.parent
    with sheet._get_source() as source:
        parser = WorkSheetParser(source, sheet._shared_strings, data_only=workbook.data_only, epoch=workbook.epoch,
                                 date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats)
        yield from parser.parse()


def sheet_rows(sheet, *, max_col: int, row_limit: int, beyond: str = "refuse") -> Iterator[tuple[int, tuple]]:
    """(row number, values of columns 1..max_col) of every row present in an uploaded sheet
    (read-only mode). Empty rows in between are not produced (callers skip blank rows anyway).

    beyond="refuse": raise TooManyRows before reading when the declared size is beyond
    ``row_limit``, and as soon as a row numbered beyond it appears. beyond="stop": only the first
    ``row_limit`` rows matter (a header block); stop there."""
    refuse = beyond == "refuse"
    declared = getattr(sheet, "max_row", None)  # from <dimension ref="A1:H20">; None when absent
    if refuse and isinstance(declared, int) and declared > row_limit:
        raise TooManyRows(declared, row_limit)
    if hasattr(sheet, "_get_source"):
        rows = ((number, sheet._get_row(cells, 1, max_col, values_only=True)) for number, cells in _parsed_rows(sheet))
    else:  # a normal (not read-only) sheet, already in memory
        rows = enumerate(sheet.iter_rows(max_col=max_col, values_only=True), start=1)
    for number, values in rows:
        if number > row_limit:
            if refuse:
                raise TooManyRows(number, row_limit)
            return
        yield number, values
