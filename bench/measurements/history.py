"""Batch eligibility ("ai đủ điều kiện") over the whole province: every person × every award.

Data: 10 years (2016–2025) of history for every person in scope (100,000 at size `province`):
task ratings, Lao động tiên tiến and Chiến sĩ thi đua cơ sở titles, some Bằng khen, and a few
initiatives, discipline periods and pending investigations (the cases the engine itself
evaluates). Ratings and titles are written by INSERT … SELECT from the people table with
deterministic pseudo-random choices, so building 2 million rows takes seconds.

Measured: `thidua.history.batch.evaluate_people` (the page's and the API's function) for every
individual award, history loaded from the database in a few queries. Target ≤ 5 s on 2 cores
(issue #7), reported, not asserted.

Baseline: the quantitative checks (rating ≥ HTTNV; LĐTT and HTXSNV in Y; 5-year windows of
ratings and CSTĐCS titles with a BK TTg before them; CSTĐCS streaks) as one window-function
query — in DuckDB over the same rows when the `duckdb` package is installed, otherwise in the
bench database itself (PostgreSQL, or SQLite in --smoke).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time

from bench.measurements.registry import measurement
from bench.timing import Result, run_timed

YEARS = list(range(2016, 2026))
YEAR = 2025
DECIDED_ON = dt.date(2026, 1, 10)


def _years_sql() -> str:
    return "(" + " UNION ALL ".join(f"SELECT {y} AS year" for y in YEARS) + ") y"


def _build_history(province_ids: list[int]) -> dict[str, int]:
    """Write the history rows; returns counts."""
    from django.db import connection, transaction

    from thidua.history.models import AwardRecord, DisciplinePeriod, Initiative, PendingInvestigation, TaskRating
    from thidua.org.models import Person

    uuid_sql = "gen_random_uuid()" if connection.vendor == "postgresql" else "lower(hex(randomblob(16)))"
    false = "false" if connection.vendor == "postgresql" else "0"
    ids = ",".join(str(int(i)) for i in province_ids)
    r = "((p.id * 7919 + y.year * 104729) % 100)"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO history_taskrating (uid, created_at, updated_at, version, province_id, person_id, unit_id, year,
                                            rating, rated_in_unit_id, note)
            SELECT {uuid_sql}, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1, p.province_id, p.id, NULL, y.year,
                   CASE WHEN (p.id % 25) = 0 OR {r} < 15 THEN 'EXCELLENT' WHEN {r} < 85 THEN 'GOOD'
                        WHEN {r} < 97 THEN 'COMPLETED' ELSE 'FAILED' END,
                   p.unit_id, ''
            FROM org_person p CROSS JOIN {_years_sql()}
            WHERE p.province_id IN ({ids}) AND ((p.id * 31 + y.year * 17) % 50) <> 0
        """)
        columns = ("uid, created_at, updated_at, version, province_id, person_id, unit_id, award_code, award_kind, year, "
                   "decision_number, decision_date, decision_issuer, decision_level, source, decision_uid, "
                   "rated_in_unit_id, revoked, revoked_reason, revoked_on, note")

        def awards(code: str, where: str) -> None:
            cursor.execute(f"""
                INSERT INTO history_awardrecord ({columns})
                SELECT {uuid_sql}, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1, t.province_id, t.person_id, NULL, '{code}', 'MERIT',
                       t.year, '', NULL, '', '', 'IMPORTED', NULL, t.rated_in_unit_id, {false}, '', NULL, ''
                FROM history_taskrating t
                WHERE t.person_id IS NOT NULL AND t.province_id IN ({ids}) AND {where}
            """)

        awards("LDTT", "t.rating IN ('EXCELLENT', 'GOOD') AND ((t.person_id % 25) = 0 OR ((t.person_id * 13 + t.year * 7) % 20) <> 0)")
        # Every 25th person is a high achiever (HTXSNV and CSTĐCS every year): streaks and Huân chương windows.
        awards("CSTDCS", "t.rating = 'EXCELLENT' AND ((t.person_id % 25) = 0 OR (((t.person_id * 13 + t.year * 7) % 20) <> 0 "
                         "AND ((t.person_id * 11 + t.year * 3) % 10) < 7))")
        awards("BK_TINH", "t.year = 2017 AND (t.person_id % 40) = 0")
        awards("BK_TTG", "t.year = 2019 AND ((t.person_id % 97) = 0 OR (t.person_id % 50) = 0)")
        # The rarer records that send a person to the full engine (about 3 % of people).
        people = list(Person.objects.filter(province_id__in=province_ids).values_list("id", "province_id"))
        works = [Initiative(province_id=prov, person_id=pid, year=2016 + pid % 10, title="Sáng kiến",
                            scope=("BASE", "PROVINCE", "NATIONAL")[pid % 3]) for pid, prov in people if pid % 50 == 0]
        Initiative.objects.bulk_create(works, batch_size=2000)
        punished = [DisciplinePeriod(province_id=prov, person_id=pid, form="KHIEN_TRACH", start_date=dt.date(2016 + pid % 10, 5, 1),
                                     end_date=dt.date(2017 + pid % 10, 4, 30)) for pid, prov in people if pid % 200 == 7]
        DisciplinePeriod.objects.bulk_create(punished, batch_size=2000)
        pending = [PendingInvestigation(province_id=prov, person_id=pid, opened_on=dt.date(2025, 10, 1))
                   for pid, prov in people if pid % 333 == 5]
        PendingInvestigation.objects.bulk_create(pending, batch_size=2000)
        cursor.execute("ANALYZE")
    return {
        "task_ratings": TaskRating.objects.count(),
        "award_records": AwardRecord.objects.count(),
        "initiatives": len(works),
        "discipline_periods": len(punished),
        "pending_investigations": len(pending),
    }


# The same quantitative checks as one window-function query (portable SQL: PostgreSQL, SQLite, DuckDB).
def window_sql(ratings: str, awards: str, people_filter: str) -> str:
    return f"""
    WITH r AS (
        SELECT person_id, year,
               CASE WHEN rating IN ('EXCELLENT', 'GOOD') THEN 1 ELSE 0 END AS good,
               CASE WHEN rating = 'EXCELLENT' THEN 1 ELSE 0 END AS exc
        FROM {ratings} WHERE person_id IS NOT NULL {people_filter}
    ), a AS (
        SELECT person_id, year,
               MAX(CASE WHEN award_code = 'LDTT' THEN 1 ELSE 0 END) AS ldtt,
               MAX(CASE WHEN award_code = 'CSTDCS' THEN 1 ELSE 0 END) AS cstdcs
        FROM {awards} WHERE person_id IS NOT NULL {people_filter}
        GROUP BY person_id, year
    ), f AS (
        SELECT person_id, MIN(year) AS first_bk_ttg FROM {awards}
        WHERE award_code = 'BK_TTG' {people_filter} GROUP BY person_id
    ), y AS (
        SELECT r.person_id, r.year, r.good, r.exc, COALESCE(a.ldtt, 0) AS ldtt, COALESCE(a.cstdcs, 0) AS cstdcs,
               SUM(r.good) OVER w5 AS good5, SUM(r.exc) OVER w5 AS exc5, SUM(COALESCE(a.cstdcs, 0)) OVER w5 AS cstdcs5,
               r.year - ROW_NUMBER() OVER (PARTITION BY r.person_id, COALESCE(a.cstdcs, 0) ORDER BY r.year) AS island
        FROM r LEFT JOIN a ON a.person_id = r.person_id AND a.year = r.year
        WINDOW w5 AS (PARTITION BY r.person_id ORDER BY r.year RANGE BETWEEN 4 PRECEDING AND CURRENT ROW)
    ), s AS (
        SELECT y.*, COUNT(*) OVER (PARTITION BY person_id, cstdcs, island) AS run FROM y
    )
    SELECT COUNT(*) AS people,
           SUM(good) AS ldtt,
           SUM(CASE WHEN ldtt = 1 AND exc = 1 THEN 1 ELSE 0 END) AS cstdcs,
           SUM(CASE WHEN cstdcs = 1 AND run >= 3 THEN 1 ELSE 0 END) AS cstdcs_streak3,
           SUM(CASE WHEN good5 = 5 AND exc5 >= 1 AND cstdcs5 >= 3 AND f.first_bk_ttg <= {YEAR - 5} THEN 1 ELSE 0 END) AS hcld3
    FROM s LEFT JOIN f ON f.person_id = s.person_id
    WHERE s.year = {YEAR}
    """


def _duckdb_baseline(province_ids, repeat, warmup):
    """Copy the rows into an in-memory DuckDB (untimed) and time the window query there."""
    import duckdb
    from django.db import connection

    ids = ",".join(str(int(i)) for i in province_ids)
    con = duckdb.connect()
    with tempfile.TemporaryDirectory() as tmp, connection.cursor() as cursor:
        for table, sql in (
            ("ratings", f"SELECT person_id, year, rating FROM history_taskrating WHERE person_id IS NOT NULL AND province_id IN ({ids})"),
            ("awards", f"SELECT person_id, year, award_code FROM history_awardrecord WHERE person_id IS NOT NULL "
                       f"AND revoked = {'false' if connection.vendor == 'postgresql' else '0'} AND province_id IN ({ids})"),
        ):
            cursor.execute(sql)
            path = os.path.join(tmp, f"{table}.csv")
            with open(path, "w", encoding="utf-8") as handle:
                handle.write("person_id,year,value\n")
                for row in cursor.fetchall():
                    handle.write(f"{row[0]},{row[1]},{row[2]}\n")
            column = "rating" if table == "ratings" else "award_code"
            con.execute(f"CREATE TABLE {table} AS SELECT person_id, year, value AS {column} FROM read_csv_auto('{path}')")
    query = window_sql("ratings", "awards", "")
    timing, row = run_timed(lambda: con.execute(query).fetchone(), repeat=repeat, warmup=warmup)
    return timing, row, f"DuckDB {duckdb.__version__}: một truy vấn hàm cửa sổ trên cùng dữ liệu (nạp sẵn vào bộ nhớ)"


def _sql_baseline(province_ids, repeat, warmup):
    from django.db import connection

    ids = ",".join(str(int(i)) for i in province_ids)
    false = "false" if connection.vendor == "postgresql" else "0"
    query = window_sql("history_taskrating", f"(SELECT * FROM history_awardrecord WHERE revoked = {false}) aw",
                       f"AND province_id IN ({ids})")

    def run():
        with connection.cursor() as cursor:
            cursor.execute(query)
            return cursor.fetchone()

    timing, row = run_timed(run, repeat=repeat, warmup=warmup)
    name = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    return timing, row, f"Một truy vấn SQL hàm cửa sổ trong {name} (không có gói duckdb)"


@measurement("history_batch", "Ai đủ điều kiện: mọi danh hiệu, hình thức cho toàn bộ cá nhân, hồ sơ 10 năm")
def history_batch(ctx) -> list[Result]:
    from thidua.core.access import scoped
    from thidua.history import batch
    from thidua.org.models import Person, Province

    province_ids = list(Province.objects.get(pk=ctx.dataset.province.pk).lineage_ids())
    started = time.perf_counter()
    counts = _build_history(province_ids)
    build_seconds = time.perf_counter() - started
    officer = ctx.dataset.officer
    # The report checks every row has `repeat` samples; one warm-up is enough for a 5-second call.
    repeat, warmup = ctx.repeat, min(ctx.warmup, 1)

    def run():
        return batch.evaluate_people(scoped(officer, Person), YEAR, on=DECIDED_ON)

    timing, rows = run_timed(run, repeat=repeat, warmup=warmup)
    people = scoped(officer, Person).count()
    if len(rows) != people:
        raise AssertionError(f"batch returned {len(rows)} rows for {people} people")
    tally: dict[str, dict[str, int]] = {}
    for row in rows:
        for code, outcome in row.outcomes.items():
            tally.setdefault(code, {}).setdefault(outcome, 0)
            tally[code][outcome] += 1
    try:
        baseline, answer, baseline_label = _duckdb_baseline(province_ids, repeat, warmup)
    except ImportError:
        baseline, answer, baseline_label = _sql_baseline(province_ids, repeat, warmup)
    extra = {
        "people": people,
        "awards_per_person": len(rows[0].outcomes) if rows else 0,
        "by_engine": sum(1 for r in rows if r.by_engine),
        "history_build_seconds": round(build_seconds, 1),
        **counts,
        "outcomes": tally,
        "window_query_counts": dict(zip(("people", "ldtt", "cstdcs", "cstdcs_streak3", "hcld3"), [int(v or 0) for v in answer])),
        "target_seconds": 5,
    }
    return [Result(
        name="history_batch",
        label=f"batch.evaluate_people: {people} cá nhân × {extra['awards_per_person']} danh hiệu, hình thức (kết quả, chưa diễn giải)",
        timing=timing,
        baseline_label=baseline_label,
        baseline=baseline,
        note="Mục tiêu ≤ 5 s trên 2 lõi (issue #7); tỷ lệ so với truy vấn hàm cửa sổ chỉ báo cáo, không kiểm tra.",
        extra=extra,
    )]
