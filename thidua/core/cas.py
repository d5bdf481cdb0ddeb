"""Compare-and-set updates: SQLite has no SELECT … FOR UPDATE, so every edit names the version
it read and the UPDATE only succeeds if nobody changed the row since."""

from __future__ import annotations

from django.db import models
from django.db.models import F
from django.utils import timezone

from thidua.core.errors import ConcurrentEditError


def save_with_version(instance: models.Model, expected_version: int, fields: list[str]) -> None:
    """Write `fields` of `instance` only if the stored version is still `expected_version`.

    Models with computed columns (search keys) list them in `derived_fields` and compute them
    in `refresh_derived()`; they are written in the same UPDATE.
    """
    model = type(instance)
    refresh = getattr(instance, "refresh_derived", None)
    if callable(refresh):
        refresh()
    names = list(fields) + list(getattr(model, "derived_fields", ()))
    values = {name: getattr(instance, model._meta.get_field(name).attname) for name in names}
    values["version"] = F("version") + 1
    values["updated_at"] = timezone.now()
    updated = model.objects.filter(pk=instance.pk, version=expected_version).update(**values)
    if updated != 1:
        raise ConcurrentEditError()
    instance.version = expected_version + 1
