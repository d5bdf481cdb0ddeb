"""Mirror the law's catalogue (thidua/rules/catalogue.py CATALOGUE, the single source) into AwardType.

Idempotent: creates the missing national entries and brings changed ones in line; never touches
a province's own entries. Called by the data migration (with the historical model) and by the
demo loader, so a database always holds the catalogue the code evaluates.
"""

from __future__ import annotations

import datetime as dt

from thidua.core.models import search_key_of
from thidua.rules.catalogue import CATALOGUE

FIELDS = ("name", "kind", "subjects", "level", "authority", "categories", "citation", "evidence",
          "effective_from", "effective_to", "has_rule", "manual_reason")


def _values(entry: dict) -> dict:
    return {
        "name": entry["name"],
        "kind": entry["kind"],
        "subjects": list(entry["subjects"]),
        "level": entry["level"],
        "authority": entry["authority"],
        "categories": list(entry["categories"]),
        "citation": entry["citation"],
        "evidence": entry["evidence"],
        "effective_from": dt.date.fromisoformat(entry["effective_from"]) if entry["effective_from"] else None,
        "effective_to": dt.date.fromisoformat(entry["effective_to"]) if entry["effective_to"] else None,
        "has_rule": entry["has_rule"],
        "manual_reason": entry["manual_reason"],
    }


def sync_catalogue(model=None) -> dict[str, list[str]]:
    """Create or update the national AwardType rows; returns {"created": [codes], "updated": [codes]}."""
    if model is None:
        from thidua.awards.models import AwardType as model
    existing = {row.code: row for row in model.objects.filter(province__isnull=True)}
    created, updated = [], []
    for entry in CATALOGUE:
        values = _values(entry)
        row = existing.get(entry["code"])
        if row is None:
            model.objects.create(
                code=entry["code"], province=None, search_key=search_key_of(values["name"], entry["code"], values["authority"]),
                **values,
            )
            created.append(entry["code"])
            continue
        changed = [name for name in FIELDS if getattr(row, name) != values[name]]
        if changed:
            for name in changed:
                setattr(row, name, values[name])
            row.search_key = search_key_of(row.name, row.code, row.authority)
            row.version = (row.version or 0) + 1
            row.save()
            updated.append(entry["code"])
    return {"created": created, "updated": updated}
