"""Producing a national export: build, validate against the shipped schema, then store the file
and log it. A document that fails the schema is refused with the records named; nothing is
stored or logged."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from thidua.audit.log import record
from thidua.core.access import ensure
from thidua.core.errors import ActionError
from thidua.core.files import store_bytes
from thidua.exports import national
from thidua.exports.models import ExportFormat, NationalExport

MAX_PERIOD_DAYS = 10 * 366


def check_period(date_from: dt.date | None, date_to: dt.date | None) -> None:
    if date_from is None:
        raise ActionError("Hãy chọn ngày bắt đầu của kỳ xuất dữ liệu.", field="from")
    if date_to is None:
        raise ActionError("Hãy chọn ngày kết thúc của kỳ xuất dữ liệu.", field="to")
    if date_to < date_from:
        raise ActionError(
            f"Ngày kết thúc ({date_to:%d/%m/%Y}) phải sau hoặc trùng ngày bắt đầu ({date_from:%d/%m/%Y}).", field="to"
        )
    if (date_to - date_from).days > MAX_PERIOD_DAYS:
        raise ActionError("Mỗi lần xuất tối đa 10 năm; hãy chia kỳ nhỏ hơn.", field="to")


@transaction.atomic
def do_create_national_export(*, actor, province, date_from: dt.date, date_to: dt.date, fmt: str) -> tuple[NationalExport, bytes]:
    """Build the export of `province` for the period, validate it, store and log the file."""
    ensure(actor, "export.national", province=province)
    check_period(date_from, date_to)
    if fmt not in ExportFormat.values:
        raise ActionError("Định dạng phải là JSON hoặc Excel (xlsx).", field="format")
    actor_name = actor.get_username() if getattr(actor, "is_authenticated", False) else "hệ thống"
    built = national.build(province, date_from, date_to, generated_by=actor_name)
    found = national.problems(built)
    if found:
        raise ActionError(national.refusal_message(found))
    data = national.to_json(built.document) if fmt == ExportFormat.JSON else national.to_xlsx(built.document)
    filename = f"khen-thuong-{province.code}-{date_from:%Y%m%d}-{date_to:%Y%m%d}.{fmt}"
    path, sha = store_bytes("exports", data, filename)
    totals = built.document["totals"]
    log = NationalExport.objects.create(
        province=province,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=actor_name,
        date_from=date_from,
        date_to=date_to,
        fmt=fmt,
        schema_version=national.SCHEMA_VERSION,
        decision_count=totals["decisions"],
        title_count=totals["titles"],
        form_count=totals["forms"],
        sha256=sha,
        size=len(data),
        file=path,
        filename=filename,
    )
    record(
        actor=actor, action="exports.national.create", obj=log,
        changes={"period": [None, f"{date_from:%d/%m/%Y}–{date_to:%d/%m/%Y}"], "format": [None, fmt],
                 "counts": [None, {"decisions": totals["decisions"], "titles": totals["titles"], "forms": totals["forms"]}],
                 "sha256": [None, sha]},
    )
    return log, data
