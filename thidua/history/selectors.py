"""Reading the award history, and turning it into the eligibility request of whatif-api.md.

`eligibility_request(subject, award_code, year, on=...)` builds exactly the "eligibility" request
the what-if doors take (history years with ratings, titles, forms, initiatives, discipline,
pending investigations; for a collective the member figures; the subject's province for its
overrides). `evaluate_subject(...)` sends it through `thidua.whatif.service.evaluate_one`, the
one function behind `POST /api/v1/eligibility/evaluate` and `manage.py evaluate`.

A person's history is the person's own (it follows them across transfers). A unit's history is
its own; its predecessors' (merged into it) counts only under the province's policy
(HistoryPolicy.inherit_across_merger, default off: domain-rules §4.13).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Iterable

from thidua.history.models import (
    AwardRecord,
    DisciplinePeriod,
    HistoryPolicy,
    Initiative,
    PendingInvestigation,
    TaskRating,
    WorkKind,
)
from thidua.org.models import Person, Province, Unit
from thidua.rules.catalogue import (
    AWARD_NAMES,
    CATALOGUE_BY_CODE,
    COLLECTIVE,
    DISCIPLINES,
    EMULATION_TITLES,
    INDIVIDUAL,
    basis_equivalent,
)
from thidua.rules import council

HEAVY_DISCIPLINE = frozenset(DISCIPLINES[DISCIPLINES.index("CANH_CAO"):])
# Labels by display status: an ELIGIBLE that still waits on the council reads differently from
# one the data decides (thidua/rules/council.py).
OUTCOME_LABELS = council.STATUS_LABELS


def kind_of(subject) -> str:
    return INDIVIDUAL if isinstance(subject, Person) else COLLECTIVE


def province_in_force(province: Province, on: dt.date) -> Province:
    """The province in force on `on`: a merged province's records go to its successor's rules."""
    seen = set()
    current = province
    while current.valid_to is not None and current.valid_to < on and current.merged_into_id and current.pk not in seen:
        seen.add(current.pk)
        current = current.merged_into
    return current


def inherits_across_merger(province_id: int) -> bool:
    return HistoryPolicy.objects.filter(province_id=province_id, inherit_across_merger=True).exists()


def unit_lineage_ids(unit: Unit) -> list[int]:
    """The unit, plus its predecessors when the province's policy says their history passes on."""
    if not inherits_across_merger(unit.province_id):
        return [unit.pk]
    from thidua.org.selectors import predecessors

    return [unit.pk] + [u.pk for u, _ in predecessors(unit)]


# --------------------------------------------------------------------------- history by year


def _blank(year: int) -> dict:
    return {"year": year, "rating": None, "titles": [], "awards": []}


def province_award_extras(codes: Iterable[str], province_id: int | None) -> dict[str, dict]:
    """What the engine needs to know of the province's own catalogue entries among ``codes``
    (awards of other issuers, issue #19): their name, the prerequisite a Bằng khen stands for
    (``counts_as``) and ``basis: false`` when the entry does not count as a basis for higher awards."""
    own = {c for c in codes if c not in CATALOGUE_BY_CODE and c not in EMULATION_TITLES}
    if not own or province_id is None:
        return {}
    from thidua.awards.models import AwardType
    from thidua.awards.selectors import _with_successors

    extras: dict[str, dict] = {}
    rows = AwardType.objects.filter(province_id__in=_with_successors(province_id), code__in=sorted(own)).order_by("pk")
    for code, name, kind, level, counts in rows.values_list("code", "name", "kind", "level", "counts_as_basis"):
        if code in extras:
            continue
        extra: dict = {"name": name}
        equivalent = basis_equivalent(kind, level, name)
        if equivalent:
            extra["counts_as"] = equivalent
        if not counts:
            extra["basis"] = False
        extras[code] = extra
    return extras


def _award_item(code: str, kind: str, extras: dict[str, dict]):
    extra = extras.get(code)
    if not extra:
        return code if kind == "MERIT" else {"code": code, "type": kind}
    return {"code": code, "type": kind, **extra}


def person_entries(
    ratings: Iterable[tuple[int, str]],
    awards: Iterable[tuple[int, str, str]],
    works: Iterable[tuple[int, str, str, bool, int, str | None]],
    disciplines: Iterable[tuple[str, dt.date, dt.date | None]],
    pendings: Iterable[tuple[dt.date, dt.date | None]],
    on: dt.date,
    extras: dict[str, dict] | None = None,
) -> list[dict]:
    """History entries of whatif-api.md from plain tuples (one person).

    ratings (year, rating); awards (year, code, kind); works (year, kind, scope, recognised, id,
    used_for code); disciplines (form, start, end); pendings (opened, closed); extras: the
    province's own catalogue entries among the awards (province_award_extras).
    """
    years: dict[int, dict] = {}
    extras = extras or {}

    def entry(year: int) -> dict:
        if year not in years:
            years[year] = _blank(year)
        return years[year]

    for year, rating in ratings:
        entry(year)["rating"] = rating
    for year, code, kind in awards:
        item = entry(year)
        if code in EMULATION_TITLES:
            if code not in item["titles"]:
                item["titles"].append(code)
        else:
            item["awards"].append(_award_item(code, kind, extras))
    for year, kind, scope, recognised, ident, used_for in works:
        key, flag = ("projects", "accepted") if kind == WorkKind.PROJECT else ("initiatives", "recognized")
        work = {"id": ident, "scope": scope, flag: recognised}
        if used_for:
            work["used_for"] = used_for
        entry(year).setdefault(key, []).append(work)
    for form, start, end in sorted(disciplines, key=lambda d: d[1]):
        if start > on:
            continue
        item = entry(start.year)
        current = item.get("discipline")
        if current is None or DISCIPLINES.index(form) >= DISCIPLINES.index(current):
            item["discipline"] = form
            if end is not None:
                item["discipline_until"] = end.isoformat()
            else:
                item.pop("discipline_until", None)
    for opened, closed in pendings:
        if opened <= on and (closed is None or closed > on):
            entry(opened.year)["pending_investigation"] = True
    return [years[y] for y in sorted(years)]


def _person_history(person: Person, on: dt.date) -> list[dict]:
    ratings = TaskRating.objects.filter(person=person).values_list("year", "rating")
    awards = list(AwardRecord.objects.filter(person=person, revoked=False).values_list("year", "award_code", "award_kind"))
    works = [
        (w.year, w.kind, w.scope, w.recognised, w.pk, w.used_for_award.award_code if w.used_for_award_id else None)
        for w in Initiative.objects.filter(person=person).select_related("used_for_award")
    ]
    disciplines = DisciplinePeriod.objects.filter(person=person).values_list("form", "start_date", "end_date")
    pendings = PendingInvestigation.objects.filter(person=person).values_list("opened_on", "closed_on")
    extras = province_award_extras({code for _, code, _ in awards}, person.province_id)
    return person_entries(ratings, awards, works, disciplines, pendings, on, extras)


def member_figures(unit_ids: list[int], years: Iterable[int] | None = None, on: dt.date | None = None) -> dict[int, dict]:
    """Per year: headcount, ldtt_members, cstdcs_members, members_failed, members_disciplined.

    Members of a unit in a year are the people it rated that year (TaskRating.rated_in_unit);
    titles and discipline are the members' own records of that year.
    """
    ratings = TaskRating.objects.filter(rated_in_unit_id__in=unit_ids, person__isnull=False)
    if years is not None:
        ratings = ratings.filter(year__in=list(years))
    members: dict[int, dict[int, str]] = defaultdict(dict)
    for year, person_id, rating in ratings.values_list("year", "person_id", "rating"):
        members[year][person_id] = rating
    if not members:
        return {}
    person_ids = {pid for by in members.values() for pid in by}
    titles: dict[tuple[int, int], set[str]] = defaultdict(set)
    for year, pid, code in AwardRecord.objects.filter(
        person_id__in=person_ids, revoked=False, award_code__in=["LDTT", "CSTDCS"], year__in=list(members)
    ).values_list("year", "person_id", "award_code"):
        titles[(year, pid)].add(code)
    disciplined: dict[int, set[int]] = defaultdict(set)
    for pid, form, start, end in DisciplinePeriod.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "form", "start_date", "end_date"
    ):
        if form in HEAVY_DISCIPLINE:
            for year in members:
                if start.year <= year and (end is None or end.year >= year):
                    disciplined[year].add(pid)
    result = {}
    for year, by in members.items():
        result[year] = {
            "headcount": len(by),
            "ldtt_members": sum(1 for pid in by if "LDTT" in titles.get((year, pid), ())),
            "cstdcs_members": sum(1 for pid in by if "CSTDCS" in titles.get((year, pid), ())),
            "members_failed": sum(1 for r in by.values() if r == "FAILED"),
            "members_disciplined": len(disciplined.get(year, set()) & set(by)),
        }
    return result


def _unit_history(unit: Unit, on: dt.date) -> list[dict]:
    ids = unit_lineage_ids(unit)
    years: dict[int, dict] = {}

    def entry(year: int) -> dict:
        if year not in years:
            years[year] = _blank(year)
        return years[year]

    # The unit's own rating wins over a predecessor's for the same year.
    for unit_id, year, rating in TaskRating.objects.filter(unit_id__in=ids).values_list("unit_id", "year", "rating"):
        item = entry(year)
        if item["rating"] is None or unit_id == unit.pk:
            item["rating"] = rating
    awards = list(AwardRecord.objects.filter(unit_id__in=ids, revoked=False).values_list("year", "award_code", "award_kind"))
    extras = province_award_extras({code for _, code, _ in awards}, unit.province_id)
    for year, code, kind in awards:
        item = entry(year)
        if code in EMULATION_TITLES:
            if code not in item["titles"]:
                item["titles"].append(code)
        else:
            item["awards"].append(_award_item(code, kind, extras))
    for year, figures in member_figures(ids).items():
        entry(year).update(figures)
    for year in leading_years(ids):
        entry(year)["bloc_leading"] = True
    return [years[y] for y in sorted(years)]


def leading_years(unit_ids) -> set[int]:
    """Years in which one of `unit_ids` was its block's confirmed leading unit (suy tôn, or the
    meeting's decision recorded by the block head — thidua.scoring); the ranking alone only proposes."""
    from thidua.scoring.models import ScoringRound

    return set(ScoringRound.objects.filter(confirmed_leader_id__in=unit_ids).values_list("bloc_year__year", flat=True))


def subject_history(subject, on: dt.date | None = None) -> list[dict]:
    on = on or dt.date.today()
    return _person_history(subject, on) if kind_of(subject) == INDIVIDUAL else _unit_history(subject, on)


# --------------------------------------------------------------------------- the request and the engine


def eligibility_request(
    subject, award_code: str | None, year: int, *, on: dt.date | None = None, confirmations: dict | None = None
) -> dict:
    """The whatif-api "eligibility" request for `subject` (Person or Unit) and `award_code` in `year`.

    `award_code` None (or "") asks for every award the subject kind can receive. `on` is the
    decision date (default today): it picks the rule version and the base salary.
    """
    on = on or dt.date.today()
    province = province_in_force(subject.province, on)
    return {
        "kind": "eligibility",
        "decided_on": on.isoformat(),
        "province": province.code,
        "subject": kind_of(subject),
        "year": int(year),
        "awards": [award_code] if award_code else [],
        "history": subject_history(subject, on),
        "collective": None,
        "confirmations": dict(confirmations or {}),
    }


def evaluate_request(request: dict) -> dict:
    from thidua.whatif.service import evaluate_one

    return evaluate_one(request)


def evaluate_subject(subject, award_code: str, year: int, *, on: dt.date | None = None, confirmations: dict | None = None) -> dict:
    """The engine's result for one award: {"award", "outcome", "rule", "checks", ...} or {"error": ...}."""
    result = evaluate_request(eligibility_request(subject, award_code, year, on=on, confirmations=confirmations))
    if "error" in result:
        return result
    return result["results"][0]


def evaluate_subject_all(subject, year: int, *, on: dt.date | None = None) -> dict:
    """Every award the subject kind can receive, in catalogue order: {"results": [...]} or {"error": ...}."""
    return evaluate_request(eligibility_request(subject, None, year, on=on))


# --------------------------------------------------------------------------- page data


def history_rows(subject) -> list[dict]:
    """The history table of the person or unit page: one row per year, newest first."""
    kwargs = {"person": subject} if kind_of(subject) == INDIVIDUAL else {"unit": subject}
    years: dict[int, dict] = defaultdict(lambda: {"rating": None, "awards": [], "initiatives": [], "discipline": []})
    for rating in TaskRating.objects.filter(**kwargs).select_related("rated_in_unit"):
        years[rating.year]["rating"] = rating
    for award in AwardRecord.objects.filter(**kwargs).order_by("year", "pk"):
        years[award.year]["awards"].append(award)
    if kind_of(subject) == INDIVIDUAL:
        for work in Initiative.objects.filter(person=subject).select_related("used_for_award"):
            years[work.year]["initiatives"].append(work)
        for item in DisciplinePeriod.objects.filter(person=subject):
            years[item.start_date.year]["discipline"].append(item)
    return [{"year": y, **years[y]} for y in sorted(years, reverse=True)]


def outcome_summary(results: list[dict]) -> list[dict]:
    """Results for display: status label and badge, failing/pending checks first.

    `status` is the engine's outcome, except that an ELIGIBLE resting only on qualitative
    conditions not yet confirmed is ELIGIBLE_IF_CONFIRMED; `pending` then lists the conditions
    of its open routes (those the council must confirm for the result to hold).
    """
    rows = []
    for result in results:
        checks = result.get("checks", [])
        failing = [c for c in checks if c["passed"] is False]
        status = council.status(result)
        routes = []
        if status == council.ELIGIBLE_IF_CONFIRMED:
            # One open route is enough: each is listed with the conditions it still waits on.
            for route in council.open_routes(result):
                waiting = _dedupe([c for c in route if c["passed"] is None])
                routes.append({"route": route[0].get("route"), "checks": waiting})
            pending = [c for r in routes for c in r["checks"]]
        else:
            pending = [c for c in checks if c["passed"] is None]
        rows.append({
            "award": result["award"],
            "name": result.get("name") or AWARD_NAMES.get(result["award"], ""),
            "outcome": result["outcome"],
            "status": status,
            "badge": council.STATUS_BADGES[status],
            "label": OUTCOME_LABELS[status],
            "failing": _dedupe(failing),
            "pending": _dedupe(pending),
            "council_routes": routes,
            "passed": _dedupe([c for c in checks if c["passed"] is True]),
            "money_vnd": result.get("money_vnd"),
            "money": result.get("money") or {},
            "rule": result.get("rule", {}),
        })
    return rows


def _dedupe(checks: list[dict]) -> list[dict]:
    seen, out = set(), []
    for check in checks:
        if check["text"] in seen:
            continue
        seen.add(check["text"])
        out.append(check)
    return out
