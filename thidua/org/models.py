"""The organisation registry: provinces (the tenant), units, departments, people, lineage.

A record keeps the province it belonged to at its date: after the 2025 mergers Bắc Kạn's
units still say Bắc Kạn, and the province row points to its successor (`merged_into`).
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q

from thidua.core.models import TenantModel, TimestampedModel, search_key_of
from thidua.rules.text import given_name


class Province(TimestampedModel):
    code = models.CharField("Mã tỉnh", max_length=8, help_text="Mã đơn vị hành chính chính thức")
    name = models.CharField("Tên tỉnh/thành phố", max_length=120)
    is_city = models.BooleanField("Thành phố trực thuộc trung ương", default=False)
    valid_from = models.DateField("Hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("Hiệu lực đến", null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name="Hợp nhất vào",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    merge_decision = models.CharField("Văn bản sắp xếp", max_length=200, blank=True)
    # Per-province settings.
    tdkt_body_name = models.CharField(
        "Tên cơ quan thường trực TĐKT", max_length=200, default="Ban Thi đua - Khen thưởng"
    )
    # Whether a unit must have registered a title (đăng ký thi đua) before it can be proposed for it.
    # Practice in most provinces; a provincial choice, not a national rule.
    registration_required_for_proposal = models.BooleanField(
        "Phải đăng ký thi đua trước khi đề nghị danh hiệu", default=True
    )
    search_key = models.CharField(max_length=200, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = "Tỉnh/thành phố"
        verbose_name_plural = "Tỉnh/thành phố"
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="org_province_code_valid_from_uniq"),
        ]

    def __str__(self) -> str:
        prefix = "Thành phố" if self.is_city else "Tỉnh"
        return f"{prefix} {self.name}"

    derived_fields = ("search_key",)

    def refresh_derived(self) -> None:
        self.search_key = search_key_of(self.name)

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    def is_current(self, on: dt.date | None = None) -> bool:
        on = on or dt.date.today()
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on <= self.valid_to)

    def lineage_ids(self) -> set[int]:
        """This province and every province merged into it, transitively."""
        ids = {self.pk}
        frontier = [self.pk]
        while frontier:
            children = list(Province.objects.filter(merged_into_id__in=frontier).values_list("pk", flat=True))
            frontier = [c for c in children if c not in ids]
            ids.update(frontier)
        return ids


class UnitKind(models.TextChoices):
    PARTY = "PARTY", "Cơ quan Đảng"
    STATE = "STATE", "Cơ quan nhà nước"
    FRONT = "FRONT", "Mặt trận Tổ quốc, tổ chức chính trị - xã hội"
    PUBLIC_SERVICE = "PUBLIC_SERVICE", "Đơn vị sự nghiệp công lập"
    ENTERPRISE = "ENTERPRISE", "Doanh nghiệp"
    LOCAL = "LOCAL", "Chính quyền cấp xã"
    OTHER = "OTHER", "Khác"


class DocFormat(models.TextChoices):
    ND30 = "ND30", "Nghị định 30/2020/NĐ-CP (văn bản hành chính)"
    HD36 = "HD36", "Hướng dẫn 36-HD/VPTW (văn bản của Đảng)"


class Unit(TenantModel):
    name = models.CharField("Tên đơn vị", max_length=255)
    short_name = models.CharField("Tên viết tắt", max_length=60, blank=True)
    kind = models.CharField("Loại đơn vị", max_length=20, choices=UnitKind.choices, default=UnitKind.STATE)
    doc_format = models.CharField(
        "Thể thức văn bản",
        max_length=8,
        choices=DocFormat.choices,
        default=DocFormat.ND30,
        help_text="Do đơn vị ban hành quyết định; mặc định theo loại đơn vị",
    )
    superior_name = models.CharField(
        "Cơ quan cấp trên (dòng đầu tiêu đề văn bản)", max_length=255, blank=True
    )
    parent = models.ForeignKey(
        "self", verbose_name="Đơn vị cấp trên", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    address = models.CharField("Địa chỉ", max_length=255, blank=True)
    established_on = models.DateField("Ngày thành lập", null=True, blank=True)
    ended_on = models.DateField("Ngày chấm dứt hoạt động", null=True, blank=True)
    search_key = models.CharField(max_length=600, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = "Đơn vị"
        verbose_name_plural = "Đơn vị"
        constraints = [
            # Two active units of a province may not share a name (imports rely on it).
            models.UniqueConstraint(
                fields=["province", "name"], condition=Q(ended_on__isnull=True), name="org_unit_active_name_uniq"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(established_on__isnull=True) | Q(ended_on__gte=models.F("established_on")),
                name="org_unit_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    derived_fields = ("search_key",)

    def refresh_derived(self) -> None:
        self.search_key = search_key_of(self.name, self.short_name)

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.ended_on is None or self.ended_on >= dt.date.today()

    @staticmethod
    def default_doc_format(kind: str) -> str:
        return DocFormat.HD36 if kind == UnitKind.PARTY else DocFormat.ND30


class Department(TenantModel):
    unit = models.ForeignKey(Unit, verbose_name="Đơn vị", on_delete=models.PROTECT, related_name="departments")
    name = models.CharField("Tên phòng, ban", max_length=255)
    search_key = models.CharField(max_length=300, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = "Phòng, ban"
        verbose_name_plural = "Phòng, ban"
        constraints = [
            models.UniqueConstraint(fields=["province", "unit", "name"], name="org_department_unit_name_uniq"),
        ]

    def __str__(self) -> str:
        return self.name

    derived_fields = ("search_key",)

    def refresh_derived(self) -> None:
        self.search_key = search_key_of(self.name)

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)


class Gender(models.TextChoices):
    MALE = "NAM", "Nam"
    FEMALE = "NU", "Nữ"


class Person(TenantModel):
    full_name = models.CharField("Họ và tên", max_length=120)
    given_name = models.CharField("Tên", max_length=40, editable=False, default="")
    gender = models.CharField("Giới tính", max_length=4, choices=Gender.choices)
    birth_date = models.DateField("Ngày sinh", null=True, blank=True)
    ethnicity = models.CharField("Dân tộc", max_length=40, default="Kinh")
    staff_code = models.CharField("Mã cán bộ", max_length=40, blank=True)
    unit = models.ForeignKey(Unit, verbose_name="Đơn vị", on_delete=models.PROTECT, related_name="people")
    department = models.ForeignKey(
        Department, verbose_name="Phòng, ban", null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    position_title = models.CharField("Chức vụ", max_length=120, blank=True)
    is_leader = models.BooleanField("Lãnh đạo, quản lý", default=False, help_text="Bỏ chọn nếu là người trực tiếp làm việc")
    is_party_member = models.BooleanField("Đảng viên", default=False)
    search_key = models.CharField(max_length=300, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = "Cá nhân"
        verbose_name_plural = "Cá nhân"
        constraints = [
            models.UniqueConstraint(
                fields=["province", "staff_code"], condition=~Q(staff_code=""), name="org_person_staff_code_uniq"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    derived_fields = ("search_key", "given_name")

    def refresh_derived(self) -> None:
        self.given_name = given_name(self.full_name)
        self.search_key = search_key_of(self.full_name, self.staff_code)

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)


class Position(TenantModel):
    """A person's post over time; the person's current post is copied onto Person."""

    person = models.ForeignKey(Person, verbose_name="Cá nhân", on_delete=models.CASCADE, related_name="positions")
    unit = models.ForeignKey(Unit, verbose_name="Đơn vị", on_delete=models.PROTECT, related_name="positions")
    department = models.ForeignKey(Department, verbose_name="Phòng, ban", null=True, blank=True, on_delete=models.PROTECT)
    title = models.CharField("Chức vụ", max_length=120, blank=True)
    is_leader = models.BooleanField("Lãnh đạo, quản lý", default=False)
    start_date = models.DateField("Từ ngày", null=True, blank=True)
    end_date = models.DateField("Đến ngày", null=True, blank=True)

    class Meta:
        verbose_name = "Quá trình công tác"
        verbose_name_plural = "Quá trình công tác"
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="org_position_dates_ordered",
            ),
        ]


class LineageKind(models.TextChoices):
    MERGE = "MERGE", "Hợp nhất, sáp nhập"
    SPLIT = "SPLIT", "Chia tách"
    RENAME = "RENAME", "Đổi tên"
    DISSOLVE = "DISSOLVE", "Giải thể"
    TRANSFER = "TRANSFER", "Điều động, chuyển công tác"


class LineageEvent(TenantModel):
    kind = models.CharField("Loại sự kiện", max_length=10, choices=LineageKind.choices)
    effective_on = models.DateField("Ngày hiệu lực")
    decision_number = models.CharField("Số, ký hiệu văn bản", max_length=80, blank=True)
    decision_date = models.DateField("Ngày văn bản", null=True, blank=True)
    decision_issuer = models.CharField("Cơ quan ban hành", max_length=200, blank=True)
    old_name = models.CharField("Tên cũ", max_length=255, blank=True)
    new_name = models.CharField("Tên mới", max_length=255, blank=True)
    person = models.ForeignKey(
        Person, verbose_name="Cá nhân", null=True, blank=True, on_delete=models.PROTECT, related_name="transfers"
    )
    note = models.TextField("Ghi chú", blank=True)

    class Meta:
        verbose_name = "Sự kiện sắp xếp tổ chức"
        verbose_name_plural = "Sự kiện sắp xếp tổ chức"
        ordering = ["-effective_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ngày {self.effective_on:%d/%m/%Y}"


class LineageRole(models.TextChoices):
    FROM = "FROM", "Đơn vị trước"
    TO = "TO", "Đơn vị sau"


class LineageLink(TenantModel):
    event = models.ForeignKey(LineageEvent, on_delete=models.CASCADE, related_name="links")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="lineage_links")
    role = models.CharField(max_length=4, choices=LineageRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["province", "event", "unit", "role"], name="org_lineagelink_uniq"),
        ]
