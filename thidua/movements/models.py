"""Emulation movements (phong trào thi đua) and the yearly registrations of member units."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from thidua.core.models import TenantModel, search_key_of
from thidua.rules.catalogue import AWARD_CODES, AWARD_NAMES
from thidua.rules.workflows import MOVEMENT_STATES, REGISTRATION_STATES

AWARD_CHOICES = [(code, AWARD_NAMES[code]) for code in AWARD_CODES]


class MovementKind(models.TextChoices):
    REGULAR = "REGULAR", "Thi đua thường xuyên"
    THEMATIC = "THEMATIC", "Thi đua theo chuyên đề"
    CAMPAIGN = "CAMPAIGN", "Thi đua theo đợt"


class MovementLevel(models.TextChoices):
    NATIONAL = "NATIONAL", "Toàn quốc (ghi nhận)"
    PROVINCE = "PROVINCE", "Cấp tỉnh"
    BLOC = "BLOC", "Khối, cụm thi đua"


class Movement(TenantModel):
    title = models.CharField("Tên phong trào", max_length=300)
    kind = models.CharField("Hình thức thi đua", max_length=10, choices=MovementKind.choices, default=MovementKind.REGULAR)
    level = models.CharField("Cấp phát động", max_length=10, choices=MovementLevel.choices, default=MovementLevel.PROVINCE)
    launched_by = models.CharField("Cơ quan, người phát động", max_length=200, blank=True)
    bloc = models.ForeignKey(
        "blocs.Bloc", verbose_name="Khối, cụm phát động", null=True, blank=True, on_delete=models.PROTECT, related_name="movements"
    )
    start_date = models.DateField("Ngày bắt đầu")
    end_date = models.DateField("Ngày kết thúc", null=True, blank=True)
    goals = models.TextField("Mục đích, yêu cầu, chỉ tiêu", blank=True)
    content = models.TextField("Nội dung, tiêu chí thi đua", blank=True)
    plan_number = models.CharField("Số, ký hiệu kế hoạch", max_length=80, blank=True)
    plan_date = models.DateField("Ngày kế hoạch", null=True, blank=True)
    plan_file = models.FileField("Tệp kế hoạch", upload_to="movements/%Y/", blank=True)
    plan_file_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    state = models.CharField("Trạng thái", max_length=20, choices=list(MOVEMENT_STATES.items()), default="PLANNED")
    search_key = models.CharField(max_length=600, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = "Phong trào thi đua"
        verbose_name_plural = "Phong trào thi đua"
        ordering = ["-start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")), name="movements_movement_dates_ordered"
            ),
            models.CheckConstraint(
                condition=(Q(level="BLOC") & Q(bloc__isnull=False)) | (~Q(level="BLOC") & Q(bloc__isnull=True)),
                name="movements_movement_bloc_level",
            ),
        ]

    derived_fields = ("search_key",)

    def __str__(self) -> str:
        return self.title

    def refresh_derived(self) -> None:
        self.search_key = search_key_of(self.title, self.plan_number, self.launched_by)

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    def period_label(self) -> str:
        if self.end_date and self.end_date.year != self.start_date.year:
            return f"giai đoạn {self.start_date.year}–{self.end_date.year}"
        return f"năm {self.start_date.year}"


class Registration(TenantModel):
    """One member unit's emulation registration for one block year."""

    bloc_year = models.ForeignKey("blocs.BlocYear", verbose_name="Năm thi đua của khối", on_delete=models.PROTECT, related_name="registrations")
    unit = models.ForeignKey("org.Unit", verbose_name="Đơn vị", on_delete=models.PROTECT, related_name="registrations")
    state = models.CharField("Trạng thái", max_length=10, choices=list(REGISTRATION_STATES.items()), default="DRAFT")
    targets = models.TextField("Chỉ tiêu, nội dung thi đua đăng ký", blank=True)
    return_reason = models.TextField("Lý do trả lại", blank=True)
    submitted_at = models.DateTimeField("Gửi lúc", null=True, blank=True)
    decided_at = models.DateTimeField("Duyệt/trả lại lúc", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "Đăng ký thi đua"
        verbose_name_plural = "Đăng ký thi đua"
        constraints = [models.UniqueConstraint(fields=["province", "bloc_year", "unit"], name="movements_registration_uniq")]

    def __str__(self) -> str:
        return f"Đăng ký thi đua năm {self.bloc_year.year} của {self.unit}"


class SubjectKind(models.TextChoices):
    COLLECTIVE = "collective", "Tập thể"
    INDIVIDUAL = "individual", "Cá nhân"


class RegistrationItem(TenantModel):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="items")
    subject_kind = models.CharField("Đối tượng", max_length=10, choices=SubjectKind.choices)
    person = models.ForeignKey("org.Person", verbose_name="Cá nhân", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    award = models.CharField("Danh hiệu, hình thức khen thưởng", max_length=12, choices=AWARD_CHOICES)
    note = models.CharField("Ghi chú", max_length=255, blank=True)

    class Meta:
        verbose_name = "Nội dung đăng ký"
        verbose_name_plural = "Nội dung đăng ký"
        constraints = [
            models.UniqueConstraint(
                fields=["province", "registration", "person", "award"], condition=Q(person__isnull=False), name="movements_item_person_award_uniq"
            ),
            models.UniqueConstraint(
                fields=["province", "registration", "award"], condition=Q(person__isnull=True), name="movements_item_collective_award_uniq"
            ),
            models.CheckConstraint(
                condition=(Q(subject_kind="individual") & Q(person__isnull=False)) | (Q(subject_kind="collective") & Q(person__isnull=True)),
                name="movements_item_subject_matches_person",
            ),
        ]

    def get_award_display(self) -> str:
        """The catalogue's name, also for manual entries and a province's own awards (issue #19)."""
        from thidua.awards.selectors import award_label

        return award_label(self.award, self.province_id)
