from __future__ import annotations

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from thidua.core import throttle
from thidua.core.access import public, scope_of, scoped, signed_in
from thidua.rules.text import nfc


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Tên đăng nhập hoặc mật khẩu không đúng.",
        "inactive": "Tài khoản này đã bị khóa.",
        "throttled": "Bạn đã đăng nhập sai quá nhiều lần. Hãy thử lại sau 15 phút.",
    }

    username = forms.CharField(label="Tên đăng nhập", max_length=150)
    password = forms.CharField(label="Mật khẩu", strip=False, widget=forms.PasswordInput)

    def clean(self):
        username = nfc(self.data.get("username", ""))
        address = _client_address(self.request) if self.request else ""
        if throttle.is_blocked(username, address):
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.note_failure(username, address)
            raise
        throttle.clear(username, address)
        return cleaned


@public
def login_view(request, *args, **kwargs):
    return auth_views.LoginView.as_view(
        template_name="core/login.html", authentication_form=ThrottledAuthenticationForm, redirect_authenticated_user=True
    )(request, *args, **kwargs)


@public
def logout_view(request, *args, **kwargs):
    return auth_views.LogoutView.as_view()(request, *args, **kwargs)


@signed_in
def home(request):
    from thidua.accounts.models import Grant
    from thidua.org.models import Person, Unit

    scope = scope_of(request.user)
    can_view = scope.can("registry.view")
    grants = Grant.objects.filter(user=request.user).select_related("province", "unit")
    from thidua.blocs.selectors import todo_for

    context = {
        "todo": todo_for(request.user) if can_view else [],
        "unit_count": scoped(request.user, Unit.objects.filter(ended_on__isnull=True)).count() if can_view else 0,
        "person_count": scoped(request.user, Person).count() if can_view else 0,
        "grants_display": [
            f"{g} (từ {g.valid_from:%d/%m/%Y}{' đến ' + format(g.valid_to, '%d/%m/%Y') if g.valid_to else ''})" for g in grants
        ],
    }
    return render(request, "core/home.html", context)


@public
def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_403(request, exception=None):
    return render(request, "errors/403.html", {"reason": str(exception or "")}, status=403)


def error_500(request):
    return render(request, "errors/500.html", status=500)


def error_400(request, exception=None):
    return render(request, "errors/400.html", status=400)


@public
def favicon(request):
    from django.http import HttpResponsePermanentRedirect
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
