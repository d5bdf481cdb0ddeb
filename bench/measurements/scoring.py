"""Ranking every block of a national-size scoring dataset from the database (issue #5).

The measurement builds its own data on top of the registry dataset: blocks of 10–20 member units,
one scoring round per block with a criteria set of 100 criteria (10 groups of 8 criteria, a bonus
group capped at 5, a deduction group: 88 scored items), one appraised sheet per member and one
score row per item and sheet — 10,000 sheets × 100 criteria (880,000 score rows) at size
"province", 240 sheets at size "small". About a quarter of the sheets leave a bonus item empty
(listed as missing, counted 0) and about one in sixty has a value above its max, as an old
import might have left it (recomputed item by item, with its note). Units, blocks, rounds and
sheets go in with bulk_create, the score rows with one INSERT … SELECT. The app keeps on each
sheet the sums of its effective
points by criteria group (ScoreSheet.derived_fields, refreshed by every action that writes
points); as the score rows went in behind the actions' back, the app's own
`recompute_sheet_sums` fills them afterwards, untimed.

Timed, through the app's selectors (thidua.scoring.selectors):

- `round_rankings` for every round of the country: one row per sheet (its group sums), group
  caps, bonus/deduction, clamp at 0, ties and tie breakers, bands, quota in the pure core
  (thidua.rules.scoring) on Decimal;
- `round_ranking` of one block (what a results page does);

each beside ONE SQL aggregate of the same totals over the score rows (SUM of effective points by
sheet, deductions negative, no caps) in the same run. Every sheet whose totals carry no cap or
clamp note must have exactly the SQL total, so stale or wrong sums fail the run.
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

from bench.measurements.registry import Skipped, measurement
from bench.timing import Result, run_timed

SHEETS = {"province": 10_000, "small": 240}
CRITERIA_SETS = {"province": 5, "small": 2}
YEAR = 2025

SQL_TOTALS = """
SELECT sc.sheet_id,
       SUM(CASE WHEN c.kind = 'DEDUCTION' THEN -COALESCE(sc.final_points, sc.cross_points, sc.self_points)
                ELSE COALESCE(sc.final_points, sc.cross_points, sc.self_points) END)
FROM scoring_score sc JOIN scoring_criterion c ON c.id = sc.criterion_id
{where}
GROUP BY sc.sheet_id
"""


def _criteria_specs() -> list[tuple[str, str | None, str, str, Decimal | None]]:
    """(code, parent, title, kind, max) of a 100-criterion table worth 100 base points."""
    rows: list[tuple[str, str | None, str, str, Decimal | None]] = []
    for g in range(1, 11):
        rows.append((str(g), None, f"Nhóm tiêu chí {g}", "GROUP", Decimal("10.00")))
        for i in range(1, 9):
            rows.append((f"{g}.{i}", str(g), f"Tiêu chí {g}.{i}", "SCORE", Decimal("1.25")))
    rows.append(("11", None, "Điểm thưởng", "GROUP", Decimal("5.00")))
    for i in range(1, 5):
        rows.append((f"11.{i}", "11", f"Điểm thưởng {i}", "BONUS", Decimal("2.00")))
    rows.append(("12", None, "Điểm trừ", "GROUP", None))
    for i in range(1, 5):
        rows.append((f"12.{i}", "12", f"Điểm trừ {i}", "DEDUCTION", Decimal("3.00")))
    assert len(rows) == 100
    return rows


def _insert_scores_sql(vendor: str) -> str:
    uid = "gen_random_uuid()" if vendor == "postgresql" else "lower(hex(randomblob(16)))"
    return f"""
INSERT INTO scoring_score (uid, created_at, updated_at, version, province_id, sheet_id, criterion_id,
                           self_points, cross_points, final_points, self_note, cross_note, final_note)
SELECT {uid}, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1, %s, q.sid, q.cid, q.p,
       CASE WHEN (q.sid + q.cid) %% 5 = 0 THEN ROUND(q.p * 0.9, 2) ELSE NULL END,
       CASE WHEN (q.sid + q.cid) %% 7 = 0 THEN ROUND(q.p * 0.95, 2) ELSE NULL END,
       '', '', ''
FROM (
  SELECT s.id AS sid, c.id AS cid,
         CASE c.kind
           WHEN 'SCORE' THEN CASE WHEN (s.id * 31 + c.id) %% 5000 = 0 THEN c.max_points + 0.5
                                  ELSE ROUND(c.max_points * (50 + ((s.id * 7 + c.id * 13) %% 51)) / 100.0, 2) END
           WHEN 'BONUS' THEN CASE WHEN (s.id + c.id) %% 13 = 0 THEN NULL
                                  WHEN (s.id * c.id) %% 3 = 0 THEN c.max_points ELSE 0 END
           ELSE CASE WHEN (s.id * 3 + c.id) %% 11 = 0 THEN c.max_points ELSE 0 END
         END AS p
  FROM scoring_scoresheet s
  JOIN scoring_scoringround r ON r.id = s.round_id
  JOIN scoring_criterion c ON c.criteria_set_id = r.criteria_set_id AND c.kind <> 'GROUP'
  WHERE s.round_id IN (SELECT id FROM scoring_scoringround WHERE province_id = %s)
) q
"""


def _build(dataset) -> dict:
    from django.db import connection, transaction

    from thidua.blocs.models import Bloc, BlocYear, Membership
    from thidua.org.models import Unit, UnitKind
    from thidua.scoring.actions import recompute_sheet_sums
    from thidua.scoring.models import CriteriaSet, Criterion, ScoreSheet, ScoringRound, SetState, SheetState

    size = dataset.size.name
    target = SHEETS.get(size, SHEETS["small"])
    province = dataset.province
    started = time.perf_counter()
    block_sizes: list[int] = []
    while sum(block_sizes) < target:
        block_sizes.append(10 + (len(block_sizes) * 7) % 11)  # 10..20 members
    block_sizes[-1] -= sum(block_sizes) - target
    if block_sizes[-1] < 2:
        block_sizes[-2] += block_sizes.pop()
    with transaction.atomic():
        units = []
        for i in range(target):
            unit = Unit(province=province, name=f"Đơn vị chấm điểm số {i + 1:05d}", kind=UnitKind.STATE,
                        doc_format=Unit.default_doc_format(UnitKind.STATE))
            unit.refresh_derived()
            units.append(unit)
        units = Unit.objects.bulk_create(units, batch_size=2_000)
        sets = []
        for n in range(CRITERIA_SETS.get(size, 2)):
            sets.append(CriteriaSet.objects.create(
                province=province, bloc=None, year=YEAR, name=f"Bảng tiêu chí mẫu {n + 1}", version_no=1,
                state=SetState.IN_USE, tie_breakers=["MORE_BONUS", "FEWER_DEDUCTIONS"],
            ))
        for criteria_set in sets:
            made: dict[str, Criterion] = {}
            for position, (code, parent, title, kind, max_points) in enumerate(_criteria_specs()):
                made[code] = Criterion.objects.create(
                    province=province, criteria_set=criteria_set, parent=made.get(parent) if parent else None,
                    code=code, title=title, kind=kind, max_points=max_points, position=position,
                )
        blocs = []
        for b in range(len(block_sizes)):
            bloc = Bloc(province=province, name=f"Khối thi đua chấm điểm số {b + 1:04d}")
            bloc.refresh_derived()
            blocs.append(bloc)
        blocs = Bloc.objects.bulk_create(blocs, batch_size=2_000)
        years = BlocYear.objects.bulk_create(
            [BlocYear(province=province, bloc=bloc, year=YEAR) for bloc in blocs], batch_size=2_000
        )
        rounds = ScoringRound.objects.bulk_create(
            [ScoringRound(province=province, bloc_year=year, criteria_set=sets[i % len(sets)], quota=3)
             for i, year in enumerate(years)],
            batch_size=2_000,
        )
        memberships, sheets = [], []
        position = 0
        for year, round_, count in zip(years, rounds, block_sizes):
            for unit in units[position:position + count]:
                memberships.append(Membership(province=province, bloc_year=year, unit=unit, year=YEAR, bloc_kind=blocs[0].kind,
                                              joined_on=dt.date(YEAR, 1, 1)))
                sheets.append(ScoreSheet(province=province, round=round_, unit=unit, state=SheetState.APPRAISED))
            position += count
        Membership.objects.bulk_create(memberships, batch_size=5_000)
        ScoreSheet.objects.bulk_create(sheets, batch_size=5_000)
        with connection.cursor() as cursor:
            cursor.execute(_insert_scores_sql(connection.vendor), [province.pk, province.pk])
            score_rows = cursor.rowcount
    derived_started = time.perf_counter()
    recompute_sheet_sums([s.pk for s in sheets])
    derived_seconds = time.perf_counter() - derived_started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "blocks": len(blocs), "sheets": len(sheets), "criteria_per_set": 100, "score_rows": score_rows,
        "build_seconds": round(time.perf_counter() - started, 1), "sheet_sums_seconds": round(derived_seconds, 1),
    }


def _sql_totals(sheet_ids: list[int] | None = None) -> dict[int, Decimal]:
    from django.db import connection

    where, params = "", []
    if sheet_ids is not None:
        where = f"WHERE sc.sheet_id IN ({', '.join(['%s'] * len(sheet_ids))})"
        params = list(sheet_ids)
    with connection.cursor() as cursor:
        cursor.execute(SQL_TOTALS.format(where=where), params)
        return {sheet_id: Decimal(str(total)).quantize(Decimal("0.01")) for sheet_id, total in cursor.fetchall()}


def _check(rankings: dict, sql: dict[int, Decimal], sheet_of: dict[tuple[int, str], int]) -> dict:
    """Every ranked row without a cap/clamp note equals the SQL sum of its sheet."""
    compared = capped = 0
    for round_id, ranking in rankings.items():
        for row in ranking.rows:
            if row.rank is None:
                raise AssertionError(f"an appraised sheet was left unranked: {row.reasons}")
            if row.totals.notes:
                capped += 1
                continue
            expected = sql[sheet_of[(round_id, row.key)]]
            if row.total.quantize(Decimal("0.01")) != expected:
                raise AssertionError(f"ranking total {row.total} differs from the SQL total {expected}")
            compared += 1
    if compared == 0:
        raise AssertionError("no sheet could be compared with the SQL aggregate")
    return {"sheets_equal_to_sql": compared, "sheets_with_caps": capped}


@measurement("scoring_rank_every_block", "Xếp hạng mọi khối từ cơ sở dữ liệu (phiếu chấm điểm × 100 tiêu chí)")
def scoring_rank_every_block(ctx) -> list[Result]:
    try:
        from thidua.scoring.models import ScoreSheet, ScoringRound
        from thidua.scoring.selectors import round_rankings
    except ImportError as exc:  # pragma: no cover - an older build
        raise Skipped("Chưa có ứng dụng chấm điểm (thidua.scoring) trong bản dựng này.") from exc

    built = _build(ctx.dataset)
    province = ctx.dataset.province
    rounds = list(ScoringRound.objects.filter(province=province).order_by("pk"))
    sheet_of = {
        (round_id, str(unit_uid)): pk
        for pk, round_id, unit_uid in ScoreSheet.objects.filter(round__in=rounds).values_list("pk", "round_id", "unit__uid")
    }

    def fresh_rounds():
        # Fresh round objects each time, as a page would load them.
        return list(ScoringRound.objects.filter(province=province).order_by("pk"))

    # The report wants `repeat` samples of every row; one warm-up is enough for a call of a second.
    warmup = min(ctx.warmup, 1)
    timing, rankings = run_timed(lambda: round_rankings(fresh_rounds()), repeat=ctx.repeat, warmup=warmup)
    sql_timing, sql = run_timed(_sql_totals, repeat=ctx.repeat, warmup=warmup)
    checked = _check(rankings, sql, sheet_of)
    leaders = sum(1 for r in rankings.values() if r.leader_key)
    results = [
        Result(
            name="scoring_rank_every_block",
            label=f"selectors.round_rankings(): {built['blocks']} khối, {built['sheets']} phiếu, {built['score_rows']} dòng điểm "
                  "(tổng điểm, mức tối đa, điểm thưởng/trừ, xếp hạng, xếp loại, chỉ tiêu)",
            timing=timing,
            baseline_label="Một câu SQL: SUM(điểm hiệu lực) GROUP BY phiếu (không áp mức tối đa)",
            baseline=sql_timing,
            note="Mục tiêu ≤ 2 000 ms ở cỡ toàn quốc (size province).",
            extra={
                **built, **checked, "rounds_ranked": len(rankings), "unique_leaders": leaders, "target_ms": 2000,
                "sheets_with_missing_items": sum(1 for r in rankings.values() for row in r.rows if row.totals.missing),
                "sheets_item_by_item": ScoreSheet.objects.filter(round__in=rounds, needs_exact=True).count(),
            },
        ),
    ]

    one = rounds[len(rounds) // 2]
    one_sheets = [pk for (round_id, _), pk in sheet_of.items() if round_id == one.pk]
    one_timing, one_ranking = run_timed(
        lambda: round_rankings([ScoringRound.objects.get(pk=one.pk)]), repeat=ctx.repeat, warmup=ctx.warmup
    )
    one_sql_timing, one_sql = run_timed(lambda: _sql_totals(one_sheets), repeat=ctx.repeat, warmup=ctx.warmup)
    _check(one_ranking, one_sql, sheet_of)
    results.append(Result(
        name="scoring_rank_one_block",
        label=f"selectors.round_ranking() một khối ({len(one_sheets)} phiếu)",
        timing=one_timing,
        baseline_label="Một câu SQL: SUM(điểm hiệu lực) GROUP BY phiếu của khối đó",
        baseline=one_sql_timing,
        extra={"sheets": len(one_sheets)},
    ))
    return results
