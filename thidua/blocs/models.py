"""Khối and cụm thi đua: blocks of units that compete all year, their yearly membership and the
head and deputy units of each year (domain-rules.md §6.1–§6.2)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
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


class CovenantState(models.TextChoices):
    DRAFT = "DRAFT", "Dự thảo"
    CONFIRMING = "CONFIRMING", "Đang lấy xác nhận của các đơn vị"
    SIGNED = "SIGNED", "Đã ký kết"


class Covenant(TenantModel):
    """The block's emulation covenant for a year (giao ước thi đua): shared commitments and each
    member's targets, confirmed by every member before it is signed at the block's meeting."""

    bloc_year = models.ForeignKey(BlocYear, verbose_name="Năm thi đua", on_delete=models.PROTECT, related_name="covenants")
    title = models.CharField("Tên giao ước", max_length=255)
    content = models.TextField("Nội dung giao ước chung", help_text="Mỗi dòng là một nội dung cam kết chung của các đơn vị.")
    place = models.CharField("Địa danh", max_length=100)
    signed_on = models.DateField("Ngày ký kết", null=True, blank=True)
    state = models.CharField("Tình trạng", max_length=12, choices=CovenantState.choices, default=CovenantState.DRAFT)

    class Meta:
        verbose_name = "Giao ước thi đua"
        verbose_name_plural = "Giao ước thi đua"
        constraints = [models.UniqueConstraint(fields=["province", "bloc_year"], name="blocs_covenant_one_per_year")]

    def __str__(self) -> str:
        return self.title


class CovenantCommitment(TenantModel):
    covenant = models.ForeignKey(Covenant, on_delete=models.CASCADE, related_name="commitments")
    unit = models.ForeignKey("org.Unit", verbose_name="Đơn vị", on_delete=models.PROTECT, related_name="+")
    targets = models.TextField("Chỉ tiêu, cam kết của đơn vị", blank=True)
    signer_name = models.CharField("Người ký", max_length=120, blank=True)
    signer_title = models.CharField("Chức vụ người ký", max_length=120, blank=True)
    confirmed_at = models.DateTimeField("Xác nhận lúc", null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "Cam kết của đơn vị"
        verbose_name_plural = "Cam kết của đơn vị"
        constraints = [models.UniqueConstraint(fields=["province", "covenant", "unit"], name="blocs_commitment_uniq")]


class MeetingKind(models.TextChoices):
    COVENANT_SIGNING = "COVENANT_SIGNING", "Hội nghị ký kết giao ước thi đua"
    INTERIM_REVIEW = "INTERIM_REVIEW", "Hội nghị sơ kết 6 tháng"
    ANNUAL_REVIEW = "ANNUAL_REVIEW", "Hội nghị tổng kết năm"
    DELIBERATION = "DELIBERATION", "Họp bình xét thi đua"
    OTHER = "OTHER", "Hội nghị khác"


class Meeting(TenantModel):
    """A conference of the block. A year's tổng kết may be held early the next year."""

    bloc_year = models.ForeignKey(BlocYear, verbose_name="Năm thi đua", on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField("Loại hội nghị", max_length=20, choices=MeetingKind.choices)
    held_on = models.DateField("Ngày họp")
    place = models.CharField("Địa điểm", max_length=255)
    chair = models.CharField("Chủ trì", max_length=255, blank=True)
    guests = models.TextField("Khách mời", blank=True, help_text="Mỗi dòng một khách mời (dự, không biểu quyết).")
    minutes = models.TextField("Biên bản, kết luận hội nghị", blank=True)
    attending_units = models.ManyToManyField("org.Unit", through="MeetingAttendance", related_name="+", blank=True)

    class Meta:
        verbose_name = "Hội nghị của khối"
        verbose_name_plural = "Hội nghị của khối"
        ordering = ["-held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ngày {self.held_on:%d/%m/%Y}"


class CheckInMethod(models.TextChoices):
    QR = "QR", "Quét mã QR trên màn hình hội nghị"
    SECRETARY = "SECRETARY", "Thư ký điểm danh"
    API = "API", "Điểm danh qua API"


class MeetingAttendance(TenantModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    representative = models.CharField("Người dự", max_length=255, blank=True)
    # Set when the unit checked in at the live conference (empty: recorded after the meeting).
    checked_in_at = models.DateTimeField("Điểm danh lúc", null=True, blank=True)
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    method = models.CharField("Cách điểm danh", max_length=10, choices=CheckInMethod.choices, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["province", "meeting", "unit"], name="blocs_attendance_uniq")]


class ReportKind(models.TextChoices):
    INTERIM = "INTERIM", "Sơ kết 6 tháng đầu năm"
    ANNUAL = "ANNUAL", "Tổng kết năm"


class BlocReport(TenantModel):
    """The report the block head sends up after a review. Narrative sections are written here;
    tables (members, movements, meetings, leadership) are filled from data when the DOCX is built."""

    bloc_year = models.ForeignKey(BlocYear, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField("Loại báo cáo", max_length=8, choices=ReportKind.choices)
    situation = models.TextField("I. Tình hình, đặc điểm", blank=True)
    results = models.TextField("II. Kết quả thực hiện các phong trào thi đua", blank=True)
    deliberation = models.TextField("III. Kết quả bình xét, xếp loại", blank=True)
    proposals = models.TextField("IV. Đề nghị khen thưởng", blank=True)
    directions = models.TextField("V. Phương hướng, nhiệm vụ thời gian tới", blank=True)

    class Meta:
        verbose_name = "Báo cáo sơ kết, tổng kết của khối"
        verbose_name_plural = "Báo cáo sơ kết, tổng kết của khối"
        constraints = [models.UniqueConstraint(fields=["province", "bloc_year", "kind"], name="blocs_report_uniq")]

    def __str__(self) -> str:
        return f"Báo cáo {self.get_kind_display().lower()} {self.bloc_year.year} — {self.bloc_year.bloc.name}"


# ---------------------------------------------------------------- the live conference (issue #18)


class AgendaKind(models.TextChoices):
    REPORT = "REPORT", "Báo cáo"
    DELIBERATION = "DELIBERATION", "Bình xét thi đua"
    POLL = "POLL", "Biểu quyết, bỏ phiếu"
    ELECTION = "ELECTION", "Bầu Trưởng khối, Phó Trưởng khối năm sau"
    COVENANT = "COVENANT", "Ký kết giao ước thi đua"
    AWARDING = "AWARDING", "Trao thưởng, trao cờ"
    FREE = "FREE", "Nội dung khác"


# Agenda kinds whose item acts on a vote of the meeting.
POLL_KINDS = (AgendaKind.DELIBERATION, AgendaKind.POLL, AgendaKind.ELECTION)


class AgendaState(models.TextChoices):
    WAITING = "WAITING", "Chưa tiến hành"
    LIVE = "LIVE", "Đang tiến hành"
    DONE = "DONE", "Đã xong"


class AgendaItem(TenantModel):
    """One item of a block meeting's agenda (chương trình hội nghị). At most one is live: the
    database refuses a second (constraint below)."""

    meeting = models.ForeignKey(Meeting, verbose_name="Hội nghị", on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField("Thứ tự")
    kind = models.CharField("Loại nội dung", max_length=14, choices=AgendaKind.choices)
    title = models.CharField("Nội dung", max_length=255)
    poll = models.ForeignKey("voting.Poll", verbose_name="Cuộc bỏ phiếu", null=True, blank=True, on_delete=models.PROTECT, related_name="agenda_items")
    covenant = models.ForeignKey(Covenant, verbose_name="Giao ước thi đua", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decision = models.ForeignKey(
        "proposals.Decision", verbose_name="Quyết định khen thưởng", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    conclusion = models.TextField("Kết luận của hội nghị", blank=True)
    state = models.CharField("Tình trạng", max_length=8, choices=AgendaState.choices, default=AgendaState.WAITING)
    started_at = models.DateTimeField("Bắt đầu lúc", null=True, blank=True)

    class Meta:
        verbose_name = "Nội dung chương trình hội nghị"
        verbose_name_plural = "Chương trình hội nghị"
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["province", "meeting", "position"], name="blocs_agenda_position_uniq"),
            models.UniqueConstraint(fields=["meeting"], condition=Q(state="LIVE"), name="blocs_agenda_one_live"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class CheckInTokenUse(models.Model):
    """A QR check-in token that has been used (single use). The tokens themselves are never
    stored: they are signed, dated strings (thidua/blocs/conference.py)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    province = models.ForeignKey("org.Province", on_delete=models.PROTECT, related_name="+")
    digest = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "Mã điểm danh đã dùng"
        verbose_name_plural = "Mã điểm danh đã dùng"


class ScreenLink(TenantModel):
    """A read-only link for the hall's projector. Only the SHA-256 of its secret is stored."""

    meeting = models.ForeignKey(Meeting, verbose_name="Hội nghị", on_delete=models.CASCADE, related_name="screen_links")
    label = models.CharField("Tên màn hình", max_length=100)
    prefix = models.CharField(max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField("Thu hồi lúc", null=True, blank=True)

    class Meta:
        verbose_name = "Đường dẫn màn hình hội nghị"
        verbose_name_plural = "Đường dẫn màn hình hội nghị"
        ordering = ["meeting", "created_at", "pk"]
