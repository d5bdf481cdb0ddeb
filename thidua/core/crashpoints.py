"""Named points inside a transaction where a crash test can hold a process still and kill it.

`crashpoint("proposals.decision.issue:recipients")` does nothing unless the settings enable
crash points (CRASHPOINTS_ENABLED, set only by tests/crash/settings.py, never by thidua/settings.py)
and the environment variable THIDUA_CRASHPOINT names this point. Then the process writes the
point's name to the file named by THIDUA_CRASHPOINT_READY (when given) and sleeps until it is
killed: the test sends SIGKILL and checks that the database holds all or nothing of the action.
"""

from __future__ import annotations

import os
import time

from django.conf import settings

ENV_POINT = "THIDUA_CRASHPOINT"
ENV_READY = "THIDUA_CRASHPOINT_READY"
# Long enough for any test to notice and kill; short enough that a forgotten process ends.
HOLD_SECONDS = 120


def crashpoint(name: str) -> None:
    if not getattr(settings, "CRASHPOINTS_ENABLED", False):
        return
    if os.environ.get(ENV_POINT) != name:
        return
    ready = os.environ.get(ENV_READY)
    if ready:
        # Written then renamed, so the waiting test never reads a half-written file.
        partial = f"{ready}.partial"
        with open(partial, "w", encoding="utf-8") as handle:
            handle.write(name)
        os.replace(partial, ready)
    time.sleep(HOLD_SECONDS)
    raise SystemExit(f"crash point {name} was not killed within {HOLD_SECONDS} s")
