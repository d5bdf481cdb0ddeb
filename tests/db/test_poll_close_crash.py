"""kill -9 during a poll close leaves the poll unchanged or completely closed (issue 12).

A subprocess closes an e-ballot poll and stops at a crash point (thidua/core/crashpoints.py, active
only under tests/crash/settings.py and an environment variable set here for the subprocess); the
test kills it with SIGKILL there and looks at what the database holds:

- inside the closing transaction, after the ballots were deleted and re-inserted shuffled: the
  poll is still open, with the same ballots (same ids, same choices), and closes normally later;
- after the commit, before the engine's old copies were scrubbed: the poll is closed and counted,
  and `manage.py scrub_ballot_traces` removes what the close could not."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections

from thidua.audit.models import AuditLog
from thidua.voting.models import Ballot, Participation, Poll, PollState
from tests.db.test_voting import close_poll, ids, make_council, make_poll, open_poll

pytestmark = [pytest.mark.sqlite, pytest.mark.django_db(transaction=True)]


def close_in_child(poll_pk: str, actor_pk: str) -> None:
    """Run in the child (`python -m tests.crash.act tests.db.test_poll_close_crash:close_in_child …`)."""
    from django.contrib.auth import get_user_model

    from thidua.voting import actions

    poll = Poll.objects.get(pk=int(poll_pk))
    actions.do_close_poll(actor=get_user_model().objects.get(pk=int(actor_pk)), poll=poll, expected_version=poll.version)


def _close_and_kill_at(point: str, poll, actor, tmp_path) -> None:
    marker = tmp_path / "crashpoint.reached"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.crash.settings",  # the only settings that enable crash points
        "THIDUA_CRASH_DB_NAME": str(connection.settings_dict["NAME"]),
        "THIDUA_CRASHPOINT": point,
        "THIDUA_CRASHPOINT_READY": str(marker),
    }
    connections.close_all()  # nothing of ours holds a lock or a snapshot while the child works
    command = [sys.executable, "-m", "tests.crash.act", f"{__name__}:close_in_child", str(poll.pk), str(actor.pk)]
    child = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            if child.poll() is not None:
                out, err = child.communicate()
                pytest.fail(f"the closing process ended before the crash point {point}: {err.decode()[-2000:]}")
            assert time.monotonic() < deadline, f"the closing process never reached {point}"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL


def _ballots(poll) -> tuple[set, Counter]:
    rows = list(Ballot.objects.filter(poll=poll).values_list("id", "choices"))
    return {i for i, _ in rows}, Counter(tuple(sorted(c.items())) for _, c in rows)


def _open_poll_with_votes(world, voters: int):
    council, members, users = make_council(world, voters)
    poll = make_poll(world, council, award="LDTT", threshold=50, quota=None, labels=("Ứng viên A", "Ứng viên B", "Ứng viên C"))
    open_poll(world, poll)
    cid = list(ids(poll).values())
    from thidua.voting import actions

    for i, user in enumerate(users):
        actions.do_cast_ballot(actor=user, poll=poll, approved=[c for bit, c in enumerate(cid) if (i + 1) >> bit & 1])
    poll.refresh_from_db()
    return poll


def _integrity_ok() -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            assert cursor.fetchall() == [("ok",)]


def test_kill_during_the_shuffle_leaves_the_poll_open_with_its_ballots(world, tmp_path):
    poll = _open_poll_with_votes(world, 12)
    ids_before, choices_before = _ballots(poll)
    audit_before = AuditLog.objects.count()

    _close_and_kill_at("voting.close:shuffled", poll, world.an_officer, tmp_path)

    _integrity_ok()
    after = Poll.objects.get(pk=poll.pk)
    assert (after.state, after.version, after.result, after.closed_at) == (PollState.OPEN, poll.version, None, None)
    assert _ballots(poll) == (ids_before, choices_before)  # not one ballot lost, added or rewritten
    assert Participation.objects.filter(poll=poll).count() == 12
    assert AuditLog.objects.count() == audit_before
    # And the poll closes normally afterwards, counting every ballot.
    closed = close_poll(world, poll)
    assert closed.state == PollState.RESULT and closed.result["counting"]["ballots"] == 12
    assert _ballots(poll)[1] == choices_before and not (_ballots(poll)[0] & ids_before)


def test_kill_after_the_commit_leaves_the_poll_closed_and_the_scrub_can_be_run_again(world, tmp_path):
    poll = _open_poll_with_votes(world, 12)
    ids_before, choices_before = _ballots(poll)

    _close_and_kill_at("voting.close:committed", poll, world.an_officer, tmp_path)

    _integrity_ok()
    after = Poll.objects.get(pk=poll.pk)
    assert after.state == PollState.RESULT and after.result["counting"]["ballots"] == 12
    ids_after, choices_after = _ballots(poll)
    assert choices_after == choices_before and not (ids_after & ids_before)
    assert AuditLog.objects.filter(action="voting.poll.close", object_uid=str(poll.uid)).count() == 1
    if connection.vendor == "sqlite":
        wal = Path(connection.settings_dict["NAME"] + "-wal")
        assert wal.exists() and wal.stat().st_size > 0  # the close died before its checkpoint
    out = io.StringIO()
    call_command("scrub_ballot_traces", stdout=out)
    assert "đã" in out.getvalue()
    if connection.vendor == "sqlite":
        assert wal.stat().st_size == 0
