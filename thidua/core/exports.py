"""CSV and Excel exports of list pages. Dates are dd/mm/yyyy; Excel cells keep real types.

Text that a spreadsheet would run as a formula goes out inert (thidua/core/spreadsheets.py)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any, Callable, Iterable

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

from thidua.core.spreadsheets import csv_text, write_only_cell

Column = tuple[str, Callable[[Any], Any]]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, (int, float, Decimal)):
        return str(value)  # a negative number stays a number
    return csv_text(str(value))


def export_response(fmt: str, filename: str, columns: list[Column], rows: Iterable[Any], sheet_title: str) -> HttpResponse:
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM.
        writer = csv.writer(buffer)
        writer.writerow([_text(label) for label, _ in columns])
        for row in rows:
            writer.writerow([_text(get(row)) for _, get in columns])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    workbook = Workbook(write_only=True)
    # Excel rejects sheet titles over 31 characters or with : [ ] * ? / \
    title = "".join(ch for ch in sheet_title if ch not in ':[]*?/\\')[:31] or "Danh sách"
    sheet = workbook.create_sheet(title)
    sheet.append([write_only_cell(sheet, label) for label, _ in columns])
    for row in rows:
        values = []
        for _, get in columns:
            value = get(row)
            if isinstance(value, bool):
                value = "Có" if value else "Không"
            values.append(write_only_cell(sheet, value))
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


__all__ = ["export_response", "Font"]
