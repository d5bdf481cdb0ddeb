"""Writes of the notifications app: a user marks their own notifications read and chooses which
kinds they receive, in the application and by e-mail. Only ever the actor's own rows: no role is
needed (an account whose grants ended still reads what it was sent)."""

from __future__ import annotations

from typing import Mapping

from django.db import transaction
from django.utils import timezone

from thidua.audit.log import record
from thidua.core.access import ensure  # noqa: F401 - no role is checked here; the matrix test watches that none is
from thidua.core.errors import ActionError, NotPermitted
from thidua.notifications.models import DEFAULT_EMAIL, DEFAULT_IN_APP, Notification, NotificationKind, NotificationPreference


def _own(actor, note: Notification) -> None:
    if actor is None or note.recipient_id != actor.pk:
        raise NotPermitted("Đây không phải thông báo của bạn.")


@transaction.atomic
def do_mark_notification_read(*, actor, notification: Notification) -> Notification:
    _own(actor, notification)
    if notification.read_at is not None:
        raise ActionError("Thông báo này đã được đánh dấu đã đọc.")
    now = timezone.now()
    updated = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now, updated_at=now)
    if updated != 1:
        raise ActionError("Thông báo này đã được đánh dấu đã đọc.")
    notification.read_at = now
    record(actor=actor, action="notifications.notification.read", obj=notification, changes={"read_at": [None, now]})
    return notification


@transaction.atomic
def do_mark_all_notifications_read(*, actor) -> int:
    if actor is None:
        raise NotPermitted("Chỉ người nhận mới đánh dấu được thông báo của mình.")
    now = timezone.now()
    count = Notification.objects.filter(recipient=actor, in_app=True, read_at__isnull=True).update(read_at=now, updated_at=now)
    record(actor=actor, action="notifications.notification.read_all", object_type="notifications.notification",
           object_repr="Mọi thông báo chưa đọc", changes={"count": [None, count]})
    return count


@transaction.atomic
def do_set_notification_preferences(*, actor, choices: Mapping[str, Mapping[str, bool]]) -> list[NotificationPreference]:
    """`choices`: {kind: {"in_app": bool, "email": bool}}; kinds not named keep their choice."""
    if actor is None:
        raise NotPermitted("Chỉ chủ tài khoản mới chọn được loại thông báo nhận.")
    unknown = [k for k in choices if k not in NotificationKind.values]
    if unknown:
        raise ActionError(f"Loại thông báo không có trong danh mục: {', '.join(unknown)}.", field="kind")
    current = {p.kind: p for p in NotificationPreference.objects.filter(user=actor)}
    changes = {}
    saved = []
    for kind in NotificationKind.values:
        if kind not in choices:
            continue
        wanted = choices[kind]
        pref = current.get(kind) or NotificationPreference(user=actor, kind=kind, in_app=DEFAULT_IN_APP, email=DEFAULT_EMAIL)
        before = (pref.in_app, pref.email)
        pref.in_app = bool(wanted.get("in_app", pref.in_app))
        pref.email = bool(wanted.get("email", pref.email))
        if pref.pk is None or before != (pref.in_app, pref.email):
            pref.save()
            changes[NotificationKind(kind).label] = [_text(*before), _text(pref.in_app, pref.email)]
        saved.append(pref)
    record(actor=actor, action="notifications.preference.update", object_type="notifications.notificationpreference",
           object_repr=f"Lựa chọn nhận thông báo của {actor.get_username()}", changes=changes)
    return saved


def _text(in_app: bool, email: bool) -> str:
    parts = [p for p, on in (("trong ứng dụng", in_app), ("thư điện tử", email)) if on]
    return ", ".join(parts) or "không nhận"
