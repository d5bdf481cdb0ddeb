"""Concurrent secret e-ballot (issue #6): 1,000 council members vote at once, each on a worker
thread with its own database connection, through `thidua.voting.actions.do_cast_ballot` (the
unique participation and the ballot in one transaction). Reported, not asserted: ballots per
second (targets ≥ 500/s on PostgreSQL, ≥ 100/s on SQLite) and the latency of one vote. Checked:
every accepted ballot is stored once, none lost, and the double votes sent alongside are refused.

The timed row holds `repeat` evenly spaced quantiles of all the per-vote latencies of the burst
(the report wants `repeat` samples); the exact p50/p95 over every vote are in `extra`. Its
baseline is the same action called one vote at a time on one connection. In --smoke mode
(10 repetitions) the burst has 100 voters.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from bench.measurements.registry import measurement
from bench.timing import Result, Timing, percentile, run_timed

VOTERS, SMOKE_VOTERS = 1_000, 100
DOUBLE_SHARE = 20  # one voter in 20 sends a second ballot at the same time
# Worker threads stand for server workers (BENCH_VOTING_THREADS overrides): 8 on PostgreSQL (one
# Python process: more threads only queue on the interpreter lock); on SQLite, whose writers take
# turns on one lock, the 2 gunicorn workers of `make run`.
THREADS = {"postgresql": 8, "sqlite": 2}
TARGET = {"postgresql": 500, "sqlite": 100}
HELD_ON = dt.date(2026, 1, 5)


def _council_poll(province, prefix: str, size: int):
    """A council of `size` members with voting accounts and an open poll (three candidates)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from thidua.accounts.models import Grant, Role, ScopeKind
    from thidua.voting import actions
    from thidua.voting.models import CouncilMember

    User = get_user_model()
    with transaction.atomic():
        council = actions.do_create_council(actor=None, province=province, data={"name": f"Hội đồng đo tải {prefix}", "level": "PROVINCE"})
        users = User.objects.bulk_create([User(username=f"{prefix}-{i:05d}", password="!") for i in range(size)], batch_size=2_000)
        Grant.objects.bulk_create(
            [Grant(user=u, role=Role.COUNCIL_MEMBER, scope_kind=ScopeKind.PROVINCE, province=province, valid_from=dt.date(2025, 1, 1)) for u in users],
            batch_size=2_000,
        )
        CouncilMember.objects.bulk_create(
            [CouncilMember(province=province, council=council, full_name=f"Thành viên {i:05d}", user=u, term_from=dt.date(2025, 7, 1))
             for i, u in enumerate(users)],
            batch_size=2_000,
        )
        poll = actions.do_create_poll(
            actor=None,
            data={"title": f"Đo tải bỏ phiếu {prefix}", "council": council, "award_code": "LDTT", "threshold_pct": 50, "quota": 2,
                  "held_on": HELD_ON},
            candidates=[{"label": "Ứng viên A"}, {"label": "Ứng viên B"}, {"label": "Ứng viên C"}],
        )
        poll = actions.do_open_poll(actor=None, poll=poll, expected_version=poll.version)
    return poll, users, list(poll.candidates.values_list("pk", flat=True))


def _spread(samples: list[float], n: int) -> list[float]:
    """n evenly spaced quantiles of `samples` (midpoints of n equal slices)."""
    ordered = sorted(samples)
    return [ordered[min(len(ordered) - 1, int((i + 0.5) * len(ordered) / n))] for i in range(n)]


@measurement("voting_concurrent_ballots", "Bỏ phiếu kín điện tử đồng thời")
def concurrent_ballots(ctx) -> list[Result]:
    from django.db import close_old_connections, connection, connections

    from thidua.core.errors import ActionError
    from thidua.voting import actions
    from thidua.voting.models import Ballot, Participation

    vendor = connection.vendor
    voters = SMOKE_VOTERS if ctx.repeat <= 10 else VOTERS
    threads = int(os.environ.get("BENCH_VOTING_THREADS") or THREADS.get(vendor, 2))
    province = ctx.dataset.province

    # Baseline: the same action, one vote at a time on this connection.
    base_poll, base_users, base_ids = _council_poll(province, "tuan-tu", ctx.repeat + ctx.warmup)
    queue = iter(base_users)

    def one_vote():
        return actions.do_cast_ballot(actor=next(queue), poll=base_poll, approved=[base_ids[0]])

    baseline, _ = run_timed(one_vote, repeat=ctx.repeat, warmup=ctx.warmup)

    poll, users, ids = _council_poll(province, "dong-thoi", voters)
    jobs = []
    for i, user in enumerate(users):
        jobs.append((user, [ids[i % 3]] if i % 7 else [ids[0], ids[1]]))
        if i % DOUBLE_SHARE == 0:
            jobs.append((user, [ids[2]]))
    lock = threading.Lock()
    latencies: list[float] = []
    outcome = {"accepted": 0, "refused_double": 0, "errors": []}
    gate = threading.Barrier(threads)

    def vote(job):
        user, approved = job
        try:
            start = time.perf_counter_ns()
            try:
                actions.do_cast_ballot(actor=user, poll=poll, approved=approved)
                accepted = True
            except ActionError as exc:
                accepted = False
                if "đã bỏ phiếu rồi" not in exc.message:
                    raise
            elapsed = (time.perf_counter_ns() - start) / 1e6
            with lock:
                latencies.append(elapsed)
                outcome["accepted" if accepted else "refused_double"] += 1
        except Exception as exc:  # noqa: BLE001 - reported below, fails the measurement
            with lock:
                outcome["errors"].append(repr(exc))

    def worker(chunk):
        try:
            # All workers start together, once.
            try:
                gate.wait(timeout=30)
            except threading.BrokenBarrierError:
                pass
            for job in chunk:
                vote(job)
        finally:
            close_old_connections()
            connections.close_all()

    chunks = [jobs[i::threads] for i in range(threads)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(worker, chunks))
    wall = time.perf_counter() - started

    stored_ballots = Ballot.objects.filter(poll=poll).count()
    stored_participations = Participation.objects.filter(poll=poll).count()
    expected_doubles = len(jobs) - voters
    if outcome["errors"] or outcome["accepted"] != voters or stored_ballots != voters or stored_participations != voters:
        raise AssertionError(
            f"ballots lost or duplicated: accepted {outcome['accepted']}/{voters}, stored {stored_ballots} ballots and "
            f"{stored_participations} participations, errors {outcome['errors'][:3]}"
        )
    if outcome["refused_double"] != expected_doubles:
        raise AssertionError(f"double votes: {outcome['refused_double']} refused of {expected_doubles}")
    poll.refresh_from_db()
    closed = actions.do_close_poll(actor=None, poll=poll, expected_version=poll.version)
    counted = closed.result["counting"]["ballots"]
    if counted != voters:
        raise AssertionError(f"the tally counted {counted} ballots of {voters}")

    rate = voters / wall if wall > 0 else 0.0
    target = TARGET.get(vendor)
    all_p50, all_p95 = percentile(latencies, 50), percentile(latencies, 95)
    note = (
        f"{voters} người bỏ phiếu trên {threads} luồng: {rate:.0f} phiếu/giây"
        + (f" (mục tiêu ≥ {target}/giây trên {vendor})" if target else "")
        + f"; độ trễ một phiếu p50 {all_p50:.1f} ms, p95 {all_p95:.1f} ms; "
        f"không mất phiếu nào, {outcome['refused_double']} phiếu gửi lần hai bị từ chối; kiểm phiếu đủ {counted} phiếu."
    )
    return [
        Result(
            name="voting_concurrent_ballots",
            label=f"{voters} thành viên bỏ phiếu cùng lúc (do_cast_ballot, mỗi luồng một kết nối)",
            timing=Timing(_spread(latencies, ctx.repeat)),
            baseline_label="Một phiếu, tuần tự trên một kết nối",
            baseline=baseline,
            note=note,
            extra={
                "voters": voters,
                "threads": threads,
                "wall_seconds": round(wall, 3),
                "ballots_per_second": round(rate, 1),
                "target_ballots_per_second": target,
                "vote_p50_ms": round(all_p50, 3),
                "vote_p95_ms": round(all_p95, 3),
                "double_votes_refused": outcome["refused_double"],
                "lost": voters - stored_ballots,
            },
        )
    ]
