"""Importing award history from Excel, all or nothing (the guards of thidua/org/importer.py).

Two sheets, each optional:

- "Hồ sơ thành tích": one row per subject and year — a person (mã cán bộ, or họ tên + đơn vị) or,
  with the name left blank, the unit itself; a task rating and/or an award received with its
  decision (số, ngày, cơ quan, cấp).
- "Đánh giá cá nhân": a unit's year-end task ratings of all its staff (hundreds of rows).

`import_history(...)` reads the file (size, real .xlsx, row cap: org importer's checks), validates
every row (Vietnamese messages naming sheet, row and column), then writes everything in one
transaction with one audit row — or nothing, listing every problem. `dry_run` only checks and
previews.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import BinaryIO

from django import forms
from django.db import transaction
from django.db.models import F, Q

from thidua.audit.log import record
from thidua.core.access import ensure, scoped
from thidua.core.forms import VietnameseFormMixin
from thidua.history.models import AwardKind, AwardRecord, AwardSource, DecisionLevel, TaskRating
from thidua.org.importer import (
    MAX_ROWS,
    CellError,
    Column,
    ImportIssue,
    ImportRejected,
    _Collector,
    _name_key,
    _parse_row,
    read_sheets,
)
from thidua.org.models import Person, Unit
from thidua.rules.catalogue import COLLECTIVE, EMULATION_TITLES, INDIVIDUAL, RATING_NAMES, RATINGS
from thidua.rules.text import fold

__all__ = ["ImportRejected", "MAX_ROWS", "import_history", "build_template", "HistoryImportForm"]

HISTORY_SHEET = "Hồ sơ thành tích"
RATING_SHEET = "Đánh giá cá nhân"
RATING_CHOICES = tuple((code, RATING_NAMES[code][0].upper() + RATING_NAMES[code][1:]) for code in reversed(RATINGS))

SUBJECT_COLUMNS = (
    Column("staff_code", "Mã cán bộ", width=14, help="Nếu có, dùng để tìm cá nhân; để trống thì tìm theo họ tên và đơn vị."),
    Column("full_name", "Họ và tên", width=28, help="Để trống nếu dòng ghi thành tích của chính đơn vị (tập thể)."),
    Column("unit", "Đơn vị", required=True, width=36, help="Tên đơn vị đã có trong danh mục."),
    Column("year", "Năm", required=True, width=8, help="Năm thành tích, ví dụ 2025."),
)
HISTORY_COLUMNS: tuple[Column, ...] = SUBJECT_COLUMNS + (
    Column("rating", "Mức độ hoàn thành nhiệm vụ", kind="choice", choices=RATING_CHOICES, width=30),
    # Every catalogue entry (coded or manual appraisal) and the province's own entries (awards of
    # other issuers: Hội Nhà báo Việt Nam, Công an tỉnh…), by name or code (issue #19): resolved
    # per row against the catalogue the subject's province sees.
    Column("award", "Danh hiệu, hình thức khen thưởng", width=40,
           help="Tên hoặc mã trong danh mục khen thưởng (cả hình thức thẩm định thủ công và khen thưởng của ngành, đoàn thể tỉnh đã thêm)."),
    Column("award_kind", "Loại hình khen thưởng", kind="choice", choices=tuple(AwardKind.choices), width=26,
           help="Để trống là theo công trạng và thành tích đạt được."),
    Column("decision_number", "Số quyết định", width=18),
    Column("decision_date", "Ngày quyết định", kind="date", width=14, help="Ngày/tháng/năm, ví dụ 29/06/2023."),
    Column("decision_issuer", "Cơ quan, người quyết định", width=30),
    Column("decision_level", "Cấp quyết định", kind="choice", choices=tuple(DecisionLevel.choices), width=30),
    Column("external", "Quyết định của cấp trên", kind="bool", width=12, help="Có hoặc Không; để trống là Không."),
)
RATING_COLUMNS: tuple[Column, ...] = SUBJECT_COLUMNS + (
    Column("rating", "Mức độ hoàn thành nhiệm vụ", required=True, kind="choice", choices=RATING_CHOICES, width=30),
)
SHEETS = {HISTORY_SHEET: HISTORY_COLUMNS, RATING_SHEET: RATING_COLUMNS}


class HistoryImportForm(VietnameseFormMixin, forms.Form):
    file = forms.FileField(label="Tệp Excel (.xlsx)", error_messages={"required": "Hãy chọn tệp Excel để nhập.",
                                                                      "empty": "Tệp rỗng, không có dữ liệu."})
    dry_run = forms.BooleanField(label="Chỉ kiểm tra tệp, chưa ghi vào hồ sơ", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].error_messages["required"] = "Hãy chọn tệp Excel để nhập."


@dataclass
class HistoryImportResult:
    ratings_new: int = 0
    ratings_changed: int = 0
    awards: int = 0
    dry_run: bool = False
    preview: list[dict] = field(default_factory=list)

    def message(self) -> str:
        parts = []
        if self.ratings_new or self.ratings_changed:
            parts.append(f"{self.ratings_new + self.ratings_changed} kết quả đánh giá ({self.ratings_changed} thay cho kết quả cũ)")
        if self.awards:
            parts.append(f"{self.awards} khen thưởng")
        what = ", ".join(parts) or "không có thay đổi nào"
        if self.dry_run:
            return f"Tệp hợp lệ: sẽ ghi {what}. Chưa ghi gì; bỏ chọn “Chỉ kiểm tra” và tải lại tệp để nhập."
        return f"Đã ghi vào hồ sơ thành tích: {what}."


# --------------------------------------------------------------------------- reading


def read_workbook(fileobj: BinaryIO, size: int | None = None):
    """Read the history and task-rating sheets (the registry import's reader and file guards)."""
    return read_sheets(fileobj, size, SHEETS)


# --------------------------------------------------------------------------- validation


class _Index:
    """Units and people the actor may write history for, by name and staff code."""

    def __init__(self, actor):
        units = scoped(actor, Unit, "history.edit") if actor is not None else Unit.objects.all()
        self.units: dict[str, list[Unit]] = defaultdict(list)
        for unit in units.select_related("province"):
            self.units[_name_key(unit.name)].append(unit)
        people = scoped(actor, Person, "history.edit") if actor is not None else Person.objects.all()
        self.by_code: dict[tuple[int, str], Person] = {}
        self.by_name: dict[tuple[int, str], list[Person]] = defaultdict(list)
        for person in people.only("pk", "full_name", "staff_code", "unit_id", "province_id"):
            if person.staff_code:
                self.by_code[(person.province_id, _name_key(person.staff_code))] = person
            self.by_name[(person.unit_id, _name_key(person.full_name))].append(person)
        self.all_units = {_name_key(n) for n in Unit.objects.values_list("name", flat=True)}

    def unit(self, name: str) -> tuple[Unit | None, str]:
        candidates = self.units.get(_name_key(name), [])
        active = [u for u in candidates if u.ended_on is None] or candidates
        if len(active) == 1:
            return active[0], ""
        if len(active) > 1:
            return None, f"Có {len(active)} đơn vị tên “{name}”; hãy sửa tên trong danh mục cho khác nhau."
        if _name_key(name) in self.all_units:
            return None, f"Bạn không có quyền cập nhật hồ sơ thành tích của “{name}”."
        return None, f"Không có đơn vị “{name}” trong danh mục."


def _year(value) -> int:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        raise CellError(f"Năm “{value}” không hợp lệ; ghi số năm, ví dụ 2025.") from None
    if not 1945 <= year <= 2200:
        raise CellError(f"Năm {year} không hợp lệ.")
    return year


class _Catalogue:
    """The award catalogue a province sees (the law's entries, coded or manual, and its own), by folded name or code."""

    def __init__(self):
        self._by_province: dict[int, dict[str, tuple[str, str, tuple]]] = {}

    def _entries(self, province_id: int) -> dict[str, tuple[str, str, tuple]]:
        if province_id not in self._by_province:
            from thidua.awards.models import AwardType
            from thidua.awards.selectors import _with_successors

            keys: dict[str, tuple[str, str, tuple]] = {}
            rows = AwardType.objects.filter(Q(province__isnull=True) | Q(province_id__in=_with_successors(province_id)))
            for row in rows.order_by(F("province_id").asc(nulls_first=True), "pk"):
                entry = (row.code, row.name, tuple(row.subjects or ()))
                names = [row.code, row.name] + ([f"{row.name} ({row.authority})"] if row.authority else [])
                for key in names:
                    keys.setdefault(fold(key), entry)
            self._by_province[province_id] = keys
        return self._by_province[province_id]

    def resolve(self, value: str, province_id: int, kind: str) -> tuple[str | None, str]:
        entry = self._entries(province_id).get(fold(value))
        if entry is None:
            return None, (f"“{value}” không có trong danh mục danh hiệu, hình thức khen thưởng. Ghi đúng tên hoặc mã trong "
                          "danh mục; khen thưởng của ngành, đoàn thể cần được thêm vào danh mục của tỉnh trước.")
        code, name, subjects = entry
        if kind not in subjects:
            return None, f"{name} không xét tặng cho {'cá nhân' if kind == INDIVIDUAL else 'tập thể'}."
        return code, ""

    def label(self, code: str, province_id: int) -> str:
        entry = self._entries(province_id).get(fold(code))
        return entry[1] if entry else code


def _validate(actor, sheets) -> tuple[dict, list, list[ImportIssue], list[dict]]:
    index = _Index(actor)
    catalogue = _Catalogue()
    issues: list[ImportIssue] = []
    ratings: dict[tuple, tuple] = {}  # (kind, pk, year) -> (subject, rating, rated_in_unit, where)
    awards: list[AwardRecord] = []
    preview: list[dict] = []
    titles_in_file: Counter = Counter()
    for sheet, columns in SHEETS.items():
        collector = _Collector(sheet, columns)
        for number, raw in sheets.get(sheet, []):
            text_year = raw.get("year")
            values = _parse_row(collector, number, {**raw, "year": None if text_year is None else str(text_year)}, columns)
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
            subject = unit
            if values["staff_code"] or values["full_name"]:
                person = None
                if values["staff_code"]:
                    person = index.by_code.get((unit.province_id, _name_key(values["staff_code"])))
                    if person is None:
                        collector.add(number, "staff_code", f"Không có cá nhân mã “{values['staff_code']}” trong phạm vi bạn được cập nhật.")
                        continue
                else:
                    found = index.by_name.get((unit.pk, _name_key(values["full_name"])), [])
                    if len(found) != 1:
                        collector.add(number, "full_name", (
                            f"Có {len(found)} người tên “{values['full_name']}” ở {unit.name}; hãy ghi mã cán bộ." if found
                            else f"Không có cá nhân “{values['full_name']}” ở {unit.name}."))
                        continue
                    person = found[0]
                subject = person
            kind = INDIVIDUAL if isinstance(subject, Person) else COLLECTIVE
            if sheet == RATING_SHEET and kind == COLLECTIVE:
                collector.add(number, "full_name", "Trang này ghi đánh giá cá nhân: hãy ghi họ tên hoặc mã cán bộ.")
                continue
            name = subject.full_name if kind == INDIVIDUAL else subject.name
            if not values.get("rating") and not values.get("award"):
                collector.add(number, "rating", "Dòng không có mức độ hoàn thành nhiệm vụ, cũng không có khen thưởng.")
                continue
            if values.get("rating"):
                key = (kind, subject.pk, year)
                if key in ratings:
                    collector.add(number, "rating", f"{name} đã có kết quả đánh giá năm {year} ở {ratings[key][3]}.")
                else:
                    ratings[key] = (subject, values["rating"], unit if kind == INDIVIDUAL else None, f"trang “{sheet}” dòng {number}")
            code = None
            if values.get("award"):
                code, problem = catalogue.resolve(values["award"], subject.province_id, kind)
                if code is None:
                    collector.add(number, "award", problem)
                    continue
            if code:
                external = values.get("external")
                if external and not values.get("decision_number"):
                    collector.add(number, "decision_number", "Quyết định của cấp trên phải có số quyết định.")
                    continue
                if values.get("decision_date") and values["decision_date"].year < year:
                    collector.add(number, "decision_date", f"Ngày quyết định trước năm thành tích {year}.")
                    continue
                if code in EMULATION_TITLES:
                    key = (kind, subject.pk, code, year)
                    titles_in_file[key] += 1
                    exists = AwardRecord.objects.filter(
                        award_code=code, year=year, revoked=False, **({"person": subject} if kind == INDIVIDUAL else {"unit": subject})
                    ).exists()
                    if titles_in_file[key] > 1 or exists:
                        collector.add(number, "award", f"{name} đã có danh hiệu {catalogue.label(code, subject.province_id)} năm {year}"
                                      f"{' trong hồ sơ' if exists else ' ở dòng trước'}; một danh hiệu chỉ tặng một lần cho một năm.")
                        continue
                awards.append(AwardRecord(
                    province_id=subject.province_id, award_code=code, award_kind=values.get("award_kind") or AwardKind.MERIT,
                    year=year, decision_number=values.get("decision_number") or "", decision_date=values.get("decision_date"),
                    decision_issuer=values.get("decision_issuer") or "", decision_level=values.get("decision_level") or "",
                    source=AwardSource.EXTERNAL if external else AwardSource.IMPORTED,
                    rated_in_unit=unit if kind == INDIVIDUAL else None,
                    **({"person": subject} if kind == INDIVIDUAL else {"unit": subject}),
                ))
            if len(preview) < 50:
                preview.append({"subject": name, "year": year, "rating": RATING_NAMES.get(values.get("rating") or "", ""),
                                "award": catalogue.label(code, subject.province_id) if code else ""})
        issues.extend(collector.issues)
    return ratings, awards, issues, preview


# --------------------------------------------------------------------------- the action


def do_import_history(*, actor, sheets, file_name: str = "", dry_run: bool = False) -> HistoryImportResult:
    """Validate and write the rows in one transaction: everything or nothing, one audit row."""
    ensure(actor, "history.edit")
    with transaction.atomic():
        ratings, awards, issues, preview = _validate(actor, sheets)
        if issues:
            raise ImportRejected(issues)
        existing = {}
        person_ids = [pk for kind, pk, _ in ratings if kind == INDIVIDUAL]
        unit_ids = [pk for kind, pk, _ in ratings if kind == COLLECTIVE]
        for item in TaskRating.objects.filter(person_id__in=person_ids):
            existing[(INDIVIDUAL, item.person_id, item.year)] = item
        for item in TaskRating.objects.filter(unit_id__in=unit_ids):
            existing[(COLLECTIVE, item.unit_id, item.year)] = item
        new, changed = [], []
        for key, (subject, rating, rated_in, _) in ratings.items():
            kind, _, year = key
            item = existing.get(key)
            if item is None:
                new.append(TaskRating(province_id=subject.province_id, year=year, rating=rating, rated_in_unit=rated_in,
                                      **({"person": subject} if kind == INDIVIDUAL else {"unit": subject})))
            elif item.rating != rating or (rated_in is not None and item.rated_in_unit_id != rated_in.pk):
                item.rating, item.version = rating, item.version + 1
                if rated_in is not None:
                    item.rated_in_unit = rated_in
                changed.append(item)
        result = HistoryImportResult(ratings_new=len(new), ratings_changed=len(changed), awards=len(awards),
                                     dry_run=dry_run, preview=preview)
        if dry_run:
            return result
        TaskRating.objects.bulk_create(new, batch_size=500)
        TaskRating.objects.bulk_update(changed, ["rating", "rated_in_unit", "version"], batch_size=500)
        AwardRecord.objects.bulk_create(awards, batch_size=500)
        first = next(iter(ratings.values()))[0] if ratings else (awards[0].subject if awards else None)
        record(
            actor=actor, action="history.import", province=getattr(first, "province", None), object_type="history.import",
            object_repr=(file_name or "Tệp Excel")[:255],
            changes={"kết quả đánh giá mới": [0, len(new)], "kết quả đánh giá thay đổi": [0, len(changed)],
                     "khen thưởng": [0, len(awards)]},
            note=result.message(),
        )
    return result


def import_history(*, actor, fileobj: BinaryIO, size: int | None = None, file_name: str = "", dry_run: bool = False):
    sheets, issues = read_workbook(fileobj, size)
    if issues:
        raise ImportRejected(issues)
    return do_import_history(actor=actor, sheets=sheets, file_name=file_name, dry_run=dry_run)


# --------------------------------------------------------------------------- the template


def build_template() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from thidua.core.spreadsheets import workbook_bytes

    workbook = Workbook()
    guide = workbook.active
    guide.title = "Hướng dẫn"
    lines = [
        "Mẫu nhập hồ sơ thành tích (thidua)",
        "",
        f"Trang “{HISTORY_SHEET}”: mỗi dòng là kết quả đánh giá và/hoặc một khen thưởng của một cá nhân (hoặc của đơn vị,"
        " khi để trống họ tên) trong một năm.",
        f"Trang “{RATING_SHEET}”: kết quả đánh giá cuối năm của toàn bộ cá nhân trong đơn vị (có thể hàng trăm dòng).",
        "Cá nhân được tìm theo mã cán bộ; không có mã thì theo họ tên và đơn vị.",
        "Cột có dấu * là bắt buộc. Ngày ghi theo dạng ngày/tháng/năm, ví dụ 29/06/2023.",
        "Nếu tệp có lỗi, không dòng nào được ghi; hệ thống liệt kê mọi lỗi theo trang, dòng, cột.",
        f"Tối đa {MAX_ROWS:,} dòng mỗi lần nhập.".replace(",", "."),
    ]
    for line in lines:
        guide.append([line])
    guide["A1"].font = Font(bold=True, size=13)
    guide.column_dimensions["A"].width = 110
    for name, columns in SHEETS.items():
        sheet = workbook.create_sheet(name)
        sheet.append([c.title for c in columns])
        for index, column in enumerate(columns, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = column.width
            cell = sheet.cell(row=1, column=index)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if column.kind in ("choice", "bool"):
                labels = [label for _, label in column.choices] if column.kind == "choice" else ["Có", "Không"]
                formula = '"' + ",".join(labels) + '"'
                if len(formula) <= 255 and not any("," in label for label in labels):
                    rule = DataValidation(type="list", formula1=formula, allow_blank=True)
                    rule.error = "Chọn một giá trị trong danh sách."
                    sheet.add_data_validation(rule)
                    rule.add(f"{letter}2:{letter}{MAX_ROWS}")
    return workbook_bytes(workbook)

