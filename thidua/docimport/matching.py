"""Rows of a Word dossier matched against the registry (people of the unit) and the award catalogue.

A person matches when the name's key (thidua.rules.docimport.name_key: tone placement ignored,
tones kept) is that of one person of the proposing unit or of its direct sub-units; two or more
such people make the row AMBIGUOUS (narrowed first by the unit and birth year the row names). A
name found only with every mark taken off ("Nguyen Van Hoa") is AMBIGUOUS too, with the
candidates to confirm. No candidate: UNKNOWN.
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


def catalogue_entries(province) -> list[tuple[str, str]]:
    """(code, name) of every catalogue entry a person can be proposed for: the law's (coded and
    manual appraisal) and the province's own."""
    from thidua.awards.models import AwardType
    from thidua.awards.selectors import _with_successors

    entries = [(e["code"], e["name"]) for e in CATALOGUE]
    if province is not None:
        # A unit of a province merged in 2025 receives the awards its new province lists.
        ids = _with_successors(getattr(province, "pk", province))
        own = AwardType.objects.filter(province_id__in=ids).values_list("code", "name", "subjects")
        entries += [(code, name) for code, name, subjects in own if "individual" in (subjects or ())]
    return entries


def subjects_of(code: str, province) -> tuple[str, ...] | None:
    if code in AWARD_SUBJECTS:
        return AWARD_SUBJECTS[code]
    from thidua.awards.selectors import recordable_entry

    entry = recordable_entry(code, province)
    return tuple(entry.subjects or ()) if entry is not None else None


def check_award(code: str, province) -> str:
    code = (code or "").strip()
    subjects = subjects_of(code, province)
    if subjects is None:
        raise ActionError(f"“{code}” không có trong danh mục danh hiệu, hình thức khen thưởng.", field="award")
    if "individual" not in subjects:
        raise ActionError("Danh hiệu, hình thức này không dành cho cá nhân.", field="award")
    return code


def _label(code: str) -> str:
    from thidua.awards.selectors import award_label

    return award_label(code)


class _Registry:
    def __init__(self, unit: Unit):
        self.people = list(proposable_people(unit).select_related("unit").order_by("pk"))
        self.by_key: dict[str, list[Person]] = defaultdict(list)
        self.by_loose: dict[str, list[Person]] = defaultdict(list)
        for p in self.people:
            self.by_key[core.name_key(p.full_name)].append(p)
            self.by_loose[core.loose_key(p.full_name)].append(p)
        self.units = {p.unit for p in self.people} | {unit}

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


def _row(number: int, source: core.SourceRow, code: str | None, registry: _Registry, province, seen_names: dict) -> dict:
    problems: list[str] = []
    found, exact = registry.match(source)
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
    if code is not None and "individual" not in (subjects_of(code, province) or ()):
        problems.append(f"{_label(code)} không dành cho cá nhân: hãy chọn danh hiệu, hình thức khác.")
        code = None
    elif code is None:
        if source.award_text:
            problems.append(f"Không nhận ra “{source.award_text}” trong danh mục danh hiệu, hình thức khen thưởng: hãy chọn.")
        else:
            problems.append("Dòng này không ghi danh hiệu, hình thức khen thưởng: hãy chọn.")
    key = core.name_key(source.name) + "|" + (code or "")
    if key in seen_names:
        problems.append(f"Trùng với dòng {seen_names[key]} (cùng tên, cùng danh hiệu, hình thức).")
    else:
        seen_names[key] = number
    person = found[0] if status == "MATCHED" else None
    return {
        "row": number, "name": source.name, "person": str(person.uid) if person else None, "status": status,
        "candidates": [str(p.uid) for p in found], "award": code, "problems": problems,
        "award_text": source.award_text, "position": source.position, "unit_text": source.unit_text, "section": source.section,
        "achievements": source.achievements, "birth_year": source.birth_year, "table": source.table, "line": source.line,
        "person_name": person.full_name if person else "", "person_unit": person.unit.name if person else "",
        "resolved": False, "skipped": False,
    }
