"""Bàn làm việc: what the home page shows each role, gathered in a fixed number of queries.

- The province officer (and a province-wide viewer): every block of the year with its stage,
  registrations against the deadline, scoring progress, proposals by state, decisions and money,
  overdue items, what waits for them, and the charts.
- A block head (Trưởng khối, granted or derived from the head unit's term): the same for its blocks.
- A unit's officer or leader: what the unit owes (registration, covenant, score sheet, cross-checks,
  proposals, votes) and its results (ranking, awards).
A user with several roles gets one section per role.

Every query reads a whole set (all the blocks, all the units of the section) at once: the
number of queries does not grow with the number of blocks or units (tests/db/test_workbench.py
measures it). Scoping: each section's sets are cut from `scoped()` querysets and the grant's own
province / block / unit, so a section never shows more than the user may open.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.urls import reverse

from thidua.accounts.models import Role
from thidua.core import charts
from thidua.core.access import PROVINCE_MANAGERS, scope_of, scoped
from thidua.rules.catalogue import AWARD_NAMES, EMULATION_TITLES, TITLE_ALIASES
from thidua.rules.proposals import PROPOSAL_STATES
from thidua.rules.text import sort_key
from thidua.rules.workflows import REGISTRATION_STATES
from thidua.rules.year_stage import Stage, stage_of

# Years in the awards charts (the chosen year and the ones before it).
CHART_YEARS = 5
# Rows listed in "what waits for me" and in a unit's lists before "…".
LIST_LIMIT = 12
PROVINCE_ROLES = frozenset(PROVINCE_MANAGERS | {Role.VIEWER})
UNIT_ROLES = frozenset({Role.UNIT_OFFICER, Role.UNIT_LEADER})
SHEET_STATE_NAMES = {
    "DRAFT": "Đang tự chấm", "SUBMITTED": "Chờ chấm chéo", "CROSS_CHECKED": "Chờ thẩm định",
    "APPRAISED": "Đã thẩm định", "PUBLISHED": "Đã công bố",
}
POLL_STATE_NAMES = {"DRAFT": "Đang chuẩn bị", "OPEN": "Đang bỏ phiếu", "CLOSED": "Chờ kết quả kiểm phiếu", "RESULT": "Đã có kết quả"}
KIND_TITLE, KIND_FORM = "Danh hiệu thi đua", "Hình thức khen thưởng"


@dataclass
class Item:
    """One line of "việc chờ tôi" / "quá hạn": what, where to do it, since when it is late."""

    text: str
    url: str
    overdue: bool = False


@dataclass
class Count_:
    code: str
    label: str
    count: int


@dataclass
class BlockRow:
    pk: int
    province_id: int
    bloc_id: int
    uid: str
    name: str
    url: str
    head: str
    members: int
    stage: Stage
    registrations: dict[str, int]
    registration_due: dt.date | None
    registration_late: bool
    round_state: str | None
    sheets: dict[str, int]
    leader: str

    @property
    def registered(self) -> int:
        return self.registrations.get("SUBMITTED", 0) + self.registrations.get("APPROVED", 0)

    @property
    def sheets_total(self) -> int:
        return sum(self.sheets.values())

    @property
    def sheets_appraised(self) -> int:
        return self.sheets.get("APPRAISED", 0) + self.sheets.get("PUBLISHED", 0)


@dataclass
class Chart:
    svg: str
    caption: str
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Money:
    decisions: int
    recipients: int
    known_vnd: int
    unknown: int

    @property
    def text(self) -> str:
        from thidua.rules.proposals import money_total_text

        return money_total_text(self.known_vnd, self.unknown)


@dataclass
class Section:
    kind: str  # "province" | "block" | "unit"
    title: str
    blocks: list[BlockRow] = field(default_factory=list)
    registrations: list[Count_] = field(default_factory=list)
    sheets: list[Count_] = field(default_factory=list)
    proposals: list[Count_] = field(default_factory=list)
    proposals_url: str = ""
    money: Money | None = None
    overdue: list[Item] = field(default_factory=list)
    waiting: list[Item] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    # Unit sections: the unit's results.
    results: list[dict] = field(default_factory=list)
    awards: list[dict] = field(default_factory=list)


@dataclass
class Workbench:
    year: int
    years: list[int]
    sections: list[Section]


# ---------------------------------------------------------------- the user's roles


def _province_grant_ids(scope) -> set[int] | None:
    """Provinces the user oversees as a whole (None: every province, for the administrator)."""
    if scope.is_admin:
        return None
    ids: set[int] = set()
    for g in scope.grants:
        if g.role in PROVINCE_ROLES and g.unit_id is None and g.bloc_id is None:
            ids |= g.province_ids
    return ids


def _unit_grant_ids(scope) -> set[int]:
    return {g.unit_id for g in scope.grants if g.role in UNIT_ROLES and g.unit_id is not None}


def _data_years(user) -> set[int]:
    from thidua.blocs.models import BlocYear

    return set(scoped(user, BlocYear).order_by().values_list("year", flat=True).distinct())


def _may(scope, action: str, province_id: int, bloc_id: int) -> bool:
    """May the user do `action` on this block (province-wide grant, or a grant on the block)?
    Like thidua.core.access.ensure, without a query."""
    if not scope.can(action):
        return False
    if scope.is_admin:
        return True
    return province_id in (scope.province_ids_for(action) or set()) or bloc_id in scope.bloc_ids_for(action)


def workbench_for(user, *, year: int | None = None, ranking_bloc: str | None = None, today: dt.date | None = None) -> Workbench:
    """The sections of the home page for `user` in `year` (default: this year, or the latest year
    with block data when this year has none yet)."""
    from thidua.blocs.models import BlocYear

    today = today or dt.date.today()
    scope = scope_of(user)
    data_years = _data_years(user)
    if year is None:
        year = today.year if today.year in data_years else max((y for y in data_years if y < today.year), default=today.year)
    years = sorted({y for y in data_years if y <= today.year + 1} | {today.year, year}, reverse=True)
    sections: list[Section] = []
    province_ids = _province_grant_ids(scope)
    if province_ids is None or province_ids:
        qs = scoped(user, BlocYear).filter(year=year)
        if province_ids is not None:
            qs = qs.filter(province_id__in=province_ids)
        sections.append(_overview(user, "province", "Toàn tỉnh", qs, year, today, province_ids=province_ids, ranking_bloc=ranking_bloc))
    bloc_ids = scope.bloc_ids_for("bloc.lead")
    if bloc_ids:
        qs = scoped(user, BlocYear).filter(year=year, bloc_id__in=bloc_ids)
        sections.append(_overview(user, "block", "Khối tôi làm Trưởng khối", qs, year, today, ranking_bloc=ranking_bloc))
    unit_ids = _unit_grant_ids(scope)
    if unit_ids:
        sections.extend(_unit_sections(user, sorted(unit_ids), year, today))
    votes = _votes(user)
    if votes:
        if not sections:
            sections.append(Section(kind="personal", title="Việc của tôi"))
        sections[0].waiting.extend(votes)
    for section in sections:
        section.waiting.sort(key=lambda i: not i.overdue)
    return Workbench(year=year, years=years, sections=sections)


def _votes(user) -> list[Item]:
    """Open e-ballots where the user still has a vote to cast (thidua.voting.selectors.polls_to_vote)."""
    from thidua.voting.selectors import polls_to_vote

    return [
        Item(f"Bỏ phiếu: “{title}” (ngày {held_on:%d/%m/%Y})", reverse("voting:poll_detail", args=[uid]))
        for uid, title, held_on in polls_to_vote(user).values_list("uid", "title", "held_on")[:LIST_LIMIT]
    ]


# ---------------------------------------------------------------- block years in bulk


def _by(rows, *keys) -> dict:
    out: dict = defaultdict(dict)
    for row in rows:
        out[row[keys[0]]][row[keys[1]]] = row["n"]
    return out


def _block_rows(bloc_years: list, today: dt.date):
    """BlockRow for each block year, and the raw bulk data the rest of the section reads."""
    from thidua.blocs.models import Covenant, Deadline, DeadlineKind, Meeting, Membership
    from thidua.blocs.selectors import deadlines_done
    from thidua.movements.models import Registration
    from thidua.proposals.models import Proposal
    from thidua.scoring.models import ScoreSheet, ScoringRound
    from thidua.voting.models import Poll

    ids = [b.pk for b in bloc_years]
    member_units = defaultdict(set)
    for by_id, unit_id in Membership.objects.filter(bloc_year_id__in=ids, left_on__isnull=True).values_list("bloc_year_id", "unit_id"):
        member_units[by_id].add(unit_id)
    reg_units: dict[int, dict[int, str]] = defaultdict(dict)
    for by_id, unit_id, state in Registration.objects.filter(bloc_year_id__in=ids).values_list("bloc_year_id", "unit_id", "state"):
        reg_units[by_id][unit_id] = state
    deadlines: dict[int, dict[str, dt.date]] = defaultdict(dict)
    for by_id, kind, due in Deadline.objects.filter(bloc_year_id__in=ids).values_list("bloc_year_id", "kind", "due_on"):
        deadlines[by_id][kind] = due
    covenants = dict(Covenant.objects.filter(bloc_year_id__in=ids).values_list("bloc_year_id", "state"))
    meetings: dict[int, set[str]] = defaultdict(set)
    for by_id, kind in Meeting.objects.filter(bloc_year_id__in=ids).values_list("bloc_year_id", "kind"):
        meetings[by_id].add(kind)
    rounds = {
        r["bloc_year_id"]: r
        for r in ScoringRound.objects.filter(bloc_year_id__in=ids).values(
            "pk", "bloc_year_id", "state", "ranking_snapshot", "confirmed_leader__name"
        )
    }
    sheets = _by(ScoreSheet.objects.filter(round__bloc_year_id__in=ids).values("round__bloc_year_id", "state").annotate(n=Count("id")),
                 "round__bloc_year_id", "state")
    polls = _by(Poll.objects.filter(bloc_year_id__in=ids).values("bloc_year_id", "state").annotate(n=Count("id")), "bloc_year_id", "state")
    proposals = _by(Proposal.objects.filter(bloc_year_id__in=ids).values("bloc_year_id", "state").annotate(n=Count("id")),
                    "bloc_year_id", "state")
    rows: list[BlockRow] = []
    overdue: list[Item] = []
    for b in bloc_years:
        states = reg_units.get(b.pk, {})
        reg_counts: dict[str, int] = defaultdict(int)
        for unit_id in member_units.get(b.pk, ()):
            reg_counts[states.get(unit_id, "DRAFT")] += 1
        round_ = rounds.get(b.pk)
        done = deadlines_done(member_units.get(b.pk, set()), states, covenants.get(b.pk), meetings.get(b.pk, set()))
        due = deadlines.get(b.pk, {})
        url = reverse("blocs:year_detail", args=[b.uid])
        label = f"{b.bloc.name} năm {b.year}"
        for kind, day in sorted(due.items(), key=lambda kv: kv[1]):
            if kind in done and not done[kind] and day < today:
                overdue.append(Item(f"{label}: quá hạn “{DeadlineKind(kind).label}” (hạn {day:%d/%m/%Y})", url, True))
        leader = ""
        if round_ is not None:
            leader = round_["confirmed_leader__name"] or ""
            snapshot = round_["ranking_snapshot"] or {}
            if not leader and snapshot.get("leader_key"):
                leader = next((r["label"] for r in snapshot.get("rows", []) if r["key"] == snapshot["leader_key"]), "")
        reg_due = due.get(DeadlineKind.REGISTRATION)
        rows.append(BlockRow(
            pk=b.pk, province_id=b.province_id, bloc_id=b.bloc_id, uid=str(b.uid), name=b.bloc.name, url=url, head=b.head_unit.name if b.head_unit_id else "",
            members=len(member_units.get(b.pk, ())),
            stage=stage_of(members=len(member_units.get(b.pk, ())), registrations=reg_counts, covenant_state=covenants.get(b.pk),
                           round_state=round_["state"] if round_ else None, sheets=sheets.get(b.pk, {}),
                           polls=polls.get(b.pk, {}), proposals=proposals.get(b.pk, {})),
            registrations=dict(reg_counts), registration_due=reg_due,
            registration_late=bool(reg_due and reg_due < today and not done.get(DeadlineKind.REGISTRATION)),
            round_state=round_["state"] if round_ else None, sheets=sheets.get(b.pk, {}), leader=leader,
        ))
    rows.sort(key=lambda r: sort_key(r.name))
    bulk = {"member_units": member_units, "rounds": rounds, "sheets": sheets, "polls": polls, "reg_units": reg_units}
    return rows, overdue, bulk


def _sum_counts(rows: list[dict[str, int]], names: dict[str, str]) -> list[Count_]:
    total: dict[str, int] = defaultdict(int)
    for row in rows:
        for state, n in row.items():
            total[state] += n
    return [Count_(code, label, total[code]) for code, label in names.items() if total.get(code)]


# ---------------------------------------------------------------- province / block overview


def _overview(user, kind: str, title: str, bloc_year_qs, year: int, today: dt.date, *, province_ids=None, ranking_bloc=None) -> Section:
    from thidua.proposals.models import Decision, DecisionRecipient, Proposal
    from thidua.voting.models import Poll

    scope = scope_of(user)
    bloc_years = list(bloc_year_qs.select_related("bloc", "head_unit"))
    blocks, overdue, bulk = _block_rows(bloc_years, today)
    section = Section(kind=kind, title=title, blocks=blocks, overdue=overdue)
    reg_totals: dict[str, int] = defaultdict(int)
    for b in blocks:
        for state, n in b.registrations.items():
            reg_totals[state] += n
    section.registrations = [Count_(c, label, reg_totals[c]) for c, label in REGISTRATION_STATES.items() if reg_totals.get(c)]
    section.sheets = _sum_counts([b.sheets for b in blocks], SHEET_STATE_NAMES)

    all_units = set().union(*bulk["member_units"].values()) if bulk["member_units"] else set()
    by_ids = [b.pk for b in bloc_years]
    if kind == "province":
        proposal_qs = scoped(user, Proposal).filter(year=year)
        if province_ids is not None:
            proposal_qs = proposal_qs.filter(province_id__in=province_ids)
        recipient_qs = scoped(user, DecisionRecipient)
        if province_ids is not None:
            recipient_qs = recipient_qs.filter(province_id__in=province_ids)
    else:
        # The block's own dossiers and its members', as far as the user may read them (a block
        # grant reads the block's dossiers and decisions, not each member's own).
        proposal_qs = scoped(user, Proposal).filter(Q(bloc_year_id__in=by_ids) | Q(proposer_unit_id__in=all_units), year=year)
        recipient_qs = DecisionRecipient.objects.filter(owner_unit_id__in=all_units, decision__in=scoped(user, Decision).values("pk"))
    counts = dict(proposal_qs.order_by().values_list("state").annotate(n=Count("id", distinct=True)))
    section.proposals = [Count_(c, label, counts[c]) for c, label in PROPOSAL_STATES.items() if counts.get(c)]
    section.proposals_url = reverse("proposals:proposal_list") + f"?year={year}"
    live = recipient_qs.filter(revoked_on__isnull=True, decision__revoked_on__isnull=True)
    money = live.filter(decision__issued_on__year=year).aggregate(
        decisions=Count("decision", distinct=True), recipients=Count("id"), known=Sum("amount_vnd"),
        unknown=Count("id", filter=Q(amount_vnd__isnull=True)),
    )
    section.money = Money(money["decisions"] or 0, money["recipients"] or 0, money["known"] or 0, money["unknown"] or 0)

    # What waits for this user, from the same data.
    waiting = section.waiting
    for b in blocks:
        sent = b.registrations.get("SUBMITTED", 0)
        if sent and _may(scope, "registration.review", b.province_id, b.bloc_id):
            waiting.append(Item(f"{b.name}: {sent} bản đăng ký thi đua chờ duyệt",
                                reverse("movements:registration_rollup", args=[b.uid])))
        if b.round_state == "OPEN" and b.sheets.get("CROSS_CHECKED") and _may(scope, "scoring.review", b.province_id, b.bloc_id):
            waiting.append(Item(f"{b.name}: {b.sheets['CROSS_CHECKED']} phiếu chấm điểm chờ thẩm định", reverse("scoring:round", args=[b.uid])))
        if (b.round_state == "OPEN" and b.sheets_total and b.sheets_appraised == b.sheets_total
                and _may(scope, "scoring.publish", b.province_id, b.bloc_id)):
            waiting.append(Item(f"{b.name}: mọi phiếu đã thẩm định — công bố kết quả chấm điểm", reverse("scoring:round", args=[b.uid])))
    if scope.can("poll.count"):
        closed = list(
            Poll.objects.filter(bloc_year_id__in=by_ids, state="CLOSED").values_list("uid", "title", "bloc_year__bloc__name")[:LIST_LIMIT]
            if kind == "block" else
            scoped(user, Poll).filter(state="CLOSED", held_on__year=year).values_list("uid", "title", "bloc_year__bloc__name")[:LIST_LIMIT]
        )
        for uid, poll_title, bloc_name in closed:
            waiting.append(Item(f"{bloc_name or 'Hội đồng'}: “{poll_title}” chờ nhập kết quả kiểm phiếu", reverse("voting:poll_detail", args=[uid])))
    if kind == "province" and scope.can("proposal.review"):
        for code, verb in (("SUBMITTED", "chờ tiếp nhận"), ("RECEIVED", "chờ thẩm định"), ("APPRAISING", "đang thẩm định"),
                           ("PRESENTED", "đã trình, chờ quyết định")):
            if counts.get(code):
                waiting.append(Item(f"{counts[code]} hồ sơ đề nghị khen thưởng {verb}",
                                    reverse("proposals:proposal_list") + f"?state={code}&year={year}"))
    if kind == "block" and scope.can("proposal.edit"):
        for uid, proposal_title, state in Proposal.objects.filter(bloc_year_id__in=by_ids, state__in=["DRAFT", "RETURNED"]).values_list(
            "uid", "title", "state"
        )[:LIST_LIMIT]:
            what = "bị trả lại, cần sửa và gửi lại" if state == "RETURNED" else "chưa gửi"
            waiting.append(Item(f"Hồ sơ đề nghị của khối “{proposal_title}” {what}", reverse("proposals:proposal_detail", args=[uid])))
    section.charts = _charts(live, year, blocks, bulk, ranking_bloc=ranking_bloc, who=title)
    return section


# ---------------------------------------------------------------- charts


def _award_rows(recipient_qs, year: int) -> list[dict]:
    """Recipients of the chart years counted by year, award, gender and owner unit: one query."""
    years = list(range(year - CHART_YEARS + 1, year + 1))
    return list(
        recipient_qs.filter(year__in=years).order_by()
        .values("year", "award", "person__gender", "owner_unit_id").annotate(n=Count("id"), people=Count("person_id"))
    )


def _award_charts(rows: list[dict], year: int, who: str) -> list[Chart]:
    """Awards by year and kind, and the women's share of the individual awards (rows of _award_rows)."""
    years = list(range(year - CHART_YEARS + 1, year + 1))
    by_kind: dict[int, dict[str, int]] = {y: {KIND_TITLE: 0, KIND_FORM: 0} for y in years}
    by_award: dict[tuple[int, str], int] = defaultdict(int)
    women: dict[int, list[int]] = {y: [0, 0] for y in years}
    for row in rows:
        code = TITLE_ALIASES.get(row["award"], row["award"])
        kind = KIND_TITLE if code in EMULATION_TITLES else KIND_FORM
        by_kind[row["year"]][kind] += row["n"]
        by_award[(row["year"], code)] += row["n"]
        if row["people"]:
            women[row["year"]][1] += row["people"]
            if row["person__gender"] == "NU":
                women[row["year"]][0] += row["people"]
    labels = [str(y) for y in years]
    awards_svg = charts.stacked_chart(
        f"chart-awards-{who_id(who)}", f"Khen thưởng theo năm và loại — {who}", labels,
        [charts.Series(KIND_TITLE, tuple(by_kind[y][KIND_TITLE] for y in years)),
         charts.Series(KIND_FORM, tuple(by_kind[y][KIND_FORM] for y in years))],
    )
    award_rows = [
        [str(y), AWARD_NAMES.get(code, code), KIND_TITLE if code in EMULATION_TITLES else KIND_FORM, charts.vn_number(n)]
        for (y, code), n in sorted(by_award.items(), key=lambda kv: (kv[0][0], kv[0][1]))
    ]
    share_bars = [
        charts.Bar(str(y), 100.0 * w / t if t else 0.0, shown=(f"{charts.vn_number(100.0 * w / t, 1)} %" if t else "chưa có"))
        for y, (w, t) in women.items()
    ]
    women_svg = charts.bar_chart(f"chart-women-{who_id(who)}", f"Tỷ lệ nữ trong các cá nhân được khen thưởng — {who}",
                                 share_bars, max_value=100, decimals=1)
    women_rows = [[str(y), charts.vn_number(w), charts.vn_number(t), f"{charts.vn_number(100.0 * w / t, 1)} %" if t else "—"]
                  for y, (w, t) in women.items()]
    return [
        Chart(awards_svg, "Khen thưởng theo năm và loại (số lượt, theo năm thành tích, không tính quyết định đã hủy)",
              ["Năm", "Danh hiệu, hình thức", "Loại", "Số lượt"], award_rows),
        Chart(women_svg, "Tỷ lệ nữ trong các cá nhân được khen thưởng", ["Năm", "Nữ", "Tổng số cá nhân", "Tỷ lệ nữ"], women_rows),
    ]


def who_id(who: str) -> str:
    from thidua.rules.text import fold

    return "-".join(fold(who).split()) or "x"


def _ranking_chart(bloc_name: str, ranking: dict | None, published: bool, *, highlight_key: str | None = None, who: str) -> Chart | None:
    if not ranking:
        return None
    ranked = [r for r in ranking.get("rows", []) if r.get("total") is not None]
    bars = [charts.Bar(r["label"], float(r["total"]), shown=charts.vn_number(float(r["total"]), 2),
                       highlight=(r["key"] == highlight_key) if highlight_key else r.get("proposed_leader", False))
            for r in ranked]
    state = "đã công bố" if published else "tạm tính, chưa công bố"
    svg = charts.bar_chart(f"chart-ranking-{who_id(who)}", f"Xếp hạng {bloc_name} ({state})", bars, decimals=2)
    rows = [[str(r["rank"] or "—"), r["label"], charts.vn_number(float(r["total"]), 2) if r.get("total") is not None else "—",
             r.get("band_label") or "", "; ".join(r.get("reasons") or [])] for r in ranking.get("rows", [])]
    return Chart(svg, f"Xếp hạng {bloc_name} ({state})", ["Hạng", "Đơn vị", "Tổng điểm", "Xếp loại", "Ghi chú"], rows)


def _charts(recipient_qs, year: int, blocks: list[BlockRow], bulk: dict, *, ranking_bloc: str | None, who: str) -> list[Chart]:
    out = _award_charts(_award_rows(recipient_qs, year), year, who)
    with_round = [b for b in blocks if b.round_state]
    chosen = next((b for b in with_round if b.uid == ranking_bloc), with_round[0] if with_round else None)
    if chosen is not None:
        chart = _round_chart(chosen, bulk, who=who)
        if chart is not None:
            out.append(chart)
    return out


def _round_chart(block: BlockRow, bulk: dict, *, who: str, highlight_key: str | None = None) -> Chart | None:
    """The ranking of one block year: the published snapshot, else computed now (overseers only)."""
    from thidua.rules.scoring import ranking_as_dict
    from thidua.scoring.models import ScoringRound
    from thidua.scoring.selectors import round_rankings

    round_ = bulk["rounds"].get(block.pk)
    if round_ is None:
        return None
    if round_["state"] == "PUBLISHED":
        ranking, published = round_["ranking_snapshot"], True
    else:
        obj = ScoringRound.objects.select_related("criteria_set").get(pk=round_["pk"])
        ranking, published = ranking_as_dict(round_rankings([obj])[obj.pk]), False
    return _ranking_chart(block.name, ranking, published, highlight_key=highlight_key, who=who)


# ---------------------------------------------------------------- a unit's own


def _unit_sections(user, unit_ids: list[int], year: int, today: dt.date) -> list[Section]:
    from thidua.blocs.models import CovenantCommitment, Deadline, DeadlineKind, Membership
    from thidua.movements.models import Registration
    from thidua.org.models import Unit
    from thidua.proposals.models import DecisionRecipient, Proposal
    from thidua.scoring.models import CrossCheckAssignment, ScoreSheet
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids)}
    memberships = list(
        Membership.objects.filter(unit_id__in=unit_ids, year=year, left_on__isnull=True).select_related("bloc_year", "bloc_year__bloc")
    )
    by_ids = {m.bloc_year_id for m in memberships}
    registrations = {(r.unit_id, r.bloc_year_id): r for r in Registration.objects.filter(unit_id__in=unit_ids, bloc_year_id__in=by_ids)}
    reg_due = dict(Deadline.objects.filter(bloc_year_id__in=by_ids, kind=DeadlineKind.REGISTRATION).values_list("bloc_year_id", "due_on"))
    to_confirm = set(
        CovenantCommitment.objects.filter(unit_id__in=unit_ids, covenant__bloc_year_id__in=by_ids, covenant__state="CONFIRMING",
                                          confirmed_at__isnull=True).values_list("unit_id", "covenant__bloc_year_id")
    )
    sheets = list(ScoreSheet.objects.filter(unit_id__in=unit_ids, round__bloc_year_id__in=by_ids).values(
        "uid", "unit_id", "state", "round__state", "round__ranking_snapshot", "round__bloc_year_id", "round__bloc_year__bloc__name",
    ))
    cross = list(CrossCheckAssignment.objects.filter(reviewer_unit_id__in=unit_ids, sheet__state="SUBMITTED", round__state="OPEN").values(
        "reviewer_unit_id", "sheet__uid", "sheet__unit__name", "round__bloc_year__bloc__name"
    )[:LIST_LIMIT * len(unit_ids)])
    proposals = list(scoped(user, Proposal).filter(audience__unit_id__in=unit_ids, year=year).values(
        "uid", "title", "state", "proposer_unit_id", "audience__unit_id"
    ))
    recipients = scoped(user, DecisionRecipient).filter(owner_unit_id__in=unit_ids)
    live = recipients.filter(revoked_on__isnull=True, decision__revoked_on__isnull=True)
    award_rows = list(
        live.filter(year__in=[year, year - 1]).order_by("-year", "award", "pk").values(
            "owner_unit_id", "year", "award", "unit__name", "person__full_name", "decision__uid", "decision__number", "decision__symbol",
            "decision__issued_on",
        )[:LIST_LIMIT * 4 * len(unit_ids)]
    )
    chart_rows = _award_rows(live, year)

    sections = []
    for unit_id in unit_ids:
        unit = units.get(unit_id)
        if unit is None:
            continue
        s = Section(kind="unit", title=unit.name)
        for m in memberships:
            if m.unit_id != unit_id:
                continue
            by = m.bloc_year
            label = f"{by.bloc.name} năm {by.year}"
            due = reg_due.get(by.pk)
            late = bool(due and due < today)
            reg = registrations.get((unit_id, by.pk))
            due_text = f" (hạn {due:%d/%m/%Y})" if due else ""
            if reg is None or reg.state == "DRAFT":
                s.waiting.append(Item(f"{label}: đơn vị chưa gửi đăng ký thi đua{due_text}",
                                      reverse("movements:registration_rollup", args=[by.uid]), late))
            elif reg.state == "RETURNED":
                s.waiting.append(Item(f"{label}: bản đăng ký bị trả lại — {reg.return_reason}",
                                      reverse("movements:registration_detail", args=[reg.uid]), late))
            s.registrations.append(Count_(reg.state if reg else "DRAFT", f"{label}: {REGISTRATION_STATES[reg.state if reg else 'DRAFT']}{due_text}", 1))
            if (unit_id, by.pk) in to_confirm:
                s.waiting.append(Item(f"{label}: đơn vị cần xác nhận giao ước thi đua", reverse("blocs:covenant", args=[by.uid])))
        for sheet in sheets:
            if sheet["unit_id"] != unit_id:
                continue
            bloc_name = sheet["round__bloc_year__bloc__name"]
            s.sheets.append(Count_(sheet["state"], f"{bloc_name}: {SHEET_STATE_NAMES.get(sheet['state'], sheet['state'])}", 1))
            if sheet["state"] == "DRAFT" and sheet["round__state"] == "OPEN":
                s.waiting.append(Item(f"{bloc_name}: tự chấm điểm và gửi phiếu chấm điểm", reverse("scoring:sheet", args=[sheet["uid"]])))
            snapshot = sheet["round__ranking_snapshot"] if sheet["round__state"] == "PUBLISHED" else None
            if snapshot:
                row = next((r for r in snapshot.get("rows", []) if r["key"] == str(unit.uid)), None)
                if row is not None:
                    s.results.append({
                        "bloc": bloc_name, "rank": row.get("rank"), "of": sum(1 for r in snapshot["rows"] if r.get("rank")),
                        "total": charts.vn_number(float(row["total"]), 2) if row.get("total") is not None else "—",
                        "band": row.get("band_label") or "", "leader": snapshot.get("leader_key") == str(unit.uid),
                    })
                chart = _ranking_chart(bloc_name, snapshot, True, highlight_key=str(unit.uid), who=f"{unit.name} {bloc_name}")
                if chart is not None:
                    s.charts.append(chart)
        for a in cross:
            if a["reviewer_unit_id"] == unit_id:
                s.waiting.append(Item(f"{a['round__bloc_year__bloc__name']}: chấm chéo phiếu của {a['sheet__unit__name']}",
                                      reverse("scoring:sheet", args=[a["sheet__uid"]])))
        counts: dict[str, int] = defaultdict(int)
        seen = set()
        for p in proposals:
            if p["audience__unit_id"] != unit_id or p["uid"] in seen:
                continue
            seen.add(p["uid"])
            counts[p["state"]] += 1
            if p["proposer_unit_id"] == unit_id and p["state"] in ("DRAFT", "RETURNED"):
                what = "bị trả lại, cần sửa và gửi lại" if p["state"] == "RETURNED" else "chưa gửi"
                s.waiting.append(Item(f"Hồ sơ đề nghị “{p['title']}” {what}", reverse("proposals:proposal_detail", args=[p["uid"]])))
        s.proposals = [Count_(c, label, counts[c]) for c, label in PROPOSAL_STATES.items() if counts.get(c)]
        s.proposals_url = reverse("proposals:proposal_list") + f"?year={year}"
        s.awards = [
            {"year": a["year"], "award": AWARD_NAMES.get(a["award"], a["award"]), "subject": a["unit__name"] or a["person__full_name"],
             "decision": f"{a['decision__number']}/{a['decision__symbol']} ngày {a['decision__issued_on']:%d/%m/%Y}",
             "url": reverse("proposals:decision_detail", args=[a["decision__uid"]])}
            for a in award_rows if a["owner_unit_id"] == unit_id
        ][:LIST_LIMIT]
        s.charts = _award_charts([r for r in chart_rows if r["owner_unit_id"] == unit_id], year, unit.name) + s.charts
        sections.append(s)
    return sections
