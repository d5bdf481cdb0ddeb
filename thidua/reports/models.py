"""The province's tổng kết report (báo cáo tổng kết công tác thi đua, khen thưởng của tỉnh).

The figures (blocks, registrations, rankings, awards, initiatives, money) are read from the data
each time the document is built; only the narrative sections the officer writes are stored here,
one row per province and year, edited with compare-and-set and audited (thidua/reports/actions.py).
"""

from __future__ import annotations

from django.db import models

from thidua.core.models import TenantModel

NARRATIVE_SECTIONS = ("situation", "highlights", "limitations", "directions", "proposals")


class ProvinceReport(TenantModel):
    year = models.PositiveSmallIntegerField("Năm")
    issuer_unit = models.ForeignKey(
        "org.Unit", verbose_name="Cơ quan ban hành báo cáo", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="Thường là Sở Nội vụ (Ban Thi đua - Khen thưởng); thể thức văn bản theo cơ quan này.",
    )
    signer_name = models.CharField("Người ký", max_length=120, blank=True)
    signer_title = models.CharField("Chức vụ người ký", max_length=120, blank=True)
    signer_authority = models.CharField("Thẩm quyền ký (TM., KT.…)", max_length=60, blank=True)
    situation = models.TextField("I. Đặc điểm, tình hình", blank=True)
    highlights = models.TextField("Kết quả nổi bật của các phong trào thi đua", blank=True)
    limitations = models.TextField("Tồn tại, hạn chế và nguyên nhân", blank=True)
    directions = models.TextField("Phương hướng, nhiệm vụ năm sau", blank=True)
    proposals = models.TextField("Kiến nghị, đề xuất", blank=True)

    class Meta:
        verbose_name = "Báo cáo tổng kết của tỉnh"
        verbose_name_plural = "Báo cáo tổng kết của tỉnh"
        constraints = [models.UniqueConstraint(fields=["province", "year"], name="reports_provincereport_uniq")]

    def __str__(self) -> str:
        return f"Báo cáo tổng kết công tác thi đua, khen thưởng năm {self.year}"
