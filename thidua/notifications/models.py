"""Notifications (issue #15 point 4): in the application (the bell) and by e-mail.

A notification is written once per recipient and event (`key`: unique per recipient), so a
repeated event or a rerun of `manage.py send_notifications` adds nothing. It carries only a title
and a link: never a vote or anything from the ballot tables.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from thidua.core.models import TenantModel, TimestampedModel


class NotificationKind(models.TextChoices):
    DEADLINE = "DEADLINE", "Sắp đến hạn (đăng ký thi đua, chấm điểm, hồ sơ…)"
    RETURNED = "RETURNED", "Hồ sơ, phiếu chấm điểm, bản đăng ký bị trả lại"
    POLL_OPEN = "POLL_OPEN", "Mở bỏ phiếu mà tôi được bỏ phiếu"
    DECISION = "DECISION", "Quyết định khen thưởng liên quan đến đơn vị"


class Notification(TenantModel):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người nhận", on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField("Loại", max_length=12, choices=NotificationKind.choices)
    title = models.CharField("Nội dung", max_length=300)
    body = models.TextField("Chi tiết", blank=True)
    link = models.CharField("Đường dẫn", max_length=500, blank=True)
    # The event this is about, e.g. "proposal-returned:<uid>:<version>"; one row per recipient and key.
    key = models.CharField(max_length=200)
    # False when the recipient takes this kind by e-mail only (the row then only guards against resending).
    in_app = models.BooleanField("Hiện trong ứng dụng", default=True)
    read_at = models.DateTimeField("Đã đọc lúc", null=True, blank=True)
    emailed_at = models.DateTimeField("Đã gửi thư lúc", null=True, blank=True)

    class Meta:
        verbose_name = "Thông báo"
        verbose_name_plural = "Thông báo"
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notifications_one_per_recipient_key")]
        indexes = [models.Index(fields=["recipient", "in_app", "read_at"], name="notifications_unread")]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(TimestampedModel):
    """A user's choice for one kind; a kind without a row is shown in the application and mailed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences")
    kind = models.CharField("Loại", max_length=12, choices=NotificationKind.choices)
    in_app = models.BooleanField("Hiện trong ứng dụng", default=True)
    email = models.BooleanField("Gửi thư điện tử", default=True)

    class Meta:
        verbose_name = "Lựa chọn nhận thông báo"
        verbose_name_plural = "Lựa chọn nhận thông báo"
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notifications_pref_one_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {'ứng dụng' if self.in_app else ''} {'thư' if self.email else ''}".strip()


DEFAULT_IN_APP = True
DEFAULT_EMAIL = True
