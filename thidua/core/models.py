"""Shared model bases. Every tenant-owned table carries `province`, the tenant key."""

from __future__ import annotations

import uuid

from django.db import models

from thidua.rules.text import fold, nfc


class TimestampedModel(models.Model):
    # Opaque identifier for URLs and the API; the integer key never leaves the server.
    uid = models.UUIDField("Mã định danh", default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField("Tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("Cập nhật lúc", auto_now=True)
    # Compare-and-set guard: every update must name the version it read.
    version = models.PositiveIntegerField("Phiên bản", default=1)

    class Meta:
        abstract = True


class TenantModel(TimestampedModel):
    province = models.ForeignKey(
        "org.Province", verbose_name="Tỉnh/thành phố", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True


def normalise_text_fields(instance: models.Model) -> None:
    """NFC-normalise every text field of `instance` in place (input may arrive decomposed)."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, (models.CharField, models.TextField)) and not field.choices:
            value = getattr(instance, field.attname)
            if isinstance(value, str):
                if isinstance(field, models.TextField):
                    import unicodedata

                    setattr(instance, field.attname, unicodedata.normalize("NFC", value).strip())
                else:
                    setattr(instance, field.attname, nfc(value))


def search_key_of(*parts: str | None) -> str:
    return " ".join(fold(p) for p in parts if p)
