"""Reads of the award catalogue and the provincial overrides, for pages, the API and other apps.

Other apps use :func:`award_label` (the Vietnamese name of a code, national or provincial) and
:func:`catalogue_entry_for` (the AwardType row of a code); the what-if service reads a province's
regulation packs through :func:`pack_source`, registered as its pack source in apps.py.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection
from django.db.models import Q

from thidua.awards.models import AwardType, RegulationPack, RuleOverride
from thidua.core.access import scope_of
from thidua.rules import voting as voting_rules
from thidua.rules.catalogue import CATALOGUE_BY_CODE
from thidua.rules.packs import entry_rows, shipped_for
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


def catalogue_order(code: str) -> tuple[int, str]:
    """Sort key: the law's catalogue order, then the province's own codes."""
    codes = list(CATALOGUE_BY_CODE)
    return (codes.index(code), code) if code in CATALOGUE_BY_CODE else (len(codes), code)


def recordable_entry(code: str, province=None, on: dt.date | None = None) -> AwardType | None:
    """The catalogue entry of ``code`` that a proposal, a decision or a history record may name:
    the law's catalogue (coded or manual) or the province's own entries (issue #19). With ``on``,
    an entry not yet or no longer in force is left out; history records pass no date."""
    row = catalogue_entry_for(code, province)
    if row is None and province is not None:
        # A unit of a province merged in 2025 receives the awards its new province lists.
        province_id = getattr(province, "pk", province)
        row = AwardType.objects.filter(province_id__in=_with_successors(province_id), code=canonical_code(code)).first()
    if row is None or on is None:
        return row
    if row.effective_to is not None and row.effective_to < on:
        return None
    return row


def catalogue_award_choices(subject: str | None = None, province=None) -> list[tuple[str, str]]:
    """(code, name) of every catalogue entry for a person or a collective, coded or manual: the law's,
    then the province's own (awards of other issuers: Hội Nhà báo, Công an tỉnh…), issue #19."""
    scope = Q(province__isnull=True)
    if province is not None:
        scope |= Q(province_id__in=_with_successors(getattr(province, "pk", province)))
    rows = AwardType.objects.filter(scope).exclude(effective_to__lt=dt.date.today()).order_by("province_id", "kind", "pk")
    out = []
    for row in filter_catalogue(rows, subject=subject or ""):
        if set(row.subjects) & {"individual", "collective"}:
            out.append((row.code, row.name if row.province_id is None else f"{row.name} ({row.authority})" if row.authority else row.name))
    return out


def manual_appraisal_reason(code: str, province=None) -> str | None:
    """Why ``code`` has no coded rule (it goes through manual appraisal), or None when the engine evaluates it."""
    row = recordable_entry(code, province)  # also an entry of the province this one merged into
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
    qs = RuleOverride.objects.select_related("province", "pack", "created_by", "ended_by")
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
    """(code, Vietnamese label) of a pack entry on ``today``: upcoming, active, ended, withdrawn
    (an entry ends with its pack)."""
    today = today or dt.date.today()
    last = entry_last_day(override)
    if override.withdrawn or (last is not None and last < max(override.effective_from, override.pack.effective_from)):
        return "withdrawn", "Đã hủy trước ngày áp dụng"
    if last is not None and last < today:
        return "ended", "Đã kết thúc"
    if override.effective_from > today:
        return "upcoming", "Sắp áp dụng"
    return "active", "Đang áp dụng"


def entry_last_day(entry: RuleOverride) -> dt.date | None:
    """The last day an entry applies: its own, or its pack's when the pack ended first."""
    ends = [d for d in (entry.effective_to, entry.pack.effective_to) if d is not None]
    return min(ends) if ends else None


def overlapping(province, family: str, rule: str, param: str, start: dt.date, end: dt.date | None, exclude=None):
    """Entries of the same parameter of the same province (in any of its packs) whose dates meet [start, end]."""
    qs = RuleOverride.objects.filter(province=province, family=family, rule=rule, param=param).select_related("pack")
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    qs = qs.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=start))
    if end is not None:
        qs = qs.filter(effective_from__lte=end)
    found = []
    for entry in qs:
        last = entry_last_day(entry)
        first = max(entry.effective_from, entry.pack.effective_from)
        if (last is None or last >= start) and (last is None or last >= first) and (end is None or first <= end):
            found.append(entry)
    return found


def pack_status(pack: RegulationPack, today: dt.date | None = None) -> tuple[str, str]:
    """(code, Vietnamese label) of a pack on ``today``: upcoming, active, ended, withdrawn."""
    today = today or dt.date.today()
    if pack.withdrawn:
        return "withdrawn", "Đã hủy trước ngày có hiệu lực"
    if pack.effective_to is not None and pack.effective_to < today:
        return "ended", "Hết hiệu lực"
    if pack.effective_from > today:
        return "upcoming", "Chưa có hiệu lực"
    return "active", "Đang có hiệu lực"


def visible_packs(user):
    ids = visible_province_ids(user)
    qs = RegulationPack.objects.select_related("province", "created_by", "ended_by")
    return qs if ids is None else qs.filter(province_id__in=ids)


_TABLE_READY = False


def _table_ready() -> bool:
    """True once the packs table exists (the command line may run before `migrate`)."""
    global _TABLE_READY
    if not _TABLE_READY:
        try:
            tables = connection.introspection.table_names()
            _TABLE_READY = RegulationPack._meta.db_table in tables and RuleOverride._meta.db_table in tables
        except (DatabaseError, ImproperlyConfigured, RuntimeError):
            # No usable database in this process (not configured, not reachable, or database access
            # blocked, as in tests of the pure doors): the shipped packs are all there is.
            return False
    return _TABLE_READY


def pack_data(pack: RegulationPack, entries) -> dict | None:
    """The pack as the pure core reads it (thidua/rules/packs.py), its dates clipped to the
    province's own lifetime (a province merged away takes its packs with it; a code reused by the
    successor starts afresh). None when nothing of it falls in that lifetime."""
    start, end = pack.effective_from, pack.effective_to
    province = pack.province
    if province.valid_from and start < province.valid_from:
        start = province.valid_from
    if province.valid_to and (end is None or end > province.valid_to):
        end = province.valid_to
    if end is not None and end < start:
        return None
    return {
        "number": pack.number,
        "title": pack.title,
        "province": pack.province_label,
        "province_code": province.code,
        "issued_on": pack.issued_on.isoformat() if pack.issued_on else None,
        "effective_from": start.isoformat(),
        "effective_to": end.isoformat() if end else None,
        "citations": dict(pack.citations or {}),
        "entries": [
            {
                "family": e.family, "rule": e.rule, "param": e.param, "value": e.value, "article": e.citation,
                "effective_from": e.effective_from.isoformat(),
                "effective_to": e.effective_to.isoformat() if e.effective_to else None,
            }
            for e in entries
        ],
    }


def _packs_of(qs) -> list[dict]:
    packs = list(qs.select_related("province").prefetch_related("entries").order_by("effective_from", "pk"))
    found = []
    for pack in packs:
        entries = sorted(pack.entries.all(), key=lambda e: (e.effective_from, e.pk))
        data = pack_data(pack, entries)
        if data is not None:
            found.append(data)
    return found


def pack_source(province_code: str) -> list[dict]:
    """The pack source of thidua.whatif.service: every pack of the province with official
    ``province_code`` (all its dates: the core picks what is in force). Before the tables exist
    (the command line without a migrated database) the shipped packs stand in for them."""
    if not province_code:
        return []
    try:
        if not _table_ready():
            return shipped_for(province_code)
        return _packs_of(RegulationPack.objects.filter(province__code=province_code))
    except (ImproperlyConfigured, RuntimeError):
        # No usable database in this process (see _table_ready); a DatabaseError is left to
        # load_packs, which logs it.
        return shipped_for(province_code)


def province_packs(province) -> list[dict]:
    """The same packs for one Province object (the registry page of that province)."""
    return _packs_of(RegulationPack.objects.filter(province=province))


def override_rows(province_code: str, family: str) -> list[dict]:
    """The pack entries of ``family`` of a province, as the bare override rows the core reads."""
    return entry_rows(pack_source(province_code), family)
