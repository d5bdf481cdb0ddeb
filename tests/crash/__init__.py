"""kill -9 tests: run an action in a child process, hold it at a crash point inside its
transaction, SIGKILL it, then check that the database holds all of the action or none of it.

    from tests.crash import kill_at, run_to_end
    kill_at("tests.db.test_crash_safety:issue_decision", [proposal.pk, actor.pk], point="proposals.decision.issue:recipients")

The child runs `python -m tests.crash.act MODULE:FUNCTION ARGS...` with tests/crash/settings.py
(the only settings that enable crash points) against the test database of the calling test, which
must be a transactional test (`django_db(transaction=True)`) so the child sees its data.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.db import connection

from thidua.core.crashpoints import ENV_POINT, ENV_READY

ROOT = Path(__file__).resolve().parent.parent.parent


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"DJANGO_SETTINGS_MODULE": "tests.crash.settings", "THIDUA_CRASH_DB_NAME": str(connection.settings_dict["NAME"])})
    env.pop(ENV_POINT, None)
    env.update(extra)
    return env


def _command(target: str, args) -> list[str]:
    return [sys.executable, "-m", "tests.crash.act", target, *[str(a) for a in args]]


def kill_at(target: str, args, *, point: str, timeout: float = 60.0) -> None:
    """Run `target(*args)` in a child until it reaches crash point `point`, then SIGKILL it."""
    with tempfile.TemporaryDirectory(prefix="thidua-crash-") as tmp:
        ready = Path(tmp) / "ready"
        child = subprocess.Popen(
            _command(target, args), cwd=ROOT, env=_env({ENV_POINT: point, ENV_READY: str(ready)}),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + timeout
        try:
            while not ready.exists():
                if child.poll() is not None:
                    out, err = child.communicate()
                    raise AssertionError(f"the child ended (code {child.returncode}) before crash point {point}:\n{err.decode()}{out.decode()}")
                if time.monotonic() > deadline:
                    raise AssertionError(f"the child did not reach crash point {point} within {timeout} s")
                time.sleep(0.05)
            assert ready.read_text() == point
        finally:
            if child.poll() is None:
                os.kill(child.pid, signal.SIGKILL)
            child.communicate()
        assert child.returncode == -signal.SIGKILL


def run_to_end(target: str, args, *, timeout: float = 120.0) -> str:
    """Run `target(*args)` in a child with no crash point; return its standard output."""
    done = subprocess.run(_command(target, args), cwd=ROOT, env=_env({}), capture_output=True, timeout=timeout)
    assert done.returncode == 0, done.stderr.decode() + done.stdout.decode()
    return done.stdout.decode()
