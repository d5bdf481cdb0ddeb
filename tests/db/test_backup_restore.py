"""`manage.py backup` then `manage.py restore` into a fresh database gives back every table row for
row (counts and checksums per table) and every uploaded file; a damaged backup is refused."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from thidua.audit.models import AuditLog
from thidua.core import backup
from thidua.core.files import store_bytes
from thidua.org import actions as org_actions
from thidua.org.models import Person, Unit

pytestmark = [pytest.mark.sqlite, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "source-files"  # the file storage follows the setting's change
    yield settings.MEDIA_ROOT


class FreshDatabase:
    """An empty database of the engine under test, for the restore to fill; dropped afterwards."""

    def __init__(self, tmp_path: Path):
        self.vendor = connection.vendor
        if self.vendor == "sqlite":
            self.path = tmp_path / "fresh.sqlite3"
            self.url = f"sqlite:///{self.path}"
        else:
            s = connection.settings_dict
            self.name = f"{s['NAME']}_fresh"
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
                cursor.execute(f'CREATE DATABASE "{self.name}"')
            auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
            self.url = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{self.name}"

    def open(self):
        if self.vendor == "sqlite":
            return sqlite3.connect(self.path)
        import psycopg

        return psycopg.connect(self.url.replace("postgres://", "postgresql://"))

    def drop(self):
        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def fresh(tmp_path):
    db = FreshDatabase(tmp_path)
    yield db
    db.drop()


def manage(args: list[str], data_dir: Path, database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATA_DIR": str(data_dir), "DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def source_fingerprints() -> dict:
    raw = backup.open_raw()
    try:
        return backup.fingerprints(raw, connection.vendor)
    finally:
        raw.close()


def test_a_backup_restored_into_a_fresh_database_matches_table_by_table(world, media, fresh, tmp_path):
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"):
        org_actions.do_create_person(actor=world.an_officer, unit=world.tuyen_giao, data={"full_name": name, "gender": "NAM"})
    stored, _ = store_bytes("tai-lieu", "Biên bản họp khối".encode(), "bien-ban.txt")
    before = source_fingerprints()
    assert before["org_person"]["rows"] == 3 and before["audit_auditlog"]["rows"] == AuditLog.objects.count() > 3

    call_command("backup", root=str(tmp_path / "backups"), stdout=open(os.devnull, "w"))
    (folder,) = (tmp_path / "backups").iterdir()
    folder_manifest = backup.read_manifest(folder)[1]
    assert folder_manifest["tables"] == before and folder_manifest["files"]["count"] == 1
    # Writes after the backup are not in it.
    org_actions.do_create_unit(actor=None, province=world.an_giang_old, data={"name": "Ban Nội chính Tỉnh ủy", "kind": "PARTY"})

    fresh_data = tmp_path / "fresh-data"
    done = manage(["restore", str(folder), "--yes"], fresh_data, fresh.url)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "khớp từng bảng với bản sao lưu" in done.stdout

    with fresh.open() as restored:
        after = backup.fingerprints(restored, fresh.vendor)
    assert after == before  # same tables, same row counts, same checksums
    assert Unit.objects.filter(name="Ban Nội chính Tỉnh ủy").exists() and Person.objects.count() == 3
    assert (fresh_data / "files" / stored).read_bytes() == "Biên bản họp khối".encode()

    audit = manage(["verify_audit"], fresh_data, fresh.url)
    assert audit.returncode == 0 and "Nhật ký nguyên vẹn" in audit.stdout


def test_a_damaged_backup_is_refused_and_nothing_changes(world, media, fresh, tmp_path):
    call_command("backup", root=str(tmp_path / "backups"), stdout=open(os.devnull, "w"))
    (folder,) = (tmp_path / "backups").iterdir()
    unconfirmed = manage(["restore", str(folder)], tmp_path / "fresh-data", fresh.url)
    assert unconfirmed.returncode == 2 and "--yes" in unconfirmed.stderr

    database = folder / backup.DB_FILES[connection.vendor]
    data = bytearray(database.read_bytes())
    data[len(data) // 2] ^= 0xFF
    database.write_bytes(bytes(data))

    done = manage(["restore", str(folder), "--yes"], tmp_path / "fresh-data", fresh.url)
    assert done.returncode == 1
    assert "đã bị thay đổi hoặc hỏng" in done.stderr and "Traceback" not in done.stderr
    with fresh.open() as untouched:
        assert backup.fingerprints(untouched, fresh.vendor) == {}
