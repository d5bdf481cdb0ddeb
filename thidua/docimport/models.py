"""A Word dossier read in (tờ trình, danh sách .docx of a lower unit): the rows found, how each
matched the registry and the catalogue, and — once the officer confirms — the draft proposal made
from it. Nothing becomes a proposal before the confirmation."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from thidua.core.models import TenantModel


class ImportState(models.TextChoices):
    OPEN = "OPEN", "Chờ xác nhận"
    CONFIRMED = "CONFIRMED", "Đã lập hồ sơ đề nghị"


class RowStatus(models.TextChoices):
    MATCHED = "MATCHED", "Đã khớp"
    AMBIGUOUS = "AMBIGUOUS", "Trùng tên, cần chọn"
    UNKNOWN = "UNKNOWN", "Không tìm thấy"


class ProposalImport(TenantModel):
    unit = models.ForeignKey("org.Unit", verbose_name="Đơn vị đề nghị", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("Năm thành tích")
    title = models.CharField("Trích yếu tờ trình", max_length=300)
    file_name = models.CharField("Tên tệp", max_length=255)
    file = models.CharField("Tệp đã lưu", max_length=300)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField("Dung lượng", default=0)
    # One dict per row: row, name, person (uid|None), unit (uid|None, a collective's row), subject
    # (individual|collective), status, candidates [uid of people or units], award (code|None),
    # award_text, position, unit_text, achievements, birth_year, table, line, problems [str],
    # resolved (the officer chose the person), skipped (the officer left the row out).
    rows = models.JSONField("Các dòng đã đọc", default=list)
    problems = models.JSONField("Lưu ý chung", default=list)
    state = models.CharField("Trạng thái", max_length=10, choices=ImportState.choices, default=ImportState.OPEN)
    proposal = models.ForeignKey(
        "proposals.Proposal", verbose_name="Hồ sơ đề nghị đã lập", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "Danh sách đề nghị nhập từ Word"
        verbose_name_plural = "Danh sách đề nghị nhập từ Word"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.unit.name}, năm {self.year})"

    def row(self, number: int) -> dict | None:
        return next((r for r in self.rows if r.get("row") == number), None)

    def pending_rows(self) -> list[dict]:
        """Rows that stop the confirmation: a person not chosen (AMBIGUOUS, UNKNOWN) and not left out."""
        return [r for r in self.rows if not r.get("skipped") and r["status"] != RowStatus.MATCHED]

    def left_out_rows(self) -> list[dict]:
        """Rows the confirmation leaves out of the proposal: no catalogue award recognised or chosen
        (e.g. a Party award the province's catalogue does not hold)."""
        return [r for r in self.rows if not r.get("skipped") and not r.get("award")]
