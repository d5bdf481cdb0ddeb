"""Settings of the child processes of kill -9 tests: the project's settings, crash points enabled,
and the calling test's database (its test database name, not the configured one)."""

import os

from thidua.settings import *  # noqa: F403

CRASHPOINTS_ENABLED = True
if os.environ.get("THIDUA_CRASH_DB_NAME"):
    DATABASES["default"]["NAME"] = os.environ["THIDUA_CRASH_DB_NAME"]  # noqa: F405
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
