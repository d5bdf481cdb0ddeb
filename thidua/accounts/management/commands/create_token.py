"""`manage.py create_token USER [--expires dd/mm/yyyy] [--name TÊN]`: an API token for an account,
printed once (only its SHA-256 is stored). For a script or portal set up by the operator; the
same action, rules and audit row as “Tài khoản của tôi” (the system is the actor)."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from thidua.accounts.actions import do_create_api_token
from thidua.core.errors import ActionError


def _date(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError as exc:
        raise CommandError(f"Ngày hết hạn “{text}” không hợp lệ; hãy ghi dạng dd/mm/yyyy, ví dụ 31/12/2026.") from exc


class Command(BaseCommand):
    help = "Tạo khóa API cho một tài khoản và in khóa một lần (khóa không được lưu, không xem lại được)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="Tên đăng nhập của tài khoản")
        parser.add_argument("--expires", default="", help="Ngày cuối khóa còn dùng được, dạng dd/mm/yyyy")
        parser.add_argument("--name", default="Khóa tạo bằng lệnh quản trị", help="Tên gợi nhớ của khóa")

    def handle(self, *args, username, expires, name, **options):
        user = get_user_model().objects.filter(username__iexact=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản “{username}”.")
        expires_on = _date(expires) if expires else None
        try:
            token, secret = do_create_api_token(actor=None, owner=user, name=name, expires_on=expires_on)
        except ActionError as error:
            raise CommandError(error.message) from error
        until = f", dùng được đến hết ngày {expires_on:%d/%m/%Y}" if expires_on else ", không hết hạn"
        self.stderr.write(f"Đã tạo khóa API “{token.name}” cho {user.get_username()}{until}. Khóa chỉ in một lần:")
        self.stdout.write(secret)
