"""The database side of the statistics engine (thidua/rules/statistics.py): which award records a
user may count, grouped by the raw columns the dimensions come from, and the records behind one
figure (drill-down). One selector for the pages, the Excel export and the API.

Scope: a user with a province-wide grant counts the whole province (with the provinces merged into
it); a unit or block user counts the records of the units they see (a collective's own awards and
the awards of the people of those units), nothing else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import CharField, Count, Q, QuerySet
from django.db.models.functions import Coalesce

from thidua.core.access import provinces_for, scope_of, units_for
from thidua.history.models import AwardRecord
from thidua.org.models import Province
from thidua.rules import statistics as core

ACTION = "registry.view"


@dataclass(frozen=True)
class StatScope:
    """The province a user looks at, and (for unit and block users) the units they may count."""

    province: Province
    province_ids: frozenset[int]
    unit_ids: frozenset[int] | None  # None: the whole province

    @property
    def whole_province(self) -> bool:
        return self.unit_ids is None


def _current(province: Province) -> Province:
    seen = set()
    while province.merged_into_id and province.pk not in seen:
        seen.add(province.pk)
        province = province.merged_into
    return province


def report_provinces(user) -> list[Province]:
    """The current provinces the user can pick: province-wide grants, else the provinces (today's
    successors) of the units they see."""
    provinces = list(provinces_for(user, ACTION).order_by("name"))
    if provinces:
        return provinces
    seen: dict[int, Province] = {}
    for province in Province.objects.filter(pk__in=units_for(user, ACTION).values("province_id")).select_related("merged_into"):
        current = _current(province)
        seen[current.pk] = current
    return sorted(seen.values(), key=lambda p: p.name)


def stat_scope(user, province: Province) -> StatScope:
    """What `user` may count in `province` (a province from `report_provinces`)."""
    lineage = frozenset(province.lineage_ids())
    scope = scope_of(user)
    whole = scope.province_ids_for(ACTION)
    if whole is None or province.pk in whole:
        return StatScope(province, lineage, None)
    unit_ids = frozenset(units_for(user, ACTION).filter(province_id__in=lineage).values_list("pk", flat=True))
    return StatScope(province, lineage, unit_ids)


def award_records(scope: StatScope, year: int, period: str = "year") -> QuerySet[AwardRecord]:
    """The award records counted for `year`: in the scope, not revoked."""
    qs = AwardRecord.objects.filter(province_id__in=scope.province_ids, revoked=False)
    if period == "decision_year":
        qs = qs.filter(decision_date__year=year)
    else:
        qs = qs.filter(year=year)
    if scope.unit_ids is not None:
        qs = qs.filter(Q(unit_id__in=scope.unit_ids) | Q(person__unit_id__in=scope.unit_ids))
    return qs


def award_info(province: Province) -> dict[str, core.AwardInfo]:
    """Kind and level of every award code: the law's catalogue, then the province's own entries."""
    from thidua.awards.models import AwardType

    info = core.catalogue_info()
    rows = AwardType.objects.filter(Q(province__isnull=True) | Q(province_id__in=province.lineage_ids())).values_list("code", "kind", "level")
    for code, kind, level in rows:
        info.setdefault(code, core.AwardInfo(kind, core.CATALOGUE_LEVEL_TO_STAT.get(level)))
    return info


def grouped(qs: QuerySet[AwardRecord], info) -> list[tuple[dict, int]]:
    """One GROUP BY over the raw columns; each group turned into dimension values."""
    rows = (
        qs.annotate(stat_unit_kind=Coalesce("unit__kind", "rated_in_unit__kind", "person__unit__kind", output_field=CharField()))
        .values("award_code", "award_kind", "decision_level", "person__gender", "person__is_leader", "stat_unit_kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    result = []
    for row in rows:
        # A person always has a gender (required field); a collective's record has no person.
        is_person = row["person__gender"] is not None
        values = core.dimensions_of(
            award_code=row["award_code"], award_type=row["award_kind"], decision_level=row["decision_level"], is_person=is_person,
            gender=row["person__gender"], is_leader=row["person__is_leader"], unit_kind=row["stat_unit_kind"], info=info,
        )
        result.append((values, row["n"]))
    return result


def compute_tables(scope: StatScope, year: int, definitions: list[core.Definition]) -> list[core.Table]:
    """The tables of `definitions`; one grouped query per period used."""
    info = award_info(scope.province)
    groups_by_period: dict[str, list] = {}
    tables = []
    for definition in definitions:
        if definition.period not in groups_by_period:
            groups_by_period[definition.period] = grouped(award_records(scope, year, definition.period), info)
        tables.append(core.compute(definition, year, groups_by_period[definition.period]))
    return tables


def compute_table(scope: StatScope, year: int, definition: core.Definition) -> core.Table:
    return compute_tables(scope, year, [definition])[0]


# --------------------------------------------------------------------------- drill-down


def _codes(info, predicate) -> list[str]:
    return sorted(code for code, item in info.items() if predicate(item))


def condition_q(where: dict[str, frozenset[str]], info) -> Q:
    """The Q selecting the records with the given dimension values (the same mapping as dimensions_of)."""
    q = Q()
    for name, values in where.items():
        if name == "subject":
            wants_person = core.INDIVIDUAL in values
            wants_unit = core.COLLECTIVE in values
            if not (wants_person and wants_unit):
                q &= Q(person__isnull=not wants_person)
        elif name == "kind":
            q &= Q(award_code__in=_codes(info, lambda i: i.kind in values))
        elif name == "level":
            decision_levels = [k for k, v in core.DECISION_LEVEL_TO_STAT.items() if v in values]
            q &= Q(decision_level__in=decision_levels) | Q(decision_level="", award_code__in=_codes(info, lambda i: i.level in values))
        elif name == "award":
            q &= Q(award_code__in=sorted(values))
        elif name == "award_type":
            q &= Q(award_kind__in=sorted(values))
        elif name == "gender":
            q &= Q(person__isnull=False, person__gender__in=sorted(values))
        elif name == "position":
            flags = [v == core.LEADER for v in values]
            q &= Q(person__isnull=False, person__is_leader__in=flags)
        elif name == "unit_kind":
            kinds = sorted(values)
            q &= (
                Q(unit__kind__in=kinds)
                | Q(unit__isnull=True, rated_in_unit__kind__in=kinds)
                | Q(unit__isnull=True, rated_in_unit__isnull=True, person__unit__kind__in=kinds)
            )
        else:  # parse_definition refuses unknown fields; this guards a caller passing its own
            raise core.DefinitionError(f"Trường «{name}» không có trong dữ liệu thống kê.")
    return q


def cell_records(scope: StatScope, year: int, definition: core.Definition, row_key: str, column_key: str) -> QuerySet[AwardRecord] | None:
    """The records one figure counts, or None when the row or the column does not exist."""
    where = core.cell_where(definition, row_key, column_key)
    if where is None:
        return None
    info = award_info(scope.province)
    qs = award_records(scope, year, definition.period).filter(condition_q(where, info))
    return qs.select_related("person", "person__unit", "unit", "rated_in_unit").order_by("-decision_date", "pk")


def default_year(today: dt.date | None = None) -> int:
    """The year whose statistics an officer wants by default: last year until the end of March."""
    today = today or dt.date.today()
    return today.year - 1 if today.month <= 3 else today.year


