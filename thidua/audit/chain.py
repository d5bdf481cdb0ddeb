"""The audit log's hash chain: each row stores SHA-256(previous row's hash + its own content).

Editing a stored row changes its content hash; deleting a row leaves the next row pointing at a
hash that is no longer its predecessor's; deleting the newest rows leaves the chain head (the one
row of audit_chainhead: last position and hash) naming a row that is gone. `manage.py
verify_audit` checks all three, walking the rows by their position in the chain (`seq`).

Rows join the chain in the order they are sealed, under the head row's lock:
- SQLite: before the insert, in the writer's own transaction (IMMEDIATE: one writer at a time
  anyway, so sealing adds no waiting).
- PostgreSQL: a row is inserted unsealed and sealed right after its transaction commits, in a
  short transaction of its own that seals every committed row still unsealed. Sealing inside the
  writer's transaction would hold the head's lock through the writer's commit and its WAL flush
  (about 3 ms here), serialising every e-ballot behind it. The append-only trigger lets an
  unsealed row be sealed once, nothing else. A row whose sealing was interrupted (a crash between
  commit and sealing) is sealed by the next one, or by verify_audit.
The hash covers the stored values, including the stored timestamp, whatever precision the writer
gave it.
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
# Every stored column except the id and the chain's own (seq, prev_hash, hash); changing this list is a new chain
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


def _lock_head(cursor, wait: bool = True) -> tuple[int, str] | None:
    """(position, hash) of the chain's newest row, with the head locked until the transaction ends;
    None when `wait` is false and another transaction holds it. The head row is created when
    missing (new database, emptied table) from the newest sealed row."""
    lock = "" if connection.vendor != "postgresql" else (" FOR UPDATE" if wait else " FOR UPDATE SKIP LOCKED")
    for _ in range(2):
        cursor.execute(f"SELECT seq, hash FROM {HEAD_TABLE} WHERE id = 1{lock}")
        row = cursor.fetchone()
        if row:
            return int(row[0]), row[1]
        if not wait:
            cursor.execute(f"SELECT 1 FROM {HEAD_TABLE} WHERE id = 1")
            if cursor.fetchone():
                return None
        cursor.execute(
            f"INSERT INTO {HEAD_TABLE} (id, seq, hash) SELECT 1, COALESCE(MAX(seq), 0), "
            f"COALESCE((SELECT hash FROM {TABLE} WHERE seq = (SELECT MAX(seq) FROM {TABLE})), %s) FROM {TABLE} "
            "WHERE true ON CONFLICT (id) DO NOTHING",  # SQLite needs the WHERE to parse ON CONFLICT after a SELECT
            [GENESIS],
        )
    raise RuntimeError("audit chain head missing")


def seals_before_insert() -> bool:
    return connection.vendor != "postgresql"


def seal(rows: list) -> None:
    """SQLite: give unsaved rows their place and hashes in the order given and move the head past
    them. Call inside the transaction that inserts them, right before the insert."""
    if not rows:
        return
    if not connection.in_atomic_block:
        raise RuntimeError("audit rows are sealed inside the transaction that inserts them")
    with connection.cursor() as cursor:
        seq, prev = _lock_head(cursor)
        for row in rows:
            content = _prepare(row)
            seq += 1
            row.seq, row.prev_hash = seq, prev
            row.hash = hashlib.sha256(prev.encode("ascii") + b"\n" + content).hexdigest()
            prev = row.hash
        cursor.execute(f"UPDATE {HEAD_TABLE} SET seq = %s, hash = %s WHERE id = 1", [seq, prev])


def insert(do_insert, rows: list):
    """Insert `rows` (by `do_insert()`): sealed first on SQLite; on PostgreSQL unsealed, with the
    sealing queued for right after the commit."""
    for row in rows:
        if row.at is None:
            row.at = timezone.now()
        row.changes = normalised_changes(row.changes)
    if seals_before_insert():
        with transaction.atomic(savepoint=False):  # no savepoint inside the writer's transaction
            seal(rows)
            return do_insert()
    result = do_insert()
    # One sealing per transaction, however many rows it writes.
    if not any(func is seal_pending for _, func, _ in connection.run_on_commit):
        transaction.on_commit(seal_pending, robust=True)
    return result


# Rounds one sealer runs while rows keep arriving; any row left is sealed by the next writer's sealer.
SEAL_ROUNDS = 10


def seal_pending(wait: bool = False) -> int:
    """PostgreSQL: seal every committed row not yet in the chain, in id order; returns how many.

    Without `wait` a writer that finds another sealer at work leaves its row to it: that sealer
    looks for unsealed rows again after each round, and this row was committed before it looked. The sealing commit
    does not wait for its WAL flush (synchronous_commit off): hashes are derived data, and a
    sealing lost in a server crash is simply done again by the next sealer."""
    from thidua.audit.models import AuditLog

    total = 0
    for _ in range(SEAL_ROUNDS):
        sealed = _seal_round(wait)
        if sealed is None:
            return total
        total += sealed
        # Looked at after releasing the head: a writer turned away while this round held it had
        # committed before, so its row shows here and gets another round.
        if not AuditLog.objects.filter(seq__isnull=True, hash="").exists():
            break
    return total


def _seal_round(wait: bool) -> int | None:
    from thidua.audit.models import AuditLog

    sealed = 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
            head = _lock_head(cursor, wait)
            if head is None:
                return None
            seq, prev = head
            # A statement after the lock: READ COMMITTED shows every row committed before it.
            pending = AuditLog.objects.filter(seq__isnull=True, hash="").order_by("id").values("id", *HASHED_FIELDS)
            updates = []
            for row in pending.iterator(chunk_size=2_000):
                seq += 1
                digest = link_hash(prev, row)
                updates.append((row["id"], seq, prev, digest))
                prev = digest
            for start in range(0, len(updates), 1_000):
                batch = updates[start:start + 1_000]
                values = ", ".join(["(%s::bigint, %s::bigint, %s, %s)"] * len(batch))
                cursor.execute(
                    f"UPDATE {TABLE} AS a SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash "
                    f"FROM (VALUES {values}) AS v(id, seq, prev_hash, hash) WHERE a.id = v.id AND a.hash = ''",
                    [x for update in batch for x in update],
                )
                sealed += cursor.rowcount
            if updates:
                cursor.execute(f"UPDATE {HEAD_TABLE} SET seq = %s, hash = %s WHERE id = 1", [seq, prev])
    return sealed


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
    """Walk `rows` (dicts with id, prev_hash, hash and the hashed fields, in chain order) and stop at
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
