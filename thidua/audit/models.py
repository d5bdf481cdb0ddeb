"""The append-only audit log. Rows are written by the actions layer, never by views."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from thidua.audit import chain


class AuditLogQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        return chain.insert(lambda: super(AuditLogQuerySet, self).bulk_create(objs, *args, **kwargs), objs)

    def update(self, **kwargs):  # noqa: ARG002
        raise PermissionError("Nhật ký chỉ được ghi thêm, không được sửa.")

    def delete(self):
        raise PermissionError("Nhật ký chỉ được ghi thêm, không được xóa.")


class AuditLog(models.Model):
    # Tenant key; null only for installation-wide events (e.g. a system administrator's account).
    province = models.ForeignKey("org.Province", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Set before the row is sealed (not auto_now_add, which would stamp it after): the chain's hash
    # covers the stored value.
    at = models.DateTimeField("Thời điểm", default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="Người thực hiện"
    )
    actor_name = models.CharField("Người thực hiện", max_length=150, blank=True)
    action = models.CharField("Thao tác", max_length=60, db_index=True)
    object_type = models.CharField("Loại đối tượng", max_length=60, db_index=True)
    object_uid = models.CharField("Mã đối tượng", max_length=64, blank=True, db_index=True)
    object_repr = models.CharField("Đối tượng", max_length=255, blank=True)
    changes = models.JSONField("Thay đổi", default=dict, blank=True)
    note = models.TextField("Ghi chú", blank=True)
    # Folded object, actor and note for the log page's accent-insensitive text search.
    search_key = models.CharField(max_length=600, editable=False, db_index=True, default="")
    # Tamper evidence (thidua/audit/chain.py): the row's place in the chain and
    # hash = SHA-256(prev_hash + this row's content); empty until sealed (PostgreSQL: just after commit).
    seq = models.BigIntegerField(null=True, unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False, default="")
    hash = models.CharField(max_length=64, editable=False, default="")

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        verbose_name = "Nhật ký"
        verbose_name_plural = "Nhật ký"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["province", "-at"], name="audit_province_at_idx")]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Nhật ký chỉ được ghi thêm, không được sửa.")
        chain.insert(lambda: super(AuditLog, self).save(*args, **kwargs), [self])

    def delete(self, *args, **kwargs):
        raise PermissionError("Nhật ký chỉ được ghi thêm, không được xóa.")


class ChainHead(models.Model):
    """One row (id 1): the chain's newest position and hash. Sealing locks it."""

    id = models.PositiveSmallIntegerField(primary_key=True)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "Đầu chuỗi nhật ký"
