"""The throwaway database of a bench run: chosen and created before Django starts, dropped after.

PostgreSQL when BENCH_DATABASE_URL (or DATABASE_URL) names a server: a database called
`thidua_bench` (never the one in the URL) is dropped and created there. Otherwise a SQLite
file in a temporary DATA_DIR. Either way DATA_DIR is temporary, so ./data is never touched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

DEFAULT_NAME = "thidua_bench"


@dataclass
class BenchDatabase:
    vendor: str  # "postgresql" or "sqlite"
    data_dir: str
    server_url: str = ""  # PostgreSQL: the URL of the maintenance database
    name: str = ""
    url: str = ""  # what DATABASE_URL is set to (PostgreSQL) or the SQLite path

    def describe(self) -> str:
        if self.vendor == "postgresql":
            parts = urlsplit(self.url)
            return f"PostgreSQL {parts.hostname}:{parts.port or 5432}/{self.name}"
        return f"SQLite {self.url}"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def choose(*, force_sqlite: bool, name: str = DEFAULT_NAME) -> BenchDatabase:
    """Pick the database and set the environment Django's settings read. Call before django.setup()."""
    data_dir = tempfile.mkdtemp(prefix="thidua-bench-")
    # whitenoise warns when STATIC_ROOT is missing; the bench serves no static files.
    os.makedirs(os.path.join(data_dir, "staticfiles"))
    os.environ["DATA_DIR"] = data_dir
    os.environ["DEBUG"] = "false"
    server = "" if force_sqlite else (os.getenv("BENCH_DATABASE_URL") or os.getenv("DATABASE_URL") or "")
    if server:
        if not server.startswith(("postgres://", "postgresql://")):
            raise SystemExit(f"bench: only PostgreSQL servers are supported, got {urlsplit(server).scheme!r}")
        url = _with_database(server, name)
        os.environ["DATABASE_URL"] = url
        return BenchDatabase("postgresql", data_dir, _with_database(server, "postgres"), name, url)
    os.environ.pop("DATABASE_URL", None)
    return BenchDatabase("sqlite", data_dir, url=os.path.join(data_dir, "thidua.sqlite3"))


def create(db: BenchDatabase) -> None:
    """Drop any leftover bench database on the server and create an empty one."""
    if db.vendor != "postgresql":
        return
    import psycopg
    from psycopg import sql

    ident = sql.Identifier(db.name)
    with psycopg.connect(db.server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
        conn.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(ident))


def drop(db: BenchDatabase) -> None:
    from django.db import connections

    connections.close_all()
    if db.vendor == "postgresql":
        import psycopg
        from psycopg import sql

        with psycopg.connect(db.server_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db.name)))
    shutil.rmtree(db.data_dir, ignore_errors=True)
