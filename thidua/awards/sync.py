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


# --------------------------------------------------------------------------- provincial regulation packs

LEGACY_TITLE = "Điều chỉnh tiêu chuẩn của tỉnh (chuyển từ dữ liệu trước khi có quy định theo văn bản)"


def _province_for(province_model, code: str, on: dt.date):
    """The province with official ``code`` in force on ``on`` (codes are reused after mergers)."""
    for province in province_model.objects.filter(code=code):
        if (province.valid_from is None or province.valid_from <= on) and (province.valid_to is None or on <= province.valid_to):
            return province
    return None


def sync_shipped_packs(pack_model=None, entry_model=None, province_model=None) -> list[str]:
    """Create the packs shipped as data (thidua/rules/data/packs/*.json) that are not stored yet.

    A pack once stored is the officers' to end or amend (with audit); it is never overwritten.
    Returns the keys created.
    """
    from thidua.rules.packs import shipped_packs

    if pack_model is None:
        from thidua.awards.models import RegulationPack as pack_model
        from thidua.awards.models import RuleOverride as entry_model
        from thidua.org.models import Province as province_model
    created = []
    for data in shipped_packs():
        start = dt.date.fromisoformat(data["effective_from"])
        province = _province_for(province_model, data["province_code"], start)
        if province is None or pack_model.objects.filter(province=province, source_key=data["key"]).exists():
            continue
        pack = pack_model.objects.create(
            province=province, number=data["number"], title=data["title"],
            issued_on=dt.date.fromisoformat(data["issued_on"]), effective_from=start,
            effective_to=dt.date.fromisoformat(data["effective_to"]) if data.get("effective_to") else None,
            citations=dict(data.get("citations") or {}), note=data.get("note", ""), source_key=data["key"],
        )
        for entry in data.get("entries", []):
            entry_model.objects.create(
                province=province, pack=pack, family=entry["family"], rule=entry["rule"], param=entry["param"],
                value=_stored_value(entry["value"]), effective_from=start, citation=entry.get("article", ""),
                reason="Nội dung của văn bản có sẵn trong hệ thống",
            )
        created.append(data["key"])
    return created


def _stored_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def packs_from_overrides(pack_model, entry_model) -> int:
    """Give every override row without a pack one: a pack per (province, citation) it cited.

    The old rows held a free-text citation of the province's document; it becomes the pack's
    number (cited as written) and the rows its entries, dates unchanged. Returns packs created.
    """
    groups: dict[tuple[int, str], list] = {}
    for row in entry_model.objects.filter(pack__isnull=True).order_by("effective_from", "pk"):
        groups.setdefault((row.province_id, row.citation), []).append(row)
    for (province_id, citation), rows in groups.items():
        pack = pack_model.objects.create(
            province_id=province_id, number=citation or "Văn bản của tỉnh (chưa ghi số)", title=LEGACY_TITLE,
            issued_on=None, effective_from=min(r.effective_from for r in rows), citations={},
            note="Tạo tự động khi chuyển các điều chỉnh tiêu chuẩn sang quy định theo văn bản của tỉnh.",
        )
        entry_model.objects.filter(pk__in=[r.pk for r in rows]).update(pack=pack, citation="")
    return len(groups)
