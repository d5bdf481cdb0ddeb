"""Reads of the award catalogue and the provincial overrides, for pages, the API and other apps.

Other apps use :func:`award_label` (the Vietnamese name of a code, national or provincial) and
:func:`catalogue_entry_for` (the AwardType row of a code); the what-if service reads overrides
through :func:`override_rows`, registered as its override source in apps.py.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection
from django.db.models import Q

from thidua.awards.models import AwardType, RuleOverride
from thidua.core.access import scope_of
from thidua.rules import voting as voting_rules
from thidua.rules.catalogue import CATALOGUE_BY_CODE
from thidua.rules.text import fold

# Codes seen in seed data and imports for catalogue codes.
CODE_ALIASES = {"CO_CHINH_PHU": "CO_CP", "CO_UBND_TINH": "CO_TINH", "BK_THU_TUONG": "BK_TTG", "BK_CHU_TICH_TINH": "BK_TINH"}


def canonical_code(code: str) -> str:
    return CODE_ALIASES.get(code, code)


def award_label(code: str, province=None) -> str:
    """The Vietnamese name of an award code: the law's catalogue first, then the province's own."""
    code = canonical_code(code or "")
    entry = CATALOGUE_BY_CODE.get(code)
    if entry is not None:
        return entry["name"]
    if code in voting_rules.AWARD_NAMES:
        return voting_rules.AWARD_NAMES[code]
    if province is not None:
        row = AwardType.objects.filter(province=province, code=code).only("name").first()
        if row is not None:
            return row.name
    row = AwardType.objects.filter(code=code).only("name").first()
    return row.name if row is not None else code


def catalogue_entry_for(code: str, province=None) -> AwardType | None:
    """The AwardType of ``code``: the national entry, else the province's own."""
    code = canonical_code(code)
    row = AwardType.objects.filter(province__isnull=True, code=code).first()
    if row is None and province is not None:
        row = AwardType.objects.filter(province=province, code=code).first()
    return row


def award_choices(province=None, *, subject: str | None = None, kind: str | None = None) -> list[tuple[str, str]]:
    """(code, name) of the catalogue entries a form may offer: the national ones, then the
    province's own; ``subject`` ("individual", "collective", "household") and ``kind``
    ("DANH_HIEU", "HINH_THUC") narrow the list. Entries past their end date are left out."""
    today = dt.date.today()
    qs = AwardType.objects.filter(Q(province__isnull=True) | Q(province=province)) if province is not None else AwardType.objects.filter(
        province__isnull=True
    )
    qs = qs.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=today))
    if kind:
        qs = qs.filter(kind=kind)
    rows = filter_catalogue(qs, subject=subject or "")
    return [(row.code, row.name) for row in rows]


def manual_appraisal_reason(code: str, province=None) -> str | None:
    """Why ``code`` has no coded rule (it goes through manual appraisal), or None when the engine evaluates it."""
    row = catalogue_entry_for(code, province)
    if row is None or row.has_rule:
        return None
    return row.manual_reason or "Chưa có quy tắc xét tự động: thẩm định thủ công."


# --------------------------------------------------------------------------- visibility


def _with_successors(province_id: int) -> set[int]:
    from thidua.org.models import Province

    ids = {province_id}
    current = Province.objects.filter(pk=province_id).values_list("merged_into_id", flat=True).first()
    while current and current not in ids:
        ids.add(current)
        current = Province.objects.filter(pk=current).values_list("merged_into_id", flat=True).first()
    return ids


def visible_province_ids(user, action: str = "rules.view") -> set[int] | None:
    """Provinces whose own catalogue entries and overrides ``user`` sees; None means every province.

    Province-wide grants give their provinces (with those merged into them); a unit's or a
    block's officer sees the rules of the unit's province (and of the province it merged into).
    """
    scope = scope_of(user)
    if scope.is_admin:
        return None
    ids = set(scope.province_ids_for(action) or ())
    unit_ids = scope.unit_ids_for(action)
    if unit_ids:
        from thidua.org.models import Unit

        for province_id in Unit.objects.filter(pk__in=unit_ids).values_list("province_id", flat=True):
            ids |= _with_successors(province_id)
    bloc_ids = scope.bloc_ids_for(action)
    if bloc_ids:
        from thidua.blocs.models import Bloc

        for province_id in Bloc.objects.filter(pk__in=bloc_ids).values_list("province_id", flat=True):
            ids |= _with_successors(province_id)
    return ids


def visible_award_types(user):
    ids = visible_province_ids(user)
    qs = AwardType.objects.select_related("province")
    if ids is None:
        return qs
    return qs.filter(Q(province__isnull=True) | Q(province_id__in=ids))


def visible_overrides(user):
    ids = visible_province_ids(user)
    qs = RuleOverride.objects.select_related("province", "created_by", "ended_by")
    return qs if ids is None else qs.filter(province_id__in=ids)


def filter_catalogue(qs, *, kind="", subject="", level="", scope="", category="", q="") -> list[AwardType]:
    """The catalogue rows matching the page's filters (subjects and categories are lists: filtered here)."""
    if kind:
        qs = qs.filter(kind=kind)
    if level:
        qs = qs.filter(level=level)
    if scope == "national":
        qs = qs.filter(province__isnull=True)
    elif scope == "province":
        qs = qs.filter(province__isnull=False)
    if q:
        for word in fold(q).split():
            qs = qs.filter(search_key__contains=word)
    rows = list(qs)
    if subject:
        rows = [r for r in rows if subject in (r.subjects or [])]
    if category:
        rows = [r for r in rows if category in (r.categories or [])]
    order = {code: i for i, code in enumerate(CATALOGUE_BY_CODE)}
    rows.sort(key=lambda r: (r.kind, r.province_id is not None, order.get(r.code, 999), r.name))
    return rows


# --------------------------------------------------------------------------- overrides


def override_status(override: RuleOverride, today: dt.date | None = None) -> tuple[str, str]:
    """(code, Vietnamese label) of an override on ``today``: upcoming, active, ended, withdrawn."""
    today = today or dt.date.today()
    if override.withdrawn:
        return "withdrawn", "Đã hủy trước ngày áp dụng"
    if override.effective_to is not None and override.effective_to < today:
        return "ended", "Đã kết thúc"
    if override.effective_from > today:
        return "upcoming", "Sắp áp dụng"
    return "active", "Đang áp dụng"


def overlapping(province, family: str, rule: str, param: str, start: dt.date, end: dt.date | None, exclude=None):
    """Overrides of the same parameter of the same province whose dates meet [start, end]."""
    qs = RuleOverride.objects.filter(province=province, family=family, rule=rule, param=param)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    qs = qs.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=start))
    if end is not None:
        qs = qs.filter(effective_from__lte=end)
    return [o for o in qs if not o.withdrawn]


_TABLE_READY = False


def _table_ready() -> bool:
    """True once the overrides table exists (the command line may run before `migrate`)."""
    global _TABLE_READY
    if not _TABLE_READY:
        try:
            _TABLE_READY = RuleOverride._meta.db_table in connection.introspection.table_names()
        except (DatabaseError, ImproperlyConfigured, RuntimeError):
            # No usable database in this process (not configured, not reachable, or database access
            # blocked, as in tests of the pure doors): there can be no stored override either.
            return False
    return _TABLE_READY


def as_rule_row(override: RuleOverride) -> dict | None:
    """The row the pure core reads, its dates clipped to the province's own lifetime (a province
    merged away takes its overrides with it; a code reused by the successor starts afresh)."""
    start, end = override.effective_from, override.effective_to
    province = override.province
    if province.valid_from and start < province.valid_from:
        start = province.valid_from
    if province.valid_to and (end is None or end > province.valid_to):
        end = province.valid_to
    if end is not None and end < start:
        return None
    return {
        "rule": override.rule,
        "param": override.param,
        "value": override.value,
        "effective_from": start.isoformat(),
        "effective_to": end.isoformat() if end else None,
        "citation": override.citation,
    }


def override_rows(province_code: str, family: str) -> list[dict]:
    """The override source of thidua.whatif.service: every row of the province with official
    ``province_code`` for ``family`` ("eligibility" or "voting"); [] before the table exists."""
    if not province_code:
        return []
    try:
        if not _table_ready():
            return []
        rows = list(
            RuleOverride.objects.filter(province__code=province_code, family=family)
            .select_related("province")
            .order_by("effective_from", "pk")
        )
    except (ImproperlyConfigured, RuntimeError):
        # No usable database in this process (see _table_ready); a DatabaseError is left to
        # load_overrides, which logs it.
        return []
    return [row for row in (as_rule_row(o) for o in rows) if row is not None]


def province_rule_rows(province, family: str) -> list[dict]:
    """The same rows for one Province object (the registry page of that province)."""
    rows = RuleOverride.objects.filter(province=province, family=family).select_related("province")
    return [row for row in (as_rule_row(o) for o in rows.order_by("effective_from", "pk")) if row is not None]
