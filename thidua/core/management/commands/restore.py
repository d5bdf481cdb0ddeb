"""`manage.py restore BACKUP [--yes]`: replace the database and the uploaded files with a backup.

Asks for confirmation unless --yes is given; refuses without a terminal to ask on. Before
replacing anything it checks the backup's checksums, takes a backup of the current data, and after
restoring compares every table with the backup's manifest (thidua/core/backup.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from thidua.core import backup

CONFIRM_WORD = "dong y"


class Command(BaseCommand):
    help = ("Khôi phục CSDL và tệp tải lên từ một bản sao lưu (thư mục do `manage.py backup` tạo). Dữ liệu hiện có được sao lưu "
            "trước rồi bị thay thế. Cần xác nhận, hoặc --yes.")

    def add_arguments(self, parser):
        parser.add_argument("backup", help="thư mục bản sao lưu (hoặc tệp manifest.json trong đó)")
        parser.add_argument("--yes", action="store_true", help="không hỏi xác nhận")
        parser.add_argument("--khong-sao-luu-truoc", dest="no_safety", action="store_true",
                            help="không sao lưu dữ liệu hiện có trước khi khôi phục")

    def fail(self, message: str, code: int = 1):
        self.stderr.write(message)
        sys.exit(code)

    def handle(self, *args, **options):
        path = Path(options["backup"]).expanduser().resolve()
        try:
            folder, manifest = backup.read_manifest(path)
        except backup.BackupError as exc:
            self.fail(str(exc))
        tables = manifest["tables"]
        self.stdout.write(
            f"Bản sao lưu {folder.name}: {len(tables)} bảng, {sum(t['rows'] for t in tables.values())} dòng, "
            f"{manifest['files']['count']} tệp tải lên."
        )
        if not options["yes"]:
            if not sys.stdin.isatty():
                self.fail("Khôi phục sẽ thay toàn bộ dữ liệu hiện có. Chạy lại với --yes để xác nhận.", code=2)
            self.stdout.write(f"Khôi phục sẽ thay toàn bộ dữ liệu hiện có bằng bản sao lưu này. Gõ “{CONFIRM_WORD}” để tiếp tục: ", ending="")
            self.stdout.flush()
            answer = sys.stdin.readline().strip().lower()
            if answer not in {CONFIRM_WORD, "đồng ý"}:
                self.fail("Đã hủy, không thay đổi gì.", code=2)
        try:
            result = backup.restore_backup(folder, safety_backup=not options["no_safety"])
        except backup.BackupError as exc:
            self.fail(str(exc))
        self.stdout.write(f"Đã khôi phục {result.tables} bảng, {result.rows} dòng (khớp từng bảng với bản sao lưu) và {result.files} tệp.")
        if result.safety_backup:
            self.stdout.write(f"Dữ liệu trước khi khôi phục được sao lưu ở {result.safety_backup}.")
        if result.old_files:
            self.stdout.write(f"Các tệp tải lên trước khi khôi phục được giữ ở {result.old_files}.")
        if result.needs_migrate:
            self.stdout.write("Bản sao lưu cũ hơn mã nguồn hiện tại: hãy chạy `manage.py migrate` trước khi mở ứng dụng.")
