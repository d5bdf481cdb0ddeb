"""Writes to the initiatives registry (sổ sáng kiến): permission, validation, one transaction,
one audit row.

The initiative is history.Initiative: registering one here is the same row the person's history
shows. The one-use rule (an initiative is the basis of one title or form only) stays in
thidua.history.actions.do_use_initiative. Every save re-checks the text against the province's
stored initiatives (thidua.initiatives.indexing); recognising a likely copy needs a reason.

    do_register_initiative(actor, data) -> Initiative
    do_edit_initiative(actor, item, data, *, expected_version) -> Initiative
    do_recognise_initiative(actor, item, *, level, body, decision_number, decided_on, reason, expected_version)

`data`: title, content, year, unit (org.Unit), owners [(org.Person, share %)], and optionally kind,
sector, benefits, applied_at.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from thidua.audit.log import diff, record, snapshot
from thidua.core.access import ensure
from thidua.core.cas import save_with_version
from thidua.core.errors import ActionError
from thidua.core.models import normalise_text_fields
from thidua.history.actions import _check_year
from thidua.history.models import Initiative, WorkKind
from thidua.initiatives.indexing import reindex
from thidua.initiatives.models import InitiativeOwner
from thidua.org.models import Person, Unit
from thidua.rules.catalogue import SCOPE_NAMES, SCOPES

TEXT_FIELDS = ["title", "content", "year", "kind", "sector", "benefits", "applied_at"]
MAX_CONTENT = 200_000


def _check_owners(actor, unit: Unit, owners) -> list[tuple[Person, int]]:
    owners = list(owners or [])
    if not owners:
        raise ActionError("Hãy nhập ít nhất một tác giả của sáng kiến.", field="owners")
    seen: set[int] = set()
    checked = []
    for person, share in owners:
        if not isinstance(person, Person):
            raise ActionError("Không tìm thấy tác giả trong phạm vi được giao.", field="owners")
        if person.pk in seen:
            raise ActionError(f"Tác giả {person.full_name} được nhập hai lần.", field="owners")
        seen.add(person.pk)
        if person.province_id != unit.province_id:
            raise ActionError(f"Tác giả {person.full_name} không thuộc tỉnh của đơn vị.", field="owners")
        ensure(actor, "registry.view", province=person.province_id, unit=person.unit)
        try:
            share = int(share)
        except (TypeError, ValueError):
            raise ActionError("Tỷ lệ đóng góp phải là số nguyên phần trăm.", field="owners") from None
        if not 1 <= share <= 100:
            raise ActionError(f"Tỷ lệ đóng góp của {person.full_name} phải từ 1 đến 100 %.", field="owners")
        checked.append((person, share))
    total = sum(share for _, share in checked)
    if total != 100:
        raise ActionError(f"Tổng tỷ lệ đóng góp của các tác giả là {total} %, phải bằng 100 %.", field="owners")
    return checked


def _check_text(item: Initiative) -> None:
    normalise_text_fields(item)
    item.year = _check_year(item.year)
    if not item.title:
        raise ActionError("Hãy nhập tên sáng kiến.", field="title")
    if not item.content:
        raise ActionError("Hãy nhập nội dung sáng kiến (gõ trực tiếp hoặc tải lên tệp DOCX, PDF).", field="content")
    if len(item.content) > MAX_CONTENT:
        raise ActionError(f"Nội dung quá dài (tối đa {MAX_CONTENT:,} ký tự).".replace(",", "."), field="content")
    if item.kind not in WorkKind.values:
        raise ActionError("Loại sáng kiến, đề tài không hợp lệ.", field="kind")


def _save_owners(item: Initiative, owners: list[tuple[Person, int]]) -> None:
    InitiativeOwner.objects.filter(initiative=item).delete()
    InitiativeOwner.objects.bulk_create(
        [InitiativeOwner(initiative=item, person=p, share=s, position=i) for i, (p, s) in enumerate(owners)]
    )


def _owners_text(owners) -> str:
    return "; ".join(f"{p.full_name} {s} %" for p, s in owners)


@transaction.atomic
def do_register_initiative(actor, data: dict[str, Any]) -> Initiative:
    unit = data.get("unit")
    if not isinstance(unit, Unit):
        raise ActionError("Hãy chọn đơn vị của sáng kiến.", field="unit")
    ensure(actor, "history.edit", province=unit.province_id, unit=unit)
    owners = _check_owners(actor, unit, data.get("owners"))
    item = Initiative(province_id=unit.province_id, unit=unit, person=owners[0][0], recognised=False,
                      **{k: data[k] for k in TEXT_FIELDS if k in data and data[k] is not None})
    _check_text(item)
    item.save()
    _save_owners(item, owners)
    reindex(item)
    changes = diff({}, snapshot(item))
    changes["owners"] = [None, _owners_text(owners)]
    record(actor=actor, action="initiatives.register", obj=item, changes=changes)
    return item


@transaction.atomic
def do_edit_initiative(actor, item: Initiative, data: dict[str, Any], *, expected_version: int) -> Initiative:
    ensure(actor, "history.edit", province=item.province_id, unit=item.unit)
    before = snapshot(item)
    before_owners = [(o.person, o.share) for o in item.owners.select_related("person")]
    fields = [k for k in TEXT_FIELDS if k in data and data[k] is not None]
    for key in fields:
        setattr(item, key, data[key])
    if data.get("unit") is not None and data["unit"] != item.unit:
        ensure(actor, "history.edit", province=data["unit"].province_id, unit=data["unit"])
        item.unit = data["unit"]
        fields.append("unit")
    owners = _check_owners(actor, item.unit, data["owners"]) if data.get("owners") is not None else before_owners
    item.person = owners[0][0]
    _check_text(item)
    changes = diff(before, snapshot(item))
    save_with_version(item, expected_version, [*fields, "person"])
    if data.get("owners") is not None:
        _save_owners(item, owners)
        if _owners_text(owners) != _owners_text(before_owners):
            changes["owners"] = [_owners_text(before_owners), _owners_text(owners)]
    reindex(item)
    record(actor=actor, action="initiatives.edit", obj=item, changes=changes)
    return item


@transaction.atomic
def do_recognise_initiative(
    actor, item: Initiative, *, level: str, body: str, decision_number: str = "", decided_on: dt.date | None = None,
    reason: str = "", expected_version: int,
) -> Initiative:
    """Công nhận sáng kiến (cơ sở / tỉnh / toàn quốc). A likely copy needs a written reason."""
    ensure(actor, "initiative.recognise", province=item.province_id, unit=item.unit)
    if level not in SCOPES:
        raise ActionError("Cấp công nhận phải là cơ sở, tỉnh hoặc toàn quốc.", field="level")
    body, reason = (body or "").strip(), (reason or "").strip()
    if not body:
        raise ActionError("Hãy ghi cơ quan, hội đồng công nhận sáng kiến.", field="body")
    if item.likely_copy and not reason:
        other = item.copy_of.title if item.copy_of else "một sáng kiến đã lưu"
        raise ActionError(
            f"Sáng kiến này giống “{other}” ở mức {round((item.copy_score or 0) * 100)} %: hãy ghi lý do công nhận "
            "(ví dụ: đã xác minh là của cùng tác giả, hoặc là phần phát triển mới).",
            field="reason",
        )
    before = snapshot(item)
    item.recognised, item.scope, item.recognised_by = True, level, body[:200]
    item.decision_number, item.recognised_on = (decision_number or "").strip()[:80], decided_on
    item.copy_reason = reason if item.likely_copy else ""
    save_with_version(item, expected_version, ["recognised", "scope", "recognised_by", "decision_number", "recognised_on", "copy_reason"])
    note = f"Công nhận {SCOPE_NAMES[level]}" + (f"; nghi trùng lặp, lý do: {reason}" if item.likely_copy else "")
    record(actor=actor, action="initiatives.recognise", obj=item, changes=diff(before, snapshot(item)), note=note[:255])
    return item
