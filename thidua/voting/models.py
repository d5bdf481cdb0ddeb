"""Councils (hội đồng thi đua, khen thưởng), their members, and polls (bình xét, suy tôn, bầu).

Ballot secrecy is structural (docs/ballot-secrecy.md): *who* voted lives in `Participation`,
*what* was voted lives in `Ballot`, and nothing links the two. A ballot has no voter, no user,
no timestamp and a random UUID key; it is not a TenantModel (no uid/created_at/updated_at/version)
and carries only its poll and its province (the tenant key). When the poll closes every ballot
is rewritten in shuffled order with a new random key (thidua/voting/actions.py `do_close_poll`).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from thidua.core.models import TenantModel


class CouncilLevel(models.TextChoices):
    PROVINCE = "PROVINCE", "Hội đồng cấp tỉnh"
    UNIT = "UNIT", "Hội đồng của cơ quan, đơn vị"
    BLOCK = "BLOCK", "Khối, cụm thi đua"


class Council(TenantModel):
    """A Hội đồng Thi đua – Khen thưởng (of the province or of one unit) or a block's council."""

    name = models.CharField("Tên hội đồng", max_length=255)
    level = models.CharField("Cấp", max_length=10, choices=CouncilLevel.choices, default=CouncilLevel.UNIT)
    unit = models.ForeignKey("org.Unit", verbose_name="Cơ quan, đơn vị", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    bloc = models.ForeignKey("blocs.Bloc", verbose_name="Khối, cụm thi đua", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    founding_decision = models.CharField("Quyết định thành lập (số, ký hiệu)", max_length=120, blank=True)
    founding_date = models.DateField("Ngày quyết định thành lập", null=True, blank=True)
    active_from = models.DateField("Hoạt động từ ngày", null=True, blank=True)
    active_to = models.DateField("Hoạt động đến ngày", null=True, blank=True)
    note = models.TextField("Ghi chú", blank=True)

    class Meta:
        verbose_name = "Hội đồng thi đua, khen thưởng"
        verbose_name_plural = "Hội đồng thi đua, khen thưởng"
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_to__isnull=True) | Q(active_from__isnull=True) | Q(active_to__gte=models.F("active_from")),
                name="voting_council_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CouncilRole(models.TextChoices):
    CHAIR = "CHAIR", "Chủ tịch hội đồng"
    VICE_CHAIR = "VICE_CHAIR", "Phó Chủ tịch hội đồng"
    MEMBER = "MEMBER", "Thành viên"
    SECRETARY = "SECRETARY", "Thành viên, thư ký"


class CouncilMember(TenantModel):
    """One member of a council for a dated term. Only members vote; guests do not."""

    council = models.ForeignKey(Council, verbose_name="Hội đồng", on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("org.Person", verbose_name="Cá nhân", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    full_name = models.CharField("Họ và tên", max_length=120)
    position = models.CharField("Chức vụ, đơn vị công tác", max_length=255, blank=True)
    role = models.CharField("Vai trò trong hội đồng", max_length=12, choices=CouncilRole.choices, default=CouncilRole.MEMBER)
    # The account that casts this member's e-ballot (none: the member votes on paper only).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="Tài khoản bỏ phiếu", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    term_from = models.DateField("Nhiệm kỳ từ ngày")
    term_to = models.DateField("Nhiệm kỳ đến ngày", null=True, blank=True)

    class Meta:
        verbose_name = "Thành viên hội đồng"
        verbose_name_plural = "Thành viên hội đồng"
        ordering = ["council", "role", "full_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_to__isnull=True) | Q(term_to__gte=models.F("term_from")), name="voting_councilmember_term_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_role_display()})"

    def serves_on(self, day) -> bool:
        return self.term_from <= day and (self.term_to is None or day <= self.term_to)


class Electorate(models.TextChoices):
    COUNCIL = "COUNCIL", "Thành viên hội đồng"
    BLOCK_UNITS = "BLOCK_UNITS", "Các đơn vị thành viên khối (mỗi đơn vị một phiếu)"


class Subject(models.TextChoices):
    AWARD = "AWARD", "Bình xét danh hiệu, hình thức khen thưởng"
    LEADERSHIP = "LEADERSHIP", "Bầu Trưởng khối, Phó Trưởng khối năm sau"
    LEADER_ACCLAMATION = "LEADER_ACCLAMATION", "Suy tôn đơn vị dẫn đầu khối"
    QUESTION = "QUESTION", "Biểu quyết một vấn đề"


class Office(models.TextChoices):
    HEAD = "HEAD", "Trưởng khối"
    DEPUTY = "DEPUTY", "Phó Trưởng khối"


class Method(models.TextChoices):
    APPROVE_EACH = "APPROVE_EACH", "Đồng ý / không đồng ý từng người, đơn vị (có chỉ tiêu)"
    CHOOSE_ONE = "CHOOSE_ONE", "Chọn một người, đơn vị"
    SHOW_OF_HANDS = "SHOW_OF_HANDS", "Biểu quyết giơ tay"


class Mode(models.TextChoices):
    E_BALLOT = "E_BALLOT", "Bỏ phiếu kín điện tử"
    PAPER = "PAPER", "Bỏ phiếu kín trên giấy"
    SHOW_OF_HANDS = "SHOW_OF_HANDS", "Biểu quyết công khai (thư ký ghi số)"
    EXTERNAL = "EXTERNAL", "Kết quả bỏ phiếu họp ngoài hệ thống"


class PollState(models.TextChoices):
    DRAFT = "DRAFT", "Đang chuẩn bị"
    OPEN = "OPEN", "Đang bỏ phiếu"
    CLOSED = "CLOSED", "Đã đóng, chờ kết quả kiểm phiếu"
    RESULT = "RESULT", "Đã có kết quả"


class Poll(TenantModel):
    """One vote (bình xét, suy tôn, bầu, biểu quyết) inside a block meeting or a council session."""

    title = models.CharField("Nội dung bỏ phiếu", max_length=255)
    meeting = models.ForeignKey("blocs.Meeting", verbose_name="Hội nghị của khối", null=True, blank=True, on_delete=models.PROTECT, related_name="polls")
    council = models.ForeignKey(Council, verbose_name="Hội đồng", null=True, blank=True, on_delete=models.PROTECT, related_name="polls")
    bloc_year = models.ForeignKey("blocs.BlocYear", verbose_name="Năm thi đua của khối", null=True, blank=True, on_delete=models.PROTECT, related_name="polls")
    electorate = models.CharField("Người bỏ phiếu", max_length=12, choices=Electorate.choices, default=Electorate.COUNCIL)
    subject = models.CharField("Việc bình xét", max_length=20, choices=Subject.choices, default=Subject.AWARD)
    office = models.CharField("Chức danh bầu", max_length=8, choices=Office.choices, blank=True)
    award_code = models.CharField("Danh hiệu, hình thức khen thưởng", max_length=20, blank=True)
    award_year = models.PositiveSmallIntegerField("Năm xét khen thưởng", null=True, blank=True)
    method = models.CharField("Cách bỏ phiếu", max_length=14, choices=Method.choices, default=Method.APPROVE_EACH)
    mode = models.CharField("Hình thức", max_length=14, choices=Mode.choices, default=Mode.E_BALLOT)
    quota = models.PositiveSmallIntegerField("Chỉ tiêu (số được chọn tối đa)", null=True, blank=True)
    # Snapshot of the rule version in force on `held_on` (or the block's own stated percentage).
    # Empty only for a vote held before any rule version whose minutes state no percentage.
    threshold_pct = models.DecimalField("Tỷ lệ đồng ý cần đạt (%)", max_digits=5, decimal_places=2, null=True, blank=True)
    base = models.CharField("Căn cứ tính tỷ lệ", max_length=20, default="council_size")
    citation = models.CharField("Căn cứ", max_length=500, blank=True)
    rule_version = models.CharField("Phiên bản quy định", max_length=40, blank=True)
    quorum_text = models.CharField("Điều kiện số người dự", max_length=500, blank=True)
    held_on = models.DateField("Ngày họp, bỏ phiếu")
    state = models.CharField("Tình trạng", max_length=8, choices=PollState.choices, default=PollState.DRAFT)
    opened_at = models.DateTimeField("Mở bỏ phiếu lúc", null=True, blank=True)
    closed_at = models.DateTimeField("Đóng bỏ phiếu lúc", null=True, blank=True)
    electorate_size = models.PositiveIntegerField("Tổng số người có quyền bỏ phiếu", null=True, blank=True)
    chair_choice = models.JSONField("Lựa chọn của Chủ tịch khi bằng phiếu", default=list, blank=True)
    result = models.JSONField("Kết quả kiểm phiếu", null=True, blank=True)
    result_sha256 = models.CharField("Mã kiểm tra SHA-256 của kết quả", max_length=64, blank=True)
    result_source = models.CharField("Nguồn kết quả", max_length=14, blank=True)
    note = models.TextField("Ghi chú", blank=True)

    class Meta:
        verbose_name = "Cuộc bỏ phiếu"
        verbose_name_plural = "Cuộc bỏ phiếu"
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(meeting__isnull=False) | Q(council__isnull=False), name="voting_poll_has_meeting_or_council"),
            models.CheckConstraint(
                condition=Q(threshold_pct__isnull=True) | (Q(threshold_pct__gt=0) & Q(threshold_pct__lte=100)), name="voting_poll_threshold_range"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_secret(self) -> bool:
        return self.mode in (Mode.E_BALLOT, Mode.PAPER)

    @property
    def is_historical(self) -> bool:
        """Held before any rule version in force: recorded as the minutes say, never judged."""
        return not self.rule_version


class Candidate(TenantModel):
    poll = models.ForeignKey(Poll, verbose_name="Cuộc bỏ phiếu", on_delete=models.CASCADE, related_name="candidates")
    label = models.CharField("Tên người, đơn vị", max_length=255)
    person = models.ForeignKey("org.Person", verbose_name="Cá nhân", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("org.Unit", verbose_name="Đơn vị", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField("Thứ tự", default=1)

    class Meta:
        verbose_name = "Người, đơn vị được bình xét"
        verbose_name_plural = "Người, đơn vị được bình xét"
        ordering = ["poll", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["province", "poll", "position"], name="voting_candidate_position_uniq")]

    def __str__(self) -> str:
        return self.label


class Voter(TenantModel):
    """One member of the electorate, snapshotted when the poll opens."""

    poll = models.ForeignKey(Poll, verbose_name="Cuộc bỏ phiếu", on_delete=models.CASCADE, related_name="voters")
    council_member = models.ForeignKey(CouncilMember, verbose_name="Thành viên hội đồng", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("org.Unit", verbose_name="Đơn vị thành viên", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="Tài khoản bỏ phiếu", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    label = models.CharField("Tên", max_length=255)
    # Marked by the secretary (or set when the voter casts an e-ballot from the meeting); absent
    # members may send a written opinion instead.
    is_present = models.BooleanField("Có mặt", default=False)

    class Meta:
        verbose_name = "Người có quyền bỏ phiếu"
        verbose_name_plural = "Người có quyền bỏ phiếu"
        ordering = ["poll", "label", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["province", "poll", "council_member"], condition=Q(council_member__isnull=False), name="voting_voter_member_uniq"),
            models.UniqueConstraint(fields=["province", "poll", "unit"], condition=Q(unit__isnull=False), name="voting_voter_unit_uniq"),
            models.UniqueConstraint(fields=["province", "poll", "user"], condition=Q(user__isnull=False), name="voting_voter_user_uniq"),
        ]

    def __str__(self) -> str:
        return self.label


class ParticipationKind(models.TextChoices):
    E_BALLOT = "E_BALLOT", "Bỏ phiếu điện tử"
    WRITTEN_OPINION = "WRITTEN_OPINION", "Ý kiến bằng văn bản (vắng mặt)"
    PAPER = "PAPER", "Bỏ phiếu giấy"


class Participation(TenantModel):
    """THAT a voter voted — never what. Written in the same transaction as the ballot.

    No time stamp (the inherited created_at/updated_at are removed): a per-voter instant could be
    lined up with anything else that keeps the casting order (docs/ballot-secrecy.md)."""

    created_at = None
    updated_at = None

    poll = models.ForeignKey(Poll, verbose_name="Cuộc bỏ phiếu", on_delete=models.CASCADE, related_name="participations")
    voter = models.ForeignKey(Voter, verbose_name="Người bỏ phiếu", on_delete=models.CASCADE, related_name="participations")
    kind = models.CharField("Hình thức", max_length=16, choices=ParticipationKind.choices, default=ParticipationKind.E_BALLOT)

    class Meta:
        verbose_name = "Lượt tham gia bỏ phiếu"
        verbose_name_plural = "Lượt tham gia bỏ phiếu"
        constraints = [models.UniqueConstraint(fields=["poll", "voter"], name="voting_participation_once")]


class Ballot(models.Model):
    """WHAT was voted — never who. No voter, no user, no timestamp, no sequential key.

    `choices` is {"<candidate id>": "YES" | "NO"} for APPROVE_EACH, {"<candidate id>": "YES"} for
    the one chosen in CHOOSE_ONE ({} is a blank ballot).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    province = models.ForeignKey("org.Province", on_delete=models.PROTECT, related_name="+")
    choices = models.JSONField(default=dict)
    is_written_opinion = models.BooleanField(default=False)
    is_invalid = models.BooleanField(default=False)

    class Meta:
        verbose_name = "Phiếu bầu"
        verbose_name_plural = "Phiếu bầu"
        # No default ordering: the table's order means nothing and must not be relied upon.

    def approved_ids(self) -> list[str]:
        return sorted(cid for cid, mark in (self.choices or {}).items() if mark == "YES")
