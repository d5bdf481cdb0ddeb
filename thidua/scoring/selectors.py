"""Reads of the scoring app: who may do what on a sheet, which sheets a user sees, a sheet's rows
and a round's ranking (built in a fixed number of queries, whatever the number of sheets)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable, Mapping, Sequence

from django.db.models import Exists, OuterRef, Q, QuerySet

from thidua.accounts.models import Role
from thidua.core.access import PERMISSIONS, scope_of, scoped
from thidua.core.db import vi_order
from thidua.rules import scoring as core
from thidua.rules.text import sort_key
from thidua.scoring.models import (
    CriteriaSet,
    Criterion,
    CriterionKind,
    CrossCheckAssignment,
    RoundState,
    Score,
    ScoreChange,
    ScoreEvidence,
    ScoreSheet,
    ScoringRound,
    SetState,
    SheetEvent,
    SheetState,
)

# Province-wide roles that sit on the panel (tổ thẩm định) of every block of their province.
PANEL_PROVINCE_ROLES = frozenset({Role.ADMIN, Role.PROVINCE_OFFICER, Role.APPRAISAL_BOARD})
UNIT_ROLES = frozenset({Role.UNIT_OFFICER, Role.UNIT_LEADER})
RANKED_STATES = frozenset({SheetState.SUBMITTED, SheetState.CROSS_CHECKED, SheetState.APPRAISED, SheetState.PUBLISHED})
DRAFT_REASON = "Phiếu chưa gửi (đơn vị đang tự chấm): không xếp hạng"


# ---------------------------------------------------------------- criteria


def criterion_specs(criteria: Iterable[Criterion]) -> list[core.CriterionSpec]:
    """The pure core's view of a set's criteria (parent codes read through `parent_id`)."""
    criteria = list(criteria)
    code_of = {c.pk: c.code for c in criteria}
    return [
        core.CriterionSpec(
            code=c.code, title=c.title, kind=c.kind, max_points=c.max_points,
            parent_code=code_of.get(c.parent_id), evidence_required=c.evidence_required, guidance=c.guidance,
        )
        for c in criteria
    ]


def ordered_criteria(criteria_set) -> list[Criterion]:
    """The set's criteria in tree order (parents before children, siblings by position)."""
    criteria = list(Criterion.objects.filter(criteria_set=criteria_set).order_by("position", "pk"))
    return tree_order(criteria)


def tree_order(criteria: list[Criterion]) -> list[Criterion]:
    children: dict[int | None, list[Criterion]] = defaultdict(list)
    ids = {c.pk for c in criteria}
    for c in criteria:
        children[c.parent_id if c.parent_id in ids else None].append(c)
    result: list[Criterion] = []

    def walk(parent_id, depth):
        for c in children.get(parent_id, ()):
            c.depth = depth
            result.append(c)
            walk(c.pk, depth + 1)

    walk(None, 0)
    return result


# ---------------------------------------------------------------- who may do what


def sheet_roles(user, sheet: ScoreSheet) -> set[str]:
    """The roles of thidua.rules.scoring.SHEET_ROLES `user` holds on `sheet`.

    unit: the sheet's own unit (scoring.self); reviewer: an assigned peer unit, the block head unit
    or the block's leadership; panel: the block's head and deputy units, a Trưởng khối or tổ thẩm
    định of the block, the province's TĐKT officers and appraisal board; head: scoring.publish on
    the block. A unit never cross-checks or appraises its own sheet.
    """
    all_roles = {"unit", "reviewer", "panel", "head"}
    if user is None:
        return all_roles
    scope = scope_of(user)
    if scope.is_admin:
        return all_roles
    round_ = sheet.round
    bloc_year = round_.bloc_year
    province_id, bloc_id = sheet.province_id, bloc_year.bloc_id
    unit_province_id = sheet.unit.province_id
    roles: set[str] = set()

    def province_wide(action: str, only: frozenset | None = None) -> bool:
        return any(
            g.unit_id is None and g.bloc_id is None and g.council_id is None
            and (province_id in g.province_ids or unit_province_id in g.province_ids)
            and (only is None or g.role in only)
            for g in scope.grants_for(action)
        )

    def on_bloc(action: str) -> bool:
        return bloc_id in scope.bloc_ids_for(action)

    own_unit_ids = {g.unit_id for g in scope.grants if g.unit_id is not None}
    if province_wide("scoring.self") or sheet.unit_id in scope.unit_ids_for("scoring.self"):
        roles.add("unit")
    review_units = scope.unit_ids_for("scoring.review") - {sheet.unit_id}
    leadership = {u for u in (bloc_year.head_unit_id, bloc_year.deputy_unit_id) if u}
    is_own = sheet.unit_id in own_unit_ids
    wide_review = province_wide("scoring.review")
    if wide_review or (not is_own and on_bloc("scoring.review")):
        roles.add("reviewer")
    elif review_units:
        assigned = set(CrossCheckAssignment.objects.filter(sheet=sheet).values_list("reviewer_unit_id", flat=True))
        if review_units & (assigned | ({bloc_year.head_unit_id} if bloc_year.head_unit_id else set())):
            roles.add("reviewer")
    if province_wide("scoring.review", PANEL_PROVINCE_ROLES) or (not is_own and (on_bloc("scoring.review") or review_units & leadership)):
        roles.add("panel")
    if province_wide("scoring.publish") or on_bloc("scoring.publish"):
        roles.add("head")
    return roles


def score_level_for(sheet: ScoreSheet) -> tuple[str, str] | None:
    """(role, level) of who enters points on `sheet` now, or None when nobody does."""
    if sheet.round.state != RoundState.OPEN:
        return None
    return core.SHEET_SCORE_LEVEL.get(sheet.state)


def sees_every_sheet(user, round_: ScoringRound) -> bool:
    """Province staff and the block's leadership see every sheet of the round at any time."""
    if user is None:
        return True
    scope = scope_of(user)
    if scope.is_admin:
        return True
    province_id = round_.province_id
    if any(g.unit_id is None and g.bloc_id is None and g.council_id is None and province_id in g.province_ids
           for g in scope.grants_for("scoring.review")):
        return True
    if round_.bloc_year.bloc_id in scope.bloc_ids_for("scoring.review") | scope.bloc_ids_for("scoring.publish"):
        return True
    leadership = {round_.bloc_year.head_unit_id, round_.bloc_year.deputy_unit_id} - {None}
    return bool(leadership & scope.unit_ids_for("scoring.review"))


def visible_sheets(user, round_: ScoringRound) -> QuerySet[ScoreSheet]:
    """The sheets of `round_` `user` may open: all once published (or when the block lets members
    see each other's results); before that a unit sees its own sheet and those it is assigned to
    cross-check."""
    qs = scoped(user, ScoreSheet.objects.filter(round=round_), "registry.view") if user is not None else ScoreSheet.objects.filter(round=round_)
    qs = qs.select_related("unit", "round", "round__bloc_year", "round__criteria_set")
    if round_.state == RoundState.PUBLISHED or round_.results_visible or sees_every_sheet(user, round_):
        return qs
    unit_ids = {g.unit_id for g in scope_of(user).grants if g.unit_id is not None}
    return qs.filter(Q(unit_id__in=unit_ids) | Q(assignments__reviewer_unit_id__in=unit_ids)).distinct()


def get_visible_sheet_or_404(user, **lookup) -> ScoreSheet:
    """A sheet by `lookup` (e.g. uid=…) if `user` may see it, else 404 like a missing one."""
    from django.http import Http404

    sheet = ScoreSheet.objects.select_related("round", "round__bloc_year", "round__bloc_year__bloc", "round__criteria_set", "unit").filter(**lookup).first()
    if sheet is None or not visible_sheets(user, sheet.round).filter(pk=sheet.pk).exists():
        raise Http404("Không tìm thấy")
    return sheet


def rounds_for(user) -> QuerySet[ScoringRound]:
    """The rounds of the blocks `user` can see, newest year first."""
    return (
        scoped(user, ScoringRound.objects.all(), "registry.view")
        .select_related("bloc_year", "bloc_year__bloc", "criteria_set", "confirmed_leader")
        .order_by("-bloc_year__year", vi_order("bloc_year__bloc__name"))
    )


def can(user, action: str) -> bool:
    return action in PERMISSIONS and scope_of(user).can(action)


# ---------------------------------------------------------------- a sheet's rows


@dataclass
class SheetRow:
    criterion: Criterion
    depth: int
    score: Score | None
    evidence: list[ScoreEvidence] = field(default_factory=list)
    changes: list[ScoreChange] = field(default_factory=list)
    group_points: Decimal | None = None  # for a GROUP: its points (effective) after caps, top level only

    @property
    def is_item(self) -> bool:
        return self.criterion.kind != CriterionKind.GROUP

    @property
    def self_points(self):
        return self.score.self_points if self.score else None

    @property
    def cross_points(self):
        return self.score.cross_points if self.score else None

    @property
    def final_points(self):
        return self.score.final_points if self.score else None

    @property
    def effective_points(self):
        return self.score.effective_points if self.score else None

    @property
    def evidence_missing(self) -> bool:
        return self.is_item and self.criterion.evidence_required and not self.evidence and bool(self.self_points)


@dataclass
class SheetView:
    sheet: ScoreSheet
    rows: list[SheetRow]
    totals: core.SheetTotals  # effective points
    self_totals: core.SheetTotals  # the unit's own points
    events: list[SheetEvent]
    missing_self: list[Criterion]  # SCORE items the unit has not filled


def sheet_rows(sheet: ScoreSheet) -> SheetView:
    """Criteria tree of `sheet` with self / cross / final / effective points, evidence and the
    change history of each criterion (five queries)."""
    criteria = ordered_criteria(sheet.round.criteria_set_id)
    scores = {s.criterion_id: s for s in Score.objects.filter(sheet=sheet)}
    evidence: dict[int, list[ScoreEvidence]] = defaultdict(list)
    for item in ScoreEvidence.objects.filter(score__sheet=sheet).select_related("uploaded_by").order_by("pk"):
        evidence[item.score_id].append(item)
    changes: dict[int, list[ScoreChange]] = defaultdict(list)
    for change in ScoreChange.objects.filter(sheet=sheet).select_related("changed_by").order_by("changed_at", "pk"):
        changes[change.criterion_id].append(change)
    specs = criterion_specs(criteria)
    code_of = {c.pk: c.code for c in criteria}
    effective = {code_of[cid]: s.effective_points for cid, s in scores.items() if s.effective_points is not None and cid in code_of}
    own = {code_of[cid]: s.self_points for cid, s in scores.items() if s.self_points is not None and cid in code_of}
    totals = core.sheet_totals(specs, effective)
    rows = []
    for c in criteria:
        score = scores.get(c.pk)
        rows.append(
            SheetRow(
                criterion=c, depth=getattr(c, "depth", 0), score=score,
                evidence=evidence.get(score.pk, []) if score else [], changes=changes.get(c.pk, []),
                group_points=totals.by_group.get(c.code) if c.parent_id is None else None,
            )
        )
    missing_self = [c for c in criteria if c.kind == CriterionKind.SCORE and (scores.get(c.pk) is None or scores[c.pk].self_points is None)]
    events = list(SheetEvent.objects.filter(sheet=sheet).select_related("by").order_by("at", "pk"))
    return SheetView(sheet=sheet, rows=rows, totals=totals, self_totals=core.sheet_totals(specs, own), events=events, missing_self=missing_self)


sheet_form_rows = sheet_rows


# ---------------------------------------------------------------- compiled criteria, a sheet's sums


@dataclass(frozen=True)
class SetPlan:
    """A criteria set ready for totals: the core's compiled plan, criterion ids to codes, the
    scored items and the block's ranking options (tie breakers, bands)."""

    plan: core.CriteriaPlan
    code_of: dict[int, str]
    items: tuple[str, ...]  # codes of the scored items, in the order sheet_totals lists missing ones
    options: dict


# Plans of sets in use, by (pk, uid, version): such a set is frozen (no action changes its criteria
# or options), so a plan compiled once serves every later ranking in this process.
_FROZEN_PLANS: dict[tuple, SetPlan] = {}


def _set_options(criteria_set) -> dict:
    return {
        "tie_breakers": [t for t in (criteria_set.tie_breakers or []) if t in core.TIE_BREAKERS],
        "bands": core.bands_from_json(criteria_set.bands),
    }


def set_plans(criteria_sets: Iterable[CriteriaSet]) -> dict[int, SetPlan]:
    """SetPlan of each set (one query for the criteria of the sets not compiled yet)."""
    result: dict[int, SetPlan] = {}
    todo: list[CriteriaSet] = []
    for criteria_set in criteria_sets:
        cached = _FROZEN_PLANS.get((criteria_set.pk, criteria_set.uid, criteria_set.version))
        if cached is not None and criteria_set.state == SetState.IN_USE:
            result[criteria_set.pk] = cached
        else:
            todo.append(criteria_set)
    if not todo:
        return result
    criteria_by_set: dict[int, list[Criterion]] = defaultdict(list)
    for c in Criterion.objects.filter(criteria_set_id__in=[s.pk for s in todo]).order_by("position", "pk"):
        criteria_by_set[c.criteria_set_id].append(c)
    for criteria_set in todo:
        criteria = criteria_by_set[criteria_set.pk]
        plan = core.compile_criteria(criterion_specs(criteria))
        made = SetPlan(
            plan=plan, code_of={c.pk: c.code for c in criteria},
            items=tuple(step[1] for step in plan.steps if step[0] == "I"), options=_set_options(criteria_set),
        )
        if criteria_set.state == SetState.IN_USE:
            if len(_FROZEN_PLANS) >= 256:
                _FROZEN_PLANS.clear()
            _FROZEN_PLANS[(criteria_set.pk, criteria_set.uid, criteria_set.version)] = made
        result[criteria_set.pk] = made
    return result


_SLOT = {"SCORE": 0, "BONUS": 1, "DEDUCTION": 2}


def sheet_sums(set_plan: SetPlan, points: Mapping[str, Decimal | None]) -> tuple[dict[str, list[int]], list[str], int, bool]:
    """(bucket sums, missing items, filled items, needs exact) of a sheet from its effective
    points by code.

    The bucket sums are what thidua.rules.scoring.totals_from_buckets reads, in hundredths of a
    point (integers: exact, and cheap to read back): for each bucket (an item's group, or the
    item itself at top level) the criteria, bonus and deduction points of its items; with the
    missing items they give exactly sheet_totals. A sheet needs the item-by-item path
    (sheet_totals) when a value is below 0 or above its max, or points were entered on a group:
    those carry notes that only sheet_totals writes."""
    plan = set_plan.plan
    kinds, bucket_of, max_of = plan.kinds, plan.bucket_of, plan.max_of
    buckets: dict[str, list[int]] = {}
    filled = 0
    exact = False
    for code, value in points.items():
        if value is None:
            continue
        slot = _SLOT.get(kinds.get(code))
        if slot is None:  # a group (or a code of another set)
            exact = True
            continue
        filled += 1
        maximum, bucket = max_of[code], bucket_of.get(code)
        hundredths = value * 100
        if value < 0 or (maximum is not None and value > maximum) or hundredths != int(hundredths) or bucket is None:
            exact = True
            continue
        parts = buckets.get(bucket)
        if parts is None:
            parts = buckets[bucket] = [0, 0, 0]
        parts[slot] += int(hundredths)
    missing = [code for code in set_plan.items if points.get(code) is None]
    return buckets, missing, filled, exact


class _Hundredths(dict):
    """Hundredths of a point -> Decimal points (1250 -> 12.50), each distinct value made once."""

    def __missing__(self, cents: int) -> Decimal:
        if len(self) > 100_000:
            self.clear()
        value = self[cents] = Decimal(cents).scaleb(-2)
        return value


_POINTS = _Hundredths()


def buckets_from_sums(sums: Mapping[str, Sequence[int]]) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
    """Stored bucket sums (hundredths) as the Decimals thidua.rules.scoring.totals_from_buckets reads."""
    points = _POINTS
    return {code: (points[s], points[b], points[d]) for code, (s, b, d) in sums.items()}


def derived_values(set_plan: SetPlan, points: Mapping[str, Decimal | None]) -> dict:
    """The derived fields of a sheet (ScoreSheet.derived_fields) from its effective points by code."""
    buckets, missing, filled, exact = sheet_sums(set_plan, points)
    if not filled:
        total = None  # nothing entered yet: no tentative total
    elif exact:
        total = core.sheet_totals(set_plan.plan, {c: v for c, v in points.items() if v is not None}).total
    else:
        total = core.totals_from_buckets(set_plan.plan, buckets_from_sums(buckets), missing=missing).total
    return {"total_points": total, "bucket_sums": buckets, "missing_items": missing, "filled_items": filled, "needs_exact": exact}


def effective_points_by_code(set_plan: SetPlan, rows: Iterable[tuple]) -> dict[str, Decimal]:
    """{code: effective points} from (criterion_id, self, cross, final) rows of one sheet."""
    code_of = set_plan.code_of
    points: dict[str, Decimal] = {}
    for criterion_id, own, cross, final in rows:
        value = final if final is not None else cross if cross is not None else own
        if value is not None and criterion_id in code_of:
            points[code_of[criterion_id]] = value
    return points


def sheet_derived(sheet: ScoreSheet, points: Mapping[str, Decimal | None] | None = None) -> dict:
    """ScoreSheet.refresh_derived(): the derived fields from the sheet's Score rows (or `points`)."""
    set_plan = set_plans([sheet.round.criteria_set])[sheet.round.criteria_set_id]
    if points is None:
        points = effective_points_by_code(
            set_plan, Score.objects.filter(sheet=sheet).values_list("criterion_id", "self_points", "cross_points", "final_points")
        )
    return derived_values(set_plan, points)


# ---------------------------------------------------------------- ranking


def round_rankings(rounds: Iterable[ScoringRound]) -> dict[int, core.Ranking]:
    """The ranking of each round, in a fixed number of queries for any number of rounds and sheets.

    A member unit is ranked on its effective points (thẩm định, else chấm chéo, else tự chấm) once
    its sheet is submitted; a draft sheet, a sheet left out at publication (with its reason) and a
    member without a sheet are listed unranked with the reason.

    Sheets are read, not score rows: each sheet carries the sums of its effective points by
    criteria group (ScoreSheet.bucket_sums, refreshed with the scores), from which the pure core
    applies group caps, bonus/deduction, the clamp at 0, ties, bands and quota
    (thidua.rules.scoring.totals_from_buckets, rank). A sheet whose sums cannot give the exact
    notes (a value outside its range, sums not computed) is recomputed item by item from its
    score rows (sheet_totals).
    """
    from thidua.blocs.models import Membership

    rounds = list(rounds)
    if not rounds:
        return {}
    round_ids = [r.pk for r in rounds]
    sets = CriteriaSet.objects.in_bulk({r.criteria_set_id for r in rounds})
    plans = set_plans(sets.values())
    sheets = list(
        ScoreSheet.objects.filter(round_id__in=round_ids).values_list(
            "pk", "round_id", "unit_id", "unit__uid", "unit__name", "state", "unranked_reason", "bucket_sums", "missing_items",
            "needs_exact",
        )
    )
    # Members of the block year without a sheet in its round (usually none).
    no_sheet = list(
        Membership.objects.filter(bloc_year_id__in={r.bloc_year_id for r in rounds}, left_on__isnull=True)
        .exclude(Exists(ScoreSheet.objects.filter(round__bloc_year_id=OuterRef("bloc_year_id"), unit_id=OuterRef("unit_id"))))
        .values_list("bloc_year_id", "unit_id", "unit__uid", "unit__name")
    )
    set_of_round = {r.pk: r.criteria_set_id for r in rounds}
    exact_ids = sorted(
        pk for pk, _, _, _, _, state, unranked_reason, sums, _, needs_exact in sheets
        if state in RANKED_STATES and not unranked_reason and (needs_exact or sums is None)
    )
    exact_rows: dict[int, list[tuple]] = defaultdict(list)
    for start in range(0, len(exact_ids), 5000):
        rows = Score.objects.filter(sheet_id__in=exact_ids[start:start + 5000]).values_list(
            "sheet_id", "criterion_id", "self_points", "cross_points", "final_points"
        )
        for sheet_id, *row in rows.iterator(chunk_size=20000):
            exact_rows[sheet_id].append(row)
    exact_ids = set(exact_ids)

    inputs_by_round: dict[int, dict[int, core.RankInput]] = defaultdict(dict)
    totals_from_buckets, sheet_totals, RankInput = core.totals_from_buckets, core.sheet_totals, core.RankInput
    for pk, round_id, unit_id, unit_uid, unit_name, state, unranked_reason, sums, missing, _ in sheets:
        set_plan = plans[set_of_round[round_id]]
        if unranked_reason:
            row = RankInput(str(unit_uid), unit_name, None, f"Không xếp hạng: {unranked_reason}")
        elif state not in RANKED_STATES:
            row = RankInput(str(unit_uid), unit_name, None, DRAFT_REASON)
        elif pk in exact_ids:
            row = RankInput(str(unit_uid), unit_name, sheet_totals(set_plan.plan, effective_points_by_code(set_plan, exact_rows.get(pk, ()))))
        else:
            row = RankInput(str(unit_uid), unit_name, totals_from_buckets(set_plan.plan, buckets_from_sums(sums), missing=missing))
        inputs_by_round[round_id][unit_id] = row
    round_of_year = {r.bloc_year_id: r.pk for r in rounds}
    for bloc_year_id, unit_id, unit_uid, unit_name in no_sheet:
        inputs_by_round[round_of_year[bloc_year_id]].setdefault(unit_id, RankInput(str(unit_uid), unit_name, None, core.NO_SHEET_REASON))
    return {
        round_.pk: core.rank(
            list(inputs_by_round[round_.pk].values()), quota=round_.quota, label_sort_key=sort_key,
            **plans[round_.criteria_set_id].options,
        )
        for round_ in rounds
    }


def round_ranking(round_: ScoringRound) -> core.Ranking:
    """The ranking of one round, computed from the database (see round_rankings)."""
    return round_rankings([round_])[round_.pk]


def published_ranking(round_: ScoringRound) -> dict | None:
    """The ranking frozen at publication (thidua.rules.scoring.ranking_as_dict), or None."""
    return round_.ranking_snapshot if round_.state == RoundState.PUBLISHED else None


def confirmed_leader(bloc_year):
    """The block year's leading unit as confirmed by the block (suy tôn or meeting record), or
    None: what award eligibility reads. The ranking only proposes."""
    round_ = ScoringRound.objects.filter(bloc_year=bloc_year, confirmed_leader__isnull=False).select_related("confirmed_leader").first()
    return round_.confirmed_leader if round_ else None
