"""Loading the province master data (34 provinces from 01/07/2025 and their predecessors)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.db import transaction

from thidua.audit.log import record
from thidua.org.models import Province

DATA_FILE = Path(__file__).parent / "data" / "provinces.json"


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@transaction.atomic
def load_provinces() -> int:
    """Create or update every province of the data file. Idempotent; returns rows created."""
    doc = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    created = 0
    by_key: dict[tuple[str, str], Province] = {}
    rows = doc["provinces"]
    # Successors first, so predecessors can point at them.
    for row in sorted(rows, key=lambda r: r["merged_into"] is not None):
        merged_into = by_key[tuple(row["merged_into"])] if row["merged_into"] else None
        province, was_created = Province.objects.update_or_create(
            code=row["code"],
            valid_from=_date(row["valid_from"]),
            defaults={
                "name": row["name"],
                "is_city": row["is_city"],
                "valid_to": _date(row["valid_to"]),
                "merged_into": merged_into,
                "merge_decision": doc["source"] if merged_into else "",
            },
        )
        by_key[(row["code"], row["name"])] = province
        if was_created:
            created += 1
    if created:
        record(actor=None, action="org.province.load", object_type="org.province", object_repr=f"{created} tỉnh/thành phố", note=doc["source"])
    _after_load()
    return created


def _after_load() -> None:
    """Provinces' own regulations shipped as data (e.g. Bắc Ninh QĐ 86/2025) need their province:
    store them once it exists (idempotent; the data migration does the same for existing rows)."""
    from django.apps import apps

    if apps.is_installed("thidua.awards"):
        from thidua.awards.sync import sync_shipped_packs

        sync_shipped_packs()


def province_by_code(code: str, on: dt.date) -> Province | None:
    """The province with official `code` in force on `on` (codes were reused after 2025)."""
    for province in Province.objects.filter(code=code).order_by("-valid_from"):
        if province.is_current(on):
            return province
    return None
