"""Paper ballots and their count (kiểm phiếu giấy), results from elsewhere, and the minutes.

- PaperBallotBatch: a run of numbered paper ballots printed for a poll (numbers never overlap).
- TallyEntry: one independent entry of the paper tally by one account of the counting board.
  Two active entries (entry_no 1 and 2) by DIFFERENT accounts must match field by field before
  the poll gets its result; a re-entry supersedes one side (the old entry stays, marked).
- ExternalResult: a vote held outside thidua (a council that met on paper elsewhere): its counts
  and the uploaded minutes (content-addressed, thidua/core/files.py).
- CountingMinutes: the data only the minutes need (place, counting board, chair); the DOCX is a
  document kind (thidua/counting/documents.py) and goes through the document register.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from thidua.core.models import TenantModel
from thidua.rules.catalogue import CONFIRMATIONS
from thidua.rules.counting import valid_ballots

COUNT_FIELDS = ["present", "written_opinions", "ballots_issued", "ballots_used", "ballots_spoiled", "ballots_invalid", "ballots_blank"]


class PaperBallotBatch(TenantModel):
    poll = models.ForeignKey("voting.Poll", verbose_name="Cuộc bỏ phiếu", on_delete=models.PROTECT, related_name="paper_batches")
    first_number = models.PositiveIntegerField("Từ số phiếu")
    last_number = models.PositiveIntegerField("Đến số phiếu")
    generated_file = models.FileField("Tệp DOCX phiếu bầu", upload_to="counting/", max_length=300)
    generated_sha256 = models.CharField(max_length=64)
    printed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "Đợt in phiếu bầu"
        verbose_name_plural = "Đợt in phiếu bầu"
        ordering = ["poll", "first_number"]
        constraints = [
            models.CheckConstraint(condition=Q(last_number__gte=models.F("first_number")), name="counting_batch_numbers_ordered"),
            models.UniqueConstraint(fields=["province", "poll", "first_number"], name="counting_batch_first_uniq"),
        ]

    def __str__(self) -> str:
        return f"Phiếu số {self.first_number:03d}–{self.last_number:03d}"

    @property
    def count(self) -> int:
        return self.last_number - self.first_number + 1


class TallyEntry(TenantModel):
    poll = models.ForeignKey("voting.Poll", verbose_name="Cuộc bỏ phiếu", on_delete=models.PROTECT, related_name="tally_entries")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người nhập", on_delete=models.PROTECT, related_name="+")
    entry_no = models.PositiveSmallIntegerField("Lần nhập")
    present = models.PositiveIntegerField("Số thành viên có mặt")
    written_opinions = models.PositiveIntegerField("Số ý kiến bằng văn bản", default=0)
    ballots_issued = models.PositiveIntegerField("Số phiếu phát ra")
    ballots_used = models.PositiveIntegerField("Số phiếu thu vào")
    ballots_spoiled = models.PositiveIntegerField("Số phiếu hỏng, không sử dụng")
    ballots_invalid = models.PositiveIntegerField("Số phiếu không hợp lệ")
    ballots_blank = models.PositiveIntegerField("Số phiếu trắng", default=0)
    # {"<candidate id>": {"yes": n, "no": n | null}}
    candidate_counts = models.JSONField("Số phiếu từng người, đơn vị", default=dict)
    superseded = models.BooleanField("Đã được nhập lại thay thế", default=False)

    class Meta:
        verbose_name = "Lần nhập kết quả kiểm phiếu"
        verbose_name_plural = "Lần nhập kết quả kiểm phiếu"
        ordering = ["poll", "entry_no", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(entry_no__in=[1, 2]), name="counting_entry_no_1_or_2"),
            # At most one active entry per side.
            models.UniqueConstraint(
                fields=["province", "poll", "entry_no"], condition=Q(superseded=False), name="counting_entry_active_side_uniq"
            ),
        ]

    def __str__(self) -> str:
        return f"Lần nhập {self.entry_no} — {self.poll}"

    def counts(self) -> dict:
        data = {name: getattr(self, name) for name in COUNT_FIELDS}
        data["candidates"] = {str(k): dict(v) for k, v in (self.candidate_counts or {}).items()}
        return data

    @property
    def valid(self) -> int:
        return valid_ballots(self.counts())


class ExternalResult(TenantModel):
    poll = models.OneToOneField("voting.Poll", verbose_name="Cuộc bỏ phiếu", on_delete=models.PROTECT, related_name="external_result")
    held_at = models.CharField("Nơi tổ chức bỏ phiếu", max_length=255)
    minutes_reference = models.CharField("Số, ký hiệu biên bản gốc", max_length=120, blank=True)
    minutes_date = models.DateField("Ngày biên bản gốc", null=True, blank=True)
    minutes_file = models.FileField("Biên bản gốc (bản scan)", upload_to="counting/", max_length=300)
    minutes_sha256 = models.CharField(max_length=64)
    counts = models.JSONField("Số liệu kiểm phiếu", default=dict)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "Kết quả bỏ phiếu họp ngoài hệ thống"
        verbose_name_plural = "Kết quả bỏ phiếu họp ngoài hệ thống"

    def __str__(self) -> str:
        return f"Kết quả họp ngoài hệ thống — {self.poll}"


class CountingMinutes(TenantModel):
    poll = models.OneToOneField("voting.Poll", verbose_name="Cuộc bỏ phiếu", on_delete=models.PROTECT, related_name="counting_minutes")
    place = models.CharField("Địa điểm", max_length=255)
    chair = models.CharField("Chủ trì", max_length=120, blank=True)
    secretary = models.CharField("Thư ký", max_length=120, blank=True)
    board_head = models.CharField("Trưởng ban kiểm phiếu", max_length=120)
    board_members = models.TextField("Thành viên ban kiểm phiếu", blank=True, help_text="Mỗi dòng một người.")
    notes = models.TextField("Ghi chú thêm vào biên bản", blank=True)

    class Meta:
        verbose_name = "Biên bản kiểm phiếu"
        verbose_name_plural = "Biên bản kiểm phiếu"

    def __str__(self) -> str:
        return f"Biên bản kiểm phiếu — {self.poll}"

    def member_list(self) -> list[str]:
        return [line.strip() for line in (self.board_members or "").splitlines() if line.strip()]


class CouncilConfirmation(TenantModel):
    """A qualitative condition ("tiêu biểu xuất sắc", "nội bộ đoàn kết"…) the council confirmed or
    refused for one proposed subject, with the minutes of the session (a poll of the council or
    the block) or the decision of a block meeting it was recorded in.

    It feeds that proposal item's eligibility (thidua/proposals/checks.py): the engine then reads
    the condition as confirmed (or failed) instead of "to be confirmed". One row per item and
    condition; recording it again replaces it, the audit log keeps the old value.
    """

    item = models.ForeignKey(
        "proposals.ProposalItem", verbose_name="Đối tượng đề nghị", on_delete=models.CASCADE, related_name="council_confirmations"
    )
    key = models.CharField("Tiêu chuẩn định tính", max_length=30, choices=list(CONFIRMATIONS.items()))
    confirmed = models.BooleanField("Hội đồng xác nhận đạt")
    poll = models.ForeignKey(
        "voting.Poll", verbose_name="Cuộc bỏ phiếu (biên bản phiên họp)", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    meeting = models.ForeignKey(
        "blocs.Meeting", verbose_name="Hội nghị của khối (quyết định)", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField("Số, ký hiệu biên bản hoặc quyết định", max_length=120)
    dated = models.DateField("Ngày biên bản hoặc quyết định")
    note = models.TextField("Ghi chú", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "Xác nhận của hội đồng"
        verbose_name_plural = "Xác nhận của hội đồng"
        ordering = ["item", "key"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(poll__isnull=False) & Q(meeting__isnull=True)) | (Q(poll__isnull=True) & Q(meeting__isnull=False)),
                name="counting_confirmation_one_source",
            ),
            models.UniqueConstraint(fields=["province", "item", "key"], name="counting_confirmation_item_key_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.item} — {CONFIRMATIONS.get(self.key, self.key)}"

    @property
    def source_text(self) -> str:
        """"biên bản số 05/BB-HĐTĐKT ngày 05/01/2026" or "quyết định số … ngày …" of a block meeting."""
        what = "biên bản" if self.poll_id else "quyết định của hội nghị"
        return f"{what} số {self.reference} ngày {self.dated:%d/%m/%Y}"

    @property
    def text(self) -> str:
        verdict = "đã xác nhận" if self.confirmed else "không xác nhận"
        return f"Hội đồng {verdict} “{CONFIRMATIONS.get(self.key, self.key)}” theo {self.source_text}"
