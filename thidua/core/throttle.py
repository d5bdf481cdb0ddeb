"""Sign-in throttling: after LOGIN_THROTTLE_LIMIT failures for a username or a client address
within the window, further attempts are refused until the window passes."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from thidua.rules.text import fold


def _keys(username: str, address: str) -> list[str]:
    return [f"login-fail:user:{fold(username)}", f"login-fail:addr:{address}"]


def is_blocked(username: str, address: str) -> bool:
    limit = settings.LOGIN_THROTTLE_LIMIT
    return any((cache.get(k) or 0) >= limit for k in _keys(username, address))


def note_failure(username: str, address: str) -> None:
    window = settings.LOGIN_THROTTLE_WINDOW_SECONDS
    for key in _keys(username, address):
        if cache.add(key, 1, window) is False:
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, window)


def clear(username: str, address: str) -> None:
    cache.delete_many(_keys(username, address))
