"""Accounts hold dated grants: a role on a scope. Grants start and end by date, so a yearly
role passes on without anyone editing accounts."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from thidua.core.models import TimestampedModel


class Role(models.TextChoices):
    ADMIN = "ADMIN", "Quản trị hệ thống"
    PROVINCE_OFFICER = "PROVINCE_OFFICER", "Cán bộ TĐKT tỉnh"
    BLOCK_HEAD = "BLOCK_HEAD", "Trưởng khối"
    UNIT_LEADER = "UNIT_LEADER", "Lãnh đạo đơn vị"
    UNIT_OFFICER = "UNIT_OFFICER", "Cán bộ TĐKT đơn vị"
    COUNCIL_MEMBER = "COUNCIL_MEMBER", "Thành viên hội đồng"
    COUNCIL_SECRETARY = "COUNCIL_SECRETARY", "Thư ký hội đồng"
    COUNTING_BOARD = "COUNTING_BOARD", "Tổ kiểm phiếu"
    APPRAISAL_BOARD = "APPRAISAL_BOARD", "Tổ thẩm định"
    VIEWER = "VIEWER", "Người xem"


class ScopeKind(models.TextChoices):
    PROVINCE = "PROVINCE", "Toàn tỉnh"
    BLOCK = "BLOCK", "Một khối, cụm thi đua"
    UNIT = "UNIT", "Một đơn vị"
    COUNCIL = "COUNCIL", "Một hội đồng thi đua, khen thưởng"


# The roles that make sense on one council (its secretary runs its polls and paper ballots, its
# counting board counts them, its members vote); any other role on a council is refused.
COUNCIL_ROLES = frozenset({Role.COUNCIL_SECRETARY, Role.COUNCIL_MEMBER, Role.COUNTING_BOARD})


class Grant(TimestampedModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Tài khoản", on_delete=models.CASCADE, related_name="grants")
    role = models.CharField("Vai trò", max_length=24, choices=Role.choices)
    scope_kind = models.CharField("Phạm vi", max_length=10, choices=ScopeKind.choices, default=ScopeKind.PROVINCE)
    # Tenant key: the province of the scope (for a unit scope, the unit's province).
    province = models.ForeignKey("org.Province", verbose_name="Tỉnh/thành phố", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        "org.Unit", verbose_name="Đơn vị", null=True, blank=True, on_delete=models.PROTECT, related_name="grants"
    )
    bloc = models.ForeignKey(
        "blocs.Bloc", verbose_name="Khối, cụm thi đua", null=True, blank=True, on_delete=models.PROTECT, related_name="grants"
    )
    council = models.ForeignKey(
        "voting.Council", verbose_name="Hội đồng", null=True, blank=True, on_delete=models.PROTECT, related_name="grants"
    )
    valid_from = models.DateField("Hiệu lực từ")
    valid_to = models.DateField("Hiệu lực đến", null=True, blank=True)
    note = models.CharField("Ghi chú", max_length=255, blank=True)

    class Meta:
        verbose_name = "Phân quyền"
        verbose_name_plural = "Phân quyền"
        ordering = ["-valid_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")), name="accounts_grant_dates_ordered"
            ),
            models.CheckConstraint(
                condition=(Q(scope_kind="UNIT") & Q(unit__isnull=False) & Q(bloc__isnull=True) & Q(council__isnull=True))
                | (Q(scope_kind="PROVINCE") & Q(unit__isnull=True) & Q(bloc__isnull=True) & Q(council__isnull=True))
                | (Q(scope_kind="BLOCK") & Q(unit__isnull=True) & Q(bloc__isnull=False) & Q(council__isnull=True))
                | (Q(scope_kind="COUNCIL") & Q(unit__isnull=True) & Q(bloc__isnull=True) & Q(council__isnull=False)),
                name="accounts_grant_scope_matches_target_v2",
            ),
        ]

    def __str__(self) -> str:
        if self.council_id:
            target = self.council.name
        else:
            target = self.unit.name if self.unit_id else (self.bloc.name if self.bloc_id else str(self.province))
        return f"{self.get_role_display()} — {target}"

    def active_on(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


class ApiToken(TimestampedModel):
    """A per-user token for integrations. Only a SHA-256 of the secret is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("Tên gợi nhớ", max_length=100)
    prefix = models.CharField(max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    last_used_at = models.DateTimeField("Dùng lần cuối", null=True, blank=True)
    revoked_at = models.DateTimeField("Thu hồi lúc", null=True, blank=True)
    # Last day the token works (inclusive, in the installation's time zone); empty: no expiry.
    expires_on = models.DateField("Hết hạn sau ngày", null=True, blank=True)

    class Meta:
        verbose_name = "Khóa API"
        verbose_name_plural = "Khóa API"

    @staticmethod
    def digest_of(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    def is_expired(self, today: dt.date | None = None) -> bool:
        return self.expires_on is not None and self.expires_on < (today or timezone.localdate())


class AccountProfile(models.Model):
    """What thidua keeps beside Django's user: the province that manages the account (so a
    province officer still sees an account they created before it has any grant) and a folded
    search key for accent-insensitive search by username and full name."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="Tài khoản", on_delete=models.CASCADE, related_name="account_profile"
    )
    # Opaque identifier of the account in URLs (the integer user id never leaves the server).
    uid = models.UUIDField("Mã định danh", default=uuid.uuid4, unique=True, editable=False)
    # Null for installation-wide accounts (the system administrator).
    province = models.ForeignKey(
        "org.Province", verbose_name="Tỉnh/thành phố quản lý", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="Người tạo", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    search_key = models.CharField(max_length=400, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = "Hồ sơ tài khoản"
        verbose_name_plural = "Hồ sơ tài khoản"

    def __str__(self) -> str:
        return self.user.get_username()
