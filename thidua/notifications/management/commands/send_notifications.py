"""manage.py send_notifications — remind the units of the deadlines coming.

Safe to run as often as wanted (cron, a systemd timer): each deadline notifies each recipient at
most once a day. The event notifications (returned, poll opened, decision issued) are sent by the
actions themselves and need no command."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from thidua.notifications.deadlines import send_deadline_notifications


class Command(BaseCommand):
    help = "Gửi thông báo các hạn sắp đến (đăng ký thi đua, chấm điểm, hồ sơ đề nghị…) cho cán bộ các đơn vị thành viên."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None,
                            help="Báo trước bao nhiêu ngày (mặc định NOTIFY_DEADLINE_DAYS, 7 ngày).")
        parser.add_argument("--date", default=None, help="Coi hôm nay là ngày này (dd/mm/yyyy), để chạy bù.")

    def handle(self, *args, **options):
        days = options["days"] if options["days"] is not None else settings.NOTIFY_DEADLINE_DAYS
        if days < 0 or days > 366:
            raise CommandError("Số ngày báo trước phải từ 0 đến 366.")
        today = dt.date.today()
        if options["date"]:
            try:
                today = dt.datetime.strptime(options["date"], "%d/%m/%Y").date()
            except ValueError:
                raise CommandError("Ngày không hợp lệ. Nhập theo dạng ngày/tháng/năm, ví dụ 05/03/2026.") from None
        seen, written = send_deadline_notifications(today=today, days=days)
        self.stdout.write(f"Ngày {today:%d/%m/%Y}: {seen} hạn trong {days} ngày tới; đã gửi {written} thông báo mới.")
