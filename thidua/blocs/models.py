"""Khối and cụm thi đua: blocks of units that compete all year, their yearly membership and the
head and deputy units of each year (domain-rules.md §6.1–§6.2)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q

from thidua.core.models import TenantModel, search_key_of


class BlocKind(models.TextChoices):
    KHOI = "KHOI", "Khối thi đua"
    CUM = "CUM", "Cụm thi đua"


class HeadSelection(models.TextChoices):
    ELECTION = "ELECTION", "Bầu tại hội nghị tổng kết"
    ROTATION = "ROTATION", "Luân phiên theo thứ tự của khối"


class Bloc(TenantModel):
    name = models.CharField("Tên khối, cụm", max_length=255)
    kind = models.CharField("Loại", max_length=4, choices=BlocKind.choices, default=BlocKind.KHOI)
    parent = models.ForeignKey(
        "self", verbose_name="Thuộc khối", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    founding_decision = models.CharField("Văn bản thành lập", max_length=120, blank=True)
    founding_date = models.DateField("Ngày văn bản thành lập", null=True, blank=True)
    founding_issuer = models.CharField("Cơ quan ban hành", max_length=200, blank=True)
    description = models.TextField("Ghi chú", blank=True)
    head_selection = models.CharField(
        "Cách chọn Trưởng khối", max_length=10, choices=HeadSelection.choices, default=HeadSelection.ELECTION
    )
    # The head's term starts on this day each year (1 January unless the block decides otherwise).
    term_start_month = models.PositiveSmallIntegerField("Tháng bắt đầu nhiệm kỳ Trưởng khối", default=1)
    term_start_day = models.PositiveSmallIntegerField("Ngày bắt đầu nhiệm kỳ Trưởng khối", default=1)
    # domain-rules.md §6.2 (UNCONFIRMED): a unit should not head the block two years running.
    no_consecutive_head = models.BooleanField("Không làm Trưởng khối hai năm liền", default=True)
    ended_on = models.DateField("Ngày giải thể", null=True, blank=True)
    search_key = models.CharField(max_length=300, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = "Khối, cụm thi đua"
        verbose_name_plural = "Khối, cụm thi đua"
        constraints = [
            models.UniqueConstraint(fields=["province", "name"], condition=Q(ended_on__isnull=True), name="blocs_bloc_active_name_uniq"),
        ]

    derived_fields = ("search_key",)

    def __str__(self) -> str:
        return self.name

    def refresh_derived(self) -> None:
        self.search_key = search_key_of(self.name)

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    def term_start(self, year: int) -> dt.date:
        return dt.date(year, self.term_start_month, self.term_start_day)


class BlocYear(TenantModel):
    bloc = models.ForeignKey(Bloc, verbose_name="Khối, cụm", on_delete=models.PROTECT, related_name="years")
    year = models.PositiveSmallIntegerField("Năm")
    head_unit = models.ForeignKey(
        "org.Unit", verbose_name="Đơn vị Trưởng khối", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deputy_unit = models.ForeignKey(
        "org.Unit", verbose_name="Đơn vị Phó Trưởng khối", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    head_selected_by = models.CharField("Cách chọn", max_length=10, choices=HeadSelection.choices, blank=True)
    head_decided_on = models.DateField("Ngày hội nghị bầu", null=True, blank=True)
    head_decision_note = models.CharField("Căn cứ (biên bản, kết luận hội nghị)", max_length=255, blank=True)
    note = models.TextField("Ghi chú", blank=True)

    class Meta:
        verbose_name = "Năm thi đua của khối"
        verbose_name_plural = "Năm thi đua của khối"
        ordering = ["bloc", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["province", "bloc", "year"], name="blocs_blocyear_uniq"),
            models.CheckConstraint(
                condition=Q(head_unit__isnull=True) | Q(deputy_unit__isnull=True) | ~Q(head_unit=models.F("deputy_unit")),
                name="blocs_blocyear_head_not_deputy",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bloc.name} năm {self.year}"

    def head_term(self) -> tuple[dt.date, dt.date]:
        """The head's term: from this year's start day to the day before next year's."""
        start = self.bloc.term_start(self.year)
        end = self.bloc.term_start(self.year + 1) - dt.timedelta(days=1)
        return start, end


class Membership(TenantModel):
    bloc_year = models.ForeignKey(BlocYear, verbose_name="Năm thi đua", on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey("org.Unit", verbose_name="Đơn vị", on_delete=models.PROTECT, related_name="bloc_memberships")
    # Copies of bloc_year's year and bloc kind so the database itself forbids a unit in two
    # blocks of the same kind in the same year.
    year = models.PositiveSmallIntegerField(editable=False)
    bloc_kind = models.CharField(max_length=4, choices=BlocKind.choices, editable=False)
    joined_on = models.DateField("Ngày tham gia", null=True, blank=True)
    left_on = models.DateField("Ngày rời khối", null=True, blank=True)
    reason = models.CharField("Lý do", max_length=255, blank=True)
    lineage_note = models.CharField("Ghi chú kế thừa", max_length=255, blank=True)

    class Meta:
        verbose_name = "Thành viên khối"
        verbose_name_plural = "Thành viên khối"
        constraints = [
            models.UniqueConstraint(fields=["province", "bloc_year", "unit"], name="blocs_membership_uniq"),
            models.UniqueConstraint(
                fields=["province", "unit", "year", "bloc_kind"],
                condition=Q(left_on__isnull=True),
                name="blocs_membership_one_bloc_per_kind_year",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(joined_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="blocs_membership_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.bloc_year}"

    @property
    def is_current(self) -> bool:
        return self.left_on is None


class RotationSlot(TenantModel):
    """The block's rotation order for the head role (luân phiên)."""

    bloc = models.ForeignKey(Bloc, on_delete=models.CASCADE, related_name="rotation")
    unit = models.ForeignKey("org.Unit", verbose_name="Đơn vị", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField("Thứ tự")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["province", "bloc", "position"], name="blocs_rotation_position_uniq"),
            models.UniqueConstraint(fields=["province", "bloc", "unit"], name="blocs_rotation_unit_uniq"),
        ]


class DeadlineKind(models.TextChoices):
    REGISTRATION = "REGISTRATION", "Đăng ký thi đua"
    COVENANT = "COVENANT", "Ký kết giao ước thi đua"
    INTERIM_REVIEW = "INTERIM_REVIEW", "Sơ kết 6 tháng"
    ANNUAL_REVIEW = "ANNUAL_REVIEW", "Tổng kết năm"
    PROPOSALS = "PROPOSALS", "Gửi hồ sơ đề nghị khen thưởng"


# Typical timing (domain-rules.md §6.3): registration and covenant in the first quarter, sơ kết in
# June–July, dossiers to the TĐKT body before 10/12 (Bắc Ninh QĐ 86/2025 Điều 6), tổng kết in
# December. A province can set its own defaults (DeadlineDefault); a block can move its dates.
DEFAULT_DEADLINES: dict[str, tuple[int, int]] = {
    DeadlineKind.REGISTRATION: (3, 31),
    DeadlineKind.COVENANT: (3, 31),
    DeadlineKind.INTERIM_REVIEW: (7, 15),
    DeadlineKind.PROPOSALS: (12, 10),
    DeadlineKind.ANNUAL_REVIEW: (12, 31),
}


class DeadlineDefault(TenantModel):
    kind = models.CharField("Việc", max_length=20, choices=DeadlineKind.choices)
    month = models.PositiveSmallIntegerField("Tháng")
    day = models.PositiveSmallIntegerField("Ngày")

    class Meta:
        verbose_name = "Hạn mặc định của tỉnh"
        verbose_name_plural = "Hạn mặc định của tỉnh"
        constraints = [models.UniqueConstraint(fields=["province", "kind"], name="blocs_deadlinedefault_uniq")]


class Deadline(TenantModel):
    bloc_year = models.ForeignKey(BlocYear, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField("Việc", max_length=20, choices=DeadlineKind.choices)
    due_on = models.DateField("Hạn")
    note = models.CharField("Ghi chú", max_length=255, blank=True)

    class Meta:
        verbose_name = "Hạn của năm thi đua"
        verbose_name_plural = "Hạn của năm thi đua"
        ordering = ["due_on"]
        constraints = [models.UniqueConstraint(fields=["province", "bloc_year", "kind"], name="blocs_deadline_uniq")]
