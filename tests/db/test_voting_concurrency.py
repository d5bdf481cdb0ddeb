"""100 voters at once, each on its own thread and database connection (PostgreSQL, and SQLite in
WAL mode with IMMEDIATE transactions): every ballot stored once, none lost, double votes refused."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from thidua.core.errors import ActionError
from thidua.voting import actions
from thidua.voting.models import Ballot, Participation, PollState
from tests.db.test_voting import close_poll, ids, make_council, make_poll, open_poll

VOTERS = 100
DOUBLE = 20  # voters who press "send" twice at the same moment
THREADS = 24  # below PostgreSQL's default max_connections with the test runner's own


@pytest.mark.sqlite
@pytest.mark.django_db(transaction=True)
def test_a_hundred_concurrent_voters_every_ballot_stored_once(world):
    council, members, users = make_council(world, VOTERS)
    poll = make_poll(world, council, award="LDTT", threshold=50, quota=2, labels=("Ứng viên A", "Ứng viên B", "Ứng viên C"))
    open_poll(world, poll)
    cid = ids(poll)
    # Voter i approves A when i is even, B when i % 3 == 0: known totals.
    expected = {"Ứng viên A": 0, "Ứng viên B": 0, "Ứng viên C": 0}
    jobs = []
    for i, user in enumerate(users):
        approved = [label for label, take in (("Ứng viên A", i % 2 == 0), ("Ứng viên B", i % 3 == 0)) if take]
        for label in approved:
            expected[label] += 1
        jobs.append((user, [cid[label] for label in approved]))
        if i < DOUBLE:
            jobs.append((user, [cid["Ứng viên C"]]))  # a second, different ballot: must be refused
    # The first wave of THREADS votes starts together; the rest follow as threads free up.
    start = threading.Barrier(THREADS)
    released = threading.Event()
    outcome = {"ok": 0, "refused": 0, "errors": []}
    lock = threading.Lock()

    def vote(job):
        user, approved = job
        try:
            if not released.is_set():
                try:
                    start.wait(timeout=30)
                except threading.BrokenBarrierError:
                    pass
                released.set()
            actions.do_cast_ballot(actor=user, poll=poll, approved=approved)
            with lock:
                outcome["ok"] += 1
        except ActionError as exc:
            with lock:
                outcome["refused"] += 1
                if "đã bỏ phiếu rồi" not in exc.message:
                    outcome["errors"].append(exc.message)
        except Exception as exc:  # noqa: BLE001 - any database error is a failure of the test
            with lock:
                outcome["errors"].append(repr(exc))
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(vote, jobs))

    assert outcome["errors"] == []
    assert outcome["ok"] == VOTERS and outcome["refused"] == DOUBLE
    assert Participation.objects.filter(poll=poll).count() == VOTERS
    assert Ballot.objects.filter(poll=poll).count() == VOTERS
    poll = close_poll(world, poll)
    assert poll.state == PollState.RESULT
    got = {r["name"]: r["yes"] for r in poll.result["results"]}
    # The first DOUBLE voters' first or second ballot was counted, never both: C gets at most DOUBLE,
    # and A + B + C account for exactly one ballot per voter.
    assert got["Ứng viên C"] <= DOUBLE
    assert poll.result["counting"]["ballots"] == VOTERS
    assert connection.vendor in ("sqlite", "postgresql")


@pytest.mark.sqlite
@pytest.mark.django_db(transaction=True)
def test_a_close_racing_with_votes_loses_no_counted_ballot(world):
    council, members, users = make_council(world, 40, prefix="dua")
    poll = make_poll(world, council, award="LDTT", threshold=50, quota=1, labels=("Ứng viên A",))
    open_poll(world, poll)
    cid = ids(poll)["Ứng viên A"]
    accepted = []
    lock = threading.Lock()

    def vote(user):
        try:
            actions.do_cast_ballot(actor=user, poll=poll, approved=[cid])
            with lock:
                accepted.append(user.pk)
        except ActionError:
            pass
        finally:
            connections.close_all()

    def close():
        try:
            close_poll(world, poll)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=12) as pool:
        futures = [pool.submit(vote, u) for u in users[:20]]
        futures.append(pool.submit(close))
        futures += [pool.submit(vote, u) for u in users[20:]]
        for f in futures:
            f.result()
    poll.refresh_from_db()
    assert poll.state == PollState.RESULT
    # Every accepted vote is in the tally; no ballot arrived after the count.
    assert poll.result["results"][0]["yes"] == len(accepted)
    assert Ballot.objects.filter(poll=poll).count() == len(accepted) == Participation.objects.filter(poll=poll).count()
