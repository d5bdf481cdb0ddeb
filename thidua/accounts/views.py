from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from thidua.accounts import actions, selectors
from thidua.accounts.forms import (
    EndGrantForm,
    GrantForm,
    ResetPasswordForm,
    TokenForm,
    UserCreateForm,
    UserFilterForm,
    VietnamesePasswordChangeForm,
)
from thidua.accounts.models import AccountProfile, ApiToken, Grant
from thidua.core.access import access, provinces_for, scope_of, scoped, signed_in, units_for
from thidua.core.db import vi_order
from thidua.core.errors import ActionError
from thidua.core.forms import apply_action_error
from thidua.core.paging import htmx_partial, paginate


def _detail_url(user) -> str:
    profile = AccountProfile.objects.filter(user=user).only("uid").first()
    return reverse("accounts:user_detail", args=[profile.uid])


def grant_status(grant: Grant, today: dt.date) -> tuple[str, str]:
    """(label, css class) of a grant on `today`."""
    if grant.valid_from > today:
        return "Chưa đến hiệu lực", "future"
    if grant.valid_to is not None and grant.valid_to < today:
        return "Đã kết thúc", "off"
    return "Đang hiệu lực", "ok"


# ---------------------------------------------------------------- account list and details


@access("accounts.view")
def user_list(request):
    form = UserFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.users_in_scope(request.user).select_related("account_profile__province")
    status = data.get("status") or "active"
    if status == "active":
        qs = qs.filter(is_active=True)
    elif status == "inactive":
        qs = qs.filter(is_active=False)
    if data.get("q"):
        qs = selectors.search_users(qs, data["q"])
    today = dt.date.today()
    qs = qs.prefetch_related(
        Prefetch(
            "grants",
            queryset=Grant.objects.filter(valid_from__lte=today)
            .exclude(valid_to__lt=today)
            .select_related("province", "unit", "bloc", "council")
            .order_by("role", "pk"),
            to_attr="active_grants",
        )
    ).order_by("username")
    page = paginate(request, qs)
    context = {"form": form, "page_obj": page, "can_manage": scope_of(request.user).can("accounts.manage")}
    template = "accounts/_user_table.html" if htmx_partial(request) else "accounts/user_list.html"
    return render(request, template, context)


@access("accounts.manage")
def user_create(request):
    scope = scope_of(request.user)
    provinces = provinces_for(request.user, "accounts.manage").order_by(vi_order("name"))
    form = UserCreateForm(request.POST or None, provinces=provinces, province_required=not scope.is_admin)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = actions.do_create_user(
                actor=request.user,
                username=data["username"],
                full_name=data["full_name"],
                email=data.get("email") or "",
                password=data["password1"],
                province=data.get("province"),
            )
        except ActionError as error:
            apply_action_error(form, error, {"password": "password1"})
        else:
            messages.success(request, f"Đã tạo tài khoản “{user.get_username()}”. Hãy phân quyền cho tài khoản.")
            return redirect(_detail_url(user))
    return render(request, "accounts/user_form.html", {"form": form})


@access("accounts.view")
def user_detail(request, uid):
    target = selectors.get_user_or_404(request.user, account_profile__uid=uid)
    scope = scope_of(request.user)
    today = dt.date.today()
    grants = list(Grant.objects.filter(user=target).select_related("province", "unit", "bloc", "council").order_by("-valid_from", "-pk"))
    can_manage = scope.can("accounts.manage")
    rows = []
    for g in grants:
        label, css = grant_status(g, today)
        can_end = can_manage and (g.valid_to is None or g.valid_to >= today) and _may_end(request.user, g)
        rows.append({"grant": g, "status": label, "css": css, "can_end": can_end})
    profile = AccountProfile.objects.filter(user=target).select_related("province", "created_by").first()
    manageable = can_manage and _may_manage(request.user, target)
    context = {
        "target": target,
        "profile": profile,
        "grant_rows": rows,
        "tokens": token_rows(target),
        "can_manage": can_manage,
        "manageable": manageable,
        "end_form": EndGrantForm(initial={"valid_to": today}),
        "is_self": target.pk == request.user.pk,
    }
    return render(request, "accounts/user_detail.html", context)


def _may_manage(actor, target) -> bool:
    try:
        actions.ensure_can_manage_user(actor, target)
    except ActionError:
        return False
    return True


def _may_end(actor, grant: Grant) -> bool:
    from thidua.accounts.models import Role

    scope = scope_of(actor)
    if scope.is_admin:
        return True
    if grant.role == Role.ADMIN:
        return False
    return grant.province_id in (scope.province_ids_for("accounts.manage") or set())


@require_POST
@access("accounts.manage")
def user_set_active(request, uid):
    target = selectors.get_user_or_404(request.user, "accounts.manage", account_profile__uid=uid)
    active = request.POST.get("active") == "1"
    try:
        actions.do_set_user_active(actor=request.user, user=target, active=active)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        if active:
            messages.success(request, f"Đã mở khóa tài khoản “{target.get_username()}”.")
        else:
            messages.success(request, f"Đã khóa tài khoản “{target.get_username()}”: tài khoản không đăng nhập và không dùng khóa API được nữa.")
    return redirect(_detail_url(target))


@access("accounts.manage")
def user_reset_password(request, uid):
    target = selectors.get_user_or_404(request.user, "accounts.manage", account_profile__uid=uid)
    form = ResetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_reset_password(actor=request.user, user=target, password=form.cleaned_data["password1"])
        except ActionError as error:
            apply_action_error(form, error, {"password": "password1"})
        else:
            messages.success(
                request,
                f"Đã đặt lại mật khẩu cho “{target.get_username()}” và thu hồi các khóa API của tài khoản. "
                "Hãy báo mật khẩu mới cho người dùng qua kênh an toàn.",
            )
            return redirect(_detail_url(target))
    return render(request, "accounts/reset_password.html", {"form": form, "target": target})


# ---------------------------------------------------------------- grants


def _grant_form(request, data=None):
    scope = scope_of(request.user)
    provinces = provinces_for(request.user, "accounts.manage").order_by(vi_order("name"))
    province = None
    raw = (data or {}).get("province") or request.GET.get("province")
    if raw:
        province = provinces.filter(pk=raw).first() if str(raw).isdigit() else None
    if province is None:
        province = provinces.first()
    units = units_for(request.user, "accounts.manage").select_related("province")
    if province is not None:
        units = units.filter(province_id__in=province.lineage_ids())
    from thidua.blocs.models import Bloc

    blocs = scoped(request.user, Bloc.objects.filter(ended_on__isnull=True), "accounts.manage")
    if province is not None:
        blocs = blocs.filter(province_id__in=province.lineage_ids())
    from thidua.voting.models import Council

    councils = scoped(request.user, Council, "accounts.manage")
    if province is not None:
        councils = councils.filter(province_id__in=province.lineage_ids())
    form = GrantForm(
        data,
        provinces=provinces,
        units=units.order_by(vi_order("name")),
        blocs=blocs.order_by(vi_order("name")),
        councils=councils.order_by(vi_order("name")),
        allow_admin_role=scope.is_admin,
        initial={"province": province},
    )
    # Choosing another province reloads the unit list (htmx; no inline script).
    form.fields["province"].widget.attrs.update(
        {"hx-get": reverse("accounts:grant_unit_options"), "hx-target": "#id_unit", "hx-trigger": "change", "hx-swap": "innerHTML"}
    )
    return form


@access("accounts.manage")
def grant_add(request, uid):
    target = selectors.get_user_or_404(request.user, "accounts.manage", account_profile__uid=uid)
    form = _grant_form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_add_grant(
                actor=request.user,
                user=target,
                role=data["role"],
                scope_kind=data["scope_kind"],
                province=data["province"],
                unit=data.get("unit"),
                bloc=data.get("bloc"),
                council=data.get("council"),
                valid_from=data["valid_from"],
                valid_to=data.get("valid_to"),
                note=data.get("note") or "",
            )
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, "Đã phân quyền.")
            return redirect(_detail_url(target))
    return render(request, "accounts/grant_form.html", {"form": form, "target": target})


@access("accounts.manage")
def grant_unit_options(request):
    """The unit <option>s of the province chosen in the grant form (htmx swap)."""
    form = _grant_form(request)
    # The council list follows the province too (an out-of-band swap of #id_council).
    return render(request, "accounts/_unit_options.html", {"field": form["unit"], "council_field": form["council"]})


@require_POST
@access("accounts.manage")
def grant_end(request, grant_uid):
    from thidua.core.access import scoped

    grant = scoped(request.user, Grant.objects.select_related("user", "province", "unit"), "accounts.manage").filter(uid=grant_uid).first()
    if grant is None:
        raise Http404("Không tìm thấy")
    form = EndGrantForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["valid_to"][0])
    else:
        try:
            actions.do_end_grant(actor=request.user, grant=grant, valid_to=form.cleaned_data["valid_to"])
        except ActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, f"Đã kết thúc phân quyền “{grant}”: hết hiệu lực sau ngày {grant.valid_to:%d/%m/%Y}."
            )
    return redirect(_detail_url(grant.user))


# ---------------------------------------------------------------- my account


def token_rows(user) -> list[ApiToken]:
    """The user's unrevoked tokens, newest first, each marked `expired` for the list."""
    today = timezone.localdate()
    tokens = list(ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at"))
    for token in tokens:
        token.expired = token.is_expired(today)
    return tokens


def _my_account_context(request, password_form=None, token_form=None, new_secret=None):
    grants = Grant.objects.filter(user=request.user).select_related("province", "unit", "bloc", "council")
    today = dt.date.today()
    return {
        "grant_rows": [{"grant": g, "status": grant_status(g, today)[0], "css": grant_status(g, today)[1]} for g in grants],
        "tokens": token_rows(request.user),
        "password_form": password_form or VietnamesePasswordChangeForm(request.user),
        "token_form": token_form or TokenForm(),
        "can_tokens": scope_of(request.user).can("self.manage"),
        "new_secret": new_secret,
    }


@signed_in
def my_account(request):
    return render(request, "accounts/my_account.html", _my_account_context(request))


@require_POST
@signed_in
def change_password(request):
    form = VietnamesePasswordChangeForm(request.user, request.POST)
    if form.is_valid():
        had_tokens = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True).exists()
        try:
            actions.do_change_own_password(actor=request.user, password=form.cleaned_data["new_password1"])
        except ActionError as error:
            apply_action_error(form, error, {"password": "new_password2"})
        else:
            update_session_auth_hash(request, request.user)
            if had_tokens:
                messages.success(request, "Đã đổi mật khẩu. Các khóa API của bạn đã bị thu hồi: hãy tạo khóa mới cho phần mềm còn cần dùng.")
            else:
                messages.success(request, "Đã đổi mật khẩu.")
            return redirect(reverse("accounts:my_account"))
    return render(request, "accounts/my_account.html", _my_account_context(request, password_form=form), status=200)


@require_POST
@access("self.manage")
def token_create(request):
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            token, secret = actions.do_create_api_token(
                actor=request.user, name=form.cleaned_data["name"], expires_on=form.cleaned_data.get("expires_on")
            )
        except ActionError as error:
            apply_action_error(form, error)
        else:
            # The secret is rendered in this response only; it is never stored or shown again.
            context = _my_account_context(request, new_secret={"name": token.name, "secret": secret})
            response = render(request, "accounts/my_account.html", context)
            response.headers["Cache-Control"] = "no-store"
            return response
    return render(request, "accounts/my_account.html", _my_account_context(request, token_form=form))


@require_POST
@access("self.manage")
def token_revoke(request, token_uid):
    token = ApiToken.objects.filter(uid=token_uid, user=request.user).first()
    if token is None:
        raise Http404("Không tìm thấy")
    try:
        actions.do_revoke_api_token(actor=request.user, token=token)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã thu hồi khóa API “{token.name}”. Phần mềm đang dùng khóa này sẽ không gọi được API nữa.")
    return redirect(reverse("accounts:my_account"))
