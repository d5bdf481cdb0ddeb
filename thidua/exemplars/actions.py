"""Writes to the điển hình tiên tiến registry: permission, validation, one transaction, one audit row.

    do_create_exemplar(*, actor, data) -> Exemplar
    do_update_exemplar(*, actor, exemplar, data, expected_version) -> Exemplar
    do_add_replication(*, actor, exemplar, data) -> Replication
    do_add_evidence(*, actor, exemplar, upload, description="") -> ExemplarEvidence

`data` of an entry: kind (COLLECTIVE/INDIVIDUAL), unit (org.Unit; for a person, their unit when
honoured — their current unit when omitted), person (org.Person, individuals only), movement
(movements.Movement or None), year, title, story, level (BASE/PROVINCE/NATIONAL), issuer,
decision_number, decision_date, note. The caller looks objects up in the user's scope; the
action checks the right to edit ("history.edit") on the unit and the person's unit again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from thidua.audit.log import diff, record, snapshot
from thidua.core.access import ensure
from thidua.core.cas import save_with_version
from thidua.core.errors import ActionError, ConcurrentEditError
from thidua.core.files import store_bytes
from thidua.core.models import normalise_text_fields
from thidua.exemplars import files
from thidua.exemplars.models import Exemplar, ExemplarEvidence, Replication, SubjectKind
from thidua.history.actions import _check_year
from thidua.org.models import Person, Province, Unit
from thidua.rules.catalogue import SCOPES

EDIT = "history.edit"
FIELDS = ["kind", "unit", "person", "movement", "year", "title", "story", "level", "decision_number", "decision_date",
          "issuer", "note"]
MAX_STORY = 50_000


def _lineage(province_id: int) -> set[int]:
    return Province.objects.get(pk=province_id).lineage_ids()


def _check(actor, item: Exemplar) -> None:
    normalise_text_fields(item)
    if item.kind not in SubjectKind.values:
        raise ActionError("Hãy chọn đối tượng: tập thể hoặc cá nhân.", field="kind")
    if item.kind == SubjectKind.INDIVIDUAL:
        if not isinstance(item.person, Person):
            raise ActionError("Hãy chọn cá nhân điển hình.", field="person")
        if item.unit_id is None:
            item.unit = item.person.unit
        ensure(actor, EDIT, unit=item.person.unit)
    else:
        item.person = None
    if item.unit_id is None or not isinstance(item.unit, Unit):
        raise ActionError("Hãy chọn đơn vị (tập thể điển hình hoặc nơi công tác của cá nhân).", field="unit")
    ensure(actor, EDIT, unit=item.unit)
    item.province_id = item.unit.province_id
    lineage = _lineage(item.province_id)
    if item.person is not None and item.person.province_id not in lineage:
        raise ActionError(f"{item.person.full_name} không thuộc tỉnh của đơn vị {item.unit.name}.", field="person")
    if item.movement is not None and item.movement.province_id not in lineage:
        raise ActionError("Phong trào đã chọn không thuộc tỉnh của đơn vị.", field="movement")
    item.year = _check_year(item.year)
    if not item.title:
        raise ActionError("Hãy ghi điển hình về nội dung gì (ví dụ: điển hình trong phong trào chuyển đổi số).", field="title")
    if not item.story:
        raise ActionError("Hãy nhập câu chuyện, thành tích của điển hình: điều gì làm nên điển hình, kết quả cụ thể.", field="story")
    if len(item.story) > MAX_STORY:
        raise ActionError(f"Câu chuyện quá dài (tối đa {MAX_STORY:,} ký tự).".replace(",", "."), field="story")
    if item.level not in SCOPES:
        raise ActionError("Cấp biểu dương phải là cơ sở, tỉnh hoặc toàn quốc.", field="level")
    if not item.issuer:
        raise ActionError("Hãy ghi cơ quan, người công nhận, biểu dương điển hình (ví dụ: Chủ tịch UBND tỉnh).", field="issuer")
    if item.decision_date is not None:
        if item.decision_date > dt.date.today():
            raise ActionError("Ngày quyết định không được ở tương lai.", field="decision_date")
        if item.decision_date.year < item.year:
            raise ActionError(
                f"Quyết định ngày {item.decision_date:%d/%m/%Y} có trước năm {item.year} của điển hình.", field="decision_date"
            )
    if item.decision_number and item.decision_date is None:
        raise ActionError("Hãy nhập ngày của quyết định số " + item.decision_number + ".", field="decision_date")


@transaction.atomic
def do_create_exemplar(*, actor, data: dict[str, Any]) -> Exemplar:
    item = Exemplar(**{k: data[k] for k in FIELDS if k in data and data[k] is not None})
    item.kind = data.get("kind") or ""
    _check(actor, item)
    item.save()
    record(actor=actor, action="exemplars.exemplar.create", obj=item, changes=diff({}, snapshot(item)))
    return item


@transaction.atomic
def do_update_exemplar(*, actor, exemplar: Exemplar, data: dict[str, Any], expected_version: int) -> Exemplar:
    ensure(actor, EDIT, unit=exemplar.unit)
    before = snapshot(exemplar)
    for key in FIELDS:
        if key in data:
            setattr(exemplar, key, data[key])
    if exemplar.kind == SubjectKind.INDIVIDUAL and "unit" not in data and exemplar.person is not None and "person" in data:
        exemplar.unit = exemplar.person.unit
    _check(actor, exemplar)
    changes = diff(before, snapshot(exemplar))
    if not changes:
        if not Exemplar.objects.filter(pk=exemplar.pk, version=expected_version).exists():
            raise ConcurrentEditError()
        return exemplar
    save_with_version(exemplar, expected_version, [*FIELDS, "province"])
    record(actor=actor, action="exemplars.exemplar.update", obj=exemplar, changes=changes)
    return exemplar


@transaction.atomic
def do_add_replication(*, actor, exemplar: Exemplar, data: dict[str, Any]) -> Replication:
    """Nhân rộng: where the model was applied since, when, with what result."""
    ensure(actor, EDIT, unit=exemplar.unit)
    row = Replication(province_id=exemplar.province_id, exemplar=exemplar, unit=data.get("unit"),
                      place=data.get("place") or "", applied_on=data.get("applied_on"), result=data.get("result") or "")
    normalise_text_fields(row)
    if row.unit is not None:
        if row.unit.province_id not in _lineage(exemplar.province_id):
            raise ActionError("Đơn vị áp dụng không thuộc tỉnh của điển hình.", field="unit")
        row.place = ""
    elif not row.place:
        raise ActionError("Hãy chọn đơn vị hoặc ghi nơi đã áp dụng mô hình.", field="place")
    if not isinstance(row.applied_on, dt.date):
        raise ActionError("Hãy nhập thời gian áp dụng (ngày/tháng/năm).", field="applied_on")
    if row.applied_on > dt.date.today():
        raise ActionError("Thời gian áp dụng không được ở tương lai.", field="applied_on")
    if row.applied_on.year < exemplar.year:
        raise ActionError(f"Thời gian áp dụng phải từ năm {exemplar.year} (năm của điển hình) trở đi.", field="applied_on")
    if not row.result:
        raise ActionError("Hãy ghi kết quả đạt được khi áp dụng mô hình.", field="result")
    row.save()
    record(actor=actor, action="exemplars.replication.add", obj=exemplar,
           changes={"replications": [None, f"{row.where} ({row.applied_on:%d/%m/%Y}): {row.result}"[:500]]})
    return row


@transaction.atomic
def do_add_evidence(*, actor, exemplar: Exemplar, upload, description: str = "") -> ExemplarEvidence:
    """A file proving the achievement (quyết định, bài báo, ảnh…), stored once under its SHA-256."""
    ensure(actor, EDIT, unit=exemplar.unit)
    data = files.read_checked(upload)
    name = (upload.name or "tep").rsplit("/", 1)[-1]
    path, sha = store_bytes("exemplars", data, name)
    evidence = ExemplarEvidence.objects.create(
        province_id=exemplar.province_id, exemplar=exemplar, description=(description or "").strip()[:255],
        file=path, sha256=sha, original_name=name[:255], size=len(data),
    )
    record(actor=actor, action="exemplars.evidence.add", obj=exemplar, changes={"evidence": [None, name]})
    return evidence
