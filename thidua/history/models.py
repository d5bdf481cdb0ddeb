"""Hồ sơ thành tích: task ratings, awards received, initiatives, discipline, pending investigations.

A record hangs on its subject: a person (org.Person) or a collective (org.Unit), never both —
two nullable foreign keys with a check constraint, the same way in every table that can hold
either. A person's history follows the person across transfers (it is not stored on the unit);
a unit's history is its own, and its predecessors' history counts only when the province turns
on the merger-inheritance policy (domain-rules §4.13, UNCONFIRMED, default off).

Revoking an award keeps the record (revoked, reason, date): LAW22 Chapter VII.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from thidua.core.models import TenantModel
from thidua.rules.catalogue import (
    AWARD_CODES,
    AWARD_NAMES,
    DISCIPLINE_NAMES,
    DISCIPLINES,
    RATING_NAMES,
    RATINGS,
    SCOPE_NAMES,
    SCOPES,
)

RATING_CHOICES = [(code, RATING_NAMES[code][0].upper() + RATING_NAMES[code][1:]) for code in reversed(RATINGS)]
AWARD_CHOICES = [(code, AWARD_NAMES[code]) for code in AWARD_CODES]
DISCIPLINE_CHOICES = [(code, DISCIPLINE_NAMES[code][0].upper() + DISCIPLINE_NAMES[code][1:]) for code in DISCIPLINES]
SCOPE_CHOICES = [(code, SCOPE_NAMES[code][0].upper() + SCOPE_NAMES[code][1:]) for code in SCOPES]


class AwardKind(models.TextChoices):
    """Loại hình khen thưởng (Luật Điều 8); ad hoc and thematic ones are no basis for a higher award."""

    MERIT = "MERIT", "Theo công trạng và thành tích đạt được"
    AD_HOC = "AD_HOC", "Đột xuất"
    MOVEMENT = "MOVEMENT", "Theo đợt, chuyên đề"
    CONTRIBUTION = "CONTRIBUTION", "Quá trình cống hiến"
    SENIORITY = "SENIORITY", "Niên hạn"
    FOREIGN = "FOREIGN", "Đối ngoại"


class AwardSource(models.TextChoices):
    DECISION = "DECISION", "Quyết định khen thưởng trong hệ thống"
    EXTERNAL = "EXTERNAL", "Quyết định của cấp trên (ngoài hệ thống)"
    IMPORTED = "IMPORTED", "Nhập từ tệp Excel"
    MANUAL = "MANUAL", "Cập nhật trực tiếp"


class DecisionLevel(models.TextChoices):
    STATE = "STATE", "Chủ tịch nước, Thủ tướng Chính phủ"
    PROVINCE = "PROVINCE", "Bộ, ban, ngành, tỉnh"
    BASE = "BASE", "Cơ sở (thủ trưởng đơn vị, Chủ tịch UBND cấp xã)"


class WorkKind(models.TextChoices):
    INITIATIVE = "INITIATIVE", "Sáng kiến"
    PROJECT = "PROJECT", "Đề tài, đề án khoa học"


def _subject_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=(Q(person__isnull=False) & Q(unit__isnull=True)) | (Q(person__isnull=True) & Q(unit__isnull=False)),
        name=name,
    )


class SubjectRecord(TenantModel):
    """A record about a person or a unit (exactly one of the two)."""

    person = models.ForeignKey(
        "org.Person", verbose_name="Cá nhân", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name="Tập thể", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def subject(self):
        return self.person if self.person_id else self.unit

    @property
    def subject_name(self) -> str:
        subject = self.subject
        return subject.full_name if self.person_id else subject.name


class TaskRating(SubjectRecord):
    """Mức độ hoàn thành nhiệm vụ of a year; for a person, `rated_in_unit` is the unit that rated them."""

    year = models.PositiveSmallIntegerField("Năm")
    rating = models.CharField("Mức độ hoàn thành nhiệm vụ", max_length=10, choices=RATING_CHOICES)
    rated_in_unit = models.ForeignKey(
        "org.Unit", verbose_name="Đơn vị đánh giá", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("Ghi chú", max_length=255, blank=True)

    class Meta:
        verbose_name = "Kết quả đánh giá, xếp loại"
        verbose_name_plural = "Kết quả đánh giá, xếp loại"
        constraints = [
            _subject_constraint("history_taskrating_one_subject"),
            models.UniqueConstraint(fields=["person", "year"], condition=Q(person__isnull=False), name="history_taskrating_person_year"),
            models.UniqueConstraint(fields=["unit", "year"], condition=Q(unit__isnull=False), name="history_taskrating_unit_year"),
        ]
        indexes = [
            models.Index(fields=["rated_in_unit", "year"], name="history_rating_unit_year"),
            # The batch reads one year for everybody.
            models.Index(fields=["year", "person"], name="history_rating_year_person"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name}: {self.get_rating_display()} năm {self.year}"


class AwardRecord(SubjectRecord):
    award_code = models.CharField("Danh hiệu, hình thức khen thưởng", max_length=20, choices=AWARD_CHOICES)
    award_kind = models.CharField("Loại hình khen thưởng", max_length=14, choices=AwardKind.choices, default=AwardKind.MERIT)
    year = models.PositiveSmallIntegerField("Năm thành tích")
    decision_number = models.CharField("Số quyết định", max_length=80, blank=True)
    decision_date = models.DateField("Ngày quyết định", null=True, blank=True)
    decision_issuer = models.CharField("Cơ quan, người quyết định", max_length=200, blank=True)
    decision_level = models.CharField("Cấp quyết định", max_length=10, choices=DecisionLevel.choices, blank=True)
    source = models.CharField("Nguồn", max_length=10, choices=AwardSource.choices, default=AwardSource.MANUAL)
    # The proposals app's Decision, by its uid (filled when the award comes from a decision issued here).
    decision_uid = models.UUIDField("Mã quyết định trong hệ thống", null=True, blank=True, db_index=True)
    # For a person: the unit they belonged to when the award was given (member counts of that unit).
    rated_in_unit = models.ForeignKey(
        "org.Unit", verbose_name="Đơn vị khi được khen", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked = models.BooleanField("Đã hủy bỏ", default=False)
    revoked_reason = models.CharField("Lý do hủy bỏ", max_length=500, blank=True)
    revoked_on = models.DateField("Ngày hủy bỏ", null=True, blank=True)
    note = models.CharField("Ghi chú", max_length=255, blank=True)

    class Meta:
        verbose_name = "Khen thưởng đã nhận"
        verbose_name_plural = "Khen thưởng đã nhận"
        constraints = [_subject_constraint("history_awardrecord_one_subject")]
        indexes = [
            models.Index(fields=["person", "year"], name="history_award_person_year"),
            models.Index(fields=["unit", "year"], name="history_award_unit_year"),
            models.Index(fields=["rated_in_unit", "year"], name="history_award_runit_year"),
            models.Index(fields=["year", "person"], name="history_award_year_person"),
        ]

    def __str__(self) -> str:
        return f"{self.get_award_code_display()} năm {self.year} — {self.subject_name}"

    def get_award_code_display(self) -> str:
        """The catalogue's name, also for manual entries and a province's own awards (issue #19)."""
        from thidua.awards.selectors import award_label

        return award_label(self.award_code, self.province_id)

    @property
    def decision_text(self) -> str:
        parts = [self.decision_number] if self.decision_number else []
        if self.decision_date:
            parts.append(f"ngày {self.decision_date:%d/%m/%Y}")
        if self.decision_issuer:
            parts.append(f"của {self.decision_issuer}")
        return " ".join(parts)


class Initiative(TenantModel):
    """A recognised initiative (sáng kiến) or accepted science project; used once as a criterion."""

    person = models.ForeignKey("org.Person", verbose_name="Cá nhân", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("Loại", max_length=10, choices=WorkKind.choices, default=WorkKind.INITIATIVE)
    year = models.PositiveSmallIntegerField("Năm công nhận")
    title = models.CharField("Tên sáng kiến, đề tài", max_length=500)
    recognised_by = models.CharField("Cơ quan công nhận", max_length=200, blank=True)
    recognised_on = models.DateField("Ngày công nhận", null=True, blank=True)
    scope = models.CharField("Phạm vi ảnh hưởng", max_length=10, choices=SCOPE_CHOICES, default="BASE")
    recognised = models.BooleanField("Đã được công nhận, nghiệm thu", default=True)
    used_for_award = models.ForeignKey(
        AwardRecord, verbose_name="Đã dùng để xét", null=True, blank=True, on_delete=models.SET_NULL, related_name="initiatives"
    )
    # The registry (sổ sáng kiến, thidua/initiatives): the same row, with its text, unit and owners
    # (initiatives.InitiativeOwner; `person` is the first author, the one the history hangs on).
    unit = models.ForeignKey("org.Unit", verbose_name="Đơn vị", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    content = models.TextField("Nội dung", blank=True)
    sector = models.CharField("Lĩnh vực", max_length=200, blank=True)
    benefits = models.TextField("Hiệu quả, lợi ích", blank=True)
    applied_at = models.TextField("Nơi đã áp dụng", blank=True)
    decision_number = models.CharField("Số quyết định công nhận", max_length=80, blank=True)
    search_key = models.CharField(max_length=600, editable=False, db_index=True, default="")
    # Copy detection (thidua.rules.similarity): the text's shingle hashes, and the closest stored
    # initiative at the last save; recognising a likely copy needs a written reason.
    shingles = models.JSONField(default=list, editable=False)
    copy_of = models.ForeignKey("self", verbose_name="Gần giống với", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    copy_score = models.FloatField("Mức giống", null=True, blank=True)
    likely_copy = models.BooleanField("Nghi trùng lặp", default=False)
    copy_reason = models.TextField("Lý do công nhận dù nghi trùng lặp", blank=True)

    derived_fields = ("search_key",)

    class Meta:
        verbose_name = "Sáng kiến, đề tài"
        verbose_name_plural = "Sáng kiến, đề tài"
        # One initiative, one use (CV 5007/BNV-TĐKT Mục III.5(c)): one award per initiative.

    def refresh_derived(self) -> None:
        from thidua.core.models import search_key_of

        self.search_key = search_key_of(self.title, self.sector)[:600]

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.title


class DisciplinePeriod(TenantModel):
    person = models.ForeignKey("org.Person", verbose_name="Cá nhân", on_delete=models.PROTECT, related_name="+")
    form = models.CharField("Hình thức kỷ luật", max_length=16, choices=DISCIPLINE_CHOICES)
    start_date = models.DateField("Từ ngày")
    end_date = models.DateField("Đến ngày", null=True, blank=True)
    decision_number = models.CharField("Số quyết định", max_length=80, blank=True)
    note = models.CharField("Ghi chú", max_length=255, blank=True)

    class Meta:
        verbose_name = "Thời hạn kỷ luật"
        verbose_name_plural = "Thời hạn kỷ luật"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")), name="history_discipline_dates"
            )
        ]

    def __str__(self) -> str:
        return f"Kỷ luật {self.get_form_display().lower()} từ {self.start_date:%d/%m/%Y}"


class PendingInvestigation(TenantModel):
    """Discipline being considered, an investigation, inspection or complaint still open: HOLD, not refuse."""

    person = models.ForeignKey("org.Person", verbose_name="Cá nhân", on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField("Từ ngày")
    closed_on = models.DateField("Ngày có kết luận", null=True, blank=True)
    note = models.CharField("Nội dung", max_length=255, blank=True)

    class Meta:
        verbose_name = "Đang xem xét, điều tra"
        verbose_name_plural = "Đang xem xét, điều tra"
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")), name="history_pending_dates"
            )
        ]

    def __str__(self) -> str:
        return f"Đang xem xét từ {self.opened_on:%d/%m/%Y}"


class HistoryPolicy(TenantModel):
    """Province policy for history: does a collective's streak pass to the unit it merged into?

    UNCONFIRMED in law (domain-rules §4.13): default off; a province turns it on with its basis.
    """

    inherit_across_merger = models.BooleanField("Tính thành tích của đơn vị trước sắp xếp cho đơn vị mới", default=False)
    basis = models.CharField("Căn cứ", max_length=255, blank=True)

    class Meta:
        verbose_name = "Chính sách hồ sơ thành tích"
        verbose_name_plural = "Chính sách hồ sơ thành tích"
        constraints = [models.UniqueConstraint(fields=["province"], name="history_policy_one_per_province")]

    def __str__(self) -> str:
        return "Chính sách hồ sơ thành tích"
