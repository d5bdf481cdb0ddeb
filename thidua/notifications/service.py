"""Delivering notifications: who gets one, in the application and/or by e-mail, exactly once.

`deliver()` writes one row per recipient and event key (an existing key is skipped, which makes
the deadline command idempotent) and mails those who chose e-mail and have an address. Events of
the actions layer go through `after_commit()`: nothing is sent for a change that rolls back, and
a mail server that fails never undoes the change (robust on_commit; the failure is logged).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from thidua.accounts.models import Grant, Role, ScopeKind
from thidua.notifications.models import DEFAULT_EMAIL, DEFAULT_IN_APP, Notification, NotificationKind, NotificationPreference

logger = logging.getLogger(__name__)

# The accounts that act for a unit: its officers and leaders (unit-scoped grants active today).
UNIT_ROLES = (Role.UNIT_OFFICER, Role.UNIT_LEADER)


def unit_user_ids(unit_ids: Iterable[int], on: dt.date | None = None) -> set[int]:
    unit_ids = {u for u in unit_ids if u}
    if not unit_ids:
        return set()
    on = on or dt.date.today()
    return set(
        Grant.objects.filter(scope_kind=ScopeKind.UNIT, unit_id__in=unit_ids, role__in=UNIT_ROLES, valid_from__lte=on, user__is_active=True)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .values_list("user_id", flat=True)
    )


def preferences(user_ids: Iterable[int], kind: str) -> dict[int, tuple[bool, bool]]:
    """(in_app, email) of each user for `kind`; the defaults where the user chose nothing."""
    chosen = {
        p.user_id: (p.in_app, p.email) for p in NotificationPreference.objects.filter(user_id__in=list(user_ids), kind=kind)
    }
    return {uid: chosen.get(uid, (DEFAULT_IN_APP, DEFAULT_EMAIL)) for uid in user_ids}


def _absolute(link: str) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{link}" if base and link.startswith("/") else link


def deliver(*, province_id: int, user_ids: Iterable[int], kind: str, title: str, link: str = "", key: str, body: str = "") -> int:
    """Notify each user once for `key`; returns how many new notifications were written."""
    assert kind in NotificationKind.values
    user_ids = {u for u in user_ids if u}
    if not user_ids:
        return 0
    already = set(Notification.objects.filter(recipient_id__in=user_ids, key=key).values_list("recipient_id", flat=True))
    prefs = preferences(user_ids - already, kind)
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=prefs, is_active=True)}
    written = 0
    for user_id, (in_app, email) in sorted(prefs.items()):
        user = users.get(user_id)
        if user is None or not (in_app or email):
            continue
        try:
            with transaction.atomic():
                note = Notification.objects.create(
                    province_id=province_id, recipient=user, kind=kind, title=title[:300], body=body, link=link[:500], key=key[:200],
                    in_app=in_app,
                )
        except IntegrityError:
            continue  # written meanwhile by a concurrent run
        written += 1
        if email and user.email:
            _mail(note, user)
    return written


def _mail(note: Notification, user) -> None:
    text = note.title
    if note.body:
        text += "\n\n" + note.body
    if note.link:
        text += "\n\nXem chi tiết: " + _absolute(note.link)
    text += "\n\n— Phần mềm quản lý thi đua, khen thưởng. Chọn loại thông báo nhận tại trang “Thông báo” › “Chọn loại thông báo”."
    try:
        send_mail(f"[Thi đua, khen thưởng] {note.title}"[:200], text, None, [user.email], fail_silently=False)
    except Exception:  # noqa: BLE001 - a mail server down must not stop the others
        logger.exception("notification mail to user %s failed", user.pk)
        return
    Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())


def after_commit(**kwargs) -> None:
    """deliver(**kwargs) once the surrounding transaction commits (now, outside one)."""
    transaction.on_commit(lambda: deliver(**kwargs), robust=True)
