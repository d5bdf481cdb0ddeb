"""/api/v1: Tài khoản, phân quyền và khóa API (issue #15).

The same actions as the pages of thidua/accounts/views.py, with their rules and audit rows:
`requires()` checks the role, the accounts selector the scope (an account outside it answers 404
like a missing one), thidua.accounts.actions does every write. Accounts are named by their
profile uid; passwords and token secrets never come back, except a new token's secret, once.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

import datetime as dt
from typing import Any, Dict, List, Literal, Optional
from uuid import UUID

from ninja import Field, Query, Router, Schema

from thidua.accounts import actions, selectors
from thidua.accounts.models import AccountProfile, ApiToken, Grant, Role, ScopeKind
from thidua.api.auth import requires
from thidua.api.errors import ReferenceNotFound
from thidua.api.registry import ErrorOut, PageParams, _page, _ref, _user
from thidua.core.access import scoped
from thidua.org.models import Province, Unit

router = Router(tags=["Tài khoản, phân quyền, khóa API"])

RoleCode = Literal[tuple(Role.values)]  # type: ignore[valid-type]
ScopeCode = Literal[tuple(ScopeKind.values)]  # type: ignore[valid-type]

ERRORS: Dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
# 409: a duplicate (username taken, the same role on the same scope) or a state that no longer
# allows the change (a grant already ended, a token already revoked).
WRITE_ERRORS: Dict[int, Any] = {**ERRORS, 409: ErrorOut}


class GrantOut(Schema):
    uid: UUID
    role: str
    role_label: str
    scope_kind: str
    province: UUID
    unit: Optional[UUID]
    bloc: Optional[UUID]
    council: Optional[UUID] = Field(description="Hội đồng khi scope_kind = COUNCIL")
    scope_name: str
    valid_from: dt.date
    valid_to: Optional[dt.date]
    active_today: bool
    note: str


class AccountOut(Schema):
    uid: UUID
    username: str
    full_name: str
    email: str
    is_active: bool
    managing_province: Optional[UUID] = Field(description="Tỉnh quản lý tài khoản; null: tài khoản toàn hệ thống")
    grants: List[GrantOut]


class AccountPage(Schema):
    count: int
    limit: int
    offset: int
    items: List[AccountOut]


class AccountIn(Schema):
    username: str = Field(max_length=150)
    full_name: str = Field(max_length=150)
    password: str = Field(description="Theo chính sách mật khẩu; không bao giờ được trả về hay ghi nhật ký")
    email: str = Field("", max_length=254)
    province: Optional[UUID] = Field(None, description="Tỉnh quản lý tài khoản; bắt buộc trừ quản trị hệ thống")


class ActiveIn(Schema):
    active: bool = Field(description="false: khóa tài khoản (thu hồi mọi khóa API); true: mở lại")


class PasswordIn(Schema):
    password: str = Field(description="Mật khẩu mới (mọi khóa API của tài khoản bị thu hồi)")


class GrantIn(Schema):
    role: RoleCode  # type: ignore[valid-type]
    scope_kind: ScopeCode = "PROVINCE"  # type: ignore[valid-type]
    province: UUID = Field(description="Tỉnh của phạm vi")
    unit: Optional[UUID] = Field(None, description="Bắt buộc khi scope_kind = UNIT")
    bloc: Optional[UUID] = Field(None, description="Khối, cụm thi đua; bắt buộc khi scope_kind = BLOCK")
    council: Optional[UUID] = Field(
        None, description="Hội đồng thi đua, khen thưởng; bắt buộc khi scope_kind = COUNCIL (vai trò COUNCIL_SECRETARY, "
        "COUNCIL_MEMBER hoặc COUNTING_BOARD)")
    valid_from: dt.date
    valid_to: Optional[dt.date] = None
    note: str = Field("", max_length=255)


class GrantEndIn(Schema):
    valid_to: dt.date = Field(description="Ngày cuối còn hiệu lực (tính cả ngày này)")


class TokenOut(Schema):
    uid: UUID
    name: str
    prefix: str = Field(description="Vài ký tự đầu để nhận ra khóa; khóa đầy đủ chỉ hiện một lần khi tạo")
    created_at: dt.datetime
    last_used_at: Optional[dt.datetime]
    expires_on: Optional[dt.date]
    expired: bool


class TokenCreated(TokenOut):
    secret: str = Field(description="Khóa đầy đủ, chỉ trả về một lần; gửi trong tiêu đề “Authorization: Bearer <khóa>”")


class TokenIn(Schema):
    name: str = Field(max_length=100, description="Tên gợi nhớ, ví dụ “Phần mềm báo cáo”")
    expires_on: Optional[dt.date] = Field(None, description="Ngày cuối khóa còn dùng được; bỏ trống: không hết hạn")


# ---------------------------------------------------------------- rendering


def grant_out(grant: Grant, today: Optional[dt.date] = None) -> dict:
    today = today or dt.date.today()
    return {
        "uid": grant.uid, "role": grant.role, "role_label": grant.get_role_display(), "scope_kind": grant.scope_kind,
        "province": grant.province.uid, "unit": grant.unit.uid if grant.unit_id else None,
        "bloc": grant.bloc.uid if grant.bloc_id else None, "council": grant.council.uid if grant.council_id else None,
        "scope_name": str(grant).split(" — ", 1)[-1],
        "valid_from": grant.valid_from, "valid_to": grant.valid_to, "active_today": grant.active_on(today), "note": grant.note,
    }


def account_out(user) -> dict:
    profile = AccountProfile.objects.filter(user=user).select_related("province").first()
    grants = Grant.objects.filter(user=user).select_related("province", "unit", "bloc", "council").order_by("-valid_from", "-pk")
    return {
        "uid": profile.uid, "username": user.get_username(), "full_name": user.get_full_name(), "email": user.email,
        "is_active": user.is_active, "managing_province": profile.province.uid if profile.province_id else None,
        "grants": [grant_out(g) for g in grants],
    }


def token_out(token: ApiToken) -> dict:
    return {
        "uid": token.uid, "name": token.name, "prefix": token.prefix, "created_at": token.created_at,
        "last_used_at": token.last_used_at, "expires_on": token.expires_on, "expired": token.is_expired(),
    }


def _account(user, uid: UUID, action: str = "accounts.view"):
    return selectors.get_user_or_404(user, action, account_profile__uid=uid)


# ---------------------------------------------------------------- accounts


@router.get("/accounts", response={200: AccountPage, **ERRORS}, summary="Danh sách tài khoản (tìm theo tên đăng nhập, họ tên không dấu)")
@requires("accounts.view")
def list_accounts(request, params: Query[PageParams], q: str = "", status: Literal["active", "inactive", "all"] = "active"):
    qs = selectors.users_in_scope(_user(request)).filter(account_profile__isnull=False)
    if status != "all":
        qs = qs.filter(is_active=status == "active")
    if q:
        qs = selectors.search_users(qs, q)
    return _page(qs.order_by("username"), params, account_out)


@router.get("/accounts/{uid}", response={200: AccountOut, **ERRORS}, summary="Xem tài khoản và các phân quyền")
@requires("accounts.view")
def get_account(request, uid: UUID):
    return account_out(_account(_user(request), uid))


@router.post("/accounts", response={201: AccountOut, **WRITE_ERRORS}, summary="Tạo tài khoản (rồi phân quyền)")
@requires("accounts.manage")
def create_account(request, payload: AccountIn):
    user = _user(request)
    province = _ref(user, Province, payload.province, "province", "tỉnh/thành phố quản lý", action="accounts.manage")
    created = actions.do_create_user(
        actor=user, username=payload.username, full_name=payload.full_name, password=payload.password,
        email=payload.email, province=province,
    )
    return 201, account_out(created)


@router.post("/accounts/{uid}/active", response={200: AccountOut, **WRITE_ERRORS}, summary="Khóa hoặc mở lại tài khoản")
@requires("accounts.manage")
def set_account_active(request, uid: UUID, payload: ActiveIn):
    user = _user(request)
    target = actions.do_set_user_active(actor=user, user=_account(user, uid, "accounts.manage"), active=payload.active)
    return account_out(target)


@router.post("/accounts/{uid}/password", response={204: None, **WRITE_ERRORS}, summary="Đặt lại mật khẩu của tài khoản")
@requires("accounts.manage")
def reset_password(request, uid: UUID, payload: PasswordIn):
    user = _user(request)
    actions.do_reset_password(actor=user, user=_account(user, uid, "accounts.manage"), password=payload.password)
    return 204, None


@router.post("/accounts/{uid}/grants", response={201: GrantOut, **WRITE_ERRORS}, summary="Phân một vai trò trên tỉnh, khối, đơn vị hoặc hội đồng")
@requires("accounts.manage")
def add_grant(request, uid: UUID, payload: GrantIn):
    from thidua.blocs.models import Bloc
    from thidua.voting.models import Council

    user = _user(request)
    target = _account(user, uid, "accounts.manage")
    province = _ref(user, Province, payload.province, "province", "tỉnh/thành phố", action="accounts.manage")
    unit = _ref(user, Unit, payload.unit, "unit", "đơn vị", action="accounts.manage")
    bloc = _ref(user, Bloc, payload.bloc, "bloc", "khối, cụm thi đua", action="accounts.manage")
    council = _ref(user, Council, payload.council, "council", "hội đồng", action="accounts.manage")
    grant = actions.do_add_grant(
        actor=user, user=target, role=payload.role, scope_kind=payload.scope_kind, province=province, unit=unit, bloc=bloc,
        council=council, valid_from=payload.valid_from, valid_to=payload.valid_to, note=payload.note,
    )
    return 201, grant_out(Grant.objects.select_related("province", "unit", "bloc", "council").get(pk=grant.pk))


@router.post("/grants/{uid}/end", response={200: GrantOut, **WRITE_ERRORS}, summary="Kết thúc một phân quyền vào một ngày")
@requires("accounts.manage")
def end_grant(request, uid: UUID, payload: GrantEndIn):
    user = _user(request)
    grant = scoped(user, Grant.objects.select_related("user", "province", "unit", "bloc", "council"), "accounts.manage").filter(uid=uid).first()
    if grant is None:
        raise ReferenceNotFound("Không tìm thấy phân quyền đã chọn.")
    grant = actions.do_end_grant(actor=user, grant=grant, valid_to=payload.valid_to)
    return grant_out(grant)


# ---------------------------------------------------------------- own API tokens


@router.get("/tokens", response={200: List[TokenOut], **ERRORS}, summary="Các khóa API đang dùng của tài khoản mình")
@requires("self.manage")
def list_tokens(request):
    tokens = ApiToken.objects.filter(user=_user(request), revoked_at__isnull=True).order_by("-created_at")
    return [token_out(t) for t in tokens]


@router.post("/tokens", response={201: TokenCreated, **WRITE_ERRORS}, summary="Tạo khóa API cho tài khoản mình (khóa chỉ hiện một lần)")
@requires("self.manage")
def create_token(request, payload: TokenIn):
    token, secret = actions.do_create_api_token(actor=_user(request), name=payload.name, expires_on=payload.expires_on)
    return 201, {**token_out(token), "secret": secret}


@router.delete("/tokens/{uid}", response={204: None, **WRITE_ERRORS}, summary="Thu hồi một khóa API của tài khoản mình")
@requires("self.manage")
def revoke_token(request, uid: UUID):
    user = _user(request)
    token = ApiToken.objects.filter(uid=uid, user=user).first()
    if token is None:
        raise ReferenceNotFound("Không tìm thấy khóa API đã chọn.")
    actions.do_revoke_api_token(actor=user, token=token)
    return 204, None

