"""`manage.py evaluate FILE|-`: the command-line door of the what-if contract (whatif-api.md).

Reads one request object or a list of them, prints one JSON result per request (a list when given
a list) and exits 0 when every request was well-formed, 2 otherwise. Needs no database.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand

from thidua.whatif.service import evaluate_many, is_error


def _reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")


class Command(BaseCommand):
    help = (
        "Tính thử điều kiện khen thưởng hoặc kết quả bỏ phiếu từ tệp JSON (một yêu cầu hoặc danh sách yêu cầu; "
        "“-” để đọc từ đầu vào chuẩn). In một kết quả JSON cho mỗi yêu cầu; mã thoát 0 khi mọi yêu cầu hợp lệ, "
        "2 khi có yêu cầu không hợp lệ."
    )
    # Runs right after installation, before any migration.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="đường dẫn tệp JSON, hoặc “-” để đọc từ đầu vào chuẩn")

    def fail(self, message: str):
        self.stderr.write(message)
        sys.exit(2)

    def read_input(self, path: str, stdin) -> tuple[str, str]:
        if path == "-":
            stream = stdin or sys.stdin
            raw = stream.buffer.read() if hasattr(stream, "buffer") else stream.read()
            where = "đầu vào chuẩn"
        else:
            where = f"tệp “{path}”"
            try:
                with open(path, "rb") as handle:
                    raw = handle.read()
            except FileNotFoundError:
                self.fail(f"Không tìm thấy tệp “{path}”.")
            except IsADirectoryError:
                self.fail(f"“{path}” là thư mục, không phải tệp JSON.")
            except OSError as exc:
                self.fail(f"Không đọc được tệp “{path}” ({exc.strerror or 'lỗi hệ thống tệp'}).")
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                self.fail(f"Nội dung {where} không phải văn bản UTF-8.")
        return raw, where

    def handle(self, *args, **options):
        if not options["file"]:
            self.fail("Cần đường dẫn tệp JSON, hoặc “-” để đọc yêu cầu từ đầu vào chuẩn. Ví dụ: manage.py evaluate yeu-cau.json")
        text, where = self.read_input(options["file"], options.get("stdin"))
        if not text.strip():
            self.fail(f"Nội dung {where} trống: cần một yêu cầu JSON hoặc danh sách yêu cầu.")
        try:
            payload = json.loads(text, parse_constant=_reject_constant)
        except (ValueError, RecursionError) as exc:
            line = getattr(exc, "lineno", None)
            column = getattr(exc, "colno", None)
            at = f" (dòng {line}, cột {column})" if line else ""
            self.fail(f"Nội dung {where} không phải JSON hợp lệ{at}.")
        results, all_ok = evaluate_many(payload)
        self.stdout.write(json.dumps(results, ensure_ascii=False, indent=2))
        if not all_ok:
            items = results if isinstance(results, list) else [results]
            bad = sum(1 for r in items if is_error(r))
            self.stderr.write(
                f"Có {bad}/{len(items)} yêu cầu không hợp lệ (xem trường “error” trong kết quả tương ứng)."
            )
            sys.exit(2)
