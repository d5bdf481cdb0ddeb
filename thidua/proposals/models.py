"""Award proposals (hồ sơ đề nghị khen thưởng) and award decisions (quyết định khen thưởng).

A proposal is made by a unit, or by a block (khối, cụm) after its year-end meeting (the tờ trình
của khối goes with the biên bản họp khối). Its items name a subject — a person or a collective
(two nullable foreign keys and a check constraint, as everywhere in the awards apps) — and an
award, with the eligibility snapshot and the blockers found when it was last checked.

A decision is issued from a proposal (INTERNAL) or recorded from a higher authority (EXTERNAL,
e.g. Quyết định 770/QĐ-TTg ngày 29/6/2023). Its recipients carry the award money; a revocation
keeps the record and says why.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from thidua.core.models import TenantModel, search_key_of
from thidua.rules.catalogue import AWARD_CODES, AWARD_NAMES
from thidua.rules.proposals import LEVELS, PROPOSAL_EVENTS, PROPOSAL_STATES, money_total_text, vnd

AWARD_CHOICES = [(code, AWARD_NAMES[code]) for code in AWARD_CODES]
LEVEL_CHOICES = list(LEVELS.items())


def _subject_check(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=(Q(person__isnull=False) & Q(unit__isnull=True)) | (Q(person__isnull=True) & Q(unit__isnull=False)),
        name=name,
    )


class SubjectMixin(models.Model):
    """Exactly one of `person` (cá nhân) or `unit` (tập thể)."""

    person = models.ForeignKey("org.Person", verbose_name="Cá nhân", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("org.Unit", verbose_name="Tập thể", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True

    @property
    def subject(self):
        return self.person if self.person_id else self.unit

    @property
    def subject_kind(self) -> str:
        return "individual" if self.person_id else "collective"

    @property
    def subject_name(self) -> str:
        return str(self.subject)

    @property
    def subject_key(self) -> str:
        return f"person:{self.person_id}" if self.person_id else f"unit:{self.unit_id}"


class Proposal(TenantModel):
    proposer_unit = models.ForeignKey(
        "org.Unit", verbose_name="Đơn vị đề nghị", null=True, blank=True, on_delete=models.PROTECT, related_name="award_proposals"
    )
    bloc_year = models.ForeignKey(
        "blocs.BlocYear", verbose_name="Khối đề nghị (năm)", null=True, blank=True, on_delete=models.PROTECT, related_name="award_proposals"
    )
    meeting = models.ForeignKey(
        "blocs.Meeting", verbose_name="Hội nghị bình xét của khối", null=True, blank=True, on_delete=models.PROTECT, related_name="award_proposals"
    )
    # The council's or block's vote this dossier was drawn up from (its selected candidates).
    poll = models.ForeignKey(
        "voting.Poll", verbose_name="Cuộc bỏ phiếu bình xét", null=True, blank=True, on_delete=models.PROTECT, related_name="award_proposals"
    )
    year = models.PositiveSmallIntegerField("Năm thành tích")
    level = models.CharField("Cấp nhận hồ sơ", max_length=10, choices=LEVEL_CHOICES, default="PROVINCE")
    receiving_body = models.CharField("Cơ quan nhận hồ sơ", max_length=200, blank=True)
    title = models.CharField("Trích yếu tờ trình", max_length=300)
    reasons = models.TextField("Căn cứ, lý do đề nghị", blank=True)
    proposed_on = models.DateField("Ngày tờ trình", null=True, blank=True)
    signer_name = models.CharField("Người ký tờ trình", max_length=120, blank=True)
    signer_title = models.CharField("Chức vụ người ký", max_length=120, blank=True)
    state = models.CharField("Trạng thái", max_length=12, choices=list(PROPOSAL_STATES.items()), default="DRAFT")
    state_reason = models.TextField("Lý do trả lại / không đủ điều kiện", blank=True)
    submitted_at = models.DateTimeField("Gửi lúc", null=True, blank=True)
    checked_at = models.DateTimeField("Kiểm tra điều kiện lúc", null=True, blank=True)
    search_key = models.CharField(max_length=600, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = "Hồ sơ đề nghị khen thưởng"
        verbose_name_plural = "Hồ sơ đề nghị khen thưởng"
        ordering = ["-year", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(proposer_unit__isnull=False) & Q(bloc_year__isnull=True) & Q(meeting__isnull=True))
                | (Q(proposer_unit__isnull=True) & Q(bloc_year__isnull=False) & Q(meeting__isnull=False)),
                name="proposals_proposal_one_proposer",
            ),
        ]

    derived_fields = ("search_key",)

    def __str__(self) -> str:
        return self.title

    def refresh_derived(self) -> None:
        self.search_key = search_key_of(self.title, self.receiving_body)

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    @property
    def proposer_name(self) -> str:
        if self.proposer_unit_id:
            return self.proposer_unit.name
        return self.bloc_year.bloc.name if self.bloc_year_id else ""

    @property
    def by_bloc(self) -> bool:
        return self.bloc_year_id is not None


class ProposalAudience(TenantModel):
    """The units whose officers see a proposal: the proposing unit, or every member of the
    proposing block in that year (a member proposed by its block follows its dossier)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="audience")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "Đơn vị theo dõi hồ sơ"
        verbose_name_plural = "Đơn vị theo dõi hồ sơ"
        constraints = [models.UniqueConstraint(fields=["province", "proposal", "unit"], name="proposals_audience_uniq")]

    def __str__(self) -> str:
        return str(self.unit)


class Appraisal(models.TextChoices):
    PENDING = "PENDING", "Chưa thẩm định"
    APPROVED = "APPROVED", "Đề nghị khen thưởng"
    NOT_APPROVED = "NOT_APPROVED", "Không đề nghị"


class ProposalItem(SubjectMixin, TenantModel):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="items")
    award = models.CharField("Danh hiệu, hình thức khen thưởng", max_length=12, choices=AWARD_CHOICES)
    achievements = models.TextField("Tóm tắt thành tích", blank=True)
    confirmations = models.JSONField("Điều kiện định tính đã xác nhận", default=dict, blank=True)
    # Council vote recorded with its counts (where the vote happened outside thidua's polls).
    vote_members_total = models.PositiveSmallIntegerField("Tổng số thành viên hội đồng", null=True, blank=True)
    vote_present = models.PositiveSmallIntegerField("Số thành viên dự họp", null=True, blank=True)
    vote_yes = models.PositiveSmallIntegerField("Số phiếu đồng ý", null=True, blank=True)
    vote_held_on = models.DateField("Ngày họp hội đồng", null=True, blank=True)
    vote_result = models.JSONField("Kết quả kiểm phiếu", null=True, blank=True)
    # Eligibility when last checked (the engine's result for this award) and what blocks it.
    eligibility = models.JSONField("Kết quả xét điều kiện", null=True, blank=True)
    blockers = models.JSONField("Vướng mắc", default=list, blank=True)
    hold_override_reason = models.TextField("Lý do vẫn xét khi đang tạm hoãn", blank=True)
    hold_overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    appraisal = models.CharField("Kết quả thẩm định", max_length=14, choices=Appraisal.choices, default=Appraisal.PENDING)
    appraisal_note = models.TextField("Ý kiến thẩm định", blank=True)

    class Meta:
        verbose_name = "Đối tượng đề nghị"
        verbose_name_plural = "Đối tượng đề nghị"
        ordering = ["pk"]
        constraints = [
            _subject_check("proposals_item_one_subject"),
            models.UniqueConstraint(fields=["province", "proposal", "person", "award"], condition=Q(person__isnull=False), name="proposals_item_person_uniq"),
            models.UniqueConstraint(fields=["province", "proposal", "unit", "award"], condition=Q(unit__isnull=False), name="proposals_item_unit_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name} — {self.get_award_display()}"

    def get_award_display(self) -> str:
        """The catalogue's name, also for manual entries and a province's own awards (issue #19)."""
        from thidua.awards.selectors import award_label

        return award_label(self.award, self.province_id)

    def blocking(self) -> list[dict]:
        """Blockers that stop the dossier (a HOLD stops it until the decider overrides it)."""
        return [
            b for b in self.blockers or []
            if b.get("kind") == "BLOCK" or (b.get("kind") in ("HOLD", "MANUAL") and not self.hold_override_reason)
        ]


EVENT_LABELS = {"create": "Lập hồ sơ", "override_hold": "Ghi lý do vẫn xét trường hợp tạm hoãn", **PROPOSAL_EVENTS}


class ProposalEvent(TenantModel):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    event = models.CharField("Việc", max_length=20)
    from_state = models.CharField("Từ trạng thái", max_length=12, blank=True)
    to_state = models.CharField("Sang trạng thái", max_length=12, blank=True)
    reason = models.TextField("Lý do, ghi chú", blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField("Người thực hiện", max_length=150)

    class Meta:
        verbose_name = "Quá trình xử lý hồ sơ"
        verbose_name_plural = "Quá trình xử lý hồ sơ"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.label} {self.created_at:%d/%m/%Y}"

    @property
    def label(self) -> str:
        """"Gửi hồ sơ (Nháp → Đã gửi)"."""
        text = EVENT_LABELS.get(self.event, self.event)
        if self.to_state and self.from_state != self.to_state:
            before = PROPOSAL_STATES.get(self.from_state, "")
            text += f" ({before + ' → ' if before else ''}{PROPOSAL_STATES.get(self.to_state, self.to_state)})"
        return text


class AttachmentKind(models.TextChoices):
    SUBMISSION = "SUBMISSION", "Tờ trình"
    REPORT = "REPORT", "Báo cáo thành tích"
    MINUTES = "MINUTES", "Biên bản họp xét"
    BALLOT = "BALLOT", "Kết quả bỏ phiếu"
    EVIDENCE = "EVIDENCE", "Giấy tờ chứng minh (sáng kiến, đề tài…)"
    OTHER = "OTHER", "Khác"


class ProposalAttachment(TenantModel):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField("Loại giấy tờ", max_length=12, choices=AttachmentKind.choices, default=AttachmentKind.OTHER)
    description = models.CharField("Mô tả", max_length=255, blank=True)
    file = models.FileField("Tệp", upload_to="proposals/", max_length=300)
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField("Tên tệp", max_length=255)
    size = models.PositiveIntegerField("Dung lượng", default=0)

    class Meta:
        verbose_name = "Tệp đính kèm hồ sơ"
        verbose_name_plural = "Tệp đính kèm hồ sơ"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class DecisionKind(models.TextChoices):
    INTERNAL = "INTERNAL", "Ban hành trong hệ thống"
    EXTERNAL = "EXTERNAL", "Quyết định của cấp trên (ghi nhận)"


class Decision(TenantModel):
    proposal = models.ForeignKey(Proposal, verbose_name="Hồ sơ đề nghị", null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField("Loại", max_length=10, choices=DecisionKind.choices, default=DecisionKind.INTERNAL)
    number = models.CharField("Số", max_length=20)
    symbol = models.CharField("Ký hiệu", max_length=40, help_text="Ví dụ QĐ-TTg, QĐ-UBND, QĐ/TU")
    issued_on = models.DateField("Ngày quyết định")
    level = models.CharField("Cấp quyết định", max_length=10, choices=LEVEL_CHOICES)
    issuer_unit = models.ForeignKey("org.Unit", verbose_name="Cơ quan ban hành", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    issuer_name = models.CharField("Cơ quan, người có thẩm quyền ban hành", max_length=200)
    signer_name = models.CharField("Người ký", max_length=120, blank=True)
    signer_title = models.CharField("Chức vụ người ký", max_length=120, blank=True)
    signer_authority = models.CharField("Thẩm quyền ký (TM., KT.…)", max_length=60, blank=True)
    subject = models.CharField("Trích yếu", max_length=300, blank=True)
    # The sum of the known amounts; amounts the law does not set are counted apart, never as 0.
    money_total = models.BigIntegerField("Tổng tiền thưởng (đồng)", default=0)
    money_unknown_count = models.PositiveIntegerField("Số trường hợp chưa xác định tiền thưởng", default=0)
    revoked_on = models.DateField("Ngày hủy", null=True, blank=True)
    revoke_reason = models.TextField("Lý do hủy", blank=True)
    search_key = models.CharField(max_length=600, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = "Quyết định khen thưởng"
        verbose_name_plural = "Quyết định khen thưởng"
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["province", "number", "symbol", "issued_on"], name="proposals_decision_number_uniq"),
            models.CheckConstraint(condition=~Q(kind="INTERNAL") | Q(issuer_unit__isnull=False), name="proposals_decision_internal_issuer"),
        ]

    derived_fields = ("search_key",)

    def __str__(self) -> str:
        return f"Quyết định số {self.reference}"

    @property
    def reference(self) -> str:
        """"770/QĐ-TTg ngày 29/06/2023"."""
        sep = "-" if self.symbol.startswith("QĐ/") else "/"
        return f"{self.number}{sep}{self.symbol} ngày {self.issued_on:%d/%m/%Y}"

    @property
    def money_total_text(self) -> str:
        """"7.020.000 đồng", "chưa xác định", or the known part and how many amounts are unknown."""
        return money_total_text(self.money_total, self.money_unknown_count)

    @property
    def money_total_known(self) -> int | None:
        """The total for the API: None when no amount is known yet (never a false 0)."""
        return None if self.money_unknown_count and not self.money_total else self.money_total

    def refresh_derived(self) -> None:
        self.search_key = search_key_of(self.number, self.symbol, self.issuer_name, self.subject)

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)


class DecisionRecipient(SubjectMixin, TenantModel):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="recipients")
    # The unit the subject belonged to on the decision date (for scoping and the list's "đơn vị" column).
    owner_unit = models.ForeignKey("org.Unit", verbose_name="Đơn vị", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    award = models.CharField("Danh hiệu, hình thức khen thưởng", max_length=12, choices=AWARD_CHOICES)
    year = models.PositiveSmallIntegerField("Năm thành tích")
    position_title = models.CharField("Chức vụ", max_length=200, blank=True)
    # None = chưa xác định (the law sets no amount and none was entered); 0 = known, not paid (a
    # higher title of the same achievement period is paid instead, NĐ 152/2025 Điều 49).
    amount_vnd = models.BigIntegerField("Tiền thưởng (đồng)", null=True, blank=True)
    # True when the officer entered the amount the issuing body decided (do_set_recipient_amount).
    amount_entered_by_officer = models.BooleanField("Mức tiền thưởng do cán bộ nhập theo quyết định", default=False)
    money_note = models.CharField("Cách tính tiền thưởng", max_length=300, blank=True)
    proposal_item = models.ForeignKey(ProposalItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="recipients")
    history_ref = models.CharField("Bản ghi hồ sơ thành tích", max_length=64, blank=True)
    revoked_on = models.DateField("Ngày hủy", null=True, blank=True)
    revoke_reason = models.TextField("Lý do hủy", blank=True)

    class Meta:
        verbose_name = "Đối tượng được khen thưởng"
        verbose_name_plural = "Đối tượng được khen thưởng"
        ordering = ["pk"]
        constraints = [
            _subject_check("proposals_recipient_one_subject"),
            models.UniqueConstraint(fields=["province", "decision", "person", "award", "year"], condition=Q(person__isnull=False), name="proposals_recipient_person_uniq"),
            models.UniqueConstraint(fields=["province", "decision", "unit", "award", "year"], condition=Q(unit__isnull=False), name="proposals_recipient_unit_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name} — {self.get_award_display()}"

    def get_award_display(self) -> str:
        """The catalogue's name, also for manual entries and a province's own awards (issue #19)."""
        from thidua.awards.selectors import award_label

        return award_label(self.award, self.province_id)

    @property
    def amount_text(self) -> str:
        return vnd(self.amount_vnd)

    @property
    def amount_editable(self) -> bool:
        """The officer may enter the amount: the law sets none, or an officer entered it before."""
        return self.revoked_on is None and (self.amount_vnd is None or self.amount_entered_by_officer)
