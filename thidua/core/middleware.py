from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse


class SecurityHeadersMiddleware:
    """Content-Security-Policy (no inline scripts) and a few headers Django does not set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response Django renders: signed-in pages, API answers,
    file downloads and the sign-in page (it carries a CSRF token). A shared office computer's
    browser cache or a proxy then keeps no copy of scores, ballots or personal records. Static
    files never reach this middleware: WhiteNoise answers them earlier, with its own caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers["Cache-Control"] = "no-store"
        return response


class HtmxLoginRedirectMiddleware:
    """An HTMX request whose session expired would swap the login page into a table cell;
    tell HTMX to load the login page as a whole page instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "htmx", False) and response.status_code == 302:
            location = response.headers.get("Location", "")
            if location.startswith(settings.LOGIN_URL) or "/dang-nhap/" in location:
                redirect = HttpResponse(status=204)
                redirect.headers["HX-Redirect"] = location
                return redirect
        return response
