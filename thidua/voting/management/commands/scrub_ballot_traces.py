"""manage.py scrub_ballot_traces — remove the storage engine's old copies of ballots.

Every close already does this after it commits; run it after a crash during a close, when a close
reported that the database was busy, or from cron (docs/ballot-secrecy.md)."""

from django.core.management.base import BaseCommand

from thidua.voting.traces import scrub_ballot_traces


class Command(BaseCommand):
    help = "Xóa bản sao cũ của phiếu bầu còn trong nhật ký WAL (SQLite) hoặc trong trang dữ liệu (PostgreSQL)."

    def handle(self, *args, **options):
        self.stdout.write(scrub_ballot_traces())
