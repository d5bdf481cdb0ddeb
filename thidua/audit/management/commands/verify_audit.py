"""`manage.py verify_audit`: walk the audit log's hash chain and report the first broken link.

Exit code 0 when every row is intact, 1 at the first row edited, unsealed, or preceded by a gap
(a deleted row), or when the chain head names a row that is gone (the newest rows deleted). Whoever
can rewrite the whole table and its head can rebuild a consistent chain: compare the printed last
hash with one kept elsewhere (every backup's manifest records it).
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand
from django.utils import timezone

from thidua.audit import chain, labels
from thidua.audit.models import AuditLog, ChainHead

REASONS = {
    "edited": "nội dung dòng đã bị sửa sau khi ghi (mã băm không còn khớp với nội dung).",
    "missing_before": "dòng liền trước trong chuỗi đã bị xóa hoặc có dòng bị chèn vào (dòng này không nối tiếp dòng trước nó).",
    "unsealed": "dòng không nằm trong chuỗi mã băm: dòng được ghi thẳng vào CSDL, không qua ứng dụng.",
}
MISSING_TAIL = ("Chuỗi nhật ký bị đứt sau dòng số {row}: đầu chuỗi ghi nhận một dòng mới hơn không còn trong nhật ký — "
                "một hay nhiều dòng mới nhất đã bị xóa.")


FIELDS = ["id", "prev_hash", "hash", *chain.HASHED_FIELDS]


def chain_rows():
    return AuditLog.objects.filter(seq__isnull=False).order_by("seq").values(*FIELDS).iterator(chunk_size=5_000)


def outside_chain():
    """A row with no place in the chain: on SQLite every row is sealed as it is written; on
    PostgreSQL a row waiting for its sealing has no hash yet (those were just sealed above)."""
    rows = AuditLog.objects.filter(seq__isnull=True)
    if not chain.seals_before_insert():
        rows = rows.exclude(hash="")
    return rows.order_by("id").values(*FIELDS).first()


def describe_break(broken: chain.Break) -> str:
    if broken.kind == "missing_tail":
        return MISSING_TAIL.format(row=broken.row_id) if broken.row_id else (
            "Nhật ký trống nhưng đầu chuỗi ghi nhận đã có dòng: mọi dòng của nhật ký đã bị xóa.")
    when = timezone.localtime(broken.at).strftime("%d/%m/%Y %H:%M:%S") if broken.at else "không rõ thời điểm"
    what = labels.action_label(broken.action, broken.object_type)
    subject = f" — {broken.object_repr}" if broken.object_repr else ""
    return f"Chuỗi nhật ký bị đứt tại dòng số {broken.row_id} ({when}, {what}{subject}): {REASONS[broken.kind]}"


class Command(BaseCommand):
    help = "Kiểm tra chuỗi mã băm của nhật ký; báo dòng đầu tiên bị sửa, bị xóa hoặc ghi ngoài ứng dụng (mã thoát 1)."

    def handle(self, *args, **options):
        if not chain.seals_before_insert():
            chain.seal_pending(wait=True)
        # The head first: rows sealed after it are newer and fine; the head's own row must be there.
        head = ChainHead.objects.filter(pk=1).values_list("hash", flat=True).first()
        result = chain.verify(chain_rows(), head)
        stray = outside_chain() if result.broken is None else None
        if stray is not None:
            result = chain.Verification(result.checked, result.last_id, result.last_hash, chain.Break(
                stray["id"], stray["at"], stray["action"], stray["object_type"], stray["object_repr"], "unsealed"))
        if result.broken is not None:
            self.stderr.write(describe_break(result.broken))
            if result.broken.kind not in ("missing_tail", "unsealed"):
                self.stderr.write(f"Đã kiểm tra {result.checked} dòng; các dòng trước dòng số {result.broken.row_id} còn nguyên vẹn.")
            sys.exit(1)
        if result.checked == 0:
            self.stdout.write("Nhật ký chưa có dòng nào.")
            return
        self.stdout.write(f"Nhật ký nguyên vẹn: {result.checked} dòng, chuỗi mã băm liền mạch đến dòng số {result.last_id}.")
        self.stdout.write(f"Mã băm cuối: {result.last_hash} — ghi lại ở nơi khác (mỗi bản sao lưu cũng ghi) để đối chiếu về sau.")
