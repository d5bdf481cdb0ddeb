"""Chấm điểm thi đua: the block's criteria table (bảng tiêu chí), one round per block year, a
score sheet per member unit, its scores at three levels (tự chấm, chấm chéo, thẩm định), the
evidence, the history of every change after submission and the ranking published at a meeting.

The maths (totals, caps, ranking, bands) lives in thidua.rules.scoring; these tables only hold
what people entered and decided.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from thidua.core.models import TenantModel


class SetState(models.TextChoices):
    DRAFT = "DRAFT", "Đang soạn"
    # A set used by a round is frozen: editing it makes a new version (do_copy_criteria_set).
    IN_USE = "IN_USE", "Đang sử dụng (không sửa được)"


class CriterionKind(models.TextChoices):
    GROUP = "GROUP", "Nhóm tiêu chí"
    SCORE = "SCORE", "Tiêu chí chấm điểm"
    BONUS = "BONUS", "Điểm thưởng"
    DEDUCTION = "DEDUCTION", "Điểm trừ"


class RoundState(models.TextChoices):
    OPEN = "OPEN", "Đang chấm điểm"
    PUBLISHED = "PUBLISHED", "Đã công bố kết quả"


class SheetState(models.TextChoices):
    # Same codes and labels as thidua.rules.scoring.SHEET_STATES (the transition table).
    DRAFT = "DRAFT", "Đang tự chấm"
    SUBMITTED = "SUBMITTED", "Đã gửi, chờ chấm chéo"
    CROSS_CHECKED = "CROSS_CHECKED", "Đã chấm chéo"
    APPRAISED = "APPRAISED", "Đã thẩm định"
    PUBLISHED = "PUBLISHED", "Đã công bố"


class ScoreLevel(models.TextChoices):
    SELF = "SELF", "Tự chấm"
    CROSS = "CROSS", "Chấm chéo"
    PANEL = "PANEL", "Thẩm định"


class LeaderConfirmation(models.TextChoices):
    ACCLAMATION = "ACCLAMATION", "Suy tôn tại hội nghị của khối"
    MEETING_RECORD = "MEETING_RECORD", "Theo biên bản hội nghị của khối"


POINTS = {"max_digits": 8, "decimal_places": 2}


class CriteriaSet(TenantModel):
    """A versioned criteria table: of a block for a year, or a province template (bloc empty)."""

    bloc = models.ForeignKey(
        "blocs.Bloc", verbose_name="Khối, cụm", null=True, blank=True, on_delete=models.PROTECT, related_name="criteria_sets",
        help_text="Để trống: bảng tiêu chí mẫu của tỉnh",
    )
    year = models.PositiveSmallIntegerField("Năm")
    name = models.CharField("Tên bảng tiêu chí", max_length=255)
    version_no = models.PositiveSmallIntegerField("Phiên bản số", default=1)
    based_on = models.ForeignKey(
        "self", verbose_name="Sao chép từ", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    state = models.CharField("Tình trạng", max_length=8, choices=SetState.choices, default=SetState.DRAFT)
    # [{"code": "XUAT_SAC", "label": "Xuất sắc", "min_total": "95"}, …]; empty = the core's DEFAULT_BANDS.
    bands = models.JSONField("Mức xếp loại", default=list, blank=True)
    # Codes of thidua.rules.scoring.TIE_BREAKERS, in order.
    tie_breakers = models.JSONField("Tiêu chí phụ khi bằng điểm", default=list, blank=True)
    results_visible_before_publish = models.BooleanField(
        "Các đơn vị xem được điểm của nhau trước khi công bố", default=False
    )
    note = models.TextField("Ghi chú", blank=True)

    class Meta:
        verbose_name = "Bảng tiêu chí chấm điểm"
        verbose_name_plural = "Bảng tiêu chí chấm điểm"
        ordering = ["-year", "name", "-version_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "bloc", "year", "version_no"], name="scoring_set_version_uniq"
            ),
            models.UniqueConstraint(
                fields=["province", "year", "version_no", "name"], condition=Q(bloc__isnull=True),
                name="scoring_template_version_uniq",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (năm {self.year}, phiên bản {self.version_no})"

    @property
    def is_frozen(self) -> bool:
        return self.state == SetState.IN_USE


class Criterion(TenantModel):
    criteria_set = models.ForeignKey(CriteriaSet, verbose_name="Bảng tiêu chí", on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey(
        "self", verbose_name="Thuộc nhóm", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.CharField("Số thứ tự", max_length=20, help_text="Ví dụ 1, 1.2, 1.2.a — không trùng trong bảng")
    title = models.CharField("Nội dung tiêu chí", max_length=500)
    kind = models.CharField("Loại", max_length=10, choices=CriterionKind.choices, default=CriterionKind.SCORE)
    max_points = models.DecimalField("Điểm tối đa", null=True, blank=True, **POINTS)
    evidence_required = models.BooleanField("Bắt buộc có tài liệu minh chứng", default=False)
    guidance = models.TextField("Hướng dẫn chấm", blank=True)
    position = models.PositiveIntegerField("Thứ tự hiển thị", default=0)

    class Meta:
        verbose_name = "Tiêu chí chấm điểm"
        verbose_name_plural = "Tiêu chí chấm điểm"
        ordering = ["criteria_set", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["province", "criteria_set", "code"], name="scoring_criterion_code_uniq"),
            models.CheckConstraint(condition=Q(max_points__isnull=True) | Q(max_points__gte=0), name="scoring_criterion_max_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"

    @property
    def is_scored(self) -> bool:
        return self.kind != CriterionKind.GROUP


class ScoringRound(TenantModel):
    """Đợt chấm điểm of a block year: opened with a criteria set, published at a meeting."""

    bloc_year = models.ForeignKey("blocs.BlocYear", verbose_name="Năm thi đua", on_delete=models.PROTECT, related_name="scoring_rounds")
    criteria_set = models.ForeignKey(CriteriaSet, verbose_name="Bảng tiêu chí", on_delete=models.PROTECT, related_name="rounds")
    state = models.CharField("Tình trạng", max_length=10, choices=RoundState.choices, default=RoundState.OPEN)
    quota = models.PositiveSmallIntegerField(
        "Số đơn vị được đề nghị", null=True, blank=True, help_text="Số đơn vị dẫn đầu được đề nghị khen thưởng; để trống nếu không giới hạn"
    )
    # None: as the criteria set says.
    results_visible_before_publish = models.BooleanField(
        "Các đơn vị xem được điểm của nhau trước khi công bố", null=True, blank=True
    )
    opened_at = models.DateTimeField("Mở lúc", null=True, blank=True)
    published_at = models.DateTimeField("Công bố lúc", null=True, blank=True)
    published_meeting = models.ForeignKey(
        "blocs.Meeting", verbose_name="Công bố tại hội nghị", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="Người công bố", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The ranking as published (thidua.rules.scoring.Ranking as plain JSON), never recomputed.
    ranking_snapshot = models.JSONField("Kết quả xếp hạng đã công bố", null=True, blank=True)
    confirmed_leader = models.ForeignKey(
        "org.Unit", verbose_name="Đơn vị dẫn đầu (đã xác nhận)", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    leader_confirmed_how = models.CharField(
        "Cách xác nhận đơn vị dẫn đầu", max_length=16, choices=LeaderConfirmation.choices, blank=True
    )
    leader_confirmed_note = models.CharField("Căn cứ xác nhận (biên bản, kết quả suy tôn)", max_length=500, blank=True)
    leader_confirmed_at = models.DateTimeField("Xác nhận lúc", null=True, blank=True)
    leader_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="Người xác nhận", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField("Ghi chú", blank=True)

    class Meta:
        verbose_name = "Đợt chấm điểm"
        verbose_name_plural = "Đợt chấm điểm"
        ordering = ["-pk"]
        constraints = [models.UniqueConstraint(fields=["province", "bloc_year"], name="scoring_round_one_per_year")]

    def __str__(self) -> str:
        return f"Chấm điểm {self.bloc_year}"

    @property
    def is_published(self) -> bool:
        return self.state == RoundState.PUBLISHED

    @property
    def results_visible(self) -> bool:
        if self.results_visible_before_publish is not None:
            return self.results_visible_before_publish
        return self.criteria_set.results_visible_before_publish


class ScoreSheet(TenantModel):
    """Phiếu chấm điểm of one member unit in a round. Its `version` guards every save."""

    round = models.ForeignKey(ScoringRound, verbose_name="Đợt chấm điểm", on_delete=models.CASCADE, related_name="sheets")
    unit = models.ForeignKey("org.Unit", verbose_name="Đơn vị", on_delete=models.PROTECT, related_name="score_sheets")
    state = models.CharField("Tình trạng", max_length=14, choices=SheetState.choices, default=SheetState.DRAFT)
    submitted_at = models.DateTimeField("Gửi lúc", null=True, blank=True)
    # Set when the results are published without this sheet being appraised (shown in the ranking).
    unranked_reason = models.CharField("Lý do không xếp hạng", max_length=500, blank=True)
    # Derived from the Score rows (`derived_fields`): refreshed in the same transaction by every
    # action that writes points (thidua.scoring.selectors.sheet_sums), so that ranking a round reads
    # one row per sheet instead of a hundred score rows.
    # The effective total (thidua.rules.scoring.sheet_totals), for lists; empty while no point is entered.
    total_points = models.DecimalField("Tổng điểm (tạm tính)", null=True, blank=True, **POINTS)
    # {bucket code: [criteria, bonus, deduction]} in hundredths of a point: the effective points of
    # the items of each bucket (thidua.rules.scoring.totals_from_buckets), each within 0 ≤ points ≤ max.
    # Empty (null): not computed, the ranking adds the score rows up.
    bucket_sums = models.JSONField("Tổng điểm theo nhóm tiêu chí (tạm tính)", null=True, blank=True, editable=False)
    # Codes of the items without points, in the order thidua.rules.scoring.sheet_totals lists them.
    missing_items = models.JSONField("Tiêu chí chưa có điểm", default=list, blank=True, editable=False)
    filled_items = models.PositiveIntegerField("Số tiêu chí đã có điểm", default=0, editable=False)
    # True when the bucket sums cannot give the exact totals and notes: a value below 0 or above
    # its max, points entered on a group (never through the actions; an old import, a repair).
    # The ranking then adds the sheet's score rows up item by item.
    needs_exact = models.BooleanField("Cần tính lại từng tiêu chí", default=False, editable=False)

    derived_fields = ("total_points", "bucket_sums", "missing_items", "filled_items", "needs_exact")

    class Meta:
        verbose_name = "Phiếu chấm điểm"
        verbose_name_plural = "Phiếu chấm điểm"
        ordering = ["round", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["province", "round", "unit"], name="scoring_sheet_uniq")]

    def __str__(self) -> str:
        return f"Phiếu chấm điểm của {self.unit} — {self.round.bloc_year}"

    def refresh_derived(self, points=None) -> None:
        """Recompute the derived fields from the sheet's Score rows (or from `points`, criterion
        code -> effective points, when the caller already has them)."""
        from thidua.scoring.selectors import sheet_derived

        for name, value in sheet_derived(self, points).items():
            setattr(self, name, value)


class CrossCheckAssignment(TenantModel):
    """A peer unit assigned to cross-check a sheet (the block head unit may always do it)."""

    round = models.ForeignKey(ScoringRound, verbose_name="Đợt chấm điểm", on_delete=models.CASCADE, related_name="assignments")
    sheet = models.ForeignKey(ScoreSheet, verbose_name="Phiếu chấm điểm", on_delete=models.CASCADE, related_name="assignments")
    reviewer_unit = models.ForeignKey("org.Unit", verbose_name="Đơn vị chấm chéo", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "Phân công chấm chéo"
        verbose_name_plural = "Phân công chấm chéo"
        constraints = [models.UniqueConstraint(fields=["province", "sheet", "reviewer_unit"], name="scoring_assignment_uniq")]

    def __str__(self) -> str:
        return f"{self.reviewer_unit} chấm chéo {self.sheet.unit}"


class Score(TenantModel):
    sheet = models.ForeignKey(ScoreSheet, verbose_name="Phiếu chấm điểm", on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, verbose_name="Tiêu chí", on_delete=models.PROTECT, related_name="scores")
    self_points = models.DecimalField("Điểm tự chấm", null=True, blank=True, **POINTS)
    cross_points = models.DecimalField("Điểm chấm chéo", null=True, blank=True, **POINTS)
    final_points = models.DecimalField("Điểm thẩm định", null=True, blank=True, **POINTS)
    self_note = models.TextField("Giải trình của đơn vị", blank=True)
    cross_note = models.TextField("Nhận xét khi chấm chéo", blank=True)
    final_note = models.TextField("Nhận xét khi thẩm định", blank=True)

    class Meta:
        verbose_name = "Điểm tiêu chí"
        verbose_name_plural = "Điểm tiêu chí"
        constraints = [models.UniqueConstraint(fields=["province", "sheet", "criterion"], name="scoring_score_uniq")]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.effective_points}"

    @property
    def effective_points(self) -> Decimal | None:
        for value in (self.final_points, self.cross_points, self.self_points):
            if value is not None:
                return value
        return None


class ScoreEvidence(TenantModel):
    score = models.ForeignKey(Score, verbose_name="Điểm tiêu chí", on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("Tệp minh chứng", upload_to="scoring/%Y/", max_length=400)
    sha256 = models.CharField(max_length=64, editable=False)
    filename = models.CharField("Tên tệp", max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="Người tải lên", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "Tài liệu minh chứng"
        verbose_name_plural = "Tài liệu minh chứng"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.filename


class ScoreChange(TenantModel):
    """One change of a score after submission, with its reason (old → new)."""

    sheet = models.ForeignKey(ScoreSheet, verbose_name="Phiếu chấm điểm", on_delete=models.CASCADE, related_name="changes")
    criterion = models.ForeignKey(Criterion, verbose_name="Tiêu chí", on_delete=models.PROTECT, related_name="+")
    level = models.CharField("Cấp chấm", max_length=5, choices=ScoreLevel.choices)
    old_points = models.DecimalField("Điểm cũ", null=True, blank=True, **POINTS)
    new_points = models.DecimalField("Điểm mới", null=True, blank=True, **POINTS)
    reason = models.TextField("Lý do")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="Người sửa", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField("Sửa lúc", auto_now_add=True)

    class Meta:
        verbose_name = "Lịch sử sửa điểm"
        verbose_name_plural = "Lịch sử sửa điểm"
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.old_points} → {self.new_points}"


class SheetEvent(TenantModel):
    """One state change of a sheet (gửi, chấm chéo, thẩm định, trả lại, công bố)."""

    sheet = models.ForeignKey(ScoreSheet, verbose_name="Phiếu chấm điểm", on_delete=models.CASCADE, related_name="events")
    event = models.CharField("Thao tác", max_length=20)
    from_state = models.CharField("Từ tình trạng", max_length=14, choices=SheetState.choices)
    to_state = models.CharField("Sang tình trạng", max_length=14, choices=SheetState.choices)
    reason = models.TextField("Lý do", blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="Người thực hiện", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("Lúc", auto_now_add=True)

    class Meta:
        verbose_name = "Diễn biến phiếu chấm điểm"
        verbose_name_plural = "Diễn biến phiếu chấm điểm"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.event}: {self.get_from_state_display()} → {self.get_to_state_display()}"
