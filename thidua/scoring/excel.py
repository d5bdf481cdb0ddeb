"""Excel files of criteria scoring: the criteria set, a unit's score sheet, the ranking table.

Three pairs, each a pure builder/parser on plain data (CriterionSpec lists, Ranking, dicts) plus a
thin adapter on model instances at the bottom of the module:

- criteria set: ``build_criteria_workbook(specs)`` / ``parse_criteria_workbook(file)`` →
  (specs, issues). Columns: mã, thuộc nhóm, nội dung, loại, điểm tối đa, bắt buộc minh chứng,
  hướng dẫn chấm. The parsed set goes through ``validate_criteria``; problems name their row.
- score sheet: ``build_sheet_workbook(specs, meta, values)`` / ``parse_sheet_workbook(file, specs,
  expected)`` → ({code: (points, note)}, issues). The file carries the sheet's identity (mã phiếu,
  bảng tiêu chí and its version, the scoring step) so an upload for another unit, another criteria
  set or an earlier step is refused. Blank points = not filled (left out of the result).
- ranking table: ``build_ranking_workbook(ranking, groups, title_lines)`` in the layout councils use
  (STT, đơn vị, điểm từng nhóm, điểm thưởng, điểm trừ, tổng, xếp hạng, xếp loại, ghi chú),
  Times New Roman, title rows.

Uploads are all or nothing: every problem is reported (row, column, Vietnamese message) and nothing
is returned when there is one. The file guards (size, real .xlsx, zip bomb) are those of the
registry import (thidua/org/importer.py).
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from thidua.core.spreadsheets import TooManyRows, sheet_rows, workbook_bytes
from thidua.org.importer import CellError, ImportIssue, ImportRejected, _check_container, parse_bool
from thidua.rules.scoring import (
    KIND_LABELS,
    CriterionSpec,
    Ranking,
    check_score,
    fmt,
    parse_points,
    validate_criteria,
)
from thidua.rules.text import fold, nfc

FONT_NAME = "Times New Roman"
MAX_ROWS = 2_000  # criteria per set / rows per sheet: far above any real table
ROW_SLACK = 500  # title and blank rows; no sheet is read past row MAX_ROWS + ROW_SLACK
MAX_COLUMNS = 20
HEADER_SCAN_ROWS = 30
MAX_NOTE = 2_000
MAX_TITLE = 500
MAX_CODE = 20

CRITERIA_SHEET = "Tiêu chí"
SCORE_SHEET = "Phiếu chấm điểm"
META_SHEET = "Thông tin phiếu"
RANKING_SHEET = "Xếp hạng"

LEVEL_LABELS = {"SELF": "Tự chấm", "CROSS": "Chấm chéo", "PANEL": "Thẩm định"}
KIND_WORDS = {
    "GROUP": ("nhom tieu chi", "nhom", "group"),
    "SCORE": ("tieu chi cham diem", "tieu chi", "diem tieu chi", "score"),
    "BONUS": ("diem thuong", "thuong", "bonus"),
    "DEDUCTION": ("diem tru", "tru", "deduction"),
}

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
GREY = PatternFill("solid", fgColor="E7E6E6")
INPUT = PatternFill("solid", fgColor="FFF2CC")


class ExcelRejected(ImportRejected):
    """The uploaded file or some of its rows are bad; nothing was written. ``rows`` (= ``issues``)
    lists every problem with its row and column."""

    @property
    def rows(self) -> list[ImportIssue]:
        return self.issues


# --------------------------------------------------------------------------- helpers


def _font(size: int = 12, bold: bool = False, italic: bool = False) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic)


def _sheet_title(text: str) -> str:
    return "".join(ch for ch in text if ch not in ":[]*?/\\")[:31] or "Trang 1"


def _save(workbook: Workbook) -> bytes:
    return workbook_bytes(workbook)  # formula-like text (a unit named "=…") stays text


def _title_rows(ws, lines: Sequence[str], width: int, first_size: int = 14) -> int:
    """Merged, centred title lines; returns the next free row."""
    row = 1
    for index, line in enumerate(lines):
        ws.cell(row=row, column=1, value=line).font = _font(first_size if index == 0 else 12, bold=index == 0, italic=index > 0)
        ws.cell(row=row, column=1).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if width > 1:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        row += 1
    return row + 1


def _header(ws, row: int, headers: Sequence[str], widths: Sequence[int]) -> None:
    for column, (text, width) in enumerate(zip(headers, widths), start=1):
        cell = ws.cell(row=row, column=column, value=text)
        cell.font = _font(12, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER
        cell.fill = GREY
        ws.column_dimensions[get_column_letter(column)].width = width


def _cell_text(value: Any) -> str:
    """A cell as text: NFC; Excel numbers of a code column (1.0 → "1", 1.2 → "1.2")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return nfc(str(value))


def _key(value: Any) -> str:
    return fold(_cell_text(value)).rstrip("*").strip()


def _open(fileobj: BinaryIO, size: int | None):
    """(workbook, issues) after the container checks of the registry import."""
    from openpyxl import load_workbook

    if size is None:
        fileobj.seek(0, io.SEEK_END)
        size = fileobj.tell()
        fileobj.seek(0)
    issues = _check_container(fileobj, size)
    if issues:
        return None, issues
    try:
        return load_workbook(fileobj, read_only=True, data_only=True), []
    except Exception:  # openpyxl raises many kinds on damaged files  # noqa: BLE001
        return None, [ImportIssue("Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng .xlsx.")]


def _find_sheet(workbook, name: str):
    for title in workbook.sheetnames:
        if fold(title) == fold(name):
            return workbook[title]
    return None


@dataclass(frozen=True)
class _Col:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False


def _read_table(sheet, columns: Sequence[_Col], sheet_name: str) -> tuple[list[tuple[int, dict[str, Any]]], list[ImportIssue]]:
    """Rows under the header row (found among the first rows: title rows may come first)."""
    names: dict[str, _Col] = {}
    for col in columns:
        for alias in (col.header, *col.aliases):
            names[fold(alias)] = col
    try:
        return _table_rows(sheet, names, columns, sheet_name)
    except TooManyRows as exc:
        return [], [ImportIssue(exc.message(sheet_name))]


def _table_rows(sheet, names: dict[str, _Col], columns: Sequence[_Col], sheet_name: str):
    positions: dict[int, _Col] | None = None
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, values in sheet_rows(sheet, max_col=MAX_COLUMNS, row_limit=MAX_ROWS + ROW_SLACK):
        if positions is None:
            found = {i: names[_key(v)] for i, v in enumerate(values) if _key(v) in names}
            if {c.key for c in found.values()} >= {c.key for c in columns if c.required}:
                positions = {}
                for i, col in found.items():
                    if col not in positions.values():
                        positions[i] = col
                continue
            if number >= HEADER_SCAN_ROWS:
                break
            continue
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            return [], [ImportIssue(f"Tệp có quá nhiều dòng: tối đa {MAX_ROWS:,} dòng.".replace(",", "."), sheet=sheet_name)]
        rows.append((number, {c.key: values[i] if i < len(values) else None for i, c in positions.items()}))
    if positions is None:
        wanted = ", ".join(f"“{c.header}”" for c in columns if c.required)
        return [], [ImportIssue(f"Không tìm thấy dòng tiêu đề có các cột {wanted}. Hãy dùng tệp tải về từ hệ thống.", sheet=sheet_name)]
    return rows, []


# --------------------------------------------------------------------------- criteria set

CRITERIA_COLUMNS = (
    _Col("code", "Mã tiêu chí", ("Mã", "Số thứ tự", "STT", "Mã số"), required=True),
    _Col("parent", "Thuộc nhóm", ("Nhóm cha", "Mã nhóm")),
    _Col("title", "Nội dung tiêu chí", ("Nội dung", "Tiêu chí", "Tên tiêu chí"), required=True),
    _Col("kind", "Loại", ("Loại tiêu chí",)),
    _Col("max", "Điểm tối đa", ("Điểm chuẩn", "Thang điểm", "Điểm")),
    _Col("evidence", "Bắt buộc minh chứng", ("Minh chứng", "Bắt buộc có tài liệu minh chứng")),
    _Col("guidance", "Hướng dẫn chấm", ("Hướng dẫn", "Cách chấm")),
)
CRITERIA_WIDTHS = (12, 12, 60, 20, 12, 14, 50)


def build_criteria_workbook(specs: Sequence[CriterionSpec], *, title_lines: Sequence[str] = ()) -> bytes:
    """The criteria set as a workbook that ``parse_criteria_workbook`` reads back unchanged."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = CRITERIA_SHEET
    lines = list(title_lines) or ["BẢNG TIÊU CHÍ CHẤM ĐIỂM THI ĐUA"]
    row = _title_rows(ws, lines, len(CRITERIA_COLUMNS))
    _header(ws, row, [c.header for c in CRITERIA_COLUMNS], CRITERIA_WIDTHS)
    ws.freeze_panes = ws.cell(row=row + 1, column=1)
    for spec in specs:
        row += 1
        values = [
            spec.code, spec.parent_code or "", spec.title, KIND_LABELS.get(spec.kind, spec.kind),
            spec.max_points, "Có" if spec.evidence_required else "Không", spec.guidance or "",
        ]
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=column, value=value)
            cell.font = _font(12, bold=spec.kind == "GROUP")
            cell.border = BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=column in (3, 7))
            if column in (1, 2):
                cell.number_format = "@"  # "1.10" stays text, not the number 1.1
            if column == 5:
                cell.number_format = "0.00"
    # Typing into empty rows below keeps codes as text too.
    for extra in range(row + 1, row + 201):
        for column in (1, 2):
            ws.cell(row=extra, column=column).number_format = "@"
    _help_sheet(workbook, [
        "Mỗi dòng là một tiêu chí. Cột “Mã tiêu chí” không được trùng (ví dụ 1, 1.2, 1.2.a).",
        "“Thuộc nhóm”: mã của nhóm chứa tiêu chí; để trống với nhóm cao nhất. Để trống mà mã có dạng 1.2 thì hiểu là thuộc nhóm 1 (nếu có).",
        "“Loại”: Nhóm tiêu chí, Tiêu chí chấm điểm, Điểm thưởng hoặc Điểm trừ. Để trống: dòng có tiêu chí con là nhóm, còn lại là tiêu chí chấm điểm.",
        "“Điểm tối đa”: bắt buộc với tiêu chí, điểm thưởng, điểm trừ; với nhóm là mức tối đa của cả nhóm (có thể để trống). Tối đa 2 chữ số thập phân.",
        "Nhóm chỉ gồm điểm thưởng (hoặc điểm trừ) thì điểm tối đa của nhóm là mức trần: cộng vượt thì chỉ tính bằng mức trần.",
        "“Bắt buộc minh chứng”: Có hoặc Không (để trống là Không).",
    ])
    return _save(workbook)


def _help_sheet(workbook: Workbook, lines: Sequence[str]) -> None:
    ws = workbook.create_sheet("Hướng dẫn")
    ws.column_dimensions["A"].width = 120
    ws.cell(row=1, column=1, value="HƯỚNG DẪN").font = _font(13, bold=True)
    for index, line in enumerate(lines, start=3):
        cell = ws.cell(row=index, column=1, value=line)
        cell.font = _font(12)
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _parse_kind(value: Any) -> str | None:
    key = _key(value)
    if not key:
        return None
    for kind, words in KIND_WORDS.items():
        if key in words or key == fold(KIND_LABELS[kind]) or key == kind.lower():
            return kind
    raise CellError(f"Loại “{_cell_text(value)}” không hợp lệ. Ghi một trong: Nhóm tiêu chí; Tiêu chí chấm điểm; Điểm thưởng; Điểm trừ.")


_QUOTED = re.compile(r"“([^”]+)”")


def parse_criteria_workbook(fileobj: BinaryIO, size: int | None = None) -> tuple[list[CriterionSpec], list[ImportIssue]]:
    """The criteria of an uploaded workbook, in file order, or every problem found ([] specs)."""
    workbook, issues = _open(fileobj, size)
    if issues:
        return [], issues
    try:
        sheet = _find_sheet(workbook, CRITERIA_SHEET) or workbook[workbook.sheetnames[0]]
        name = sheet.title
        rows, issues = _read_table(sheet, CRITERIA_COLUMNS, name)
    except Exception:  # noqa: BLE001
        return [], [ImportIssue("Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng .xlsx.")]
    finally:
        workbook.close()
    if issues:
        return [], issues
    if not rows:
        return [], [ImportIssue("Tệp không có tiêu chí nào (chỉ có dòng tiêu đề).", sheet=name)]
    headers = {c.key: c.header for c in CRITERIA_COLUMNS}

    def add(row: int | None, key: str | None, message: str) -> None:
        issues.append(ImportIssue(message, sheet=name, row=row, column=headers.get(key or "", "")))

    parsed: list[dict] = []
    for number, data in rows:
        code = _cell_text(data.get("code")).strip()
        title = _cell_text(data.get("title"))
        item = {"row": number, "code": code, "title": title, "parent": _cell_text(data.get("parent")).strip() or None,
                "guidance": _cell_text(data.get("guidance")), "kind": None, "max": None, "evidence": False}
        if not code:
            add(number, "code", "Ô bắt buộc, không được để trống.")
        elif len(code) > MAX_CODE:
            add(number, "code", f"Mã tiêu chí dài quá {MAX_CODE} ký tự.")
        if not title:
            add(number, "title", "Ô bắt buộc, không được để trống.")
        elif len(title) > MAX_TITLE:
            add(number, "title", f"Nội dung dài quá {MAX_TITLE} ký tự.")
        try:
            item["kind"] = _parse_kind(data.get("kind"))
        except CellError as exc:
            add(number, "kind", str(exc))
        raw_max = data.get("max")
        value, error = parse_points(raw_max)
        if error:
            add(number, "max", error)
        elif value is not None:
            if value < 0:
                add(number, "max", f"Điểm tối đa không được âm ({fmt(value)}).")
            elif value != value.quantize(Decimal("0.01")):
                add(number, "max", f"Điểm tối đa chỉ được có tối đa 2 chữ số thập phân ({fmt(value)}).")
            else:
                item["max"] = value.quantize(Decimal("0.01"))
        try:
            item["evidence"] = parse_bool(data.get("evidence"))
        except CellError as exc:
            add(number, "evidence", str(exc))
        parsed.append(item)
    codes = {p["code"] for p in parsed if p["code"]}
    parents = {p["parent"] for p in parsed if p["parent"]}
    for p in parsed:
        if p["parent"] is None and "." in p["code"]:
            parts = p["code"].split(".")
            for cut in range(len(parts) - 1, 0, -1):
                prefix = ".".join(parts[:cut])
                if prefix in codes:
                    p["parent"] = prefix
                    parents.add(prefix)
                    break
    for p in parsed:
        if p["kind"] is None:
            p["kind"] = "GROUP" if p["code"] in parents else "SCORE"
    if issues:
        return [], issues
    specs = [
        CriterionSpec(code=p["code"], title=p["title"], kind=p["kind"], max_points=p["max"], parent_code=p["parent"],
                      evidence_required=p["evidence"], guidance=p["guidance"])
        for p in parsed
    ]
    row_of: dict[str, int] = {}
    for p in parsed:
        row_of.setdefault(p["code"], p["row"])
    for problem in validate_criteria(specs):
        quoted = [q for q in _QUOTED.findall(problem) if q in row_of]
        row = row_of[quoted[0]] if quoted else None
        if row is None:
            match = re.match(r"Tiêu chí (\S+):", problem)
            row = row_of.get(match.group(1)) if match else None
        add(row, None, problem)
    if issues:
        issues.sort(key=lambda i: (i.row is None, i.row or 0))
        return [], issues
    return specs, []


# --------------------------------------------------------------------------- score sheet


@dataclass(frozen=True)
class SheetMeta:
    """Who and what a score sheet file is for; the parser refuses a file whose identity differs."""

    sheet_uid: str
    unit_name: str
    bloc_name: str
    year: int
    set_uid: str
    set_name: str
    set_version: int
    level: str = "SELF"  # SELF / CROSS / PANEL: the step the file was made for


META_ROWS = (
    ("sheet_uid", "Mã phiếu"),
    ("unit_name", "Đơn vị"),
    ("bloc_name", "Khối, cụm"),
    ("year", "Năm"),
    ("set_uid", "Mã bảng tiêu chí"),
    ("set_name", "Bảng tiêu chí"),
    ("set_version", "Phiên bản bảng tiêu chí"),
    ("level", "Bước chấm"),
    ("fingerprint", "Dấu kiểm bảng tiêu chí"),
)

SHEET_COLUMNS = (
    _Col("code", "Mã", ("Mã tiêu chí", "STT"), required=True),
    _Col("title", "Nội dung tiêu chí", ("Nội dung",)),
    _Col("kind", "Loại"),
    _Col("max", "Điểm tối đa"),
    _Col("reference", "Điểm đơn vị tự chấm", ("Điểm trước",)),
    _Col("points", "Điểm chấm", ("Điểm",), required=True),
    _Col("note", "Giải trình, ghi chú", ("Ghi chú", "Giải trình", "Nhận xét")),
    _Col("reason", "Lý do sửa điểm", ("Lý do",)),
)
REASON_HEADER = "Lý do sửa điểm"


@dataclass(frozen=True)
class SheetUpload:
    """What an uploaded score sheet says: {code: (points, note)} and {code: reason of the change}."""

    values: dict[str, tuple[Decimal, str]]
    reasons: dict[str, str]


def criteria_fingerprint(specs: Sequence[CriterionSpec]) -> str:
    """A short digest of codes, kinds and maxima: a file made for another table is recognised."""
    text = "|".join(f"{s.code};{s.kind};{s.max_points}" for s in specs)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _depths(specs: Sequence[CriterionSpec]) -> dict[str, int]:
    parent = {s.code: s.parent_code for s in specs}
    depth: dict[str, int] = {}
    for s in specs:
        d, code, seen = 0, s.parent_code, set()
        while code and code in parent and code not in seen:
            seen.add(code)
            d += 1
            code = parent[code]
        depth[s.code] = d
    return depth


def build_sheet_workbook(
    specs: Sequence[CriterionSpec],
    meta: SheetMeta,
    values: Mapping[str, tuple[Decimal | None, str]] | None = None,
    *,
    reference: Mapping[str, Decimal | None] | None = None,
    with_reasons: bool = False,
) -> bytes:
    """A pre-filled score sheet: criteria rows with their max, a points column and a note column.

    ``values`` pre-fills points and notes of the step being entered; ``reference`` (for chấm chéo /
    thẩm định) shows the unit's own points beside them, read only. ``with_reasons`` adds the column
    "Lý do sửa điểm" (a change after the sheet was first submitted needs a reason)."""
    values = values or {}
    level_label = LEVEL_LABELS.get(meta.level, meta.level)
    headers = ["Mã", "Nội dung tiêu chí", "Loại", "Điểm tối đa"]
    widths = [10, 62, 16, 11]
    if reference is not None:
        headers.append("Điểm đơn vị tự chấm")
        widths.append(13)
    headers += ["Điểm chấm", "Giải trình, ghi chú"]
    widths += [12, 45]
    points_col = len(headers) - 1
    if with_reasons:
        headers.append(REASON_HEADER)
        widths.append(40)
    workbook = Workbook()
    ws = workbook.active
    ws.title = SCORE_SHEET
    row = _title_rows(ws, [
        f"PHIẾU CHẤM ĐIỂM THI ĐUA NĂM {meta.year}",
        f"Đơn vị: {meta.unit_name}",
        f"Khối, cụm: {meta.bloc_name}",
        f"Bảng tiêu chí: {meta.set_name} (phiên bản {meta.set_version}) — Bước chấm: {level_label}",
        "Chỉ nhập vào cột “Điểm chấm” và “Giải trình, ghi chú”"
        + (" (và “Lý do sửa điểm” cho mỗi điểm sửa)" if with_reasons else "")
        + "; không sửa cột “Mã”. Điểm trừ ghi số điểm bị trừ (số dương). Ô để trống là chưa chấm.",
    ], len(headers))
    _header(ws, row, headers, widths)
    ws.freeze_panes = ws.cell(row=row + 1, column=3)
    depth = _depths(specs)
    for spec in specs:
        row += 1
        points, note = values.get(spec.code, (None, ""))
        cells = [spec.code, ("    " * depth[spec.code]) + spec.title, KIND_LABELS.get(spec.kind, spec.kind), spec.max_points]
        if reference is not None:
            cells.append(reference.get(spec.code))
        if spec.kind == "GROUP":
            points, note = None, ""
        cells += [points, note or ""]
        if with_reasons:
            cells.append("")
        for column, value in enumerate(cells, start=1):
            cell = ws.cell(row=row, column=column, value=value)
            cell.font = _font(12, bold=spec.kind == "GROUP")
            cell.border = BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=column == 2 or column > points_col)
            if column == 1:
                cell.number_format = "@"
            elif isinstance(value, Decimal) or column in (4, points_col):
                cell.number_format = "0.00"
            if spec.kind == "GROUP":
                cell.fill = GREY
            elif column >= points_col:
                cell.fill = INPUT
    meta_ws = workbook.create_sheet(META_SHEET)
    meta_ws.column_dimensions["A"].width = 26
    meta_ws.column_dimensions["B"].width = 60
    data = {**{key: getattr(meta, key) for key, _ in META_ROWS if key != "fingerprint"}, "fingerprint": criteria_fingerprint(specs)}
    for index, (key, label) in enumerate(META_ROWS, start=1):
        meta_ws.cell(row=index, column=1, value=label).font = _font(12, bold=True)
        cell = meta_ws.cell(row=index, column=2, value=str(data[key]))
        cell.font = _font(12)
        cell.number_format = "@"
    meta_ws.sheet_state = "hidden"
    return _save(workbook)


def _read_meta(workbook) -> dict[str, str] | None:
    sheet = _find_sheet(workbook, META_SHEET)
    if sheet is None:
        return None
    by_label = {fold(label): key for key, label in META_ROWS}
    meta: dict[str, str] = {}
    for number, values in sheet_rows(sheet, max_col=2, row_limit=40, beyond="stop"):
        if not values:
            continue
        key = by_label.get(_key(values[0]))
        if key:
            meta[key] = _cell_text(values[1] if len(values) > 1 else None)
    return meta


def parse_sheet_workbook(
    fileobj: BinaryIO, *, specs: Sequence[CriterionSpec], expected: SheetMeta, size: int | None = None
) -> tuple[dict[str, tuple[Decimal, str]], list[ImportIssue]]:
    """The points and notes of an uploaded score sheet: {code: (points, note)}, blank points left
    out; or ({}, every problem) — wrong file, wrong unit, other criteria set or step, bad cells."""
    upload, issues = parse_sheet_upload(fileobj, specs=specs, expected=expected, size=size)
    return (upload.values if upload else {}), issues


def parse_sheet_upload(
    fileobj: BinaryIO, *, specs: Sequence[CriterionSpec], expected: SheetMeta, size: int | None = None
) -> tuple[SheetUpload | None, list[ImportIssue]]:
    """Like parse_sheet_workbook, with the reasons of the column “Lý do sửa điểm” as well."""
    workbook, issues = _open(fileobj, size)
    if issues:
        return None, issues
    try:
        meta = _read_meta(workbook)
        sheet = _find_sheet(workbook, SCORE_SHEET)
        rows: list = []
        if meta is not None and sheet is not None:
            rows, issues = _read_table(sheet, SHEET_COLUMNS, SCORE_SHEET)
    except Exception:  # noqa: BLE001
        return None, [ImportIssue("Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng .xlsx.")]
    finally:
        workbook.close()
    if meta is None or sheet is None or not meta.get("sheet_uid"):
        return None, [ImportIssue("Tệp không phải phiếu chấm điểm tải về từ hệ thống (thiếu trang “Phiếu chấm điểm” hoặc thông tin phiếu). "
                                "Hãy tải phiếu của đơn vị về, điền điểm vào đó rồi tải lên.")]
    if meta["sheet_uid"] != str(expected.sheet_uid):
        return None, [ImportIssue(f"Tệp này là phiếu chấm điểm của “{meta.get('unit_name', '?')}” năm {meta.get('year', '?')}, "
                                f"không phải phiếu của “{expected.unit_name}” năm {expected.year}. Không có điểm nào được ghi.")]
    if meta.get("set_uid") != str(expected.set_uid) or meta.get("set_version") != str(expected.set_version) \
            or meta.get("fingerprint") != criteria_fingerprint(specs):
        return None, [ImportIssue(f"Tệp được tải về theo bảng tiêu chí “{meta.get('set_name', '?')}” phiên bản {meta.get('set_version', '?')}; "
                                f"phiếu nay dùng “{expected.set_name}” phiên bản {expected.set_version}. Hãy tải phiếu mới về và nhập lại.")]
    if meta.get("level") != expected.level:
        was = LEVEL_LABELS.get(meta.get("level", ""), meta.get("level", "?"))
        now = LEVEL_LABELS.get(expected.level, expected.level)
        return None, [ImportIssue(f"Tệp được tải về ở bước “{was}”, nay phiếu đang ở bước “{now}”. Hãy tải phiếu mới về và nhập lại.")]
    if issues:
        return None, issues
    headers = {c.key: c.header for c in SHEET_COLUMNS}

    def add(row: int, key: str | None, message: str) -> None:
        issues.append(ImportIssue(message, sheet=SCORE_SHEET, row=row, column=headers.get(key or "", "")))

    by_code = {s.code: s for s in specs}
    seen: dict[str, int] = {}
    result: dict[str, tuple[Decimal, str]] = {}
    reasons: dict[str, str] = {}
    for number, data in rows:
        code = _cell_text(data.get("code")).strip()
        raw = data.get("points")
        note = _cell_text(data.get("note")) if data.get("note") is not None else ""
        if not code:
            if raw is None and not note:
                continue  # a stray title or total row without code or points
            add(number, "code", "Thiếu mã tiêu chí: không biết điểm này của tiêu chí nào.")
            continue
        spec = by_code.get(code)
        if spec is None:
            add(number, "code", f"Mã tiêu chí “{code}” không có trong bảng tiêu chí của phiếu.")
            continue
        if code in seen:
            add(number, "code", f"Tiêu chí “{code}” xuất hiện hai lần (dòng {seen[code]} và dòng {number}).")
            continue
        seen[code] = number
        value, error = check_score(spec, raw)
        if error:
            add(number, "points", error)
            continue
        if len(note) > MAX_NOTE:
            add(number, "note", f"Giải trình dài quá {MAX_NOTE:,} ký tự.".replace(",", "."))
            continue
        if value is None:
            if note and spec.kind != "GROUP":
                add(number, "points", f"Tiêu chí {code}: có giải trình nhưng chưa có điểm. Hãy nhập điểm (0 cũng là một mức điểm) hoặc xoá giải trình.")
            continue
        result[code] = (value, note)
        reason = _cell_text(data.get("reason")) if data.get("reason") is not None else ""
        if reason:
            reasons[code] = reason
    if issues:
        return None, issues
    return SheetUpload(values=result, reasons=reasons), []


# --------------------------------------------------------------------------- ranking table


def build_ranking_workbook(
    ranking: Ranking,
    *,
    groups: Sequence[tuple[str, str, Decimal | None]] = (),
    title_lines: Sequence[str] = (),
    footer_lines: Sequence[str] = (),
) -> bytes:
    """The ranking table in the layout councils use. ``groups``: (code, title, max) of the
    top-level criteria groups, one column each; then bonus, deduction, total, rank, band, note."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = RANKING_SHEET
    headers = ["STT", "Đơn vị"]
    widths = [6, 40]
    for code, title, max_points in groups:
        suffix = f" ({fmt(max_points)} điểm)" if max_points is not None else ""
        headers.append(f"{code}. {title}{suffix}")
        widths.append(16)
    headers += ["Điểm thưởng", "Điểm trừ", "Tổng điểm", "Xếp hạng", "Xếp loại", "Ghi chú"]
    widths += [11, 10, 11, 9, 13, 50]
    lines = list(title_lines) or ["BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG THI ĐUA"]
    row = _title_rows(ws, lines, len(headers))
    _header(ws, row, headers, widths)
    ws.row_dimensions[row].height = 48
    ws.freeze_panes = ws.cell(row=row + 1, column=3)
    ws.print_title_rows = f"{row}:{row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    for stt, r in enumerate(ranking.rows, start=1):
        row += 1
        t = r.totals
        notes: list[str] = []
        if r.proposed_leader:
            notes.append("Đề xuất đơn vị dẫn đầu.")
        if r.within_quota and r.rank is not None and not r.proposed_leader:
            notes.append("Trong chỉ tiêu đề nghị.")
        notes.extend(r.reasons)
        cells: list[Any] = [stt, r.label]
        for code, _, _ in groups:
            cells.append(t.by_group.get(code) if t else None)
        cells += [
            t.bonus if t else None, t.deduction if t else None, r.total,
            r.rank if r.rank is not None else "Không xếp hạng", r.band_label or "", " ".join(notes),
        ]
        for column, value in enumerate(cells, start=1):
            cell = ws.cell(row=row, column=column, value=value)
            cell.font = _font(12, bold=r.proposed_leader and column in (2, len(cells) - 3))
            cell.border = BORDER
            numeric = isinstance(value, (int, Decimal)) and column > 2
            cell.alignment = Alignment(
                horizontal="center" if column in (1,) or (numeric or column == len(cells) - 2) else None,
                vertical="top", wrap_text=column in (2, len(cells)),
            )
            if isinstance(value, Decimal):
                cell.number_format = "0.00"
    row += 2
    for line in list(ranking.explanation) + list(footer_lines):
        cell = ws.cell(row=row, column=1, value=line)
        cell.font = _font(12, italic=True)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(headers))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        row += 1
    return _save(workbook)


# --------------------------------------------------------------------------- model adapters
# Thin: read the models through the scoring selectors, call the builders/parsers above.


def _specs_of(criteria_set):
    from thidua.scoring.selectors import criterion_specs, ordered_criteria

    return criterion_specs(ordered_criteria(criteria_set))


def export_criteria_set(criteria_set) -> bytes:
    bloc = getattr(criteria_set, "bloc", None)
    lines = [
        "BẢNG TIÊU CHÍ CHẤM ĐIỂM THI ĐUA",
        f"{criteria_set.name} — năm {criteria_set.year}, phiên bản {criteria_set.version_no}"
        + (f" — {bloc.name}" if bloc is not None else " — bảng mẫu của tỉnh"),
    ]
    return build_criteria_workbook(_specs_of(criteria_set), title_lines=lines)


def read_criteria_upload(upload) -> list[CriterionSpec]:
    """The specs of an uploaded criteria workbook (Django UploadedFile or binary file), or
    ExcelRejected listing every problem."""
    specs, issues = parse_criteria_workbook(upload, getattr(upload, "size", None))
    if issues:
        raise ExcelRejected(issues)
    return specs


def sheet_meta(sheet, level: str | None = None) -> SheetMeta:
    from thidua.rules.scoring import SHEET_SCORE_LEVEL

    round_ = sheet.round
    criteria_set = round_.criteria_set
    if level is None:
        level = SHEET_SCORE_LEVEL.get(sheet.state, (None, "SELF"))[1]
    return SheetMeta(
        sheet_uid=str(sheet.uid), unit_name=sheet.unit.name, bloc_name=round_.bloc_year.bloc.name, year=round_.bloc_year.year,
        set_uid=str(criteria_set.uid), set_name=criteria_set.name, set_version=criteria_set.version_no, level=level,
    )


def export_sheet(sheet, level: str | None = None) -> bytes:
    """The pre-filled score sheet of `sheet` for the step it is in (or `level`): the points of
    that step where entered, else the points that count so far; the unit's own points beside them
    from chấm chéo on."""
    from thidua.scoring.models import Score

    meta = sheet_meta(sheet, level)
    specs = _specs_of(sheet.round.criteria_set)
    values: dict[str, tuple[Decimal | None, str]] = {}
    reference: dict[str, Decimal | None] | None = None if meta.level == "SELF" else {}
    field, note_field = {"SELF": ("self_points", "self_note"), "CROSS": ("cross_points", "cross_note"),
                         "PANEL": ("final_points", "final_note")}[meta.level]
    for score in Score.objects.filter(sheet=sheet).select_related("criterion"):
        own = getattr(score, field)
        values[score.criterion.code] = (own if own is not None else score.effective_points, getattr(score, note_field, "") or "")
        if reference is not None:
            reference[score.criterion.code] = score.self_points
    return build_sheet_workbook(specs, meta, values, reference=reference, with_reasons=sheet.submitted_at is not None)


def read_sheet_upload(upload, sheet, level: str | None = None) -> SheetUpload:
    """Points, notes and reasons of an uploaded score sheet for `sheet` at `level` (pass
    ``.values`` and ``.reasons`` to do_import_sheet), or ExcelRejected listing every problem."""
    specs = _specs_of(sheet.round.criteria_set)
    result, issues = parse_sheet_upload(upload, specs=specs, expected=sheet_meta(sheet, level), size=getattr(upload, "size", None))
    if issues:
        raise ExcelRejected(issues)
    return result


def ranking_for_export(scoring_round):
    """(ranking, groups, status) of a round: the published snapshot once published, else computed
    now. Shared by the XLSX and the DOCX (thidua/scoring/document.py)."""
    from thidua.rules.scoring import ranking_from_dict
    from thidua.scoring.selectors import ordered_criteria, round_ranking

    criteria = ordered_criteria(scoring_round.criteria_set)
    specs_kinds = _specs_of(scoring_round.criteria_set)
    has_score = _groups_with_scores(specs_kinds)
    groups = [(c.code, c.title, c.max_points) for c in criteria if c.parent_id is None and c.code in has_score]
    if scoring_round.is_published and scoring_round.ranking_snapshot:
        ranking = ranking_from_dict(scoring_round.ranking_snapshot)
        status = "Kết quả đã công bố" + (f" ngày {scoring_round.published_at:%d/%m/%Y}" if scoring_round.published_at else "")
    else:
        ranking = round_ranking(scoring_round)
        status = "Kết quả tạm tính, chưa công bố"
    return ranking, groups, status


def export_ranking(scoring_round) -> bytes:
    """The ranking table of a round as XLSX."""
    ranking, groups, status = ranking_for_export(scoring_round)
    bloc_year = scoring_round.bloc_year
    lines = [
        "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG THI ĐUA",
        f"{bloc_year.bloc.name} — năm {bloc_year.year}",
        status,
    ]
    return build_ranking_workbook(ranking, groups=groups, title_lines=lines)


def _groups_with_scores(specs: Sequence[CriterionSpec]) -> set[str]:
    """Top-level codes that carry criteria points (the columns of the ranking table)."""
    from thidua.rules.scoring import sheet_totals

    return set(sheet_totals(specs, {}).by_group)
