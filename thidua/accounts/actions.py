"""Every write to accounts, grants and API tokens goes through these functions.

Each checks the actor's right, validates, writes inside one transaction and records one audit
row. Passwords and token secrets never reach an audit row.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from thidua.accounts.models import COUNCIL_ROLES, AccountProfile, ApiToken, Grant, Role, ScopeKind
from thidua.accounts.passwords import password_errors
from thidua.accounts.selectors import users_in_scope
from thidua.accounts.signals import profile_search_key
from thidua.audit.log import diff, record, snapshot
from thidua.core.access import ensure, scope_of
from thidua.core.cas import save_with_version
from thidua.core.errors import ActionError, NotPermitted, StateConflict
from thidua.org.models import Province, Unit
from thidua.rules.text import nfc

MAX_ACTIVE_TOKENS = 20
TOKEN_PREFIX = "td_"


def split_full_name(full_name: str) -> tuple[str, str]:
    """(first_name, last_name) for Django's user: the given name (last word) is last_name, so
    get_full_name() gives the name back in Vietnamese order."""
    parts = nfc(full_name).split(" ")
    if len(parts) == 1:
        return "", parts[0]
    return " ".join(parts[:-1]), parts[-1]


def _home_province(user):
    profile = AccountProfile.objects.filter(user=user).select_related("province").first()
    return profile.province if profile else None


def _is_admin_account(user) -> bool:
    if user.is_superuser:
        return True
    return Grant.objects.filter(user=user, role=Role.ADMIN).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=dt.date.today())
    ).exists()


def ensure_can_manage_user(actor, target) -> None:
    """A province officer manages an account only when every grant it still holds lies in the
    officer's province (a grant elsewhere belongs to that province's officers) and it is not a
    system administrator's account."""
    if actor is None:
        return
    ensure(actor, "accounts.manage")
    scope = scope_of(actor)
    if scope.is_admin:
        return
    if _is_admin_account(target):
        raise NotPermitted("Chỉ quản trị hệ thống mới được thay đổi tài khoản quản trị hệ thống.")
    if not users_in_scope(actor, "accounts.manage").filter(pk=target.pk).exists():
        raise NotPermitted()
    province_ids = scope.province_ids_for("accounts.manage") or set()
    elsewhere = (
        Grant.objects.filter(user=target)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=dt.date.today()))
        .exclude(province_id__in=province_ids)
    )
    if elsewhere.exists():
        raise NotPermitted("Tài khoản này còn được phân quyền ở tỉnh khác; chỉ quản trị hệ thống mới được thay đổi.")


# Audit key of the tokens an action revoked with it (a Vietnamese key is shown as it is).
TOKENS_REVOKED = "Khóa API bị thu hồi"


def revoke_all_tokens(user) -> int:
    """Revoke every live token of `user`; part of the caller's action and audit row. A password
    change or a locked account must not leave an integration signed in (sessions end through
    Django's session hash and is_active)."""
    now = timezone.now()
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now, updated_at=now)


def _tokens_change(count: int) -> dict:
    return {TOKENS_REVOKED: [None, count]} if count else {}


def _check_password(password: str, user) -> None:
    problems = password_errors(password, user)
    if problems:
        raise ActionError(problems[0], field="password", errors={"password": problems})


@transaction.atomic
def do_create_user(
    *, actor, username: str, full_name: str, password: str, email: str = "", province: Province | None = None
):
    """Create an account managed by `province` (None: an installation-wide account, admin only)."""
    if actor is not None and province is None and not scope_of(actor).is_admin:
        raise ActionError("Hãy chọn tỉnh/thành phố quản lý tài khoản.", field="province")
    ensure(actor, "accounts.manage", province=province)
    User = get_user_model()
    username = nfc(username)
    full_name = nfc(full_name)
    email = nfc(email)
    if not username:
        raise ActionError("Hãy nhập tên đăng nhập.", field="username")
    if len(username) > 150:
        raise ActionError("Tên đăng nhập dài tối đa 150 ký tự.", field="username")
    try:
        User.username_validator(username)
    except ValidationError as exc:
        raise ActionError(
            "Tên đăng nhập chỉ gồm chữ, số và các ký tự @ . + - _ (không có dấu cách).", field="username"
        ) from exc
    if User.objects.filter(username__iexact=username).exists():
        raise StateConflict(f"Tên đăng nhập “{username}” đã được dùng.", field="username")
    if not full_name:
        raise ActionError("Hãy nhập họ và tên.", field="full_name")
    if len(full_name) > 150:
        raise ActionError("Họ và tên dài tối đa 150 ký tự.", field="full_name")
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ActionError("Địa chỉ thư điện tử không hợp lệ.", field="email") from exc
    first_name, last_name = split_full_name(full_name)
    candidate = User(username=username, first_name=first_name, last_name=last_name, email=email)
    _check_password(password, candidate)
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=username, email=email, password=password, first_name=first_name, last_name=last_name
            )
    except IntegrityError as exc:
        raise StateConflict(f"Tên đăng nhập “{username}” đã được dùng.", field="username") from exc
    AccountProfile.objects.update_or_create(
        user=user,
        defaults={
            "province": province,
            "created_by": actor if getattr(actor, "is_authenticated", False) else None,
            "search_key": profile_search_key(user),
        },
    )
    record(
        actor=actor,
        action="accounts.user.create",
        obj=user,
        province=province,
        object_type="auth.user",
        changes={
            "username": [None, username],
            "full_name": [None, full_name],
            "email": [None, email or None],
            "managing_province": [None, str(province) if province else None],
        },
    )
    return user


@transaction.atomic
def do_set_user_active(*, actor, user, active: bool):
    ensure_can_manage_user(actor, user)
    if actor is not None and user.pk == actor.pk and not active:
        raise ActionError("Bạn không thể tự khóa tài khoản của mình.")
    if user.is_active == active:
        return user
    User = get_user_model()
    User.objects.filter(pk=user.pk).update(is_active=active)
    user.is_active = active
    revoked = 0 if active else revoke_all_tokens(user)
    record(
        actor=actor,
        action="accounts.user.activate" if active else "accounts.user.deactivate",
        obj=user,
        province=_home_province(user),
        object_type="auth.user",
        changes={"is_active": [not active, active], **_tokens_change(revoked)},
    )
    return user


@transaction.atomic
def do_reset_password(*, actor, user, password: str):
    """An officer sets a new password for someone else's account (never logged)."""
    ensure_can_manage_user(actor, user)
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    revoked = revoke_all_tokens(user)
    record(
        actor=actor,
        action="accounts.user.password_reset",
        obj=user,
        province=_home_province(user),
        object_type="auth.user",
        changes=_tokens_change(revoked),
        note="Đặt lại mật khẩu",
    )
    return user


@transaction.atomic
def do_change_own_password(*, actor, password: str):
    """The signed-in user changes their own password (the old one is checked by the form)."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise NotPermitted()
    _check_password(password, actor)
    actor.set_password(password)
    actor.save(update_fields=["password"])
    revoked = revoke_all_tokens(actor)
    record(
        actor=actor,
        action="accounts.password.change",
        obj=actor,
        province=_home_province(actor),
        object_type="auth.user",
        changes=_tokens_change(revoked),
        note="Tự đổi mật khẩu",
    )
    return actor


def _grant_repr(grant: Grant) -> str:
    return f"{grant.user.get_username()}: {grant}"[:255]


@transaction.atomic
def do_add_grant(
    *,
    actor,
    user,
    role: str,
    scope_kind: str,
    province: Province,
    unit: Unit | None = None,
    bloc=None,
    council=None,
    valid_from: dt.date | None,
    valid_to: dt.date | None = None,
    note: str = "",
) -> Grant:
    ensure(actor, "accounts.manage", province=province)
    scope = scope_of(actor) if actor is not None else None
    is_admin = actor is None or scope.is_admin
    if not is_admin and not users_in_scope(actor, "accounts.manage").filter(pk=user.pk).exists():
        raise NotPermitted()
    if role not in Role.values:
        raise ActionError("Vai trò không hợp lệ.", field="role")
    if role == Role.ADMIN and not is_admin:
        raise NotPermitted("Chỉ quản trị hệ thống mới được phân vai trò Quản trị hệ thống.")
    if scope_kind not in ScopeKind.values:
        raise ActionError("Phạm vi không hợp lệ.", field="scope_kind")
    if role == Role.ADMIN and scope_kind != ScopeKind.PROVINCE:
        raise ActionError("Vai trò Quản trị hệ thống chỉ phân trên phạm vi toàn tỉnh.", field="scope_kind")
    if valid_from is None:
        raise ActionError("Hãy nhập ngày bắt đầu hiệu lực.", field="valid_from")
    if valid_to is not None and valid_to < valid_from:
        raise ActionError("Ngày hết hiệu lực không được trước ngày bắt đầu hiệu lực.", field="valid_to")
    grant_province = province
    if scope_kind == ScopeKind.UNIT:
        if unit is None:
            raise ActionError("Hãy chọn đơn vị cho phạm vi một đơn vị.", field="unit")
        if unit.province_id not in province.lineage_ids():
            raise ActionError(f"Đơn vị “{unit.name}” không thuộc {province} hoặc các tỉnh đã hợp nhất vào tỉnh này.", field="unit")
        if unit.ended_on is not None and unit.ended_on < valid_from:
            raise ActionError(f"Đơn vị “{unit.name}” đã chấm dứt hoạt động trước ngày bắt đầu hiệu lực.", field="unit")
        ensure(actor, "accounts.manage", unit=unit)
        # The tenant key of a unit grant is the unit's own province (model comment).
        grant_province = unit.province
        bloc = None
    elif scope_kind == ScopeKind.BLOCK:
        if bloc is None:
            raise ActionError("Hãy chọn khối, cụm thi đua cho phạm vi một khối.", field="bloc")
        if bloc.province_id not in province.lineage_ids():
            raise ActionError(f"“{bloc.name}” không thuộc {province} hoặc các tỉnh đã hợp nhất vào tỉnh này.", field="bloc")
        ensure(actor, "accounts.manage", province=bloc.province_id)
        grant_province = bloc.province
        unit = None
        council = None
    elif scope_kind == ScopeKind.COUNCIL:
        if council is None:
            raise ActionError("Hãy chọn hội đồng cho phạm vi một hội đồng.", field="council")
        if role not in COUNCIL_ROLES:
            labels = ", ".join(Role(r).label.lower() for r in sorted(COUNCIL_ROLES))
            raise ActionError(f"Vai trò “{Role(role).label}” không phân trên một hội đồng; chỉ phân: {labels}.", field="role")
        if council.province_id not in province.lineage_ids():
            raise ActionError(f"“{council.name}” không thuộc {province} hoặc các tỉnh đã hợp nhất vào tỉnh này.", field="council")
        if council.active_to is not None and council.active_to < valid_from:
            raise ActionError(f"“{council.name}” đã thôi hoạt động từ sau ngày {council.active_to:%d/%m/%Y}, "
                              "trước ngày bắt đầu hiệu lực.", field="council")
        # Whoever manages accounts of the council's province (or of its unit) may staff it.
        if council.unit_id:
            ensure(actor, "accounts.manage", unit=council.unit)
        else:
            ensure(actor, "accounts.manage", province=council.province_id)
        grant_province = council.province
        unit = None
        bloc = None
    else:
        unit = None
        bloc = None
    if scope_kind != ScopeKind.COUNCIL:
        council = None
    overlapping = Grant.objects.filter(user=user, role=role, province=grant_province, unit=unit, bloc=bloc, council=council).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from)
    )
    if valid_to is not None:
        overlapping = overlapping.filter(valid_from__lte=valid_to)
    if overlapping.exists():
        raise StateConflict("Tài khoản đã có vai trò này trên cùng phạm vi trong khoảng thời gian đã chọn.", field="role")
    grant = Grant(
        user=user,
        role=role,
        scope_kind=scope_kind,
        province=grant_province,
        unit=unit,
        bloc=bloc,
        council=council,
        valid_from=valid_from,
        valid_to=valid_to,
        note=nfc(note)[:255],
    )
    grant.save()
    record(
        actor=actor,
        action="accounts.grant.create",
        obj=grant,
        object_repr=_grant_repr(grant),
        changes=diff({}, snapshot(grant)),
    )
    return grant


@transaction.atomic
def do_end_grant(*, actor, grant: Grant, valid_to: dt.date | None) -> Grant:
    """End a grant on `valid_to` (inclusive): from the next day it gives no access."""
    if grant.unit_id:
        ensure(actor, "accounts.manage", unit=grant.unit)
    elif grant.council_id and grant.council.unit_id:
        ensure(actor, "accounts.manage", unit=grant.council.unit)
    else:
        ensure(actor, "accounts.manage", province=grant.province_id)
    if grant.role == Role.ADMIN and actor is not None and not scope_of(actor).is_admin:
        raise NotPermitted("Chỉ quản trị hệ thống mới được kết thúc vai trò Quản trị hệ thống.")
    if valid_to is None:
        raise ActionError("Hãy nhập ngày hết hiệu lực.", field="valid_to")
    if valid_to < grant.valid_from:
        raise ActionError(
            f"Ngày hết hiệu lực không được trước ngày bắt đầu hiệu lực ({grant.valid_from:%d/%m/%Y}).", field="valid_to"
        )
    if grant.valid_to is not None and grant.valid_to <= valid_to:
        raise StateConflict(f"Phân quyền này đã hết hiệu lực từ sau ngày {grant.valid_to:%d/%m/%Y}.", field="valid_to")
    before = grant.valid_to
    grant.valid_to = valid_to
    save_with_version(grant, grant.version, ["valid_to"])
    record(
        actor=actor,
        action="accounts.grant.end",
        obj=grant,
        object_repr=_grant_repr(grant),
        changes={"valid_to": [before, valid_to]},
    )
    return grant


@transaction.atomic
def do_create_api_token(*, actor, name: str, expires_on: dt.date | None = None, owner=None) -> tuple[ApiToken, str]:
    """Create a token for the actor, working through `expires_on` (inclusive) when given. Returns
    the token and its secret, which is shown once and never stored (only its SHA-256 digest is).

    `owner` is for the system actor only (`manage.py create_token USER`): a user never makes a
    token that signs in as someone else."""
    ensure(actor, "self.manage")
    if owner is not None and actor is not None and owner.pk != actor.pk:
        raise NotPermitted("Chỉ tạo được khóa API cho chính tài khoản của mình.")
    if owner is None:
        owner = actor
    if owner is None or not owner.is_active:
        raise ActionError("Tài khoản đã bị khóa hoặc không tồn tại; không tạo được khóa API.")
    name = nfc(name)
    if not name:
        raise ActionError("Hãy đặt tên gợi nhớ cho khóa API (ví dụ: “Phần mềm báo cáo”).", field="name")
    if len(name) > 100:
        raise ActionError("Tên gợi nhớ dài tối đa 100 ký tự.", field="name")
    today = timezone.localdate()
    if expires_on is not None and expires_on < today:
        raise ActionError(f"Ngày hết hạn không được trước hôm nay ({today:%d/%m/%Y}).", field="expires_on")
    live = ApiToken.objects.filter(user=owner, revoked_at__isnull=True).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
    if live.count() >= MAX_ACTIVE_TOKENS:
        raise ActionError(f"Mỗi tài khoản chỉ có tối đa {MAX_ACTIVE_TOKENS} khóa API đang dùng. Hãy thu hồi khóa không còn dùng.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=owner, name=name, prefix=secret[:10], digest=ApiToken.digest_of(secret), expires_on=expires_on
    )
    record(
        actor=actor,
        action="accounts.token.create",
        obj=token,
        province=_home_province(owner),
        object_repr=f"{name} ({token.prefix}…)",
        changes={"name": [None, name], **({"expires_on": [None, expires_on]} if expires_on else {})},
    )
    return token, secret


@transaction.atomic
def do_revoke_api_token(*, actor, token: ApiToken) -> ApiToken:
    if actor is not None and token.user_id == actor.pk:
        ensure(actor, "self.manage")
    else:
        ensure_can_manage_user(actor, token.user)
    now = timezone.now()
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now, updated_at=now)
    if updated != 1:
        raise StateConflict("Khóa API này đã được thu hồi trước đó.")
    token.revoked_at = now
    record(
        actor=actor,
        action="accounts.token.revoke",
        obj=token,
        province=_home_province(token.user),
        object_repr=f"{token.name} ({token.prefix}…)",
        changes={"revoked_at": [None, now]},
    )
    return token
