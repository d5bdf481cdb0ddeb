"""The audit log's hash chain: each row stores SHA-256(previous row's hash + its own content).

Editing a stored row changes its content hash; deleting a row leaves the next row pointing at a
hash that is no longer its predecessor's. `manage.py verify_audit` walks the chain in id order.

Rows are sealed just before insert, under a lock that orders them the way they commit: on SQLite
every write transaction is IMMEDIATE (one writer at a time), on PostgreSQL a transaction-level
advisory lock is taken before the chain head is read and held until commit, so ids (allocated
after the lock) follow the chain. The hash covers the stored values, including the stored
timestamp, whatever precision the writer gave it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

GENESIS = "0" * 64
# Every stored column except the id and the chain's own two; changing this list is a new chain
# format (the migration that chains old rows imports it).
HASHED_FIELDS = (
    "province_id", "at", "actor_id", "actor_name", "action", "object_type", "object_uid", "object_repr", "changes", "note",
    "search_key",
)
# Arbitrary fixed key of the PostgreSQL advisory lock that serialises appends to the chain.
PG_LOCK_KEY = 7_468_696_400_000_012
TABLE = "audit_auditlog"


def _canonical_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value, dt.timezone.utc)
        return value.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")
    if isinstance(value, float) and value.is_integer():
        # PostgreSQL's jsonb gives 1e22 back as an integer; an integral float hashes as one.
        return int(value)
    if isinstance(value, dict):
        return {str(k): _canonical_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical_value(v) for v in value]
    return value


def canonical(values: Mapping[str, Any]) -> bytes:
    """The row's content as bytes that do not depend on the database it was read from."""
    content = {name: _canonical_value(values.get(name)) for name in HASHED_FIELDS}
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def link_hash(prev_hash: str, values: Mapping[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + canonical(values)).hexdigest()


def normalised_changes(changes: Any) -> Any:
    """`changes` as the JSON column gives it back (tuples as lists, keys as text)."""
    return json.loads(json.dumps(changes if changes is not None else {}, cls=DjangoJSONEncoder))


def _head() -> str:
    """The newest row's hash, read after taking the append lock (PostgreSQL) inside the caller's
    transaction; on SQLite the IMMEDIATE transaction already holds the only write lock."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PG_LOCK_KEY])
        cursor.execute(f"SELECT hash FROM {TABLE} ORDER BY id DESC LIMIT 1")
        row = cursor.fetchone()
    return row[0] if row and row[0] else GENESIS


def seal(rows: list) -> None:
    """Fill `at` (when unset), `prev_hash` and `hash` of unsaved rows, in the order given.

    Call inside the transaction that inserts them, right before the insert."""
    if not rows:
        return
    if not connection.in_atomic_block:
        raise RuntimeError("audit rows are sealed inside the transaction that inserts them")
    prev = _head()
    for row in rows:
        if row.at is None:
            row.at = timezone.now()
        row.changes = normalised_changes(row.changes)
        row.prev_hash = prev
        row.hash = link_hash(prev, {name: getattr(row, name) for name in HASHED_FIELDS})
        prev = row.hash


def sealed_insert(insert, rows: list):
    """Run `insert()` (which writes `rows`) with the rows sealed, in one transaction."""
    with transaction.atomic():
        seal(rows)
        return insert()


@dataclass(frozen=True)
class Break:
    row_id: int
    at: dt.datetime | None
    action: str
    object_type: str
    object_repr: str
    kind: str  # "unsealed", "missing_before", "edited"


@dataclass(frozen=True)
class Verification:
    checked: int
    last_id: int | None
    last_hash: str
    broken: Break | None


def verify(rows: Iterable[Mapping[str, Any]]) -> Verification:
    """Walk `rows` (dicts with id, prev_hash, hash and the hashed fields, in id order) and stop at
    the first broken link."""
    expected_prev, checked, last_id = GENESIS, 0, None
    for row in rows:
        checked += 1
        kind = None
        if not row["hash"]:
            kind = "unsealed"
        elif row["prev_hash"] != expected_prev:
            kind = "missing_before"
        elif link_hash(row["prev_hash"], row) != row["hash"]:
            kind = "edited"
        if kind:
            return Verification(checked, last_id, expected_prev,
                                Break(row["id"], row.get("at"), row.get("action", ""), row.get("object_type", ""), row.get("object_repr", ""), kind))
        expected_prev, last_id = row["hash"], row["id"]
    return Verification(checked, last_id, expected_prev, None)
