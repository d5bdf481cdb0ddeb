"""Every write of the reports app: the narrative sections of the province's tổng kết report.

Compare-and-set on the report's version; one audit row per change (who, when, old → new).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from thidua.audit.log import diff, record, snapshot
from thidua.core.access import ensure
from thidua.core.cas import save_with_version
from thidua.core.errors import ActionError, ConcurrentEditError
from thidua.core.models import normalise_text_fields
from thidua.org.models import Province, Unit
from thidua.reports.models import NARRATIVE_SECTIONS, ProvinceReport

SIGNER_FIELDS = ("signer_name", "signer_title", "signer_authority")
FIELDS = [*NARRATIVE_SECTIONS, *SIGNER_FIELDS, "issuer_unit"]
MAX_SECTION = 50_000
FIRST_YEAR, LAST_YEAR = 2000, 2100


@transaction.atomic
def do_save_province_report(*, actor, province: Province, year: int, data: dict, expected_version: int | None) -> ProvinceReport:
    """Create or edit the report of `province` for `year`. `data` holds any of the narrative
    sections, the signer and `issuer_unit` (a Unit of the province, or None)."""
    ensure(actor, "report.province", province=province)
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise ActionError(f"Năm báo cáo phải từ {FIRST_YEAR} đến {LAST_YEAR}.", field="year")
    for key in NARRATIVE_SECTIONS:
        if len(data.get(key) or "") > MAX_SECTION:
            raise ActionError(f"Mỗi mục của báo cáo dài tối đa {MAX_SECTION:,} ký tự.".replace(",", "."), field=key)
    issuer = data.get("issuer_unit")
    if issuer is not None:
        if not isinstance(issuer, Unit) or issuer.province_id not in province.lineage_ids():
            raise ActionError("Cơ quan ban hành phải là một đơn vị của tỉnh.", field="issuer_unit")
        if issuer.ended_on is not None:
            raise ActionError(f"{issuer.name} đã chấm dứt hoạt động, không ban hành báo cáo được.", field="issuer_unit")
    report = ProvinceReport.objects.select_for_update().filter(province=province, year=year).first()
    if report is None:
        if expected_version not in (None, 0):
            raise ConcurrentEditError("Báo cáo vừa được người khác cập nhật. Hãy tải lại trang.")
        report = ProvinceReport(province=province, year=year)
        for key in FIELDS:
            if key in data:
                setattr(report, key, data[key] if key == "issuer_unit" else (data[key] or ""))
        normalise_text_fields(report)
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:
            raise ConcurrentEditError("Báo cáo năm này vừa được người khác tạo. Hãy tải lại trang.") from None
        record(actor=actor, action="reports.province_report.create", obj=report, changes=diff({}, snapshot(report)))
        return report
    before = snapshot(report)
    for key in FIELDS:
        if key in data:
            setattr(report, key, data[key] if key == "issuer_unit" else (data[key] or ""))
    normalise_text_fields(report)
    changes = diff(before, snapshot(report))
    if changes:
        save_with_version(report, expected_version if expected_version is not None else -1, FIELDS)
        record(actor=actor, action="reports.province_report.update", obj=report, changes=changes)
    return report
