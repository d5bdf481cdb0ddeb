"""Authentication of /api/v1 and the per-endpoint access mark.

Two ways in, tried in order:
- `Authorization: Bearer <token>`: a personal API token (accounts.ApiToken, only its SHA-256 is
  stored). A bearer header that does not name a live token (unknown, revoked, past its expiry
  date, or of a locked account) is refused outright (401), it never falls back to the session.
- The browser's Django session, with the CSRF token (header X-CSRFToken) on unsafe methods.

Every endpoint is decorated with `requires("<action>")`: it checks the role × action matrix
before the endpoint runs and records the action on the function, so a test can walk every
route and its access rule (see `thidua.api.main.api_operations`).
"""

from __future__ import annotations

import datetime as dt
from functools import wraps
from typing import Any, Callable, Optional

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from thidua.accounts.models import ApiToken
from thidua.core.access import scope_of
from thidua.core.errors import NotPermitted

# How often last_used_at is written at most, so a busy integration does not write on every call.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class CsrfFailed(HttpError):
    def __init__(self) -> None:
        super().__init__(403, "csrf")


class TokenExpired(AuthenticationError):
    """A live token past its last day: 401, saying so in Vietnamese (thidua.api.errors)."""

    def __init__(self, expires_on: dt.date) -> None:
        super().__init__(401, "token_expired")
        self.vi_message = (
            f"Khóa API này đã hết hạn sau ngày {expires_on:%d/%m/%Y}. "
            "Hãy tạo khóa mới ở trang “Tài khoản của tôi” và cập nhật phần mềm đang dùng khóa."
        )


class TokenAuth(HttpBearer):
    """Personal API tokens sent as `Authorization: Bearer <token>`."""

    def authenticate(self, request: HttpRequest, token: str) -> Optional[Any]:
        token = (token or "").strip()
        if not token:
            raise AuthenticationError()
        record = (
            ApiToken.objects.select_related("user")
            .filter(digest=ApiToken.digest_of(token), revoked_at__isnull=True)
            .first()
        )
        if record is None or not record.user.is_active:
            # A wrong or revoked token is an answer, not a reason to try the session.
            raise AuthenticationError()
        if record.is_expired():
            raise TokenExpired(record.expires_on)
        now = timezone.now()
        if record.last_used_at is None or now - record.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=record.pk).filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
            ).update(last_used_at=now)
        request.user = record.user
        request.api_token = record
        return record.user


class SessionCsrfAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods must carry the CSRF token."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Optional[Any]:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise CsrfFailed()
        return user

    def authenticate(self, request: HttpRequest, key: Optional[str]) -> Optional[Any]:  # pragma: no cover - __call__ decides
        return getattr(request, "user", None)


API_AUTH = [TokenAuth(), SessionCsrfAuth(csrf=True)]


def requires(action: str) -> Callable:
    """Mark an endpoint with its access action and refuse callers whose roles lack it (403).

    Scope (which province, which unit) is then checked by get_scoped_or_404 and the actions.
    """

    def decorator(func: Callable) -> Callable:
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            user = getattr(request, "auth", None) or getattr(request, "user", None)
            if not scope_of(user).can(action):
                raise NotPermitted("Tài khoản không có quyền dùng chức năng này.")
            return func(request, *args, **kwargs)

        wrapper.thidua_action = action
        return wrapper

    return decorator
