from __future__ import annotations

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from thidua.core import throttle
from thidua.core.access import public, signed_in
from thidua.core.net import client_address
from thidua.rules.text import nfc


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Tên đăng nhập hoặc mật khẩu không đúng.",
        "inactive": "Tài khoản này đã bị khóa.",
    }

    username = forms.CharField(label="Tên đăng nhập", max_length=150)
    password = forms.CharField(label="Mật khẩu", strip=False, widget=forms.PasswordInput)

    # Set when the attempt is refused by thidua.core.throttle (the view answers 429).
    lock: throttle.Lock | None = None

    def clean(self):
        username = nfc(self.data.get("username", ""))
        address = client_address(self.request) if self.request else "unknown"
        # Checked before the password, so a locked account cannot be guessed at all.
        self.lock = throttle.lock_for(username, address)
        if self.lock is not None:
            raise forms.ValidationError(self.lock.message(), code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.note_failure(username, address)
            raise
        throttle.clear(username)
        return cleaned


class SignInView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.lock is not None:
            response.status_code = 429
            response.headers["Retry-After"] = str(form.lock.seconds_left())
        return response


@public
def login_view(request, *args, **kwargs):
    return SignInView.as_view()(request, *args, **kwargs)


@public
def logout_view(request, *args, **kwargs):
    return auth_views.LogoutView.as_view()(request, *args, **kwargs)


@signed_in
def home(request):
    """Bàn làm việc: one section per role of the user (thidua.core.workbench)."""
    import datetime as dt
    import uuid

    from thidua.accounts.models import Grant
    from thidua.core.workbench import workbench_for

    today = dt.date.today()
    year = request.GET.get("nam", "")
    year = int(year) if year.isdigit() and 1990 <= int(year) <= today.year + 1 else None
    ranking_bloc = request.GET.get("khoi", "")
    try:
        ranking_bloc = str(uuid.UUID(ranking_bloc)) if ranking_bloc else None
    except ValueError:
        ranking_bloc = None
    grants = Grant.objects.filter(user=request.user).select_related("province", "unit", "bloc")
    context = {
        "bench": workbench_for(request.user, year=year, ranking_bloc=ranking_bloc, today=today),
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
