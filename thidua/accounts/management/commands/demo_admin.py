"""Create (once) the administrator account of a local installation and print its login."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from thidua.audit.log import record


class Command(BaseCommand):
    help = "Tạo tài khoản quản trị (nếu chưa có) và in thông tin đăng nhập."

    def handle(self, *args, **options):
        username = settings.DEMO_ADMIN_USERNAME
        password_file = settings.DATA_DIR / "admin-password.txt"
        User = get_user_model()
        with transaction.atomic():
            user = User.objects.filter(username=username).first()
            if user is None:
                password = secrets.token_urlsafe(12)
                user = User.objects.create_superuser(username=username, password=password, first_name="Quản trị", last_name="")
                password_file.write_text(password + "\n")
                password_file.chmod(0o600)
                record(actor=None, action="accounts.user.create", obj=user, object_type="auth.user", note="Tài khoản quản trị ban đầu")
        password = password_file.read_text().strip() if password_file.exists() else "(đã đổi — xem người quản trị)"
        port = __import__("os").getenv("PORT", "8000")
        self.stdout.write("")
        self.stdout.write("=" * 60)
        self.stdout.write(f"  thidua đang chạy tại http://127.0.0.1:{port}/")
        self.stdout.write(f"  Tài khoản quản trị: {username}")
        self.stdout.write(f"  Mật khẩu:           {password}")
        self.stdout.write("=" * 60)
