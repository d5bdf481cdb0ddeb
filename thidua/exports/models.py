"""The export log: every national export produced, by whom, when, for which period and scope,
what it held and the SHA-256 of the file handed out (the file is kept, content-addressed)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from thidua.core.models import TenantModel


class ExportFormat(models.TextChoices):
    JSON = "json", "JSON"
    XLSX = "xlsx", "Excel (.xlsx)"


class NationalExport(TenantModel):
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người xuất", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField("Người xuất", max_length=150)
    date_from = models.DateField("Từ ngày")
    date_to = models.DateField("Đến ngày")
    fmt = models.CharField("Định dạng", max_length=4, choices=ExportFormat.choices)
    schema_version = models.CharField("Phiên bản mẫu dữ liệu", max_length=10)
    decision_count = models.PositiveIntegerField("Số quyết định", default=0)
    title_count = models.PositiveIntegerField("Số lượt danh hiệu thi đua", default=0)
    form_count = models.PositiveIntegerField("Số lượt hình thức khen thưởng", default=0)
    sha256 = models.CharField("Mã băm SHA-256 của tệp", max_length=64)
    size = models.PositiveIntegerField("Dung lượng (byte)", default=0)
    file = models.FileField("Tệp", upload_to="exports/", max_length=300)
    filename = models.CharField("Tên tệp", max_length=200)

    class Meta:
        verbose_name = "Lần xuất dữ liệu khen thưởng quốc gia"
        verbose_name_plural = "Nhật ký xuất dữ liệu khen thưởng quốc gia"
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(date_to__gte=models.F("date_from")), name="exports_national_period_ordered")]

    def __str__(self) -> str:
        return f"Xuất dữ liệu {self.date_from:%d/%m/%Y}–{self.date_to:%d/%m/%Y} ({self.get_fmt_display()})"

    @property
    def content_type(self) -> str:
        if self.fmt == ExportFormat.JSON:
            return "application/json; charset=utf-8"
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
