"""`manage.py backup [--thu-muc DIR]`: back up the database and the uploaded files (thidua/core/backup.py)."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from thidua.core import backup


class Command(BaseCommand):
    help = ("Sao lưu CSDL (SQLite bằng API sao lưu trực tuyến, PostgreSQL bằng pg_dump) và các tệp đã tải lên vào một thư mục "
            "thidua-NĂMTHÁNGNGÀY-GIỜPHÚTGIÂY trong BACKUP_DIR (mặc định DATA_DIR/backups).")

    def add_arguments(self, parser):
        parser.add_argument("--thu-muc", dest="root", help="thư mục chứa các bản sao lưu (thay BACKUP_DIR)")

    def handle(self, *args, **options):
        try:
            folder = backup.make_backup(Path(options["root"]).resolve() if options.get("root") else None)
        except backup.BackupError as exc:
            self.stderr.write(str(exc))
            sys.exit(1)
        manifest = backup.read_manifest(folder)[1]
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(f"Đã sao lưu vào {folder}")
        self.stdout.write(f"  {len(manifest['tables'])} bảng, {rows} dòng; {manifest['files']['count']} tệp tải lên.")
        if manifest["audit"]["last_hash"]:
            self.stdout.write(f"  Nhật ký: {manifest['audit']['rows']} dòng, mã băm cuối {manifest['audit']['last_hash']}.")
