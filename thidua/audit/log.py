"""Writing audit rows. Called inside the actions layer's transaction, never from views."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from thidua.audit.models import AuditLog
from thidua.core.crashpoints import crashpoint
from thidua.core.models import search_key_of


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, FieldFile):
        # A stored file is audited by its name (its content hash sits in its own column).
        return value.name or None
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The audited values of `instance`: concrete, editable fields, foreign keys by their label."""
    result: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if not field.editable or field.name in {"id", "uid", "created_at", "updated_at", "search_key"}:
            continue
        if fields is not None and field.name not in fields:
            continue
        if field.is_relation:
            related = getattr(instance, field.name)
            result[field.name] = str(related) if related is not None else None
        else:
            result[field.name] = _plain(getattr(instance, field.attname))
    return result


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for every field whose value changed."""
    keys = set(before) | set(after)
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    province=None,
    changes: dict[str, Any] | None = None,
    object_type: str = "",
    object_repr: str = "",
    note: str = "",
    at: dt.datetime | None = None,
) -> AuditLog:
    """Append one audit row. `at` replaces the current instant as the row's time; only the
    voting actions pass it, so a vote's row carries the poll's opening time instead of the moment
    the voter voted (ballot secrecy, docs/ballot-secrecy.md)."""
    if province is None and obj is not None:
        province = getattr(obj, "province", None)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_repr = object_repr or str(obj)[:255]
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    actor_name = (actor_obj.get_username() if actor_obj else "hệ thống")[:150]
    row = AuditLog.objects.create(
        province=province,
        at=at or timezone.now(),
        actor=actor_obj,
        actor_name=actor_name,
        action=action,
        object_type=object_type,
        object_uid=str(getattr(obj, "uid", "") or getattr(obj, "pk", "") or "") if obj is not None else "",
        object_repr=object_repr[:255],
        changes={k: [_plain(v[0]), _plain(v[1])] if isinstance(v, list) and len(v) == 2 else _plain(v) for k, v in (changes or {}).items()},
        note=note,
        search_key=search_key_of(object_repr, actor_name, note)[:600],
    )
    # The audit row is an action's last write: here everything is written and nothing committed.
    crashpoint(f"audit.recorded:{action}")
    return row
