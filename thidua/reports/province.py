"""The figures of the province's tổng kết report for one year, read from every block and unit.

- blocks: each block (khối, cụm) of the year with its members, registrations (đăng ký thi đua) by
  state, its head unit, its ranking (the published one when published, else computed from the
  sheets and marked "chưa công bố") and its leading unit (confirmed by the block, else proposed by
  the ranking, else none);
- awards: the statistics engine's tables (thidua/rules/statistics.py), the same figures as the
  statistics pages;
- initiatives (history.Initiative) of the year by recognition level;
- money: award decisions issued in the year (proposals.Decision.money_total and the count of
  amounts still unknown, never counted as 0), by decision level.

A fixed number of queries for any number of blocks (1,550 units, 70 blocks: issue #13 scale).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Sum

from thidua.reports.statistics import StatScope, compute_tables
from thidua.rules import statistics as stat_core
from thidua.rules.text import sort_key

# The statistics tables the report prints (by code), in this order.
REPORT_TABLES = ("TK02", "TK01")


@dataclass
class BlocLine:
    name: str
    kind: str
    members: int
    registrations: dict[str, int]
    head: str
    ranking_state: str  # "published" | "provisional" | "none"
    top: list[str]
    leader: str
    leader_note: str

    @property
    def registered(self) -> int:
        return sum(n for state, n in self.registrations.items() if state != "DRAFT")

    @property
    def approved(self) -> int:
        return self.registrations.get("APPROVED", 0)


@dataclass
class MoneyLine:
    level: str
    decisions: int
    total: int
    unknown: int

    @property
    def label(self) -> str:
        from thidua.rules.proposals import LEVELS

        return LEVELS.get(self.level, self.level)


@dataclass
class ProvinceYear:
    province: object
    year: int
    blocs: list[BlocLine] = field(default_factory=list)
    tables: list = field(default_factory=list)
    initiatives_by_scope: dict[str, int] = field(default_factory=dict)
    initiatives_total: int = 0
    initiatives_flagged: int = 0
    exemplars_by_level: dict[str, int] = field(default_factory=dict)
    exemplars_by_kind: dict[str, int] = field(default_factory=dict)
    exemplars_replicated: int = 0
    money: list[MoneyLine] = field(default_factory=list)

    @property
    def exemplars_total(self) -> int:
        return sum(self.exemplars_by_kind.values())

    @property
    def units(self) -> int:
        return sum(b.members for b in self.blocs)

    @property
    def registered(self) -> int:
        return sum(b.registered for b in self.blocs)

    @property
    def approved(self) -> int:
        return sum(b.approved for b in self.blocs)

    @property
    def money_total(self) -> int:
        return sum(m.total for m in self.money)

    @property
    def money_unknown(self) -> int:
        return sum(m.unknown for m in self.money)


def _blocs(scope: StatScope, year: int) -> list[BlocLine]:
    from thidua.blocs.models import BlocYear, Membership
    from thidua.movements.models import Registration
    from thidua.rules.scoring import ranking_from_dict
    from thidua.scoring.models import RoundState, ScoringRound
    from thidua.scoring.selectors import round_rankings

    years = list(
        BlocYear.objects.filter(province_id__in=scope.province_ids, year=year, bloc__ended_on__isnull=True)
        .select_related("bloc", "head_unit")
    )
    ids = [y.pk for y in years]
    members = Counter(dict(
        Membership.objects.filter(bloc_year_id__in=ids, left_on__isnull=True).values_list("bloc_year_id").annotate(n=Count("id")).values_list("bloc_year_id", "n")
    ))
    registrations: dict[int, dict[str, int]] = defaultdict(dict)
    for bloc_year_id, state, n in (
        Registration.objects.filter(bloc_year_id__in=ids).values_list("bloc_year_id", "state").annotate(n=Count("id")).order_by()
    ):
        registrations[bloc_year_id][state] = n
    rounds = {r.bloc_year_id: r for r in ScoringRound.objects.filter(bloc_year_id__in=ids).select_related("confirmed_leader")}
    provisional = round_rankings([r for r in rounds.values() if r.state != RoundState.PUBLISHED])
    lines = []
    for bloc_year in years:
        round_ = rounds.get(bloc_year.pk)
        top: list[str] = []
        leader, note, state = "", "", "none"
        if round_ is not None:
            if round_.state == RoundState.PUBLISHED and round_.ranking_snapshot:
                ranking, state = ranking_from_dict(round_.ranking_snapshot), "published"
            else:
                ranking, state = provisional.get(round_.pk), "provisional"
            if ranking is not None:
                ranked = [r for r in ranking.rows if r.rank is not None]
                top = [r.label for r in sorted(ranked, key=lambda r: r.rank)[:3]]
                if round_.confirmed_leader_id:
                    leader, note = round_.confirmed_leader.name, "đã được khối xác nhận"
                elif ranking.leader_key:
                    row = ranking.row(ranking.leader_key)
                    leader = row.label if row else ""
                    note = "đề xuất theo kết quả xếp hạng" + ("" if state == "published" else " (chưa công bố)")
                elif ranking.leader_tie:
                    note = "bằng điểm, khối chưa xác nhận đơn vị dẫn đầu"
        lines.append(BlocLine(
            name=bloc_year.bloc.name, kind=bloc_year.bloc.get_kind_display(), members=members.get(bloc_year.pk, 0),
            registrations=registrations.get(bloc_year.pk, {}), head=bloc_year.head_unit.name if bloc_year.head_unit else "",
            ranking_state=state, top=top, leader=leader, leader_note=note,
        ))
    lines.sort(key=lambda b: sort_key(b.name))
    return lines


def _initiatives(scope: StatScope, year: int) -> tuple[dict[str, int], int, int]:
    from thidua.history.models import Initiative

    qs = Initiative.objects.filter(province_id__in=scope.province_ids, year=year)
    by_scope = dict(qs.filter(recognised=True).values_list("scope").annotate(n=Count("id")).values_list("scope", "n").order_by())
    total = qs.count()
    flagged = qs.filter(likely_copy=True).count()
    return by_scope, total, flagged


def _exemplars(scope: StatScope, year: int) -> tuple[dict[str, int], dict[str, int], int]:
    """Điển hình tiên tiến of the year (thidua/exemplars): by level, by tập thể / cá nhân, and how
    many have been replicated (nhân rộng) somewhere since."""
    from thidua.exemplars.models import Exemplar

    qs = Exemplar.objects.filter(province_id__in=scope.province_ids, year=year)
    by_level = dict(qs.values_list("level").annotate(n=Count("id")).values_list("level", "n").order_by())
    by_kind = dict(qs.values_list("kind").annotate(n=Count("id")).values_list("kind", "n").order_by())
    replicated = qs.filter(replications__isnull=False).distinct().count()
    return by_level, by_kind, replicated


def _money(scope: StatScope, year: int) -> list[MoneyLine]:
    from thidua.proposals.models import Decision

    rows = (
        Decision.objects.filter(province_id__in=scope.province_ids, issued_on__year=year, revoked_on__isnull=True)
        .values("level").annotate(n=Count("id"), total=Sum("money_total"), unknown=Sum("money_unknown_count")).order_by("level")
    )
    return [MoneyLine(r["level"], r["n"], int(r["total"] or 0), int(r["unknown"] or 0)) for r in rows]


def province_year(scope: StatScope, year: int) -> ProvinceYear:
    """Everything the report prints besides the officer's narrative. `scope` is province-wide."""
    data = ProvinceYear(province=scope.province, year=year)
    data.blocs = _blocs(scope, year)
    definitions = [d for code in REPORT_TABLES for d in stat_core.definitions_for_year(year) if d.code == code]
    data.tables = compute_tables(scope, year, definitions)
    data.initiatives_by_scope, data.initiatives_total, data.initiatives_flagged = _initiatives(scope, year)
    data.exemplars_by_level, data.exemplars_by_kind, data.exemplars_replicated = _exemplars(scope, year)
    data.money = _money(scope, year)
    return data
