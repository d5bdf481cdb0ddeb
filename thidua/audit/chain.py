"""The audit log's hash chain: each row stores SHA-256(previous row's hash + its own content).

Editing a stored row changes its content hash; deleting a row leaves the next row pointing at a
hash that is no longer its predecessor's; deleting the newest rows leaves the chain head (one row
of audit_chainhead holding the newest hash) pointing at a row that is gone. `manage.py
verify_audit` checks all three.

Appends are ordered the way they commit. The head row is the lock: on PostgreSQL one statement
updates the head (waiting for any other writer's transaction to end, then reading its new hash)
and inserts the row with the hashes it returns, so the lock is held only from that statement to
commit; the row's id is allocated under it, so id order is chain order. On SQLite every write
transaction is IMMEDIATE (one writer at a time): read the head, insert, move the head. The hash
covers the stored values, including the stored timestamp, whatever precision the writer gave it.
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
TABLE = "audit_auditlog"
HEAD_TABLE = "audit_chainhead"


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


def _prepare(row) -> bytes:
    if row.at is None:
        row.at = timezone.now()
    row.changes = normalised_changes(row.changes)
    return canonical({name: getattr(row, name) for name in HASHED_FIELDS})


def _ensure_head(cursor) -> None:
    """Create the head row when missing (new database, emptied table): it points at the newest row."""
    cursor.execute(
        f"INSERT INTO {HEAD_TABLE} (id, prev_hash, hash) SELECT 1, '', COALESCE((SELECT hash FROM {TABLE} ORDER BY id DESC LIMIT 1), %s) "
        "WHERE NOT EXISTS (SELECT 1 FROM " + HEAD_TABLE + " WHERE id = 1)",
        [GENESIS],
    )


def _lock_head(cursor) -> str:
    """The newest hash, with the head locked until the caller's transaction ends."""
    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    for _ in range(2):
        cursor.execute(f"SELECT hash FROM {HEAD_TABLE} WHERE id = 1{lock}")
        row = cursor.fetchone()
        if row:
            return row[0]
        _ensure_head(cursor)
    raise RuntimeError("audit chain head missing")


def seal(rows: list) -> None:
    """Fill `at` (when unset), `prev_hash` and `hash` of unsaved rows in the order given, and move
    the head past them. Call inside the transaction that inserts them, right before the insert."""
    if not rows:
        return
    if not connection.in_atomic_block:
        raise RuntimeError("audit rows are sealed inside the transaction that inserts them")
    with connection.cursor() as cursor:
        prev = _lock_head(cursor)
        for row in rows:
            content = _prepare(row)
            row.prev_hash = prev
            row.hash = hashlib.sha256(prev.encode("ascii") + b"\n" + content).hexdigest()
            prev = row.hash
        cursor.execute(f"UPDATE {HEAD_TABLE} SET prev_hash = %s, hash = %s WHERE id = 1", [rows[-1].prev_hash, prev])


def sealed_insert(insert, rows: list):
    """Run `insert()` (which writes `rows`) with the rows sealed, in one transaction."""
    with transaction.atomic():
        seal(rows)
        return insert()


def insert_one_postgresql(row) -> None:
    """Seal and insert one row in a single statement (the head's lock is then held only from here
    to commit). Sets the row's id and hashes."""
    model = type(row)
    fields = [f for f in model._meta.local_concrete_fields if f.attname not in ("id", "prev_hash", "hash")]
    content = _prepare(row)
    values = [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    casts = ", ".join(f"CAST(%s AS {f.db_type(connection)})" for f in fields)
    sql = (
        f"WITH link AS (UPDATE {HEAD_TABLE} SET prev_hash = hash, "
        f"hash = encode(sha256(convert_to(hash, 'UTF8') || '\\x0a'::bytea || %s::bytea), 'hex') WHERE id = 1 RETURNING prev_hash, hash) "
        f"INSERT INTO {TABLE} ({columns}, prev_hash, hash) SELECT {casts}, link.prev_hash, link.hash FROM link RETURNING id, prev_hash, hash"
    )
    with connection.cursor() as cursor:
        for _ in range(2):
            cursor.execute(sql, [content, *values])
            returned = cursor.fetchone()
            if returned:
                row.pk, row.prev_hash, row.hash = returned
                row._state.adding, row._state.db = False, connection.alias
                return
            _ensure_head(cursor)
    raise RuntimeError("audit chain head missing")


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


def verify(rows: Iterable[Mapping[str, Any]], head: str | None = None) -> Verification:
    """Walk `rows` (dicts with id, prev_hash, hash and the hashed fields, in id order) and stop at
    the first broken link. `head` is the chain head's hash, read before the rows: some row must
    carry it, or the newest rows were deleted."""
    expected_prev, checked, last_id = GENESIS, 0, None
    head_seen = head in (None, GENESIS)
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
        head_seen = head_seen or row["hash"] == head
    if not head_seen:
        return Verification(checked, last_id, expected_prev, Break(last_id or 0, None, "", "", "", "missing_tail"))
    return Verification(checked, last_id, expected_prev, None)
