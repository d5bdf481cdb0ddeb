"""The award catalogue (danh mục danh hiệu thi đua, hình thức khen thưởng) and provincial rule overrides.

- AwardType: one title or form. National entries (``province`` null) mirror the law's catalogue
  of thidua/rules/catalogue.py (synced by thidua/awards/sync.py, first in a data migration); a
  province adds its own entries. Emulation titles and commendation forms are kept apart by
  ``kind``. ``has_rule`` says whether the eligibility engine evaluates the code; the others go
  through manual appraisal with ``manual_reason``.
- RegulationPack: a province's own TĐKT regulation (number, title, issue and effective dates, the
  article that spells out each award's standard). It binds that province only, from its date.
- RuleOverride: an entry of a pack: one parameter of the national rules the regulation sets (e.g.
  TTLĐTT's 70 % becomes 75 % from 01/01/2027), with the article that sets it. The what-if service
  reads packs with their entries through the pack source registered in apps.py
  (thidua/rules/packs.py is the shape the engine reads). Neither is ever deleted: ending one sets
  its last day, who ended it and why.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from thidua.core.models import TenantModel, TimestampedModel, search_key_of
from thidua.rules.catalogue import FORM, KIND_NAMES, LEVEL_NAMES, TITLE
from thidua.rules.registry import FAMILIES


class AwardKind(models.TextChoices):
    DANH_HIEU = TITLE, KIND_NAMES[TITLE]
    HINH_THUC = FORM, KIND_NAMES[FORM]


class AwardLevel(models.TextChoices):
    STATE = "STATE", LEVEL_NAMES["STATE"]
    GOVERNMENT = "GOVERNMENT", LEVEL_NAMES["GOVERNMENT"]
    PROVINCE = "PROVINCE", LEVEL_NAMES["PROVINCE"]
    BASE = "BASE", LEVEL_NAMES["BASE"]


class AwardType(TimestampedModel):
    province = models.ForeignKey(
        "org.Province", verbose_name="Tỉnh/thành phố ban hành", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text="Để trống với danh mục theo Luật (toàn quốc)",
    )
    code = models.CharField("Mã", max_length=30)
    name = models.CharField("Tên", max_length=200)
    kind = models.CharField("Loại", max_length=10, choices=AwardKind.choices)
    subjects = models.JSONField("Đối tượng", default=list)
    level = models.CharField("Cấp khen thưởng", max_length=12, choices=AwardLevel.choices)
    authority = models.CharField("Thẩm quyền quyết định", max_length=300, blank=True)
    categories = models.JSONField("Loại hình khen thưởng", default=list)
    citation = models.CharField("Căn cứ", max_length=500, blank=True)
    evidence = models.CharField("Mức xác minh nguồn", max_length=12, blank=True)
    effective_from = models.DateField("Áp dụng từ", null=True, blank=True)
    effective_to = models.DateField("Áp dụng đến", null=True, blank=True)
    has_rule = models.BooleanField("Có quy tắc xét tự động", default=False)
    manual_reason = models.TextField("Lý do thẩm định thủ công", blank=True)
    # An award of another issuer (Hội Nhà báo Việt Nam, Công an tỉnh, a press prize…) or an ad hoc,
    # sector award is usually no basis for a higher award (domain-rules §3; NĐ 152/2025 Điều 4 khoản 3).
    counts_as_basis = models.BooleanField(
        "Được tính làm thành tích để xét khen thưởng cao hơn", default=False,
        help_text="Thường không: khen thưởng đột xuất, theo chuyên đề, của ngành, đoàn thể không là căn cứ xét khen thưởng cao hơn.",
    )
    note = models.TextField("Ghi chú", blank=True)
    search_key = models.CharField(max_length=600, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = "Danh hiệu, hình thức khen thưởng"
        verbose_name_plural = "Danh mục danh hiệu, hình thức khen thưởng"
        ordering = ["kind", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=Q(province__isnull=True), name="awards_awardtype_national_code_uniq"),
            models.UniqueConstraint(
                fields=["province", "code"], condition=Q(province__isnull=False), name="awards_awardtype_province_code_uniq"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_from__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="awards_awardtype_dates_ordered",
            ),
        ]

    derived_fields = ("search_key",)

    def __str__(self) -> str:
        return self.name

    def refresh_derived(self) -> None:
        self.search_key = search_key_of(self.name, self.code, self.authority)

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    @property
    def is_national(self) -> bool:
        return self.province_id is None


class RuleFamily(models.TextChoices):
    ELIGIBILITY = "eligibility", FAMILIES["eligibility"]
    VOTING = "voting", FAMILIES["voting"]


class RegulationPack(TenantModel):
    number = models.CharField("Số, ký hiệu văn bản", max_length=300, help_text="Ví dụ 86/2025/QĐ-UBND")
    title = models.CharField("Trích yếu", max_length=300)
    issued_on = models.DateField("Ngày ban hành", null=True, blank=True)
    effective_from = models.DateField("Có hiệu lực từ ngày")
    effective_to = models.DateField("Hết hiệu lực sau ngày", null=True, blank=True)
    citations = models.JSONField("Điều, khoản quy định tiêu chuẩn từng danh hiệu, hình thức", default=dict, blank=True)
    note = models.TextField("Ghi chú", blank=True)
    source_key = models.CharField("Văn bản có sẵn trong hệ thống", max_length=60, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ended_at = models.DateTimeField("Kết thúc lúc", null=True, blank=True)
    end_reason = models.TextField("Lý do kết thúc", blank=True)

    class Meta:
        verbose_name = "Quy định thi đua, khen thưởng của tỉnh"
        verbose_name_plural = "Quy định thi đua, khen thưởng của tỉnh"
        ordering = ["-effective_from", "pk"]

    def __str__(self) -> str:
        return f"{self.number} — {self.province}"

    @property
    def province_label(self) -> str:
        """How a citation names the province: "tỉnh Bắc Ninh", "thành phố Hà Nội"."""
        text = str(self.province)
        return text[:1].lower() + text[1:]

    @property
    def withdrawn(self) -> bool:
        return self.effective_to is not None and self.effective_to < self.effective_from


class RuleOverride(TenantModel):
    pack = models.ForeignKey(
        RegulationPack, verbose_name="Văn bản của tỉnh", on_delete=models.PROTECT, related_name="entries"
    )
    family = models.CharField("Nhóm quy định", max_length=12, choices=RuleFamily.choices, default=RuleFamily.ELIGIBILITY)
    rule = models.CharField("Áp dụng cho", max_length=30, help_text="Mã danh hiệu, hình thức; * là mọi danh hiệu, hình thức")
    param = models.CharField("Tham số", max_length=60)
    value = models.CharField("Giá trị áp dụng", max_length=30)
    effective_from = models.DateField("Áp dụng từ ngày")
    effective_to = models.DateField("Áp dụng đến hết ngày", null=True, blank=True)
    citation = models.CharField("Điều, khoản của văn bản", max_length=300, blank=True)
    reason = models.TextField("Lý do", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ended_at = models.DateTimeField("Kết thúc lúc", null=True, blank=True)
    end_reason = models.TextField("Lý do kết thúc", blank=True)

    class Meta:
        verbose_name = "Tham số do quy định của tỉnh đặt"
        verbose_name_plural = "Tham số do quy định của tỉnh đặt"
        ordering = ["family", "rule", "param", "-effective_from", "pk"]
        indexes = [models.Index(fields=["province", "family"], name="awards_override_prov_family")]

    def __str__(self) -> str:
        from thidua.rules import registry

        return f"{registry._rule_name(self.rule)}: {registry.param_label(self.rule, self.param)} = {self.value} ({self.province})"

    @property
    def withdrawn(self) -> bool:
        """Ended before it ever applied (its last day is before its first)."""
        return self.effective_to is not None and self.effective_to < self.effective_from
