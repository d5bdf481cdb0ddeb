"""Accent-insensitive registry search over people, as the person list runs it."""

from __future__ import annotations

from bench.measurements.registry import measurement
from bench.timing import Result, run_timed

QUERY = "nguyen van"
PAGE = 25


@measurement("registry_search", "Tìm cá nhân không dấu “nguyen van” (trang đầu 25 dòng)")
def registry_search(ctx) -> list[Result]:
    from django.db import connection

    from thidua.core.access import scoped
    from thidua.core.db import vi_order
    from thidua.org.models import Person
    from thidua.org.selectors import search
    from thidua.rules.text import fold

    officer = ctx.dataset.officer

    def folded_search():
        qs = search(scoped(officer, Person), QUERY)
        return list(qs.order_by(vi_order("given_name"), vi_order("full_name"), "pk")[:PAGE])

    def raw_icontains():
        # The naive query: the raw column, no folding, no Vietnamese collation.
        qs = scoped(officer, Person).filter(full_name__icontains="nguyễn văn")
        return list(qs.order_by("pk")[:PAGE])

    def raw_like():
        # Floor: one LIKE on search_key, no scope, no ordering, no ORM.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, full_name FROM org_person WHERE search_key LIKE %s LIMIT %s", ["%nguyen van%", PAGE]
            )
            return cursor.fetchall()

    timing, rows = run_timed(folded_search, repeat=ctx.repeat, warmup=ctx.warmup)
    if len(rows) != PAGE or not all("nguyen" in fold(p.full_name) and "van" in fold(p.full_name) for p in rows):
        raise AssertionError(f"search returned {len(rows)} rows, not {PAGE} matching people")
    matches = search(scoped(officer, Person), QUERY).count()
    icontains_timing, icontains_rows = run_timed(raw_icontains, repeat=ctx.repeat, warmup=ctx.warmup)
    like_timing, like_rows = run_timed(raw_like, repeat=ctx.repeat, warmup=ctx.warmup)
    if not icontains_rows or not like_rows:
        raise AssertionError("baseline queries returned no rows")
    extra = {"matches_in_scope": matches, "first_row": rows[0].full_name}
    return [
        Result(
            name="registry_search",
            label="search() + scoped() + vi_order, 25 dòng",
            timing=timing,
            baseline_label="full_name__icontains trên cột gốc, sắp theo pk",
            baseline=icontains_timing,
            extra=extra,
        ),
        Result(
            name="registry_search_vs_raw_like",
            label="search() + scoped() + vi_order, 25 dòng",
            timing=timing,
            baseline_label="SQL thô: search_key LIKE '%nguyen van%' LIMIT 25",
            baseline=like_timing,
            extra=extra,
        ),
    ]
