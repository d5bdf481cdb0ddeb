"""TĐKT statistics tables held as data, read by one engine (issue #13 point 5).

A table definition (JSON under thidua/rules/data/statistics/) names its rows, its columns and its
filters in terms of the DIMENSIONS below; nothing here is written per table. Each definition is
versioned (code + version, effective_from/effective_to) and carries the legal citation of the form
it reproduces, or an UNCONFIRMED note when the form has not been checked against its text.

    {"code": "TK01", "version": 1, "title": "...", "effective_from": "2024-01-01", "effective_to": null,
     "citation": "...", "unconfirmed": "...",          # at least one of the two
     "period": "year",                                 # or "decision_year"
     "filters": {"subject": ["individual"]},           # applied to every cell
     "rows": {"by": "award", "values": ["LDTT", ...]}, # or a list of {"key", "label", "where": {...}}
     "columns": [{"key": "nam", "label": "Nam", "where": {"gender": ["NAM"]}}, ...],
     "row_total": true, "column_total": true}

A definition that names a field or a value the engine does not know is refused on load with a
Vietnamese message (DefinitionError), so a typo never shows an empty table as if it were true.

The records counted are award records (khen thưởng đã nhận) that are not revoked. The database part
(thidua/reports/statistics.py) groups them by the raw columns; `dimensions_of` turns one group into
the dimension values the definitions speak of, and `compute` adds the groups up per cell. The same
conditions (`cell_where`) select the records a figure counts, for the drill-down list.

No Django import.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from thidua.rules.catalogue import AWARD_TYPE_NAMES, CATALOGUE, COLLECTIVE, FORM, INDIVIDUAL, KIND_NAMES, TITLE

DATA_DIR = Path(__file__).resolve().parent / "data" / "statistics"

# Levels of the statistics forms: cơ sở / tỉnh (bộ, ban, ngành, tỉnh) / Trung ương (Nhà nước, Chính phủ).
CENTRAL, PROVINCE, BASE = "CENTRAL", "PROVINCE", "BASE"
STAT_LEVELS = {CENTRAL: "Cấp Trung ương", PROVINCE: "Cấp tỉnh (bộ, ban, ngành, tỉnh)", BASE: "Cấp cơ sở"}
# The catalogue's authority level → the statistics level.
CATALOGUE_LEVEL_TO_STAT = {"STATE": CENTRAL, "GOVERNMENT": CENTRAL, "PROVINCE": PROVINCE, "BASE": BASE}
# The decision level recorded on an award record (history.DecisionLevel) → the statistics level.
DECISION_LEVEL_TO_STAT = {"STATE": CENTRAL, "PROVINCE": PROVINCE, "BASE": BASE}

# The kinds of unit (org.UnitKind: same codes; a test keeps the two in step).
UNIT_KINDS = {
    "PARTY": "Cơ quan Đảng",
    "STATE": "Cơ quan nhà nước",
    "FRONT": "Mặt trận Tổ quốc, tổ chức chính trị - xã hội",
    "PUBLIC_SERVICE": "Đơn vị sự nghiệp công lập",
    "ENTERPRISE": "Doanh nghiệp",
    "LOCAL": "Chính quyền cấp xã",
    "OTHER": "Khác",
}
LEADER, DIRECT = "LEADER", "DIRECT"

PERIODS = {"year": "năm thành tích", "decision_year": "năm ký quyết định"}


@dataclass(frozen=True)
class Dimension:
    code: str
    label: str
    values: dict[str, str]


def _award_names() -> dict[str, str]:
    return {entry["code"]: entry["name"] for entry in CATALOGUE}


DIMENSIONS: dict[str, Dimension] = {
    d.code: d
    for d in (
        Dimension("subject", "Đối tượng", {COLLECTIVE: "Tập thể", INDIVIDUAL: "Cá nhân"}),
        Dimension("kind", "Loại", {TITLE: KIND_NAMES[TITLE], FORM: KIND_NAMES[FORM]}),
        Dimension("level", "Cấp khen thưởng", STAT_LEVELS),
        Dimension("award", "Danh hiệu, hình thức khen thưởng", _award_names()),
        Dimension("award_type", "Loại hình khen thưởng", dict(AWARD_TYPE_NAMES)),
        Dimension("gender", "Giới tính", {"NAM": "Nam", "NU": "Nữ"}),
        Dimension("position", "Vị trí công tác", {LEADER: "Lãnh đạo, quản lý", DIRECT: "Người trực tiếp lao động, công tác"}),
        Dimension("unit_kind", "Loại hình đơn vị", UNIT_KINDS),
    )
}


class DefinitionError(ValueError):
    """A statistics definition the engine cannot read; `message` is Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Item:
    """A row or a column: its key, its label and the conditions it adds (dimension → values)."""

    key: str
    label: str
    where: Mapping[str, frozenset[str]]
    is_total: bool = False


@dataclass(frozen=True)
class Definition:
    code: str
    version: int
    title: str
    effective_from: dt.date
    effective_to: dt.date | None
    citation: str
    unconfirmed: str
    period: str
    filters: Mapping[str, frozenset[str]]
    rows: tuple[Item, ...]
    columns: tuple[Item, ...]
    note: str = ""

    def in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    @property
    def basis(self) -> str:
        """The legal basis as shown beside the table."""
        parts = [self.citation] if self.citation else []
        if self.unconfirmed:
            parts.append(f"CHƯA XÁC MINH: {self.unconfirmed}")
        return ". ".join(parts)

    def row(self, key: str) -> Item | None:
        return next((r for r in self.rows if r.key == key), None)

    def column(self, key: str) -> Item | None:
        return next((c for c in self.columns if c.key == key), None)


def _where(code: str, where: Any, place: str) -> dict[str, frozenset[str]]:
    if where is None:
        return {}
    if not isinstance(where, dict):
        raise DefinitionError(f"Bảng thống kê «{code}»: {place} phải là một bộ điều kiện dạng {{trường: [giá trị]}}.")
    result: dict[str, frozenset[str]] = {}
    for name, values in where.items():
        dimension = DIMENSIONS.get(name)
        if dimension is None:
            known = ", ".join(DIMENSIONS)
            raise DefinitionError(
                f"Bảng thống kê «{code}»: {place} dùng trường «{name}» không có trong dữ liệu thống kê. "
                f"Các trường dùng được: {known}."
            )
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list) or not values:
            raise DefinitionError(f"Bảng thống kê «{code}»: {place}, trường «{name}» cần ít nhất một giá trị.")
        unknown = [v for v in values if v not in dimension.values]
        if unknown:
            raise DefinitionError(
                f"Bảng thống kê «{code}»: {place}, trường «{name}» ({dimension.label}) không có giá trị "
                f"{', '.join('«' + str(v) + '»' for v in unknown)}."
            )
        result[name] = frozenset(values)
    return result


def _items(code: str, spec: Any, place: str, total: bool) -> tuple[Item, ...]:
    items: list[Item] = []
    if isinstance(spec, dict) and "by" in spec:
        name = spec["by"]
        dimension = DIMENSIONS.get(name)
        if dimension is None:
            raise DefinitionError(
                f"Bảng thống kê «{code}»: {place} chia theo trường «{name}» không có trong dữ liệu thống kê. "
                f"Các trường dùng được: {', '.join(DIMENSIONS)}."
            )
        values = spec.get("values") or list(dimension.values)
        _where(code, {name: values}, place)
        items = [Item(str(v), dimension.values[v], {name: frozenset([v])}) for v in values]
    elif isinstance(spec, list) and spec:
        for number, entry in enumerate(spec, start=1):
            if not isinstance(entry, dict) or not entry.get("label"):
                raise DefinitionError(f"Bảng thống kê «{code}»: {place} thứ {number} cần có nhãn (label).")
            key = str(entry.get("key") or number)
            items.append(Item(key, str(entry["label"]), _where(code, entry.get("where"), f"{place} «{entry['label']}»")))
    else:
        raise DefinitionError(f"Bảng thống kê «{code}»: thiếu {place} (một danh sách, hoặc {{\"by\": trường}}).")
    keys = [i.key for i in items]
    if len(set(keys)) != len(keys) or "total" in keys:
        raise DefinitionError(f"Bảng thống kê «{code}»: các {place} phải có mã (key) khác nhau và khác «total».")
    if total:
        items.append(Item("total", "Tổng số", {}, is_total=True))
    return tuple(items)


def _date(code: str, value: Any, name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise DefinitionError(f"Bảng thống kê «{code}»: ngày «{value}» của {name} không hợp lệ (dạng năm-tháng-ngày).") from None


def parse_definition(raw: Mapping[str, Any]) -> Definition:
    """Validate one definition; raises DefinitionError with a Vietnamese message."""
    if not isinstance(raw, Mapping):
        raise DefinitionError("Định nghĩa bảng thống kê phải là một đối tượng JSON.")
    code = str(raw.get("code") or "").strip()
    if not code:
        raise DefinitionError("Định nghĩa bảng thống kê thiếu mã bảng (code).")
    allowed = {"code", "version", "title", "effective_from", "effective_to", "citation", "unconfirmed", "period", "filters",
               "rows", "columns", "row_total", "column_total", "note"}
    extra = sorted(set(raw) - allowed)
    if extra:
        raise DefinitionError(f"Bảng thống kê «{code}»: không hiểu mục {', '.join('«' + e + '»' for e in extra)}.")
    title = str(raw.get("title") or "").strip()
    if not title:
        raise DefinitionError(f"Bảng thống kê «{code}»: thiếu tên bảng (title).")
    version = raw.get("version", 1)
    if not isinstance(version, int) or version < 1:
        raise DefinitionError(f"Bảng thống kê «{code}»: phiên bản (version) phải là số nguyên dương.")
    citation = str(raw.get("citation") or "").strip()
    unconfirmed = str(raw.get("unconfirmed") or "").strip()
    if not citation and not unconfirmed:
        raise DefinitionError(f"Bảng thống kê «{code}»: cần căn cứ pháp lý của biểu mẫu (citation) hoặc ghi chú CHƯA XÁC MINH (unconfirmed).")
    start = _date(code, raw.get("effective_from"), "hiệu lực từ")
    if start is None:
        raise DefinitionError(f"Bảng thống kê «{code}»: thiếu ngày bắt đầu hiệu lực (effective_from).")
    end = _date(code, raw.get("effective_to"), "hiệu lực đến")
    if end is not None and end < start:
        raise DefinitionError(f"Bảng thống kê «{code}»: ngày hết hiệu lực trước ngày bắt đầu hiệu lực.")
    period = raw.get("period", "year")
    if period not in PERIODS:
        raise DefinitionError(f"Bảng thống kê «{code}»: kỳ thống kê (period) «{period}» không hợp lệ; dùng «year» hoặc «decision_year».")
    filters = _where(code, raw.get("filters") or {}, "bộ lọc")
    rows = _items(code, raw.get("rows"), "dòng", bool(raw.get("row_total", True)))
    columns = _items(code, raw.get("columns"), "cột", bool(raw.get("column_total", True)))
    return Definition(code=code, version=version, title=title, effective_from=start, effective_to=end, citation=citation,
                      unconfirmed=unconfirmed, period=period, filters=filters, rows=rows, columns=columns,
                      note=str(raw.get("note") or ""))


def parse_definitions(raws: Iterable[Mapping[str, Any]]) -> list[Definition]:
    result = [parse_definition(raw) for raw in raws]
    seen: dict[tuple[str, int], Definition] = {}
    for d in result:
        if (d.code, d.version) in seen:
            raise DefinitionError(f"Bảng thống kê «{d.code}» phiên bản {d.version} được khai báo hai lần.")
        seen[(d.code, d.version)] = d
    for code in {d.code for d in result}:
        versions = sorted((d for d in result if d.code == code), key=lambda d: d.effective_from)
        for a, b in zip(versions, versions[1:]):
            if a.effective_to is None or a.effective_to >= b.effective_from:
                raise DefinitionError(f"Bảng thống kê «{code}»: hai phiên bản có thời gian hiệu lực chồng nhau.")
    return result


def load_definitions(directory: Path = DATA_DIR) -> list[Definition]:
    """Every definition in `directory` (one or several per JSON file), validated."""
    raws: list[Mapping[str, Any]] = []
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise DefinitionError(f"Tệp định nghĩa thống kê {path.name} không đọc được (JSON sai cú pháp: {exc}).") from None
        raws.extend(data if isinstance(data, list) else [data])
    return parse_definitions(raws)


_CACHE: list[Definition] | None = None


def definitions() -> list[Definition]:
    """The shipped definitions (validated once per process)."""
    global _CACHE
    if _CACHE is None:
        _CACHE = load_definitions()
    return _CACHE


def definitions_for_year(year: int, available: Iterable[Definition] | None = None) -> list[Definition]:
    """One definition per code, the version in force on 31 December of `year`, in code order."""
    on = dt.date(year, 12, 31)
    chosen = {d.code: d for d in (available if available is not None else definitions()) if d.in_force(on)}
    return [chosen[code] for code in sorted(chosen)]


def definition_for(code: str, year: int, available: Iterable[Definition] | None = None) -> Definition | None:
    return next((d for d in definitions_for_year(year, available) if d.code == code), None)


# --------------------------------------------------------------------------- computing


@dataclass(frozen=True)
class AwardInfo:
    """What the catalogue says of an award code: title or form, and its statistics level."""

    kind: str | None
    level: str | None


def catalogue_info() -> dict[str, AwardInfo]:
    return {e["code"]: AwardInfo(e["kind"], CATALOGUE_LEVEL_TO_STAT.get(e["level"])) for e in CATALOGUE}


def level_of(decision_level: str | None, catalogue_level: str | None) -> str | None:
    """The statistics level: the level of the decision when recorded, else the award's own level."""
    if decision_level:
        return DECISION_LEVEL_TO_STAT.get(decision_level)
    return catalogue_level


def dimensions_of(*, award_code: str, award_type: str, decision_level: str, is_person: bool, gender: str | None,
                  is_leader: bool | None, unit_kind: str | None, info: Mapping[str, AwardInfo]) -> dict[str, str | None]:
    """The dimension values of one award record (or of a group of identical ones)."""
    award = info.get(award_code, AwardInfo(None, None))
    return {
        "subject": INDIVIDUAL if is_person else COLLECTIVE,
        "kind": award.kind,
        "level": level_of(decision_level, award.level),
        "award": award_code,
        "award_type": award_type,
        "gender": gender if is_person else None,
        "position": (LEADER if is_leader else DIRECT) if is_person and is_leader is not None else None,
        "unit_kind": unit_kind,
    }


def _matches(values: Mapping[str, str | None], where: Mapping[str, frozenset[str]]) -> bool:
    return all(values.get(name) in allowed for name, allowed in where.items())


def cell_where(definition: Definition, row_key: str, column_key: str) -> dict[str, frozenset[str]] | None:
    """The conditions a figure counts by: the filters, the row's and the column's; None when the
    row or column does not exist, or when they contradict each other (an empty cell)."""
    row, column = definition.row(row_key), definition.column(column_key)
    if row is None or column is None:
        return None
    merged: dict[str, frozenset[str]] = dict(definition.filters)
    for where in (row.where, column.where):
        for name, values in where.items():
            merged[name] = merged[name] & values if name in merged else values
    return merged


@dataclass
class Table:
    definition: Definition
    year: int
    cells: dict[tuple[str, str], int] = field(default_factory=dict)

    def value(self, row_key: str, column_key: str) -> int:
        return self.cells.get((row_key, column_key), 0)

    def grid(self) -> list[tuple[Item, list[tuple[Item, int]]]]:
        return [(row, [(col, self.value(row.key, col.key)) for col in self.definition.columns]) for row in self.definition.rows]

    def as_dict(self) -> dict[str, Any]:
        d = self.definition
        return {
            "code": d.code, "version": d.version, "title": d.title, "year": self.year, "period": d.period,
            "basis": d.basis, "citation": d.citation, "unconfirmed": d.unconfirmed,
            "columns": [{"key": c.key, "label": c.label} for c in d.columns],
            "rows": [{"key": r.key, "label": r.label, "values": [self.value(r.key, c.key) for c in d.columns]} for r in d.rows],
        }


def compute(definition: Definition, year: int, groups: Iterable[tuple[Mapping[str, str | None], int]]) -> Table:
    """Add up the grouped counts into the table's cells."""
    table = Table(definition=definition, year=year)
    cells = table.cells
    for values, count in groups:
        if not count or not _matches(values, definition.filters):
            continue
        rows = [r.key for r in definition.rows if _matches(values, r.where)]
        if not rows:
            continue
        columns = [c.key for c in definition.columns if _matches(values, c.where)]
        for r in rows:
            for c in columns:
                cells[(r, c)] = cells.get((r, c), 0) + count
    return table


def describe(definition: Definition, year: int) -> str:
    """Why the figures are what they are, in Vietnamese."""
    text = (f"Số lượt khen thưởng (danh hiệu thi đua, hình thức khen thưởng) có {PERIODS[definition.period]} {year}, "
            "không tính khen thưởng đã bị hủy bỏ")
    if definition.filters:
        parts = [f"{DIMENSIONS[n].label}: {', '.join(DIMENSIONS[n].values[v] for v in sorted(vs))}" for n, vs in definition.filters.items()]
        text += "; chỉ tính " + "; ".join(parts)
    text += "."
    if any(r.is_total for r in definition.rows):
        text += " Dòng «Tổng số» gồm mọi trường hợp thỏa điều kiện của biểu, kể cả trường hợp không thuộc dòng nào ở trên (ví dụ danh hiệu, hình thức riêng của tỉnh)."
    return text
