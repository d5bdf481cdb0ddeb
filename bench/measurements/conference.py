"""The live conference under load (issue #18): 300 delegates of a provincial congress vote from
their phones at once (`do_cast_ballot`, the e-ballot's own action, each voter thread on its own
database connection) while 5 projector screens poll the live fragment every second through the
Django test client with If-None-Match, as the screen's htmx does.

Checked (the run fails otherwise): every ballot accepted and stored once (participations =
ballots = delegates, none lost), the tally at the close counts them all, and the screens' answers
are mostly 304. Reported: ballot latency p50/p95 (target p95 ≤ 300 ms), the share of 304s and the
screens' own latency. In --smoke mode (10 repetitions) 40 delegates."""

from __future__ import annotations

import datetime as dt
import threading
import time

from bench.measurements.registry import measurement
from bench.timing import Result, Timing, percentile, run_timed

DELEGATES, SMOKE_DELEGATES = 300, 40
SCREENS = 5
VOTER_THREADS = {"postgresql": 8, "sqlite": 2}
P95_TARGET_MS = 300
HALL_SECONDS = 3


def _congress(province, size: int):
    """A congress council of `size` delegates with accounts, its meeting (the province's block of
    the bench year), an agenda whose live item is the open poll, and a screen link."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from thidua.accounts.models import Grant, Role, ScopeKind
    from thidua.blocs import actions as blocs
    from thidua.voting import actions
    from thidua.voting.models import CouncilMember

    User = get_user_model()
    today = dt.date.today()
    with transaction.atomic():
        council = actions.do_create_council(actor=None, province=province, data={"name": "Đại hội thi đua yêu nước tỉnh", "level": "PROVINCE"})
        users = User.objects.bulk_create([User(username=f"dai-bieu-{i:05d}", password="!") for i in range(size)], batch_size=2_000)
        Grant.objects.bulk_create(
            [Grant(user=u, role=Role.COUNCIL_MEMBER, scope_kind=ScopeKind.PROVINCE, province=province, valid_from=dt.date(2025, 1, 1)) for u in users],
            batch_size=2_000,
        )
        CouncilMember.objects.bulk_create(
            [CouncilMember(province=province, council=council, full_name=f"Đại biểu {i:05d}", user=u, term_from=dt.date(2025, 7, 1))
             for i, u in enumerate(users)],
            batch_size=2_000,
        )
        bloc = blocs.do_create_bloc(actor=None, province=province, data={"name": "Khối đo tải hội nghị", "kind": "KHOI"})
        year, _ = blocs.do_open_year(actor=None, bloc=bloc, year=today.year)
        meeting = blocs.do_record_meeting(actor=None, bloc_year=year, data={"kind": "OTHER", "held_on": today, "place": "Hội trường tỉnh"}, attending=[])
        poll = actions.do_create_poll(
            actor=None,
            data={"title": "Biểu quyết thông qua nghị quyết đại hội", "council": council, "meeting": meeting, "award_code": "LDTT",
                  "threshold_pct": 50, "quota": 2, "held_on": today},
            candidates=[{"label": "Phương án A"}, {"label": "Phương án B"}, {"label": "Phương án C"}],
        )
        item = blocs.do_add_agenda_item(actor=None, meeting=meeting, data={"kind": "POLL", "poll": poll})
        blocs.do_set_live_item(actor=None, meeting=meeting, item=item, expected_version=meeting.version)
        poll = actions.do_open_poll(actor=None, poll=poll, expected_version=poll.version)
        _, secret = blocs.do_create_screen_link(actor=None, meeting=meeting, label="Máy chiếu đo tải")
    return poll, users, list(poll.candidates.values_list("pk", flat=True)), secret


def _screen(url: str, stop: threading.Event, out: dict, lock: threading.Lock) -> None:
    from django.db import connections
    from django.test import Client

    client = Client()
    etag = None
    try:
        while not stop.is_set():
            began = time.perf_counter()
            response = client.get(url, HTTP_IF_NONE_MATCH=etag or "", HTTP_HX_REQUEST="true")
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                out["latencies"].append(elapsed)
                out[response.status_code] = out.get(response.status_code, 0) + 1
                out["times"].append((began, response.status_code))
            if response.status_code == 200:
                etag = response["ETag"]
            stop.wait(max(0.0, 1.0 - elapsed / 1000))
    finally:
        connections.close_all()


@measurement("conference_votes_and_screens", "Hội nghị: đại biểu bỏ phiếu cùng lúc, màn hình cập nhật mỗi giây")
def conference_votes_and_screens(ctx) -> list[Result]:
    from django.db import connection, connections
    from django.urls import reverse

    from thidua.core.errors import ActionError
    from thidua.voting import actions
    from thidua.voting.models import Ballot, Participation

    size = SMOKE_DELEGATES if ctx.repeat <= 10 else DELEGATES
    vendor = connection.vendor
    poll, users, ids, secret = _congress(ctx.dataset.province, size)
    url = reverse("blocs:screen_live", args=[secret])

    lock = threading.Lock()
    screens = {"latencies": [], "times": []}
    votes = {"latencies": [], "errors": []}
    stop = threading.Event()
    threads = VOTER_THREADS.get(vendor, 2)
    jobs = [(u, [ids[i % 3]]) for i, u in enumerate(users)]
    chunks = [jobs[k::threads] for k in range(threads)]
    start = threading.Barrier(threads + 1)

    def voter(chunk):
        try:
            connection.ensure_connection()
            start.wait()
            for user, approved in chunk:
                began = time.perf_counter()
                try:
                    actions.do_cast_ballot(actor=user, poll=poll, approved=approved)
                except ActionError as exc:
                    with lock:
                        votes["errors"].append(exc.message)
                    continue
                with lock:
                    votes["latencies"].append((time.perf_counter() - began) * 1000)
        finally:
            connections.close_all()

    # The screens' ETag before the burst: a screen that was already showing the poll.
    screen_threads = [threading.Thread(target=_screen, args=(url, stop, screens, lock)) for _ in range(SCREENS)]
    voter_threads = [threading.Thread(target=voter, args=(chunk,)) for chunk in chunks]
    for t in screen_threads + voter_threads:
        t.start()
    # The hall: the screens show the opened poll a few seconds before the delegates vote and
    # keep polling a few seconds after the last ballot, while the chair waits to close.
    time.sleep(HALL_SECONDS)
    began = time.perf_counter()
    start.wait()
    for t in voter_threads:
        t.join()
    wall = time.perf_counter() - began
    ended = time.perf_counter()
    time.sleep(HALL_SECONDS)
    stop.set()
    for t in screen_threads:
        t.join()

    accepted = len(votes["latencies"])
    stored = Ballot.objects.filter(poll=poll).count()
    participations = Participation.objects.filter(poll=poll).count()
    if votes["errors"] or accepted != size or stored != size or participations != size:
        raise AssertionError(f"ballots lost: accepted {accepted}/{size}, stored {stored}, participations {participations}, errors {votes['errors'][:3]}")
    poll.refresh_from_db()
    closed = actions.do_close_poll(actor=None, poll=poll, expected_version=poll.version)
    if closed.result["counting"]["ballots"] != size:
        raise AssertionError(f"the tally counted {closed.result['counting']['ballots']} ballots of {size}")
    answered = screens.get(200, 0) + screens.get(304, 0)
    in_burst = [status for at, status in screens["times"] if began <= at <= ended]
    burst_304 = in_burst.count(304)
    share_304 = screens.get(304, 0) / answered if answered else 0.0
    if answered == 0 or share_304 <= 0.5:
        raise AssertionError(f"projector answers not mostly 304: {screens.get(304, 0)} of {answered}")

    # Baseline: one screen request with nothing changed (304), sequential.
    from django.test import Client

    client = Client()
    etag = client.get(url)["ETag"]
    baseline, _ = run_timed(lambda: client.get(url, HTTP_IF_NONE_MATCH=etag), repeat=ctx.repeat, warmup=ctx.warmup)

    p50, p95 = percentile(votes["latencies"], 50), percentile(votes["latencies"], 95)
    ordered = sorted(votes["latencies"])
    spread = [ordered[min(len(ordered) - 1, int((i + 0.5) * len(ordered) / ctx.repeat))] for i in range(ctx.repeat)]
    note = (
        f"{size} đại biểu bỏ phiếu cùng lúc ({threads} luồng, {vendor}) trong {wall:.1f} giây, {SCREENS} màn hình cập nhật mỗi giây: "
        f"phiếu p50 {p50:.1f} ms, p95 {p95:.1f} ms (mục tiêu p95 ≤ {P95_TARGET_MS} ms); không mất phiếu nào, kiểm phiếu đủ {size}; "
        f"màn hình {screens.get(304, 0)}/{answered} lần trả lời 304 ({share_304:.0%}; trong lúc bỏ phiếu {burst_304}/{len(in_burst)}: "
        f"số đã bỏ phiếu đổi thì màn hình nhận nội dung mới), p95 {percentile(screens['latencies'], 95):.1f} ms."
    )
    return [
        Result(
            name="conference_votes_and_screens",
            label=f"{size} đại biểu bỏ phiếu cùng lúc, {SCREENS} màn hình hội nghị hỏi mỗi giây (ETag/304)",
            timing=Timing(spread),
            baseline_label="Một lần màn hình hỏi khi không có gì thay đổi (304), tuần tự",
            baseline=baseline,
            note=note,
            extra={
                "delegates": size, "threads": threads, "screens": SCREENS, "wall_seconds": round(wall, 3),
                "ballot_p50_ms": round(p50, 3), "ballot_p95_ms": round(p95, 3), "ballot_p95_target_ms": P95_TARGET_MS,
                "p95_within_target": p95 <= P95_TARGET_MS, "lost": size - stored,
                "screen_200": screens.get(200, 0), "screen_304": screens.get(304, 0), "screen_304_share": round(share_304, 3),
                "screen_p95_ms": round(percentile(screens["latencies"], 95), 3), "screen_304_during_votes": burst_304,
                "screen_answers_during_votes": len(in_burst), "hall_seconds_before_and_after": HALL_SECONDS,
            },
        )
    ]
