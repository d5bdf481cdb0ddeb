"""Rows of a Word dossier matched against the registry (people of the unit) and the award catalogue.

A person matches when the name's key (thidua.rules.docimport.name_key: tone placement ignored,
tones kept) is that of one person of the proposing unit or of its direct sub-units; two or more
such people make the row AMBIGUOUS (narrowed first by the unit and birth year the row names). A
name found only with every mark taken off ("Nguyen Van Hoa") is AMBIGUOUS too, with the
candidates to confirm. No candidate: UNKNOWN.

A row names a collective (tập thể) when its award is for collectives only (Tập thể lao động tiên
tiến, Cờ thi đua…), when it sits under a "Tập thể" section, or when no person has its name but a
unit does. Its subject is then a unit a dossier of the proposing unit may name (the unit itself or
a direct sub-unit, as ProposalItem.unit): the same name key matches one unit (MATCHED); a name
equal without marks, or one name contained in the other ("Phòng Tổng hợp" / "Phòng Tổng hợp -
Hành chính"), gives candidates (AMBIGUOUS). A phòng, ban (org.Department) is no proposal subject:
a row naming one is UNKNOWN and says so.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q

from thidua.core.errors import ActionError
from thidua.org.models import Person, Unit
from thidua.rules import docimport as core
from thidua.rules.catalogue import AWARD_SUBJECTS, CATALOGUE


def proposable_people(unit: Unit):
    """Who a unit's dossier may name: staff of the unit and of its direct sub-units (as the proposals app)."""
    return Person.objects.filter(Q(unit_id=unit.pk) | Q(unit__parent_id=unit.pk), unit__ended_on__isnull=True)


def proposable_units(unit: Unit):
    """The collectives a unit's dossier may name: the unit itself and its active direct sub-units
    (as proposals._check_subject)."""
    return Unit.objects.filter(Q(pk=unit.pk) | Q(parent_id=unit.pk), ended_on__isnull=True)


def catalogue_entries(province, subject: str | None = None) -> list[tuple[str, str]]:
    """(code, name) of every catalogue entry: the law's (coded and manual appraisal) and the
    province's own (those for `subject` only when given)."""
    from thidua.awards.models import AwardType
    from thidua.awards.selectors import _with_successors

    entries = [(e["code"], e["name"]) for e in CATALOGUE]
    if province is not None:
        # A unit of a province merged in 2025 receives the awards its new province lists.
        ids = _with_successors(getattr(province, "pk", province))
        own = AwardType.objects.filter(province_id__in=ids).values_list("code", "name", "subjects")
        entries += [(code, name) for code, name, subjects in own if subject is None or subject in (subjects or ())]
    return entries


def subjects_of(code: str, province) -> tuple[str, ...] | None:
    if code in AWARD_SUBJECTS:
        return AWARD_SUBJECTS[code]
    from thidua.awards.selectors import recordable_entry

    entry = recordable_entry(code, province)
    return tuple(entry.subjects or ()) if entry is not None else None


def check_award(code: str, province, subject: str = "individual") -> str:
    code = (code or "").strip()
    subjects = subjects_of(code, province)
    if subjects is None:
        raise ActionError(f"“{code}” không có trong danh mục danh hiệu, hình thức khen thưởng.", field="award")
    if subject not in subjects:
        raise ActionError(f"Danh hiệu, hình thức này không dành cho {'cá nhân' if subject == 'individual' else 'tập thể'}.", field="award")
    return code


def _collective_only(code: str | None, province) -> bool:
    subjects = subjects_of(code, province) if code else None
    return bool(subjects) and "collective" in subjects and "individual" not in subjects


def _words_within(short: str, long: str) -> bool:
    return bool(short) and len(short.split()) >= 2 and f" {short} " in f" {long} "


def _label(code: str) -> str:
    from thidua.awards.selectors import award_label

    return award_label(code)


class _Registry:
    def __init__(self, unit: Unit):
        self.province = unit.province
        self.people = list(proposable_people(unit).select_related("unit").order_by("pk"))
        self.by_key: dict[str, list[Person]] = defaultdict(list)
        self.by_loose: dict[str, list[Person]] = defaultdict(list)
        for p in self.people:
            self.by_key[core.name_key(p.full_name)].append(p)
            self.by_loose[core.loose_key(p.full_name)].append(p)
        self.units = {p.unit for p in self.people} | {unit}
        self.collectives = list(proposable_units(unit).order_by("pk"))
        from thidua.org.models import Department

        self.departments = list(Department.objects.filter(unit__in=self.collectives).select_related("unit").order_by("pk"))

    def match_unit(self, name: str) -> tuple[list[Unit], bool]:
        """(candidate units, exact) for a collective's name."""
        key, loose = core.name_key(name), core.loose_key(name)
        exact = [u for u in self.collectives if key in {core.name_key(u.name), core.name_key(u.short_name)} - {""}]
        if len(exact) == 1:
            return exact, True
        found = [u for u in self.collectives
                 if any(loose == core.loose_key(n) or _words_within(loose, core.loose_key(n)) or _words_within(core.loose_key(n), loose)
                        for n in (u.name, u.short_name) if n)]
        return found, False

    def departments_named(self, name: str) -> list:
        loose = core.loose_key(name)
        return [d for d in self.departments if loose == core.loose_key(d.name) or _words_within(core.loose_key(d.name), loose)]

    def units_named(self, text: str) -> set[int]:
        padded = f" {core.loose_key(text)} "
        return {u.pk for u in self.units if core.loose_key(u.name) and f" {core.loose_key(u.name)} " in padded}

    def match(self, row: core.SourceRow) -> tuple[list[Person], bool]:
        """(candidates, exact): exact when found by the toned key."""
        found = self.by_key.get(core.name_key(row.name), [])
        exact = bool(found)
        if not found:
            found = self.by_loose.get(core.loose_key(row.name), [])
        if len(found) > 1:
            named = self.units_named(" ".join((row.unit_text, row.position, row.section)))
            narrowed = [p for p in found if p.unit_id in named]
            if narrowed:
                found = narrowed
        if len(found) > 1 and row.birth_year:
            narrowed = [p for p in found if p.birth_date and p.birth_date.year == row.birth_year]
            if narrowed:
                found = narrowed
        return found, exact


def read_rows(document, unit: Unit) -> tuple[list[dict], list[str], str]:
    """(rows, general problems, title) of a read document, ready to store on the import."""
    province = unit.province
    index = core.award_index(catalogue_entries(province))
    registry = _Registry(unit)
    problems: list[str] = []
    first_table = min((t.index for t in document.tables if core.find_header(t.grid)), default=0)
    default_awards = core.awards_in([p for p in document.paragraphs], index)
    default = default_awards[0] if len(default_awards) == 1 else None
    rows: list[dict] = []
    seen_names: dict[str, int] = {}
    for table in document.tables:
        header = core.find_header(table.grid)
        if header is None:
            # A heading or signature table (cơ quan | Quốc hiệu, Nơi nhận | chữ ký) is no list: say nothing of it.
            if table.index > first_table and len(table.grid) >= 3 and max((len(r) for r in table.grid), default=0) >= 3:
                problems.append(f"Bảng thứ {table.index} không có cột “Họ và tên” nên không được đọc.")
            continue
        if not header.award_columns and default is None:
            problems.append(f"Bảng thứ {table.index} không có cột danh hiệu, hình thức khen thưởng: hãy chọn cho từng dòng.")
        for source in core.table_rows(table.grid, header, table.index):
            texts = [t for t in source.award_text.split(" | ") if t]
            codes = core.awards_in(texts, index) if texts else []
            if not codes and not texts:
                section = core.match_award(source.section, index)
                codes = [section or default] if (section or default) else []
            for code in codes or [None]:
                rows.append(_row(len(rows) + 1, source, code, registry, province, seen_names))
    if not rows:
        return [], problems, ""
    return rows, problems, core.title_from(document.paragraphs)


def _collective_row(source: core.SourceRow, code: str | None, registry: _Registry, found_people: list) -> tuple | None:
    """(status, units, problems) when the row names a collective, else None."""
    by_award = _collective_only(code, registry.province) or "tap the" in core.loose_key(source.section)
    if found_people and not by_award:
        return None
    units, exact = registry.match_unit(source.name)
    departments = registry.departments_named(source.name) if not units else []
    if not units and not departments and not by_award:
        return None
    if len(units) == 1 and exact:
        return "MATCHED", units, []
    if units:
        names = ", ".join(u.name for u in units)
        return "AMBIGUOUS", units, [f"“{source.name}” có thể là {names}: hãy chọn đúng tập thể."]
    if departments:
        d = departments[0]
        return "UNKNOWN", [], [f"“{source.name}” là phòng, ban của {d.unit.name}, không phải đơn vị: hồ sơ chỉ đề nghị tập thể là đơn vị "
                               "hoặc đơn vị trực thuộc. Hãy thêm phòng này vào danh mục đơn vị trực thuộc rồi chọn lại, hoặc bỏ dòng này."]
    return "UNKNOWN", [], [f"Không có tập thể nào tên “{source.name}” trong đơn vị và các đơn vị trực thuộc: hãy kiểm tra tên, chọn tập thể, "
                           "hoặc bỏ dòng này."]


def _row(number: int, source: core.SourceRow, code: str | None, registry: _Registry, province, seen_names: dict) -> dict:
    problems: list[str] = []
    found, exact = registry.match(source)
    collective = _collective_row(source, code, registry, found)
    if collective is not None:
        return _unit_row(number, source, code, collective, province, seen_names)
    if len(found) == 1 and exact:
        status = "MATCHED"
    elif found:
        status = "AMBIGUOUS"
        if exact:
            problems.append(f"Có {len(found)} người tên “{source.name}” trong đơn vị: hãy chọn đúng người.")
        else:
            names = ", ".join(sorted({p.full_name for p in found}))
            problems.append(f"Chỉ khớp khi bỏ dấu (trong danh mục: {names}): hãy xác nhận đúng người.")
    else:
        status = "UNKNOWN"
        problems.append(f"Không có ai tên “{source.name}” trong đơn vị và các đơn vị trực thuộc: hãy kiểm tra tên, thêm cá nhân "
                        "vào danh mục rồi chọn lại, hoặc bỏ dòng này.")
    code = _award_problems(code, source, "individual", province, problems)
    key = core.name_key(source.name) + "|" + (code or "")
    if key in seen_names:
        problems.append(f"Trùng với dòng {seen_names[key]} (cùng tên, cùng danh hiệu, hình thức).")
    else:
        seen_names[key] = number
    person = found[0] if status == "MATCHED" else None
    return {
        "row": number, "name": source.name, "person": str(person.uid) if person else None, "unit": None, "subject": "individual", "status": status,
        "candidates": [str(p.uid) for p in found], "award": code, "problems": problems,
        "award_text": source.award_text, "position": source.position, "unit_text": source.unit_text, "section": source.section,
        "achievements": source.achievements, "birth_year": source.birth_year, "table": source.table, "line": source.line,
        "person_name": person.full_name if person else "", "person_unit": person.unit.name if person else "",
        "resolved": False, "skipped": False,
    }


def _award_problems(code: str | None, source: core.SourceRow, subject: str, province, problems: list[str]) -> str | None:
    word = "cá nhân" if subject == "individual" else "tập thể"
    if code is not None and subject not in (subjects_of(code, province) or ()):
        problems.append(f"{_label(code)} không dành cho {word}: hãy chọn danh hiệu, hình thức khác.")
        return None
    if code is None:
        if source.award_text:
            problems.append(f"Không nhận ra “{source.award_text}” trong danh mục danh hiệu, hình thức khen thưởng: hãy chọn.")
        else:
            problems.append("Dòng này không ghi danh hiệu, hình thức khen thưởng: hãy chọn.")
    return code


def _unit_row(number: int, source: core.SourceRow, code: str | None, collective: tuple, province, seen_names: dict) -> dict:
    status, units, problems = collective
    code = _award_problems(code, source, "collective", province, problems)
    key = "unit|" + core.name_key(source.name) + "|" + (code or "")
    if key in seen_names:
        problems.append(f"Trùng với dòng {seen_names[key]} (cùng tập thể, cùng danh hiệu, hình thức).")
    else:
        seen_names[key] = number
    unit = units[0] if status == "MATCHED" else None
    return {
        "row": number, "name": source.name, "person": None, "unit": str(unit.uid) if unit else None, "subject": "collective",
        "status": status, "candidates": [str(u.uid) for u in units], "award": code, "problems": problems,
        "award_text": source.award_text, "position": source.position, "unit_text": source.unit_text, "section": source.section,
        "achievements": source.achievements, "birth_year": source.birth_year, "table": source.table, "line": source.line,
        "person_name": "", "person_unit": unit.name if unit else "", "resolved": False, "skipped": False,
    }
