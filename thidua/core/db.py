"""Database helpers that keep Vietnamese sorting and search the same on SQLite and PostgreSQL."""

from __future__ import annotations

from django.db import connection
from django.db.models import F
from django.db.models.functions import Collate

from thidua.rules.text import sort_key

PG_VI_COLLATION = "vi-x-icu"
SQLITE_VI_COLLATION = "vi"


def _sqlite_vi_compare(a: str, b: str) -> int:
    ka, kb = sort_key(a), sort_key(b)
    return (ka > kb) - (ka < kb)


def register_sqlite_functions(sender, connection, **kwargs) -> None:  # noqa: ARG001
    """Give every SQLite connection a Vietnamese collation (PostgreSQL has ICU's vi-x-icu)."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_VI_COLLATION, _sqlite_vi_compare)


def vi_collate(field: str):
    """An expression that orders `field` in Vietnamese alphabetical order on either database."""
    name = PG_VI_COLLATION if connection.vendor == "postgresql" else SQLITE_VI_COLLATION
    return Collate(F(field), name)


def vi_order(field: str, descending: bool = False):
    expression = vi_collate(field)
    return expression.desc() if descending else expression.asc()
