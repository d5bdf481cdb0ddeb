"""Importing the registry (units and people) from an Excel workbook, all or nothing.

Three steps, each usable on its own:

1. `read_workbook(file)` checks the file itself (size, real .xlsx content, row cap) and turns the
   sheets "Đơn vị" and "Cá nhân" into plain rows: (row number, {column key: NFC value}).
2. `validate_rows(...)` checks every row against the registry rules and the actor's scope and
   returns (plan, issues): unsaved objects ready to write, and every problem found.
3. `do_import_registry(...)` is the action: it checks the right, validates again inside ONE
   transaction and writes everything or nothing, with audit rows.

`build_template()` produces the downloadable template workbook.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from thidua.audit.log import diff, record, snapshot
from thidua.audit.models import AuditLog
from thidua.core.access import ensure, scope_of, scoped
from thidua.core.errors import ActionError, NotPermitted
from thidua.core.models import normalise_text_fields
from thidua.core.spreadsheets import TooManyRows, sheet_rows, workbook_bytes
from thidua.org.models import Department, DocFormat, Gender, Person, Province, Unit, UnitKind
from thidua.rules.text import fold, nfc

# A sane cap on data rows per file (both sheets together).
MAX_ROWS = 20_000
# Blank or title rows a sheet may have beside its data rows: no sheet is read past row
# MAX_ROWS + ROW_SLACK, whatever the file says (see thidua/core/spreadsheets.py).
ROW_SLACK = 1_000
# Columns looked at per sheet; anything to the right is ignored.
MAX_COLUMNS = 40
# Refuse archives that inflate beyond this (a 10 MB .xlsx of text stays far below it).
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
EARLIEST_DATE = dt.date(1900, 1, 1)

UNIT_SHEET = "Đơn vị"
PERSON_SHEET = "Cá nhân"
HELP_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh mục"

YES_WORDS = {"co", "x", "1", "true", "dung", "yes"}
NO_WORDS = {"khong", "0", "false", "sai", "no"}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    kind: str = "text"  # text | date | bool | choice
    choices: tuple[tuple[str, str], ...] = ()
    width: int = 18
    help: str = ""

    @property
    def title(self) -> str:
        return f"{self.header} *" if self.required else self.header


UNIT_COLUMNS: tuple[Column, ...] = (
    Column("name", "Tên đơn vị", required=True, width=42, help="Tên đầy đủ, không trùng với đơn vị đang hoạt động trong tỉnh."),
    Column("short_name", "Tên viết tắt", width=14),
    Column("kind", "Loại đơn vị", required=True, kind="choice", choices=tuple(UnitKind.choices), width=34,
           help="Chọn trong danh sách."),
    Column("doc_format", "Thể thức văn bản", kind="choice", choices=tuple(DocFormat.choices), width=30,
           help="Để trống thì theo loại đơn vị: cơ quan Đảng dùng Hướng dẫn 36, đơn vị khác dùng Nghị định 30."),
    Column("superior_name", "Cơ quan cấp trên (tiêu đề văn bản)", width=30,
           help="Dòng đầu tiêu đề văn bản, ví dụ ĐẢNG BỘ TỈNH AN GIANG hoặc UBND TỈNH QUẢNG NINH."),
    Column("parent", "Đơn vị cấp trên", width=30,
           help="Tên một đơn vị đã có trong danh mục hoặc ở dòng phía trên của trang này; có thể để trống."),
    Column("address", "Địa chỉ", width=36),
    Column("established_on", "Ngày thành lập", kind="date", width=16, help="Ngày/tháng/năm, ví dụ 05/03/2010."),
)

PERSON_COLUMNS: tuple[Column, ...] = (
    Column("full_name", "Họ và tên", required=True, width=28),
    Column("gender", "Giới tính", required=True, kind="choice", choices=tuple(Gender.choices), width=10, help="Nam hoặc Nữ."),
    Column("birth_date", "Ngày sinh", kind="date", width=14, help="Ngày/tháng/năm, ví dụ 05/03/1985."),
    Column("ethnicity", "Dân tộc", width=12, help="Để trống thì ghi là Kinh."),
    Column("staff_code", "Mã cán bộ", width=14, help="Không trùng với người khác trong tỉnh; có thể để trống."),
    Column("unit", "Đơn vị", required=True, width=36,
           help="Ghi đúng tên đơn vị đã có trong danh mục hoặc ở trang Đơn vị của tệp này."),
    Column("department", "Phòng, ban", width=26, help="Chưa có thì được thêm vào đơn vị."),
    Column("position_title", "Chức vụ", width=24),
    Column("is_leader", "Lãnh đạo, quản lý", kind="bool", width=12, help="Có hoặc Không; để trống là Không."),
    Column("is_party_member", "Đảng viên", kind="bool", width=12, help="Có hoặc Không; để trống là Không."),
)

SHEETS: dict[str, tuple[Column, ...]] = {UNIT_SHEET: UNIT_COLUMNS, PERSON_SHEET: PERSON_COLUMNS}


# --------------------------------------------------------------------------- issues and plan


@dataclass(frozen=True)
class ImportIssue:
    """One problem: a whole-file problem has no sheet/row; a row problem may name its column."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""

    def __str__(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"Trang “{self.sheet}”")
        if self.row is not None:
            parts.append(f"Dòng {self.row}")
        if self.column:
            parts.append(f"cột {self.column}")
        where = ", ".join(parts)
        return f"{where}: {self.message}" if where else self.message


class ImportRejected(ActionError):
    """The file or some rows are bad; nothing was written."""

    code = "import_rejected"

    def __init__(self, issues: list[ImportIssue]):
        count = len(issues)
        super().__init__(f"Không nhập được: tệp có {count} lỗi. Chưa có dữ liệu nào được ghi; hãy sửa các lỗi dưới đây rồi tải lại tệp.")
        self.issues = issues


Row = tuple[int, dict[str, Any]]


@dataclass
class ImportPlan:
    units: list[Unit] = field(default_factory=list)
    departments: list[Department] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)


@dataclass
class ImportResult:
    units: int
    departments: int
    people: int
    dry_run: bool = False
    preview_units: list[Unit] = field(default_factory=list)
    preview_people: list[Person] = field(default_factory=list)

    def message(self) -> str:
        parts = [f"{n} {label}" for n, label in ((self.units, "đơn vị"), (self.people, "cá nhân")) if n]
        extra = f" (thêm {self.departments} phòng, ban mới)" if self.departments else ""
        if self.dry_run:
            return f"Tệp hợp lệ: sẽ nhập {', '.join(parts)}{extra}. Chưa ghi gì; bỏ chọn “Chỉ kiểm tra” và tải lại tệp để nhập."
        return f"Đã nhập {', '.join(parts)}{extra}."


# --------------------------------------------------------------------------- reading the file


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def _check_container(fileobj: BinaryIO, size: int) -> list[ImportIssue]:
    """Look at the bytes, not the name: an .xlsx is a zip holding xl/workbook.xml."""
    limit = settings.IMPORT_MAX_BYTES
    if size > limit:
        return [ImportIssue(f"Tệp quá lớn ({_megabytes(size)} MB). Dung lượng tối đa là {_megabytes(limit)} MB; hãy chia nhỏ tệp.")]
    if size == 0:
        return [ImportIssue("Tệp rỗng, không có dữ liệu. Hãy tải mẫu, điền dữ liệu rồi tải lên lại.")]
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return [ImportIssue("Tệp là định dạng Excel 97-2003 (.xls) hoặc tệp đã đặt mật khẩu. Hãy mở tệp bằng Excel, "
                            "chọn Lưu thành “Excel Workbook (.xlsx)” rồi tải lên lại.")]
    not_xlsx = ImportIssue("Tệp không phải bảng tính Excel (.xlsx). Hãy dùng tệp mẫu tải về từ trang này "
                           "(tệp CSV hoặc tệp đổi đuôi thành .xlsx không đọc được).")
    if not head.startswith(b"PK\x03\x04"):
        return [not_xlsx]
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        fileobj.seek(0)
        return [not_xlsx]
    fileobj.seek(0)
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        return [not_xlsx]
    if inflated > MAX_UNCOMPRESSED_BYTES:
        return [ImportIssue("Tệp chứa quá nhiều dữ liệu khi giải nén. Hãy chia nhỏ tệp.")]
    return []


def check_file(fileobj: BinaryIO, size: int) -> list[ImportIssue]:
    """The whole-file checks only (size, a real .xlsx), cheap enough to run before queuing a job."""
    return _check_container(fileobj, size)


def _cell(value: Any) -> Any:
    """NFC-normalise text; turn whole floats (Excel numbers) into ints; blank text into None."""
    if isinstance(value, str):
        text = nfc(value)
        return text or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _header_key(value: Any) -> str:
    return fold(str(value or "")).rstrip("*").strip()


def _sheet_rows(sheet, columns: tuple[Column, ...], sheet_name: str, budget: int) -> tuple[list[Row], list[ImportIssue], int]:
    """Rows of one sheet keyed by column; the first non-empty row is the header."""
    by_header = {_header_key(c.header): c for c in columns}
    by_header.update({_header_key(c.title): c for c in columns})
    rows: list[Row] = []
    positions: dict[int, Column] | None = None
    for number, values in sheet_rows(sheet, max_col=MAX_COLUMNS, row_limit=MAX_ROWS + ROW_SLACK):
        values = [_cell(v) for v in values]
        if all(v is None for v in values):
            continue
        if positions is None:
            positions = {}
            for index, value in enumerate(values):
                column = by_header.get(_header_key(value))
                if column is not None and column not in positions.values():
                    positions[index] = column
            missing = [c.header for c in columns if c.required and c not in positions.values()]
            if missing:
                return [], [ImportIssue(f"Thiếu cột bắt buộc: {', '.join(missing)}. Hãy dùng đúng dòng tiêu đề của tệp mẫu.",
                                        sheet=sheet_name, row=number)], budget
            continue
        budget -= 1
        if budget < 0:
            return rows, [ImportIssue(f"Tệp có quá nhiều dòng: tối đa {MAX_ROWS:,} dòng dữ liệu mỗi lần nhập. "
                                      "Hãy chia thành nhiều tệp nhỏ hơn.".replace(",", "."))], budget
        rows.append((number, {c.key: values[i] if i < len(values) else None for i, c in positions.items()}))
    return rows, [], budget


def read_sheets(fileobj: BinaryIO, size: int | None, sheets: dict) -> tuple[dict[str, list[Row]], list[ImportIssue]]:
    """Read the data sheets named in `sheets` ({sheet name: columns}) of an uploaded workbook, after
    the container checks (size, real .xlsx, zip bomb). Returns ({sheet: rows}, file issues); a sheet
    missing from the file gives no rows. Shared by every Excel import."""
    from openpyxl import load_workbook

    if size is None:
        fileobj.seek(0, io.SEEK_END)
        size = fileobj.tell()
        fileobj.seek(0)
    issues = _check_container(fileobj, size)
    if issues:
        return {}, issues
    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on damaged files  # noqa: BLE001
        return {}, [ImportIssue("Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng .xlsx.")]
    result: dict[str, list[Row]] = {name: [] for name in sheets}
    found = False
    budget = MAX_ROWS
    try:
        wanted = {fold(name): name for name in sheets}
        for sheet_title in workbook.sheetnames:
            name = wanted.get(fold(sheet_title))
            if name is None:
                continue
            found = True
            sheet = workbook[sheet_title]
            try:
                rows, sheet_issues, budget = _sheet_rows(sheet, sheets[name], name, budget)
            except TooManyRows as exc:
                return {}, [ImportIssue(exc.message(name))]
            if sheet_issues:
                return {}, sheet_issues
            result[name] = rows
    except Exception:  # noqa: BLE001
        return {}, [ImportIssue("Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng .xlsx.")]
    finally:
        workbook.close()
    names = " hoặc ".join(f"“{name}”" for name in sheets)
    if not found:
        return {}, [ImportIssue(f"Tệp không đúng mẫu: không có trang {names}. Hãy tải tệp mẫu và điền dữ liệu vào đó.")]
    if not any(result.values()):
        return {}, [ImportIssue("Tệp không có dòng dữ liệu nào (chỉ có dòng tiêu đề). Hãy điền dữ liệu từ dòng thứ 2.")]
    return result, []


def read_workbook(fileobj: BinaryIO, size: int | None = None) -> tuple[dict[str, list[Row]], list[ImportIssue]]:
    """Read the two data sheets (units, people) of an uploaded registry workbook."""
    return read_sheets(fileobj, size, SHEETS)


# --------------------------------------------------------------------------- cell parsing

_DATE_TEXT = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?$")


class CellError(ValueError):
    pass


def parse_date(value: Any) -> dt.date | None:
    """A date from a real Excel date, an Excel serial number or dd/mm/yyyy text."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellError(f"Ngày không hợp lệ: “{value}”. Nhập theo dạng ngày/tháng/năm, ví dụ 05/03/1985.")
    if isinstance(value, (int, float)):
        if 1 <= value < 2958466:
            from openpyxl.utils.datetime import from_excel

            result = from_excel(value)
            return result.date() if isinstance(result, dt.datetime) else result
        raise CellError(f"Ngày không hợp lệ: “{value}”. Nhập theo dạng ngày/tháng/năm, ví dụ 05/03/1985.")
    text = str(value).strip()
    match = _DATE_TEXT.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        iso = _ISO_DATE.match(text)
        if not iso:
            raise CellError(f"Ngày không hợp lệ: “{text}”. Nhập theo dạng ngày/tháng/năm, ví dụ 05/03/1985.")
        year, month, day = (int(g) for g in iso.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(f"Ngày “{text}” không có thật trên lịch (kiểm tra lại ngày và tháng).") from None


def parse_bool(value: Any) -> bool:
    if value is None or value == "":
        return False
    if isinstance(value, bool):
        return value
    key = fold(str(value))
    if key in YES_WORDS:
        return True
    if key in NO_WORDS:
        return False
    raise CellError(f"Giá trị “{value}” không hợp lệ. Ghi “Có” hoặc “Không”.")


def parse_choice(value: Any, choices: Iterable[tuple[str, str]]) -> str | None:
    if value is None or value == "":
        return None
    key = fold(str(value))
    for code, label in choices:
        if key in {fold(label), fold(code)}:
            return code
    labels = "; ".join(label for _, label in choices)
    raise CellError(f"Giá trị “{value}” không có trong danh sách. Chọn một trong: {labels}.")


def parse_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%d/%m/%Y")
    return nfc(str(value))


def _name_key(value: str) -> str:
    return nfc(value).casefold()


# --------------------------------------------------------------------------- validation


class _Collector:
    def __init__(self, sheet: str, columns: tuple[Column, ...]):
        self.sheet = sheet
        self.headers = {c.key: c.header for c in columns}
        self.issues: list[ImportIssue] = []

    def add(self, row: int, key: str | None, message: str) -> None:
        self.issues.append(ImportIssue(message, sheet=self.sheet, row=row, column=self.headers.get(key or "", "")))

    def model_errors(self, row: int, instance, exclude: list[str]) -> bool:
        normalise_text_fields(instance)
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                for message in messages:
                    self.add(row, key if key in self.headers else None, str(message))
            return True
        return False


def _parse_row(collector: _Collector, number: int, data: dict[str, Any], columns: tuple[Column, ...]) -> dict[str, Any] | None:
    """Typed values of one row, or None when a cell is bad (its issue is recorded)."""
    values: dict[str, Any] = {}
    ok = True
    for column in columns:
        raw = data.get(column.key)
        if column.required and (raw is None or raw == ""):
            collector.add(number, column.key, "Ô bắt buộc, không được để trống.")
            ok = False
            continue
        try:
            if column.kind == "date":
                values[column.key] = parse_date(raw)
            elif column.kind == "bool":
                values[column.key] = parse_bool(raw)
            elif column.kind == "choice":
                values[column.key] = parse_choice(raw, column.choices)
            else:
                values[column.key] = parse_text(raw)
        except CellError as exc:
            collector.add(number, column.key, str(exc))
            ok = False
    return values if ok else None


class _UnitIndex:
    """Units a row may name: those the actor can see, and those created earlier in the file."""

    def __init__(self, actor):
        visible = scoped(actor, Unit.objects.all(), "registry.view") if actor is not None else Unit.objects.all()
        if actor is not None:
            # A unit officer names the other units of their province: say "out of scope", not
            # "unknown". Units of other provinces stay unknown.
            home = set()
            for grant in scope_of(actor).grants_for("registry.import"):
                if grant.unit_id is not None:
                    home |= grant.province_ids
            if home:
                visible = Unit.objects.filter(Q(pk__in=visible.values("pk")) | Q(province_id__in=home))
        importable_ids = (
            set(scoped(actor, Unit.objects.all(), "registry.import").values_list("pk", flat=True)) if actor is not None else None
        )
        self.by_name: dict[str, list[Unit]] = {}
        for unit in visible.select_related("province").only(
            "pk", "name", "province_id", "ended_on", "province__name", "province__code", "province__valid_to"
        ):
            self.by_name.setdefault(_name_key(unit.name), []).append(unit)
        self.importable_ids = importable_ids
        self.new: dict[str, Unit] = {}

    def may_import(self, unit: Unit) -> bool:
        return self.importable_ids is None or unit.pk in self.importable_ids


def _remember_bad_unit(index: _UnitIndex, name: str, province: Province | None) -> None:
    """A bad unit row still defines its name, so people rows naming it get no second error."""
    if name:
        index.new.setdefault(_name_key(name), Unit(name=name, province=province))


def validate_rows(
    *,
    actor,
    province: Province | None,
    unit_rows: list[Row],
    person_rows: list[Row],
    today: dt.date | None = None,
) -> tuple[ImportPlan, list[ImportIssue]]:
    """Check every row; return the unsaved objects to create and every issue found.

    `province` receives the new units (None when the actor may only add people to their unit).
    """
    today = today or dt.date.today()
    plan = ImportPlan()
    units_c = _Collector(UNIT_SHEET, UNIT_COLUMNS)
    people_c = _Collector(PERSON_SHEET, PERSON_COLUMNS)
    index = _UnitIndex(actor)

    # ---- units
    may_add_units = province is not None
    if may_add_units and actor is not None:
        try:
            ensure(actor, "unit.edit", province=province)
        except NotPermitted:
            may_add_units = False
    lineage = province.lineage_ids() if province is not None else set()
    active_names: set[str] = set()
    if province is not None:
        active_names = {
            _name_key(n) for n in Unit.objects.filter(province=province, ended_on__isnull=True).values_list("name", flat=True)
        }
    seen_units: dict[str, int] = {}
    for number, data in unit_rows:
        values = _parse_row(units_c, number, data, UNIT_COLUMNS)
        name = parse_text(data.get("name"))
        if name:
            key = _name_key(name)
            if key in seen_units:
                units_c.add(number, "name", f"Trùng tên với đơn vị ở dòng {seen_units[key]} của trang này.")
                values = None
            else:
                seen_units[key] = number
                if key in active_names:
                    units_c.add(number, "name", f"Đã có đơn vị đang hoạt động tên “{name}” trong tỉnh.")
                    values = None
        if not may_add_units:
            units_c.add(number, None, "Bạn không được thêm đơn vị: ngoài phạm vi được phân quyền.")
            values = None
        if values is None:
            _remember_bad_unit(index, name, province)
            continue
        if values["established_on"] and values["established_on"] > today:
            units_c.add(number, "established_on", "Ngày thành lập không được sau ngày hôm nay.")
            values = None
        elif values["established_on"] and values["established_on"] < EARLIEST_DATE:
            units_c.add(number, "established_on", "Ngày thành lập không hợp lệ (trước năm 1900).")
            values = None
        parent = None
        parent_name = values["parent"] if values else parse_text(data.get("parent"))
        if parent_name:
            parent_key = _name_key(parent_name)
            if parent_key == _name_key(name):
                units_c.add(number, "parent", "Đơn vị không thể là cấp trên của chính nó.")
                values = None
            elif parent_key in index.new:
                parent = index.new[parent_key]
            else:
                candidates = [u for u in index.by_name.get(parent_key, []) if u.ended_on is None and u.province_id in lineage]
                if len(candidates) == 1:
                    parent = candidates[0]
                elif len(candidates) > 1:
                    units_c.add(number, "parent", f"Có nhiều đơn vị tên “{parent_name}” trong tỉnh; không xác định được đơn vị cấp trên.")
                    values = None
                else:
                    units_c.add(number, "parent", f"Không tìm thấy đơn vị cấp trên “{parent_name}” đang hoạt động trong tỉnh "
                                                 "(hoặc ở dòng phía trên của trang này).")
                    values = None
        if values is None:
            _remember_bad_unit(index, name, province)
            continue
        unit = Unit(
            province=province,
            name=values["name"],
            short_name=values["short_name"],
            kind=values["kind"],
            doc_format=values["doc_format"] or Unit.default_doc_format(values["kind"]),
            superior_name=values["superior_name"],
            parent=parent,
            address=values["address"],
            established_on=values["established_on"],
        )
        if units_c.model_errors(number, unit, exclude=["province", "parent"]):
            index.new.setdefault(_name_key(name), unit)
            continue
        index.new[_name_key(name)] = unit
        plan.units.append(unit)

    # ---- people
    departments: dict[tuple[int, str], Department] = {}
    existing_ids: set[int] = set()
    parsed: list[tuple[int, dict[str, Any], Unit]] = []
    for number, data in person_rows:
        values = _parse_row(people_c, number, data, PERSON_COLUMNS)
        unit = None
        unit_name = parse_text(data.get("unit"))
        if unit_name:
            key = _name_key(unit_name)
            if key in index.new:
                unit = index.new[key]
            else:
                known = index.by_name.get(key, [])
                active = [u for u in known if u.ended_on is None]
                if not known:
                    people_c.add(number, "unit", f"Không tìm thấy đơn vị “{unit_name}” trong danh mục bạn được xem hoặc ở trang "
                                                 f"“{UNIT_SHEET}” của tệp. Tên đơn vị phải ghi đúng như trong danh mục.")
                elif not active:
                    people_c.add(number, "unit", f"Đơn vị “{unit_name}” đã chấm dứt hoạt động, không thể thêm cá nhân mới.")
                else:
                    allowed = [u for u in active if index.may_import(u)]
                    if not allowed:
                        people_c.add(number, "unit", f"Đơn vị “{unit_name}” ngoài phạm vi được phân quyền của bạn.")
                    elif len(allowed) > 1:
                        where = ", ".join(sorted({u.province.name + (" (cũ)" if u.province.valid_to else "") for u in allowed}))
                        people_c.add(number, "unit", f"Có nhiều đơn vị tên “{unit_name}” ({where}); không xác định được đơn vị. "
                                                     "Hãy nhập riêng cho từng tỉnh hoặc đề nghị cán bộ tỉnh phân biệt tên đơn vị.")
                    else:
                        unit = allowed[0]
                        existing_ids.add(unit.pk)
        if values is None or unit is None:
            continue
        if values["birth_date"] and values["birth_date"] > today:
            people_c.add(number, "birth_date", "Ngày sinh không được sau ngày hôm nay.")
            continue
        if values["birth_date"] and values["birth_date"] < EARLIEST_DATE:
            people_c.add(number, "birth_date", "Ngày sinh không hợp lệ (trước năm 1900).")
            continue
        parsed.append((number, values, unit))

    # Database duplicates, fetched once for the units and codes the file mentions.
    taken_people: set[tuple[str, dt.date | None, int]] = set()
    existing_departments: dict[tuple[int, str], Department] = {}
    if existing_ids:
        for full_name, birth_date, unit_id in Person.objects.filter(unit_id__in=existing_ids).values_list(
            "full_name", "birth_date", "unit_id"
        ):
            taken_people.add((_name_key(full_name), birth_date, unit_id))
        for department in Department.objects.filter(unit_id__in=existing_ids):
            existing_departments[(department.unit_id, _name_key(department.name))] = department
    codes_by_province: dict[int, set[str]] = {}
    for _, values, unit in parsed:
        if values["staff_code"]:
            codes_by_province.setdefault(unit.province_id, set()).add(values["staff_code"])
    taken_codes: set[tuple[int, str]] = set()
    for province_id, codes in codes_by_province.items():
        code_list = sorted(codes)
        for start in range(0, len(code_list), 500):
            chunk = code_list[start : start + 500]
            taken_codes.update(
                (province_id, c)
                for c in Person.objects.filter(province_id=province_id, staff_code__in=chunk).values_list("staff_code", flat=True)
            )

    seen_codes: dict[tuple[int, str], int] = {}
    seen_people: dict[tuple[str, dt.date | None, int], int] = {}
    for number, values, unit in parsed:
        unit_token = unit.pk if unit.pk else -id(unit)
        ok = True
        code = values["staff_code"]
        if code:
            code_key = (unit.province_id, code)
            if code_key in seen_codes:
                people_c.add(number, "staff_code", f"Mã cán bộ “{code}” trùng với dòng {seen_codes[code_key]} của trang này.")
                ok = False
            elif code_key in taken_codes:
                people_c.add(number, "staff_code", f"Mã cán bộ “{code}” đã được dùng cho người khác trong tỉnh.")
                ok = False
            else:
                seen_codes[code_key] = number
        person_key = (_name_key(values["full_name"]), values["birth_date"], unit_token)
        birth = values["birth_date"].strftime("%d/%m/%Y") if values["birth_date"] else "không ghi"
        if person_key in seen_people:
            people_c.add(number, "full_name", f"Trùng với dòng {seen_people[person_key]} của trang này "
                                              "(cùng họ tên, ngày sinh và đơn vị).")
            ok = False
        elif unit.pk and person_key in taken_people:
            people_c.add(number, "full_name", f"Đơn vị “{unit.name}” đã có “{values['full_name']}” (ngày sinh {birth}).")
            ok = False
        else:
            seen_people[person_key] = number
        if not ok:
            continue
        department = None
        if values["department"]:
            dep_key = (unit_token, _name_key(values["department"]))
            department = existing_departments.get(dep_key) if unit.pk else None
            if department is None:
                department = departments.get(dep_key)
            if department is None:
                department = Department(province_id=unit.province_id, unit=unit, name=values["department"])
                if people_c.model_errors(number, department, exclude=["province", "unit"]):
                    continue
                departments[dep_key] = department
                plan.departments.append(department)
        person = Person(
            province_id=unit.province_id,
            unit=unit,
            department=department,
            full_name=values["full_name"],
            gender=values["gender"],
            birth_date=values["birth_date"],
            ethnicity=values["ethnicity"] or "Kinh",
            staff_code=code,
            position_title=values["position_title"],
            is_leader=values["is_leader"],
            is_party_member=values["is_party_member"],
        )
        if people_c.model_errors(number, person, exclude=["province", "unit", "department"]):
            continue
        plan.people.append(person)

    issues = units_c.issues + people_c.issues
    return plan, issues


# --------------------------------------------------------------------------- the action


def _audit_row(actor, action: str, obj, province_id: int) -> AuditLog:
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    return AuditLog(
        province_id=province_id,
        actor=actor_obj,
        actor_name=(actor_obj.get_username() if actor_obj else "hệ thống")[:150],
        action=action,
        object_type=obj._meta.label_lower,
        object_uid=str(obj.uid),
        object_repr=str(obj)[:255],
        changes={k: v for k, v in diff({}, snapshot(obj)).items()},
        note="Nhập từ Excel",
    )


def do_import_registry(
    *,
    actor,
    province: Province | None,
    unit_rows: list[Row],
    person_rows: list[Row],
    file_name: str = "",
    dry_run: bool = False,
) -> ImportResult:
    """Validate and write the rows in one transaction: everything or nothing.

    Raises ImportRejected (with every issue) when any row is bad; nothing is written then, not
    even an audit row. With `dry_run` the rows are checked and counted but not written.
    """
    if province is not None:
        ensure(actor, "registry.import", province=province)
    else:
        ensure(actor, "registry.import")
    if not unit_rows and not person_rows:
        raise ImportRejected([ImportIssue("Tệp không có dòng dữ liệu nào (chỉ có dòng tiêu đề). Hãy điền dữ liệu từ dòng thứ 2.")])
    with transaction.atomic():
        plan, issues = validate_rows(actor=actor, province=province, unit_rows=unit_rows, person_rows=person_rows)
        if issues:
            raise ImportRejected(issues)
        if dry_run:
            return ImportResult(
                units=len(plan.units), departments=len(plan.departments), people=len(plan.people), dry_run=True,
                preview_units=plan.units[:50], preview_people=plan.people[:50],
            )
        try:
            with transaction.atomic():
                _write(actor, plan)
        except IntegrityError as exc:
            raise ActionError("Không ghi được: dữ liệu vừa bị thay đổi trong lúc nhập (trùng tên đơn vị hoặc mã cán bộ). "
                              "Hãy tải lại tệp để kiểm tra lại.") from exc
        summary_province = province or (plan.people[0].unit.province if plan.people else None)
        record(
            actor=actor,
            action="org.registry.import",
            province=summary_province,
            object_type="org.import",
            object_repr=(file_name or "Tệp Excel")[:255],
            changes={"units": [0, len(plan.units)], "departments": [0, len(plan.departments)], "people": [0, len(plan.people)]},
            note=f"Nhập từ Excel: {len(plan.units)} đơn vị, {len(plan.departments)} phòng, ban, {len(plan.people)} cá nhân.",
        )
    return ImportResult(units=len(plan.units), departments=len(plan.departments), people=len(plan.people))


def _write(actor, plan: ImportPlan) -> None:
    # Related objects are re-assigned (not their ids) once saved: that sets the id and keeps the
    # cached object, so the audit snapshots below cost no query per row.
    audit: list[AuditLog] = []
    for unit in plan.units:
        if unit.parent is not None:
            unit.parent = unit.parent
        unit.save()
        audit.append(_audit_row(actor, "org.unit.create", unit, unit.province_id))
    for department in plan.departments:
        department.unit = department.unit
        department.province = department.unit.province
        department.refresh_derived()
    Department.objects.bulk_create(plan.departments, batch_size=500)
    audit.extend(_audit_row(actor, "org.department.create", d, d.province_id) for d in plan.departments)
    for person in plan.people:
        person.unit = person.unit
        person.province = person.unit.province
        if person.department is not None:
            person.department = person.department
        person.refresh_derived()
    Person.objects.bulk_create(plan.people, batch_size=500)
    audit.extend(_audit_row(actor, "org.person.create", p, p.province_id) for p in plan.people)
    AuditLog.objects.bulk_create(audit, batch_size=500)


def import_workbook(*, actor, province: Province | None, fileobj: BinaryIO, size: int | None = None,
                    file_name: str = "", dry_run: bool = False) -> ImportResult:
    """Read an uploaded workbook and import it (the view's one call)."""
    sheets, issues = read_workbook(fileobj, size)
    if issues:
        raise ImportRejected(issues)
    return do_import_registry(
        actor=actor, province=province, unit_rows=sheets[UNIT_SHEET], person_rows=sheets[PERSON_SHEET],
        file_name=file_name, dry_run=dry_run,
    )


def target_provinces(actor):
    """Current provinces where `actor` may add units by import (empty for unit officers)."""
    scope = scope_of(actor)
    qs = Province.objects.filter(valid_to__isnull=True).order_by("name")
    if scope.is_admin:
        return qs
    ids = (scope.province_ids_for("registry.import") or set()) & (scope.province_ids_for("unit.edit") or set())
    return qs.filter(pk__in=ids)


# --------------------------------------------------------------------------- the template


def build_template() -> bytes:
    """The template workbook: instructions, the two data sheets with lists, and the lists."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")

    guide = workbook.active
    guide.title = HELP_SHEET
    lines = [
        ("MẪU NHẬP DANH MỤC ĐƠN VỊ VÀ CÁ NHÂN", True),
        ("", False),
        ("1. Điền đơn vị vào trang “Đơn vị”, cá nhân vào trang “Cá nhân”, từ dòng thứ 2; giữ nguyên dòng tiêu đề.", False),
        ("2. Cột có dấu * là bắt buộc. Có thể chỉ điền một trong hai trang.", False),
        ("3. Ngày ghi theo dạng ngày/tháng/năm (ví dụ 05/03/1985) hoặc nhập ngày của Excel.", False),
        ("4. Loại đơn vị, thể thức văn bản, giới tính, Có/Không: chọn trong danh sách thả xuống.", False),
        ("5. Cột “Đơn vị” của trang “Cá nhân” ghi đúng tên đơn vị đã có trong danh mục hoặc ở trang “Đơn vị” của tệp này.", False),
        ("6. Cán bộ TĐKT đơn vị chỉ nhập được cá nhân của đơn vị mình.", False),
        ("7. Tệp được nhập trọn vẹn hoặc không nhập gì: nếu có dòng sai, hệ thống liệt kê từng dòng, từng cột cần sửa "
         "và chưa ghi dữ liệu nào.", False),
        (f"8. Tối đa {MAX_ROWS:,} dòng dữ liệu và {settings.IMPORT_MAX_BYTES // (1024 * 1024)} MB mỗi tệp.".replace(",", "."), False),
        ("", False),
        ("Ý NGHĨA CÁC CỘT", True),
    ]
    for text, is_title in lines:
        guide.append([text])
        if is_title:
            guide.cell(row=guide.max_row, column=1).font = Font(bold=True, size=12)
    guide.append(["Trang", "Cột", "Bắt buộc", "Cách ghi"])
    for cell in guide[guide.max_row]:
        cell.font = bold
        cell.fill = header_fill
    for sheet_name, columns in SHEETS.items():
        for column in columns:
            guide.append([sheet_name, column.header, "Có" if column.required else "", column.help])
    guide.append([])
    guide.append(["VÍ DỤ (chỉ để tham khảo, không nhập từ trang này)"])
    guide.cell(row=guide.max_row, column=1).font = Font(bold=True, size=12)
    guide.append(["Trang Đơn vị:", "Ban Nội chính Tỉnh ủy", "Cơ quan Đảng", "TỈNH ỦY AN GIANG"])
    guide.append(["Trang Cá nhân:", "Nguyễn Thị Thu Hà", "Nữ", "05/03/1985", "Kinh", "Ban Nội chính Tỉnh ủy", "Văn phòng Ban", "Chuyên viên", "Không", "Có"])
    guide.column_dimensions["A"].width = 18
    guide.column_dimensions["B"].width = 34
    guide.column_dimensions["C"].width = 12
    guide.column_dimensions["D"].width = 80
    for row in guide.iter_rows(min_row=1, max_row=guide.max_row):
        for cell in row:
            cell.alignment = wrap

    lists = workbook.create_sheet(LISTS_SHEET)
    list_ranges: dict[str, str] = {}
    list_values = {
        "kind": [label for _, label in UnitKind.choices],
        "doc_format": [label for _, label in DocFormat.choices],
        "gender": [label for _, label in Gender.choices],
        "bool": ["Có", "Không"],
    }
    for index, (key, values) in enumerate(list_values.items(), start=1):
        letter = get_column_letter(index)
        lists.cell(row=1, column=index, value={"kind": "Loại đơn vị", "doc_format": "Thể thức văn bản",
                                               "gender": "Giới tính", "bool": "Có/Không"}[key]).font = bold
        for row_number, value in enumerate(values, start=2):
            lists.cell(row=row_number, column=index, value=value)
        list_ranges[key] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
        lists.column_dimensions[letter].width = 45
    lists.sheet_state = "hidden"

    last_row = 5000
    for sheet_name, columns in SHEETS.items():
        sheet = workbook.create_sheet(sheet_name, index=workbook.sheetnames.index(LISTS_SHEET))
        sheet.append([c.title for c in columns])
        for position, column in enumerate(columns, start=1):
            letter = get_column_letter(position)
            cell = sheet.cell(row=1, column=position)
            cell.font = bold
            cell.fill = header_fill
            sheet.column_dimensions[letter].width = column.width
            cell_range = f"{letter}2:{letter}{last_row}"
            list_key = "bool" if column.kind == "bool" else column.key if column.kind == "choice" else None
            if list_key:
                validation = DataValidation(type="list", formula1=list_ranges[list_key], allow_blank=not column.required,
                                            showErrorMessage=True, errorTitle="Giá trị không hợp lệ",
                                            error="Hãy chọn một giá trị trong danh sách.")
                validation.add(cell_range)
                sheet.add_data_validation(validation)
            if column.kind == "date":
                # Text format keeps a typed 05/03/1985 as day/month whatever the computer's locale.
                sheet.column_dimensions[letter].number_format = "@"
        sheet.freeze_panes = "A2"
    workbook.active = 0
    return workbook_bytes(workbook)
