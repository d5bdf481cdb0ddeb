"""Backup and restore of the database and the uploaded files (`manage.py backup`, `manage.py restore`).

A backup is a folder BACKUP_DIR/thidua-YYYYMMDD-HHMMSS holding
- the database: SQLite copied with the online backup API (consistent while the server runs), or
  PostgreSQL dumped by pg_dump -Fc;
- files.tar.gz: the uploaded files (MEDIA_ROOT), taken after the database so every file the
  database names is in it;
- manifest.json: what was taken, SHA-256 of each part, and per table its row count and a checksum
  of its rows, computed on the same snapshot as the copy. Restore checks the restored database
  against these and refuses a damaged backup before touching anything.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from thidua.core.db import SQLITE_VI_COLLATION, _sqlite_vi_compare

FORMAT = 1
MANIFEST = "manifest.json"
FILES_ARCHIVE = "files.tar.gz"
DB_FILES = {"sqlite": "db.sqlite3", "postgresql": "db.dump"}


class BackupError(Exception):
    """A Vietnamese message for the person running the command."""


@dataclass(frozen=True)
class Restored:
    tables: int
    rows: int
    files: int
    safety_backup: Path | None
    old_files: Path | None
    needs_migrate: bool


def backup_root() -> Path:
    return Path(os.getenv("BACKUP_DIR") or settings.DATA_DIR / "backups").resolve()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------- per-table fingerprints


def _plain(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, (dt.date, dt.datetime, dt.time, dt.timedelta, decimal.Decimal, uuid.UUID)):
        return str(value)
    return value


def _tables(cursor, vendor: str) -> list[str]:
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    return [row[0] for row in cursor.fetchall()]


def _order_columns(cursor, vendor: str, table: str) -> list[str]:
    """The primary key's columns, or every column when the table has none."""
    if vendor == "sqlite":
        cursor.execute(f'PRAGMA table_info("{table}")')
        info = cursor.fetchall()
        keys = [row[1] for row in sorted(info, key=lambda r: r[5]) if row[5]]
        return keys or [row[1] for row in info]
    cursor.execute(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
        "WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)",
        [f'"{table}"'],
    )
    keys = [row[0] for row in cursor.fetchall()]
    if keys:
        return keys
    cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s AND table_schema = current_schema() "
                   "ORDER BY ordinal_position", [table])
    return [row[0] for row in cursor.fetchall()]


def fingerprints(dbapi, vendor: str) -> dict[str, dict[str, Any]]:
    """{table: {"rows": n, "sha256": digest of its rows in key order}} over a DB-API connection."""
    result: dict[str, dict[str, Any]] = {}
    cursor = dbapi.cursor()
    try:
        for table in _tables(cursor, vendor):
            order = ", ".join(f'"{c}"' for c in _order_columns(cursor, vendor, table))
            cursor.execute(f'SELECT * FROM "{table}" ORDER BY {order}')
            digest, count = hashlib.sha256(), 0
            while True:
                rows = cursor.fetchmany(2_000)
                if not rows:
                    break
                for row in rows:
                    count += 1
                    line = json.dumps([_plain(v) for v in row], sort_keys=True, ensure_ascii=False, default=str)
                    digest.update(line.encode("utf-8") + b"\n")
            result[table] = {"rows": count, "sha256": digest.hexdigest()}
    finally:
        cursor.close()
    return result


def compare(expected: dict[str, dict], actual: dict[str, dict]) -> list[str]:
    """Vietnamese lines naming every table whose rows differ (empty when all match)."""
    problems = []
    for table in sorted(set(expected) | set(actual)):
        want, got = expected.get(table), actual.get(table)
        if want is None:
            problems.append(f"Bảng {table} có trong CSDL nhưng không có trong bản sao lưu.")
        elif got is None:
            problems.append(f"Bảng {table} có trong bản sao lưu nhưng thiếu trong CSDL.")
        elif want["rows"] != got["rows"]:
            problems.append(f"Bảng {table}: bản sao lưu có {want['rows']} dòng, CSDL có {got['rows']} dòng.")
        elif want["sha256"] != got["sha256"]:
            problems.append(f"Bảng {table}: cùng {got['rows']} dòng nhưng nội dung khác bản sao lưu.")
    return problems


# ---------------------------------------------------------------- database engines


def vendor() -> str:
    if connection.vendor not in DB_FILES:
        raise BackupError(f"Chưa hỗ trợ sao lưu CSDL loại {connection.vendor}.")
    return connection.vendor


def _sqlite_open(path: Path | str) -> sqlite3.Connection:
    db = sqlite3.connect(str(path))
    db.create_collation(SQLITE_VI_COLLATION, _sqlite_vi_compare)
    return db


def _pg_params() -> dict[str, str]:
    s = connection.settings_dict
    return {"dbname": s["NAME"], "user": s.get("USER") or "", "password": s.get("PASSWORD") or "",
            "host": s.get("HOST") or "", "port": str(s.get("PORT") or "")}


def _pg_env(params: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("user", "PGUSER"), ("password", "PGPASSWORD"), ("host", "PGHOST"), ("port", "PGPORT")):
        if params[key]:
            env[var] = params[key]
    return env


def open_raw():
    """A plain DB-API connection to the configured database (no Django type conversions), the
    kind every fingerprint is taken through."""
    if vendor() == "sqlite":
        return _sqlite_open(connection.settings_dict["NAME"])
    return _pg_connect(_pg_params())


def _pg_connect(params: dict[str, str]):
    import psycopg

    return psycopg.connect(**{k: v for k, v in params.items() if v})


def pg_tool(name: str) -> str:
    """pg_dump/pg_restore of the server's major version: PG_BIN_DIR, then the server's own bin
    directory on Debian, then PATH (pg_dump refuses a server newer than itself)."""
    candidates = []
    if os.getenv("PG_BIN_DIR"):
        candidates.append(Path(os.environ["PG_BIN_DIR"]) / name)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        major = int(cursor.fetchone()[0]) // 10000
    candidates.append(Path(f"/usr/lib/postgresql/{major}/bin/{name}"))
    on_path = shutil.which(name)
    if on_path:
        candidates.append(Path(on_path))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise BackupError(f"Không tìm thấy chương trình {name} của PostgreSQL {major}. Hãy cài gói postgresql-client-{major} "
                      "hoặc đặt biến PG_BIN_DIR trỏ tới thư mục chứa nó.")


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError(f"{what} không thành công (mã {done.returncode}). Thông báo của PostgreSQL: {detail[-1] if detail else 'không có'}")


def _migrations() -> dict[str, str]:
    heads: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).migration_qs.order_by("app", "name").values_list("app", "name"):
        heads[app] = max(heads.get(app, ""), name)
    return heads


def _audit_head(dbapi) -> dict[str, Any]:
    cursor = dbapi.cursor()
    try:
        cursor.execute("SELECT COUNT(*), (SELECT hash FROM audit_auditlog WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1) FROM audit_auditlog")
        count, last = cursor.fetchone()
    finally:
        cursor.close()
    return {"rows": count, "last_hash": last or ""}


# ---------------------------------------------------------------- backup


def _archive_files(target: Path) -> int:
    media = Path(settings.MEDIA_ROOT)
    count = 0
    with tarfile.open(target, "w:gz") as archive:
        if media.is_dir():
            for path in sorted(media.rglob("*")):
                if path.is_file():
                    archive.add(path, arcname=str(path.relative_to(media)), recursive=False)
                    count += 1
    return count


def make_backup(root: Path | None = None) -> Path:
    """Take a backup; returns its folder. A failed backup leaves no folder behind."""
    kind = vendor()
    root = root or backup_root()
    root.mkdir(parents=True, exist_ok=True)
    name = f"thidua-{timezone.localtime():%Y%m%d-%H%M%S}"
    final = root / name
    suffix = 1
    while final.exists():
        suffix += 1
        final = root / f"{name}-{suffix}"
    work = Path(tempfile.mkdtemp(prefix=".dang-sao-luu-", dir=root))
    try:
        db_file = work / DB_FILES[kind]
        if kind == "sqlite":
            tables, audit = _backup_sqlite(db_file)
        else:
            tables, audit = _backup_postgresql(db_file)
        files = _archive_files(work / FILES_ARCHIVE)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "engine": kind,
            "database": {"file": db_file.name, "sha256": sha256_file(db_file)},
            "files": {"file": FILES_ARCHIVE, "sha256": sha256_file(work / FILES_ARCHIVE), "count": files},
            "migrations": _migrations(),
            "audit": audit,
            "tables": tables,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return final


def _backup_sqlite(target: Path) -> tuple[dict, dict]:
    connection.close()
    source = _sqlite_open(connection.settings_dict["NAME"])
    copy = _sqlite_open(target)
    try:
        source.backup(copy)  # one step: a consistent snapshot even while others write
        copy.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("Bản sao CSDL vừa tạo không toàn vẹn; hãy thử lại.")
        return fingerprints(copy, "sqlite"), _audit_head(copy)
    finally:
        copy.close()
        source.close()


def _backup_postgresql(target: Path) -> tuple[dict, dict]:
    params = _pg_params()
    pg_dump = pg_tool("pg_dump")
    snapshot_conn = _pg_connect(params)
    try:
        # pg_dump reads the snapshot this transaction exports, so the checksums describe the dump.
        snapshot_conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = snapshot_conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", "--file", str(target), "--dbname", params["dbname"]],
             _pg_env(params), "Sao lưu bằng pg_dump")
        return fingerprints(snapshot_conn, "postgresql"), _audit_head(snapshot_conn)
    finally:
        snapshot_conn.close()


# ---------------------------------------------------------------- restore


def read_manifest(path: Path) -> tuple[Path, dict]:
    folder = path.parent if path.name == MANIFEST else path
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"“{path}” không phải bản sao lưu của thidua (không có {MANIFEST}).")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"Tệp {manifest_path} bị hỏng, không đọc được.") from exc
    if manifest.get("format") != FORMAT or manifest.get("engine") not in DB_FILES:
        raise BackupError("Bản sao lưu có định dạng không được hỗ trợ.")
    for part in ("database", "files"):
        file = folder / manifest[part]["file"]
        if not file.is_file():
            raise BackupError(f"Bản sao lưu thiếu tệp {file.name}.")
        if sha256_file(file) != manifest[part]["sha256"]:
            raise BackupError(f"Tệp {file.name} của bản sao lưu đã bị thay đổi hoặc hỏng (mã băm không khớp); không khôi phục.")
    return folder, manifest


def _has_tables() -> bool:
    return "django_migrations" in connection.introspection.table_names()


def restore_backup(path: Path, *, safety_backup: bool = True) -> Restored:
    """Replace the database and the uploaded files with the backup's; checks it first."""
    folder, manifest = read_manifest(path)
    kind = vendor()
    if manifest["engine"] != kind:
        names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        raise BackupError(f"Bản sao lưu là của {names[manifest['engine']]}, CSDL đang dùng là {names[kind]}; "
                          "hãy đặt DATABASE_URL cho đúng loại CSDL.")
    code_heads = {app: max(names) for app, names in _code_migrations().items()}
    needs_migrate = any(code_heads.get(app, "") > name for app, name in manifest["migrations"].items()) or any(
        app not in manifest["migrations"] for app in code_heads)
    newer = [app for app, name in manifest["migrations"].items() if code_heads.get(app, name) < name]
    if newer:
        raise BackupError("Bản sao lưu được tạo bởi phiên bản thidua mới hơn phiên bản đang chạy; hãy cập nhật mã nguồn trước khi khôi phục.")
    safety = make_backup() if safety_backup and _has_tables() else None
    database = folder / manifest["database"]["file"]
    if kind == "sqlite":
        actual = _restore_sqlite(database, manifest["tables"])
    else:
        actual = _restore_postgresql(database, manifest["tables"])
    problems = compare(manifest["tables"], actual)
    if problems:
        raise BackupError("CSDL sau khi khôi phục không khớp bản sao lưu: " + " ".join(problems[:5])
                          + (f" Bản sao lưu dữ liệu trước khi khôi phục: {safety}." if safety else ""))
    old_files = _restore_files(folder / manifest["files"]["file"])
    return Restored(len(actual), sum(t["rows"] for t in actual.values()), manifest["files"]["count"], safety, old_files, needs_migrate)


def _code_migrations() -> dict[str, list[str]]:
    from django.db.migrations.loader import MigrationLoader

    names: dict[str, list[str]] = {}
    for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations:
        names.setdefault(app, []).append(name)
    return names


def _restore_sqlite(database: Path, expected: dict) -> dict:
    target = Path(connection.settings_dict["NAME"])
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkstemp(prefix=".khoi-phuc-", suffix=".sqlite3", dir=target.parent)[1])
    try:
        shutil.copyfile(database, staged)
        check = _sqlite_open(staged)
        try:
            if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("Tệp CSDL trong bản sao lưu không toàn vẹn; không khôi phục.")
            problems = compare(expected, fingerprints(check, "sqlite"))
            if problems:
                raise BackupError("Tệp CSDL trong bản sao lưu không khớp danh mục của nó: " + " ".join(problems[:5]))
        finally:
            check.close()
        connection.close()
        source, live = _sqlite_open(staged), _sqlite_open(target)
        try:
            # The backup API writes the pages in one transaction of the live database (with its
            # WAL), so a running server sees either the old or the restored data.
            live.execute("PRAGMA busy_timeout=30000")
            source.backup(live)
            live.execute("PRAGMA journal_mode=WAL")
            return fingerprints(live, "sqlite")
        finally:
            live.close()
            source.close()
    finally:
        staged.unlink(missing_ok=True)


def _restore_postgresql(database: Path, expected: dict) -> dict:  # noqa: ARG001 — compared by the caller
    params = _pg_params()
    pg_restore = pg_tool("pg_restore")
    connection.close()
    # --clean --if-exists drops and recreates each object of the dump; --single-transaction makes
    # the whole restore one transaction: on any error nothing changes.
    _run([pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
          "--dbname", params["dbname"], str(database)], _pg_env(params), "Khôi phục bằng pg_restore")
    with _pg_connect(params) as check:
        return fingerprints(check, "postgresql")


def _restore_files(archive: Path) -> Path | None:
    """Unpack the files beside MEDIA_ROOT, then swap them in; the files there before are kept."""
    media = Path(settings.MEDIA_ROOT)
    media.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=".khoi-phuc-tep-", dir=media.parent))
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(staged, filter="data")  # no absolute paths, no "..", no links out
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    old = None
    if media.exists():
        old = media.parent / f"{media.name}.truoc-khoi-phuc-{timezone.localtime():%Y%m%d-%H%M%S}"
        media.rename(old)
    staged.rename(media)
    if old is not None and _relative_files(old) <= _relative_files(media):
        # Nothing of the files there before would be lost: every one is in the restored set.
        shutil.rmtree(old, ignore_errors=True)
        old = None
    return old


def _relative_files(root: Path) -> set[tuple[str, str]]:
    return {(str(p.relative_to(root)), sha256_file(p)) for p in root.rglob("*") if p.is_file()}
