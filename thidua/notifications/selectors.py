"""The one list of a user's notifications and the bell's count, shared by pages and the API."""

from __future__ import annotations

from thidua.notifications.models import DEFAULT_EMAIL, DEFAULT_IN_APP, Notification, NotificationKind, NotificationPreference


def my_notifications(user, *, unread_only: bool = False):
    qs = Notification.objects.filter(recipient=user, in_app=True).order_by("-created_at", "-pk")
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_count(user) -> int:
    return my_notifications(user, unread_only=True).count()


def my_preferences(user) -> list[dict]:
    chosen = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    rows = []
    for kind in NotificationKind:
        pref = chosen.get(kind.value)
        rows.append({
            "kind": kind.value, "label": kind.label,
            "in_app": pref.in_app if pref else DEFAULT_IN_APP, "email": pref.email if pref else DEFAULT_EMAIL,
        })
    return rows
