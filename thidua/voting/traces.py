"""What the storage engine keeps of ballots after a poll closes, and its removal.

`do_close_poll` rewrites a poll's ballots in a random order inside its transaction; the engines
still hold the earlier copies, in casting order, outside the table (docs/ballot-secrecy.md):

- SQLite keeps them in the WAL file until a checkpoint (every committed version of the ballot
  table's pages, one more ballot each time). Freed pages and cells are zeroed by
  `PRAGMA secure_delete=ON` (settings: every connection); a TRUNCATE checkpoint then copies the
  final pages into the database file and empties the WAL.
- PostgreSQL keeps the deleted tuples (with the voting transactions' ids, shared with the
  participation rows) in the table's pages until they are vacuumed, and VACUUM keeps them while
  any older transaction is open anywhere in the cluster; even then a plain VACUUM leaves their
  bytes in the page. The table is therefore rewritten into a new file (`_postgresql_rewrite`).
  WAL segments and archives keep the original inserts; only retention can deal with those.

Both run outside the closing transaction (a checkpoint cannot run inside one; the rewrite
locks the whole table), so `scrub_ballot_traces` runs after the close committed
(`transaction.on_commit`), and again from `manage.py scrub_ballot_traces` (after a crash, or
from cron). A later close scrubs whatever an earlier one could not.
"""

from __future__ import annotations

import logging
import time

from django.db import OperationalError, connection, transaction

from thidua.core.crashpoints import crashpoint
from thidua.voting.models import Ballot

log = logging.getLogger(__name__)

SQLITE_ATTEMPTS = 3
# The PostgreSQL rewrite holds an exclusive lock on the ballot table (votes in other polls wait a
# moment) and waits at most this long for it; busy, it gives up and says so.
PG_LOCK_TIMEOUT = "5s"


def scrub_ballot_traces() -> str:
    """Remove the storage engine's old copies of ballots. Returns what was done, in Vietnamese."""
    if connection.in_atomic_block:
        raise RuntimeError("scrub_ballot_traces must run outside a transaction (after commit).")
    if connection.vendor == "sqlite":
        return _sqlite_checkpoint()
    if connection.vendor == "postgresql":
        return _postgresql_rewrite()
    return "Không có việc cần làm với hệ quản trị cơ sở dữ liệu này."


def scrub_after_close() -> None:
    """The on_commit hook of a close: never lets a failure reach the officer who closed the poll."""
    crashpoint("voting.close:committed")  # kill -9 tests only (thidua/core/crashpoints.py)
    try:
        outcome = scrub_ballot_traces()
    except Exception:  # noqa: BLE001 - the poll is closed and counted; this is clean-up
        log.exception("Không dọn được bản sao cũ của phiếu sau khi đóng bỏ phiếu; hãy chạy manage.py scrub_ballot_traces.")
        return
    log.info("Đóng bỏ phiếu: %s", outcome)


def _sqlite_checkpoint() -> str:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete = ON")
        for attempt in range(SQLITE_ATTEMPTS):
            # Waits (busy_timeout) for the other connections' readers; busy = 1 when one still
            # held an old snapshot, and the WAL was not emptied.
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy, _frames, _done = cursor.fetchone()
            if not busy:
                return "đã ghi nhật ký WAL vào tệp cơ sở dữ liệu và làm rỗng nhật ký (checkpoint TRUNCATE)."
            time.sleep(0.2 * (attempt + 1))
    log.warning("Checkpoint TRUNCATE chưa làm được: còn kết nối đang đọc; nhật ký WAL còn bản sao cũ của phiếu.")
    return "chưa làm rỗng được nhật ký WAL (còn kết nối đang đọc); hãy chạy lại manage.py scrub_ballot_traces."


def _postgresql_rewrite() -> str:
    """Rewrite the ballot table into a new file, in a random order, and drop the old file.

    Not VACUUM: neither VACUUM nor VACUUM FULL may drop a deleted tuple while any transaction in
    the cluster (another database's too, a pg_dump) is older than the delete, and a plain VACUUM
    leaves the bytes in the page anyway. TRUNCATE swaps in a new, empty file whatever others'
    snapshots, and is transactional: the copy, the truncate and the re-insert commit together or
    not at all. The exclusive lock is taken first, so no vote can slip in between the copy and
    the truncate (a vote waits, then goes into the new file). Every ballot row also gets this
    transaction's xmin, which erases the voting transactions' ids of still-open polls too."""
    table = connection.ops.quote_name(Ballot._meta.db_table)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = %s", [PG_LOCK_TIMEOUT])
            cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
            cursor.execute(f"CREATE TEMPORARY TABLE thidua_ballot_copy ON COMMIT DROP AS SELECT * FROM {table} ORDER BY random()")
            cursor.execute(f"TRUNCATE {table}")
            cursor.execute(f"INSERT INTO {table} SELECT * FROM thidua_ballot_copy")
    except OperationalError:
        log.warning("Bảng phiếu đang bận quá %s; chưa viết lại được, các bản cũ của phiếu còn trong trang dữ liệu.", PG_LOCK_TIMEOUT)
        return "bảng phiếu đang bận nên chưa viết lại được; hãy chạy lại manage.py scrub_ballot_traces."
    return "đã viết lại bảng phiếu sang tệp mới theo thứ tự ngẫu nhiên: không còn bản cũ của phiếu trong các trang dữ liệu."
