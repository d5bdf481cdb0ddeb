"""Điển hình tiên tiến (exemplary models, domain-rules.md §6.0): a collective or a person honoured
as an exemplar of a movement in a year, with their story, who recognised them (decision number,
date, issuer, level), evidence files, and where the model was replicated (nhân rộng) since.

ExemplaryModel{subject, movement, period, honours[]}: the subject is a unit (tập thể) or a person
(cá nhân, with the unit they belonged to when honoured), the movement is movements.Movement.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from thidua.core.models import TenantModel, search_key_of
from thidua.rules.catalogue import SCOPE_NAMES, SCOPES

LEVEL_CHOICES = [(code, SCOPE_NAMES[code][0].upper() + SCOPE_NAMES[code][1:]) for code in SCOPES]


class SubjectKind(models.TextChoices):
    COLLECTIVE = "COLLECTIVE", "Tập thể"
    INDIVIDUAL = "INDIVIDUAL", "Cá nhân"


class Exemplar(TenantModel):
    kind = models.CharField("Đối tượng", max_length=10, choices=SubjectKind.choices)
    unit = models.ForeignKey("org.Unit", verbose_name="Đơn vị", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("org.Person", verbose_name="Cá nhân", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    movement = models.ForeignKey(
        "movements.Movement", verbose_name="Phong trào thi đua", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("Năm")
    title = models.CharField("Điển hình về", max_length=300, help_text="Ví dụ: điển hình trong phong trào chuyển đổi số")
    story = models.TextField("Câu chuyện, thành tích điển hình")
    level = models.CharField("Cấp biểu dương", max_length=10, choices=LEVEL_CHOICES, default="PROVINCE")
    decision_number = models.CharField("Số quyết định", max_length=80, blank=True)
    decision_date = models.DateField("Ngày quyết định", null=True, blank=True)
    issuer = models.CharField("Cơ quan, người công nhận", max_length=200)
    note = models.CharField("Ghi chú", max_length=255, blank=True)
    search_key = models.CharField(max_length=600, editable=False, db_index=True, default="")

    derived_fields = ("search_key",)

    class Meta:
        verbose_name = "Điển hình tiên tiến"
        verbose_name_plural = "Điển hình tiên tiến"
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="INDIVIDUAL") & Q(person__isnull=False)) | (Q(kind="COLLECTIVE") & Q(person__isnull=True)),
                name="exemplars_subject_matches_kind",
            ),
        ]

    @property
    def subject_name(self) -> str:
        return self.person.full_name if self.person_id else self.unit.name

    def refresh_derived(self) -> None:
        self.search_key = search_key_of(
            self.person.full_name if self.person_id else "", self.unit.name if self.unit_id else "", self.title,
            self.decision_number, self.issuer,
        )[:600]

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.subject_name}: {self.title} ({self.year})"


class ExemplarEvidence(TenantModel):
    exemplar = models.ForeignKey(Exemplar, on_delete=models.CASCADE, related_name="evidence")
    description = models.CharField("Mô tả", max_length=255, blank=True)
    file = models.FileField("Tệp", upload_to="exemplars/", max_length=300)
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField("Tên tệp", max_length=255)
    size = models.PositiveIntegerField("Dung lượng", default=0)

    class Meta:
        verbose_name = "Tệp minh chứng điển hình"
        verbose_name_plural = "Tệp minh chứng điển hình"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Replication(TenantModel):
    """Nhân rộng: where the model was applied since (a unit in the registry, or a place in words)."""

    exemplar = models.ForeignKey(Exemplar, on_delete=models.CASCADE, related_name="replications")
    unit = models.ForeignKey("org.Unit", verbose_name="Đơn vị áp dụng", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    place = models.CharField("Nơi áp dụng (nếu không có trong danh mục)", max_length=255, blank=True)
    applied_on = models.DateField("Thời gian áp dụng")
    result = models.TextField("Kết quả")

    class Meta:
        verbose_name = "Nhân rộng điển hình"
        verbose_name_plural = "Nhân rộng điển hình"
        ordering = ["applied_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(unit__isnull=False) | ~Q(place=""), name="exemplars_replication_has_place"),
        ]

    @property
    def where(self) -> str:
        return self.unit.name if self.unit_id else self.place

    def __str__(self) -> str:
        return f"Nhân rộng tại {self.where} ({self.applied_on:%d/%m/%Y})"
