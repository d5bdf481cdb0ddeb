"""Importing initiatives (sổ sáng kiến) from Excel, all or nothing (the guards of thidua/org/importer.py).

Sheet “Sáng kiến”: one row per initiative — title, year, unit, field, content, owners as
“Họ tên hoặc mã cán bộ tỷ lệ %” separated by “;” (summing to 100), benefits, where applied.
Every row is validated (Vietnamese messages naming the row and column), then all are written in
one transaction with one audit row, each checked against the stored initiatives (and the rows
before it) for likely copies — or nothing is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import BinaryIO

from django.db import transaction

from thidua.audit.log import record
from thidua.core.access import ensure
from thidua.history.importer import _Index, _year
from thidua.history.models import Initiative
from thidua.initiatives.indexing import reindex
from thidua.initiatives.models import InitiativeOwner
from thidua.org.importer import MAX_ROWS, CellError, Column, ImportRejected, _Collector, _name_key, _parse_row, read_sheets

SHEET = "Sáng kiến"
COLUMNS = (
    Column("title", "Tên sáng kiến", required=True, width=40),
    Column("year", "Năm", required=True, width=8, help="Năm, ví dụ 2025."),
    Column("unit", "Đơn vị", required=True, width=32, help="Tên đơn vị đã có trong danh mục."),
    Column("sector", "Lĩnh vực", width=20),
    Column("content", "Nội dung", required=True, width=60),
    Column("owners", "Tác giả và tỷ lệ đóng góp", required=True, width=40,
           help="Họ tên hoặc mã cán bộ, rồi tỷ lệ %; nhiều tác giả cách nhau bằng dấu chấm phẩy, ví dụ: Hà Thị Thu 60; CB0012 40."),
    Column("benefits", "Hiệu quả, lợi ích", width=30),
    Column("applied_at", "Nơi đã áp dụng", width=30),
)
_OWNER = re.compile(r"^(?P<who>.+?)\s*[:\-]?\s*(?P<share>\d{1,3})\s*%?$")


@dataclass
class InitiativeImportResult:
    created: int = 0
    flagged: int = 0
    dry_run: bool = False

    def message(self) -> str:
        flagged = f", trong đó {self.flagged} sáng kiến nghi trùng lặp" if self.flagged else ""
        if self.dry_run:
            return f"Tệp hợp lệ: sẽ ghi {self.created} sáng kiến. Chưa ghi gì; bỏ chọn “Chỉ kiểm tra” và tải lại tệp để nhập."
        return f"Đã ghi {self.created} sáng kiến vào sổ sáng kiến{flagged}."


def _owners(index: _Index, unit, text: str):
    owners, seen = [], set()
    for part in [p.strip() for p in str(text).split(";") if p.strip()]:
        match = _OWNER.match(part)
        if not match:
            raise CellError(f"“{part}”: ghi họ tên hoặc mã cán bộ rồi tỷ lệ %, ví dụ “Hà Thị Thu 60”.")
        who, share = match.group("who").strip(), int(match.group("share"))
        person = index.by_code.get((unit.province_id, _name_key(who)))
        if person is None:
            found = index.by_name.get((unit.pk, _name_key(who)), [])
            if len(found) != 1:
                raise CellError(f"Có {len(found)} người tên “{who}” ở {unit.name}; hãy ghi mã cán bộ." if found
                                else f"Không có cá nhân “{who}” ở {unit.name} trong phạm vi bạn được cập nhật.")
            person = found[0]
        if person.pk in seen:
            raise CellError(f"Tác giả “{who}” được ghi hai lần.")
        if not 1 <= share <= 100:
            raise CellError(f"Tỷ lệ đóng góp của “{who}” phải từ 1 đến 100 %.")
        seen.add(person.pk)
        owners.append((person, share))
    total = sum(s for _, s in owners)
    if not owners:
        raise CellError("Hãy ghi ít nhất một tác giả.")
    if total != 100:
        raise CellError(f"Tổng tỷ lệ đóng góp là {total} %, phải bằng 100 %.")
    return owners


def do_import_initiatives(*, actor, sheets, file_name: str = "", dry_run: bool = False) -> InitiativeImportResult:
    """Validate and write the rows in one transaction: everything or nothing, one audit row."""
    ensure(actor, "history.edit")
    index = _Index(actor)
    collector = _Collector(SHEET, COLUMNS)
    rows = []
    for number, raw in sheets.get(SHEET, []):
        values = _parse_row(collector, number, {**raw, "year": None if raw.get("year") is None else str(raw["year"])}, COLUMNS)
        if values is None:
            continue
        try:
            year = _year(values["year"])
        except CellError as exc:
            collector.add(number, "year", str(exc))
            continue
        unit, problem = index.unit(values["unit"])
        if unit is None:
            collector.add(number, "unit", problem)
            continue
        try:
            owners = _owners(index, unit, values["owners"])
        except CellError as exc:
            collector.add(number, "owners", str(exc))
            continue
        rows.append((unit, year, values, owners))
    if collector.issues:
        raise ImportRejected(collector.issues)
    if not rows:
        from thidua.org.importer import ImportIssue

        raise ImportRejected([ImportIssue(f"Trang “{SHEET}” không có dòng dữ liệu nào.", sheet=SHEET)])
    result = InitiativeImportResult(created=len(rows), dry_run=dry_run)
    if dry_run:
        return result
    with transaction.atomic():
        for unit, year, values, owners in rows:
            item = Initiative.objects.create(
                province_id=unit.province_id, unit=unit, person=owners[0][0], year=year, title=values["title"],
                content=values["content"], sector=values.get("sector") or "", benefits=values.get("benefits") or "",
                applied_at=values.get("applied_at") or "", recognised=False)
            InitiativeOwner.objects.bulk_create(
                [InitiativeOwner(initiative=item, person=p, share=s, position=i) for i, (p, s) in enumerate(owners)])
            reindex(item)
            result.flagged += item.likely_copy
        record(actor=actor, action="initiatives.import", province=rows[0][0].province, object_type="initiatives.import",
               object_repr=(file_name or "Tệp Excel")[:255], changes={"sáng kiến": [0, result.created]}, note=result.message())
    return result


def import_initiatives(*, actor, fileobj: BinaryIO, size: int | None = None, file_name: str = "", dry_run: bool = False):
    sheets, issues = read_sheets(fileobj, size, {SHEET: COLUMNS})
    if issues:
        raise ImportRejected(issues)
    return do_import_initiatives(actor=actor, sheets=sheets, file_name=file_name, dry_run=dry_run)


def build_template() -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    guide = workbook.active
    guide.title = "Hướng dẫn"
    for line in ["Mẫu nhập sổ sáng kiến (thidua)", "",
                 f"Trang “{SHEET}”: mỗi dòng là một sáng kiến. Cột có dấu * là bắt buộc.",
                 *[f"{c.header}: {c.help}" for c in COLUMNS if c.help],
                 "Nếu tệp có lỗi, không dòng nào được ghi; hệ thống liệt kê mọi lỗi theo dòng, cột.",
                 f"Tối đa {MAX_ROWS:,} dòng mỗi lần nhập.".replace(",", ".")]:
        guide.append([line])
    guide["A1"].font = Font(bold=True, size=13)
    guide.column_dimensions["A"].width = 110
    sheet = workbook.create_sheet(SHEET)
    sheet.append([c.title for c in COLUMNS])
    for i, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = column.width
        cell = sheet.cell(row=1, column=i)
        cell.font, cell.alignment = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
