from django.core.management.base import BaseCommand

from thidua.org.demo import load_demo


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (các khối thi đua trong các bài báo nguồn). Chạy lại nhiều lần không tạo trùng."

    def handle(self, *args, **options):
        summary = load_demo()
        self.stdout.write(self.style.SUCCESS(f"Đã nạp dữ liệu mẫu: {summary}"))
