"""Concurrent secret e-ballot (issue #6): 1,000 council members vote at once through
`thidua.voting.actions.do_cast_ballot` (the unique participation and the ballot in one
transaction), from several worker PROCESSES of a few threads each, every thread with its own
database connection — the way gunicorn runs several worker processes: one Python process is
bounded by its interpreter lock long before PostgreSQL is. Reported, not asserted: ballots per
second (targets ≥ 500/s on PostgreSQL, ≥ 100/s on SQLite), the latency of one vote, the
processes × threads used and the machine's load average during the burst. Checked: every
accepted ballot is stored once (participations = ballots = voters, none lost), the double votes
sent alongside are refused, and the tally at close counts every ballot.

Workers are forked after the parent closed its database connections (spawned where fork does not
exist: each child then sets Django up itself); each opens its connections before the common start,
as a server worker keeps its connections (CONN_MAX_AGE), and sends its per-vote latencies back.
SQLite has one writer at a time, so more processes do not help there: one process of two threads
(the 2 gunicorn workers of `make run`) by default. BENCH_VOTING_PROCESSES and BENCH_VOTING_THREADS
override the defaults.

The timed row holds `repeat` evenly spaced quantiles of all the per-vote latencies of the burst
(the report wants `repeat` samples); the exact p50/p95 over every vote are in `extra`. Its
baseline is the same action called one vote at a time on one connection. In --smoke mode
(10 repetitions) the burst has 100 voters.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import queue as queue_module
import threading
import time

from bench.measurements.registry import measurement
from bench.timing import Result, Timing, percentile, run_timed

VOTERS, SMOKE_VOTERS = 1_000, 100
DOUBLE_SHARE = 20  # one voter in 20 sends a second ballot at the same time
# (processes, threads per process); None = one process per core (2 to 4). PostgreSQL: the Python
# side of a vote costs about as much CPU as the server side, so one process per core, and 3
# threads each to cover the waits on the server and the commits; SQLite: one process, 2 threads.
WORKERS = {"postgresql": (None, 3), "sqlite": (1, 2)}
TARGET = {"postgresql": 500, "sqlite": 100}
HELD_ON = dt.date(2026, 1, 5)
REFUSED_TWICE = "đã bỏ phiếu rồi"
START_TIMEOUT = 120  # seconds for every worker to connect (a spawned child imports Django first)
RUN_TIMEOUT = 600  # seconds for the whole burst, after which the workers are stopped and the run fails


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


def _loadavg() -> float | None:
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None


def _workers(vendor: str) -> tuple[int, int]:
    processes, threads = WORKERS.get(vendor, (1, 2))
    if processes is None:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 2)
        processes = min(4, max(2, cores))
    processes = int(os.environ.get("BENCH_VOTING_PROCESSES") or processes)
    threads = int(os.environ.get("BENCH_VOTING_THREADS") or threads)
    return max(1, processes), max(1, threads)


def _voter_process(poll_pk: int, chunks: list, start, messages) -> None:
    """One worker process: a thread per chunk of (user pk, approved candidate ids) jobs, each on its
    own connection. Loads its poll and accounts and opens its connections, says ("ready", n) on
    `messages`, waits for `start`, votes, then says ("done", {"latencies", "accepted",
    "refused_double", "errors"}). Only plain values cross the process boundary."""
    import django
    from django.apps import apps

    if not apps.ready:  # spawned, not forked
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thidua.settings")
        django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, connections

    from thidua.core.errors import ActionError
    from thidua.voting import actions
    from thidua.voting.models import Poll

    lock = threading.Lock()
    outcome = {"latencies": [], "accepted": 0, "refused_double": 0, "errors": []}
    try:
        poll = Poll.objects.get(pk=poll_pk)
        users = get_user_model().objects.in_bulk({pk for chunk in chunks for pk, _ in chunk})
    except Exception as exc:  # noqa: BLE001 - reported by the parent
        messages.put(("done", {**outcome, "errors": [repr(exc)]}))
        return
    finally:
        connections.close_all()
    ready = threading.Barrier(len(chunks) + 1)

    def worker(chunk):
        try:
            connection.ensure_connection()
        except Exception as exc:  # noqa: BLE001 - reported by the parent
            with lock:
                outcome["errors"].append(repr(exc))
        ready.wait()
        ready.wait()  # released once the whole burst may start
        try:
            for user_pk, approved in chunk:
                try:
                    begin = time.perf_counter_ns()
                    try:
                        actions.do_cast_ballot(actor=users[user_pk], poll=poll, approved=approved)
                        accepted = True
                    except ActionError as exc:
                        accepted = False
                        if REFUSED_TWICE not in exc.message:
                            raise
                    elapsed = (time.perf_counter_ns() - begin) / 1e6
                    with lock:
                        outcome["latencies"].append(elapsed)
                        outcome["accepted" if accepted else "refused_double"] += 1
                except Exception as exc:  # noqa: BLE001 - reported by the parent, fails the measurement
                    with lock:
                        outcome["errors"].append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(chunk,)) for chunk in chunks]
    for t in threads:
        t.start()
    ready.wait()  # every thread of this process is connected
    messages.put(("ready", len(chunks)))
    if not start.wait(timeout=START_TIMEOUT):
        outcome["errors"].append("the burst never started (another worker failed to start)")
    ready.wait()
    for t in threads:
        t.join()
    messages.put(("done", outcome))


def _burst(poll, jobs: list, processes: int, threads: int) -> tuple[dict, float, tuple]:
    """Run `jobs` ((user, approved ids)) from `processes` × `threads` workers; return the merged
    outcome, the wall time from the common start to the last result, and the load average (1 min)
    before and after."""
    from django.db import connections

    workers = processes * threads
    plain = [(user.pk, [int(i) for i in approved]) for user, approved in jobs]
    # Worker k takes every workers-th job from k: a voter's first and second ballot go to
    # neighbouring workers, so to different processes — a real race for the unique participation.
    chunks = [plain[k::workers] for k in range(workers)]
    per_process = [[chunks[k] for k in range(workers) if k % processes == p] for p in range(processes)]
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    mp = multiprocessing.get_context(method)
    start, messages = mp.Event(), mp.Queue()
    connections.close_all()  # a forked child must not share the parent's connection
    children = [mp.Process(target=_voter_process, args=(poll.pk, per_process[p], start, messages), daemon=True) for p in range(processes)]
    for child in children:
        child.start()
    merged = {"latencies": [], "accepted": 0, "refused_double": 0, "errors": []}

    def collect(kind: str, deadline: float) -> list:
        got = []
        while len(got) < processes:
            try:
                tag, value = messages.get(timeout=1)
            except queue_module.Empty:
                if any(not c.is_alive() and c.exitcode not in (0, None) for c in children):
                    merged["errors"].append(f"a worker process died: exit codes {[c.exitcode for c in children]}")
                    return got
                if time.perf_counter() > deadline:
                    merged["errors"].append(f"the worker processes did not {kind} in time")
                    return got
                continue
            if tag == "done" and kind == "start":  # a worker gave up before the start
                merged["errors"] += value["errors"] or ["a worker process stopped before the start"]
                return got
            got.append(value)
        return got

    collect("start", time.perf_counter() + START_TIMEOUT)
    load_before = _loadavg()
    began = time.perf_counter()
    start.set()
    if not merged["errors"]:
        for outcome in collect("finish", began + RUN_TIMEOUT):
            for key in ("latencies", "errors"):
                merged[key] += outcome[key]
            merged["accepted"] += outcome["accepted"]
            merged["refused_double"] += outcome["refused_double"]
    wall = time.perf_counter() - began
    load_after = _loadavg()
    for child in children:
        child.join(timeout=30)
        if child.is_alive():
            child.kill()
    return merged, wall, (load_before, load_after)


@measurement("voting_concurrent_ballots", "Bỏ phiếu kín điện tử đồng thời")
def concurrent_ballots(ctx) -> list[Result]:
    from django.db import connection

    from thidua.voting import actions
    from thidua.voting.models import Ballot, Participation

    vendor = connection.vendor
    voters = SMOKE_VOTERS if ctx.repeat <= 10 else VOTERS
    processes, threads = _workers(vendor)
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
    outcome, wall, (load_before, load_after) = _burst(poll, jobs, processes, threads)
    latencies = outcome["latencies"]

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
    load = "không rõ" if load_before is None else f"{load_before:.2f} → {load_after:.2f}"
    note = (
        f"{voters} người bỏ phiếu từ {processes} tiến trình × {threads} luồng: {rate:.0f} phiếu/giây"
        + (f" (mục tiêu ≥ {target}/giây trên {vendor})" if target else "")
        + f"; độ trễ một phiếu p50 {all_p50:.1f} ms, p95 {all_p95:.1f} ms; "
        f"không mất phiếu nào, {outcome['refused_double']} phiếu gửi lần hai bị từ chối; kiểm phiếu đủ {counted} phiếu; "
        f"tải trung bình 1 phút {load}."
    )
    return [
        Result(
            name="voting_concurrent_ballots",
            label=f"{voters} thành viên bỏ phiếu cùng lúc (do_cast_ballot, {processes} tiến trình × {threads} luồng, mỗi luồng một kết nối)",
            timing=Timing(_spread(latencies, ctx.repeat)),
            baseline_label="Một phiếu, tuần tự trên một kết nối",
            baseline=baseline,
            note=note,
            extra={
                "voters": voters,
                "processes": processes,
                "threads": threads,
                "wall_seconds": round(wall, 3),
                "ballots_per_second": round(rate, 1),
                "target_ballots_per_second": target,
                "vote_p50_ms": round(all_p50, 3),
                "vote_p95_ms": round(all_p95, 3),
                "double_votes_refused": outcome["refused_double"],
                "lost": voters - stored_ballots,
                "loadavg_1m": {"before": load_before, "after": load_after},
            },
        )
    ]
