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


# --------------------------------------------------------------------------- the lean cast path (make bench: ≥ 500 ballots/s)


def _fresh(user):
    """The account as a new request would load it: no scope cached on the object."""
    return type(user).objects.get(pk=user.pk)


@pytest.mark.sqlite
def test_the_vote_check_answers_exactly_like_the_users_scope(world):
    """do_cast_ballot answers ensure(actor, "poll.vote") from the grant role read with the ballot
    query instead of computing the whole scope; the answer must be scope_of's for every kind of
    account, and the caller's user object must not be left holding a partial scope."""
    import datetime as dt

    from thidua.accounts.models import Grant, Role, ScopeKind
    from thidua.core.access import scope_of
    from thidua.core.errors import NotPermitted

    council, members, users = make_council(world, 9, prefix="quyen")
    poll = make_poll(world, council, award="LDTT", threshold=50, quota=3, labels=("Ứng viên A",))
    open_poll(world, poll)
    cid = ids(poll)["Ứng viên A"]
    today = dt.date.today()
    unit = world.unit_officer.grants.first().unit
    cases = {
        "member": lambda u: None,
        "expired": lambda u: Grant.objects.filter(user=u).update(valid_to=today - dt.timedelta(days=1)),
        "not yet": lambda u: Grant.objects.filter(user=u).update(valid_from=today + dt.timedelta(days=1)),
        "viewer": lambda u: Grant.objects.filter(user=u).update(role=Role.VIEWER),
        "inactive": lambda u: type(u).objects.filter(pk=u.pk).update(is_active=False),
        "superuser": lambda u: (Grant.objects.filter(user=u).delete(), type(u).objects.filter(pk=u.pk).update(is_superuser=True)),
        "unit officer": lambda u: Grant.objects.filter(user=u).update(role=Role.UNIT_OFFICER, scope_kind=ScopeKind.UNIT, unit=unit),
        "admin": lambda u: Grant.objects.filter(user=u).update(role=Role.ADMIN),
        "no grant": lambda u: Grant.objects.filter(user=u).delete(),
    }
    expected = {"member": True, "expired": False, "not yet": False, "viewer": False, "inactive": False, "superuser": True,
                "unit officer": True, "admin": True, "no grant": False}
    for (name, change), user in zip(cases.items(), users):
        change(user)
        may_vote = scope_of(_fresh(user)).can("poll.vote")
        assert may_vote == expected[name], name
        actor = _fresh(user)
        before = (Participation.objects.filter(poll=poll).count(), Ballot.objects.filter(poll=poll).count())
        if may_vote:
            actions.do_cast_ballot(actor=actor, poll=poll, approved=[cid])
            assert Participation.objects.filter(poll=poll).count() == before[0] + 1, name
        else:
            with pytest.raises(NotPermitted):
                actions.do_cast_ballot(actor=actor, poll=poll, approved=[cid])
            assert (Participation.objects.filter(poll=poll).count(), Ballot.objects.filter(poll=poll).count()) == before, name
        assert not [k for k in vars(actor) if k.startswith("_thidua_scope_")], f"{name}: a partial scope was left on the user"
    # A web request has already computed the scope (the view's @access): the action uses it as is.
    for user in users[:1]:
        actor = _fresh(user)
        scope_of(actor)
        with pytest.raises(ActionError) as info:
            actions.do_cast_ballot(actor=actor, poll=poll, approved=[cid])
        assert "đã bỏ phiếu rồi" in info.value.message


@pytest.mark.sqlite
def test_each_open_poll_checks_ballots_against_its_own_candidates(world):
    council, members, users = make_council(world, 3, prefix="hai")
    first = make_poll(world, council, award="LDTT", threshold=50, quota=1, labels=("Ứng viên A", "Ứng viên B"))
    second = make_poll(world, council, award="LDTT", threshold=50, quota=1, labels=("Ứng viên C",))
    open_poll(world, first)
    open_poll(world, second)
    a, c = ids(first)["Ứng viên A"], ids(second)["Ứng viên C"]
    actions.do_cast_ballot(actor=users[0], poll=first, approved=[a])
    actions.do_cast_ballot(actor=users[0], poll=second, approved=[c])
    for poll, foreign in ((first, c), (second, a)):
        with pytest.raises(ActionError) as info:
            actions.do_cast_ballot(actor=users[1], poll=poll, approved=[foreign])
        assert "không có trong danh sách bình xét" in info.value.message
    close_poll(world, first)
    with pytest.raises(ActionError) as info:
        actions.do_cast_ballot(actor=users[2], poll=first, approved=[a])
    assert "đã đóng" in info.value.message
    assert Ballot.objects.filter(poll=first).count() == 1 == Participation.objects.filter(poll=first).count()


@pytest.mark.sqlite
@pytest.mark.django_db(transaction=True)
def test_a_vote_is_one_read_and_one_short_transaction(world):
    """The cast path of make bench: one query for the voter, the poll and the right to vote; then
    the state check, participation, ballot and audit row in one transaction (PostgreSQL: state,
    participation and ballot are one statement). No candidate, grant or lineage query per vote."""
    from django.test.utils import CaptureQueriesContext

    council, members, users = make_council(world, 3, prefix="dem")
    poll = make_poll(world, council, award="LDTT", threshold=50, quota=1, labels=("Ứng viên A",))
    open_poll(world, poll)
    cid = ids(poll)["Ứng viên A"]
    actions.do_cast_ballot(actor=_fresh(users[0]), poll=poll, approved=[cid])  # fills the candidate cache
    actor = _fresh(users[1])
    with CaptureQueriesContext(connection) as queries:
        actions.do_cast_ballot(actor=actor, poll=poll, approved=[cid])
    statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    # SQLite seals the audit row into the log's hash chain inside the vote's transaction (read and
    # move the chain head); PostgreSQL seals it after the commit, in a transaction of its own.
    expected = ["SELECT", "BEGIN", "WITH", "INSERT", "COMMIT"] if connection.vendor == "postgresql" else [
        "SELECT", "BEGIN", "SELECT", "INSERT", "INSERT", "SELECT", "UPDATE", "INSERT", "COMMIT"]
    vote = statements[: statements.index("COMMIT") + 1]
    assert vote == expected, [q["sql"][:80] for q in queries.captured_queries]
    assert statements[len(vote):len(vote) + 1] in ([], ["BEGIN"])
    assert not any(t in q["sql"] for q in queries.captured_queries for t in ("voting_candidate", "org_province"))
