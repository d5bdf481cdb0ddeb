"""The province's tổng kết report and the TĐKT statistics tables (issue #13, points 4 and 5).

Data, built here on top of the registry dataset for the year 2024 (the scoring measurement's
blocks are 2025): 70 blocks (khối thi đua) sharing every unit of the province (1,500 at size
"province"; 10 blocks at "small"), one registration per member, a published ranking per block
(its frozen snapshot) with the leading unit confirmed in every second block, 100 award decisions
with money, and the award history of 10 years (the history measurement's builder, reused when it
has not run) plus a collective title for every unit, all by bulk_create or INSERT … SELECT.

Timed, through the app's own functions:

- `province_report`: thidua.reports.province.province_year (every block, registrations, rankings,
  awards by kind and level through the statistics engine, initiatives, money) and the DOCX render
  (thidua.reports.documents.report_body → thidua.documents.docx.render_docx). Target ≤ 5 s.
- `statistics_<code>`: thidua.reports.statistics.compute_table for every shipped definition over
  the year's award records of the province. Target ≤ 1 s each.

Baseline in the same run: one COUNT(*) over the same award rows (the province's records of the
year, not revoked): the least any table over them can cost.
"""

from __future__ import annotations

import datetime as dt
import time

from bench.measurements.registry import measurement
from bench.timing import Result, run_timed

YEAR = 2024
BLOCKS = {"province": 70, "small": 10}
DECISIONS = 100


def _build(dataset) -> dict:
    from django.db import connection, transaction

    from thidua.blocs.models import Bloc, BlocYear, Membership
    from thidua.history.models import AwardRecord
    from thidua.movements.models import Registration
    from thidua.org.models import Province, Unit
    from thidua.proposals.models import Decision
    from thidua.reports.models import ProvinceReport
    from thidua.scoring.models import CriteriaSet, RoundState, ScoringRound, SetState

    province = dataset.province
    lineage = list(Province.objects.get(pk=province.pk).lineage_ids())
    started = time.perf_counter()
    if not AwardRecord.objects.filter(province_id__in=lineage, year=YEAR).exists():
        from bench.measurements.history import _build_history

        _build_history(lineage)
    units = list(Unit.objects.filter(province_id__in=lineage).exclude(name__startswith="Đơn vị chấm điểm số").order_by("pk"))
    count = min(BLOCKS.get(dataset.size.name, BLOCKS["small"]), max(1, len(units) // 3))
    uuid_sql = "gen_random_uuid()" if connection.vendor == "postgresql" else "lower(hex(randomblob(16)))"
    false = "false" if connection.vendor == "postgresql" else "0"
    ids = ",".join(str(int(i)) for i in lineage)
    with transaction.atomic():
        criteria_set = CriteriaSet.objects.create(province=province, bloc=None, year=YEAR, name="Bảng tiêu chí báo cáo tổng kết",
                                                  version_no=1, state=SetState.IN_USE)
        blocs = []
        for b in range(count):
            bloc = Bloc(province=province, name=f"Khối thi đua tổng kết số {b + 1:02d}")
            bloc.refresh_derived()
            blocs.append(bloc)
        blocs = Bloc.objects.bulk_create(blocs)
        members: list[list] = [units[i::count] for i in range(count)]
        years = BlocYear.objects.bulk_create(
            [BlocYear(province=province, bloc=bloc, year=YEAR, head_unit=group[0]) for bloc, group in zip(blocs, members)]
        )
        Membership.objects.bulk_create(
            [Membership(province=province, bloc_year=y, unit=u, year=YEAR, bloc_kind=blocs[0].kind, joined_on=dt.date(YEAR, 1, 1))
             for y, group in zip(years, members) for u in group], batch_size=5_000,
        )
        Registration.objects.bulk_create(
            [Registration(province=province, bloc_year=y, unit=u, state=("APPROVED", "SUBMITTED", "DRAFT")[n % 3])
             for y, group in zip(years, members) for n, u in enumerate(group)], batch_size=5_000,
        )
        rounds = []
        for n, (y, group) in enumerate(zip(years, members)):
            rows = [{"key": str(u.uid), "label": u.name, "total": f"{95 - r * 0.5:.2f}", "rank": r + 1, "tied_with": [],
                     "band_code": None, "band_label": None, "proposed_leader": r == 0, "within_quota": r < 3, "reasons": []}
                    for r, u in enumerate(group)]
            rounds.append(ScoringRound(
                province=province, bloc_year=y, criteria_set=criteria_set, state=RoundState.PUBLISHED, quota=3,
                ranking_snapshot={"rows": rows, "leader_key": str(group[0].uid), "leader_tie": [], "explanation": []},
                confirmed_leader=group[0] if n % 2 == 0 else None,
            ))
        ScoringRound.objects.bulk_create(rounds)
        Decision.objects.bulk_create([
            Decision(province=province, kind="EXTERNAL", number=str(9000 + n), symbol="QĐ-UBND", issued_on=dt.date(YEAR, 12, 1 + n % 28),
                     level=("PROVINCE", "UNIT", "CENTRAL")[n % 3], issuer_name="Chủ tịch UBND tỉnh", money_total=1_000_000 * (n + 1),
                     money_unknown_count=n % 4 == 0)
            for n in range(DECISIONS)
        ])
        with connection.cursor() as cursor:
            cursor.execute(f"""
                INSERT INTO history_awardrecord (uid, created_at, updated_at, version, province_id, person_id, unit_id, award_code,
                    award_kind, year, decision_number, decision_date, decision_issuer, decision_level, source, decision_uid,
                    rated_in_unit_id, revoked, revoked_reason, revoked_on, note)
                SELECT {uuid_sql}, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1, u.province_id, NULL, u.id,
                       CASE WHEN (u.id % 4) = 0 THEN 'TTLDXS' ELSE 'TTLDTT' END, 'MERIT', {YEAR}, '', NULL, '', '', 'IMPORTED', NULL,
                       NULL, {false}, '', NULL, ''
                FROM org_unit u WHERE u.province_id IN ({ids})
            """)
            cursor.execute("ANALYZE")
        head = units[0]
        ProvinceReport.objects.create(
            province=province, year=YEAR, issuer_unit=head, signer_authority="KT. GIÁM ĐỐC", signer_title="Phó Giám đốc",
            signer_name="Trần Thị Thanh Hương",
            situation="Năm 2024, toàn tỉnh triển khai các phong trào thi đua gắn với nhiệm vụ chính trị.",
            highlights="Các khối thi đua tổ chức ký kết giao ước, chấm điểm, bình xét công khai.",
            limitations="Một số đơn vị gửi hồ sơ chậm.", directions="Đổi mới nội dung, hình thức thi đua.",
        )
    return {
        "blocks": len(blocs), "units_in_blocks": sum(len(g) for g in members), "decisions": DECISIONS,
        "award_records_of_year": AwardRecord.objects.filter(province_id__in=lineage, year=YEAR).count(),
        "build_seconds": round(time.perf_counter() - started, 1),
    }


def _baseline(lineage: list[int], repeat: int, warmup: int):
    from django.db import connection

    ids = ",".join(str(int(i)) for i in lineage)
    false = "false" if connection.vendor == "postgresql" else "0"
    sql = f"SELECT COUNT(*) FROM history_awardrecord WHERE province_id IN ({ids}) AND year = {YEAR} AND revoked = {false}"

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]

    return run_timed(run, repeat=repeat, warmup=warmup)


@measurement("reports", "Báo cáo tổng kết của tỉnh (mọi khối, đơn vị) và từng biểu thống kê thi đua, khen thưởng")
def reports(ctx) -> list[Result]:
    from thidua.documents.docx import render_docx
    from thidua.org.models import Province
    from thidua.reports.documents import province_report_spec
    from thidua.reports.models import ProvinceReport
    from thidua.reports.province import province_year
    from thidua.reports.statistics import compute_table, stat_scope
    from thidua.rules import statistics as core

    built = _build(ctx.dataset)
    province = Province.objects.get(pk=ctx.dataset.province.pk)
    officer = ctx.dataset.officer
    lineage = list(province.lineage_ids())
    report = ProvinceReport.objects.select_related("issuer_unit", "province").get(province=province, year=YEAR)
    baseline, counted = _baseline(lineage, ctx.repeat, ctx.warmup)
    baseline_label = f"Một COUNT(*) trên cùng các bản ghi khen thưởng năm {YEAR} của tỉnh"
    repeat, warmup = ctx.repeat, min(ctx.warmup, 1)

    def whole_report():
        scope = stat_scope(officer, province)
        data = province_year(scope, YEAR)
        built_doc = province_report_spec(report, "", None, data=data)
        return data, render_docx(built_doc.spec)

    timing, (data, docx) = run_timed(whole_report, repeat=repeat, warmup=warmup)
    if len(data.blocs) != built["blocks"]:
        raise AssertionError(f"the report lists {len(data.blocs)} blocks, {built['blocks']} were built")
    results = [Result(
        name="province_report",
        label=f"Báo cáo tổng kết năm {YEAR}: {len(data.blocs)} khối, {data.units} đơn vị, số liệu và tệp DOCX",
        timing=timing, baseline_label=baseline_label, baseline=baseline,
        note="Mục tiêu ≤ 5 s (issue #13); tỷ lệ so với COUNT(*) chỉ báo cáo, không kiểm tra.",
        extra={**built, "docx_bytes": len(docx), "counted_records": counted, "target_seconds": 5},
    )]
    scope = stat_scope(officer, province)
    for definition in core.definitions_for_year(YEAR):
        timing, table = run_timed(lambda d=definition: compute_table(scope, YEAR, d), repeat=repeat, warmup=warmup)
        total = table.value("total", "total")
        if definition.period == "year" and not definition.filters and total != counted:
            raise AssertionError(f"{definition.code}: total {total} ≠ COUNT(*) {counted}")
        results.append(Result(
            name=f"statistics_{definition.code.lower()}",
            label=f"Biểu {definition.code}: {definition.title} ({len(definition.rows)} dòng × {len(definition.columns)} cột)",
            timing=timing, baseline_label=baseline_label, baseline=baseline,
            note="Mục tiêu ≤ 1 s mỗi biểu (issue #13).",
            extra={"total": total, "counted_records": counted, "target_seconds": 1},
        ))
    return results
