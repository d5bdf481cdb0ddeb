"""Sign-in throttling: per account, and per client address only for guessing across accounts.

- An account is locked for LOGIN_THROTTLE_WINDOW_SECONDS once LOGIN_THROTTLE_LIMIT wrong
  passwords for it arrive within the window, from anywhere. Other accounts signing in from the
  same address (an office behind one NAT) are not affected.
- A client address is refused for the window once its failures within the window name
  LOGIN_THROTTLE_ADDRESS_ACCOUNTS different accounts or reach LOGIN_THROTTLE_ADDRESS_LIMIT in
  all (password spraying). A later successful sign-in does not clear the address's count, so one
  valid account cannot reset it.

Counters live in the shared cache (settings.CACHES: a file cache all workers see). Keys hold a
digest of the folded username, never the name itself. A lock is reported with its end, so the
page and the Retry-After header can say when to try again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from thidua.rules.text import fold


@dataclass(frozen=True)
class Lock:
    until: float  # epoch seconds
    by_address: bool

    def seconds_left(self, now: float | None = None) -> int:
        return max(1, math.ceil(self.until - (time.time() if now is None else now)))

    def message(self, now: float | None = None) -> str:
        """When to retry, in Vietnamese, in the installation's time zone."""
        now = time.time() if now is None else now
        until = timezone.localtime(dt.datetime.fromtimestamp(self.until, tz=dt.timezone.utc))
        today = timezone.localtime(dt.datetime.fromtimestamp(now, tz=dt.timezone.utc)).date()
        when = f"{until:%H:%M}" if until.date() == today else f"{until:%H:%M} ngày {until:%d/%m/%Y}"
        minutes = math.ceil(self.seconds_left(now) / 60)
        retry = f"Hãy thử lại sau {when} (khoảng {minutes} phút nữa)."
        if self.by_address:
            return f"Có quá nhiều lần đăng nhập sai từ địa chỉ mạng của bạn. {retry}"
        return f"Tài khoản này đã bị tạm khóa vì đăng nhập sai quá nhiều lần. {retry}"


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _account_key(username: str) -> str:
    return f"signin:account:{_digest(fold(username))}"


def _address_key(address: str) -> str:
    return f"signin:address:{_digest(address)}"


def _live(record: dict | None, now: float) -> dict | None:
    """The record if its window (or its lock) has not passed yet."""
    if not isinstance(record, dict):
        return None
    end = record.get("until") or record.get("since", 0) + settings.LOGIN_THROTTLE_WINDOW_SECONDS
    return record if end > now else None


def _store(key: str, record: dict, now: float) -> None:
    end = record.get("until") or record["since"] + settings.LOGIN_THROTTLE_WINDOW_SECONDS
    cache.set(key, record, timeout=max(1, math.ceil(end - now)))


def lock_for(username: str, address: str, now: float | None = None) -> Lock | None:
    """The lock refusing this sign-in now, or None. The account's lock is reported first."""
    now = time.time() if now is None else now
    account = _live(cache.get(_account_key(username)), now)
    if account and account.get("until"):
        return Lock(account["until"], by_address=False)
    origin = _live(cache.get(_address_key(address)), now)
    if origin and origin.get("until"):
        return Lock(origin["until"], by_address=True)
    return None


def note_failure(username: str, address: str, now: float | None = None) -> None:
    now = time.time() if now is None else now
    window = settings.LOGIN_THROTTLE_WINDOW_SECONDS
    account_key = _account_key(username)
    account = _live(cache.get(account_key), now) or {"n": 0, "since": now, "until": None}
    account["n"] += 1
    if account["n"] >= settings.LOGIN_THROTTLE_LIMIT and not account["until"]:
        account["until"] = now + window
    _store(account_key, account, now)

    address_key = _address_key(address)
    origin = _live(cache.get(address_key), now) or {"n": 0, "accounts": [], "since": now, "until": None}
    origin["n"] += 1
    name = _digest(fold(username))[:12]
    if name not in origin["accounts"] and len(origin["accounts"]) < settings.LOGIN_THROTTLE_ADDRESS_ACCOUNTS:
        origin["accounts"].append(name)
    spread = len(origin["accounts"]) >= settings.LOGIN_THROTTLE_ADDRESS_ACCOUNTS
    if (spread or origin["n"] >= settings.LOGIN_THROTTLE_ADDRESS_LIMIT) and not origin["until"]:
        origin["until"] = now + window
    _store(address_key, origin, now)


def clear(username: str) -> None:
    """A successful sign-in clears the account's failures (not the address's)."""
    cache.delete(_account_key(username))
