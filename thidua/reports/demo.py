"""Demo: the province's tổng kết report of each demo block's province and year, with narrative
sections marked as sample text, so the report page and its DOCX show real figures at once.
Idempotent: a report already there is left as it is."""

from __future__ import annotations

from collections import Counter

from thidua.blocs.models import BlocYear
from thidua.org.models import Province, Unit
from thidua.reports.actions import do_save_province_report
from thidua.reports.models import ProvinceReport
from thidua.reports.statistics import _current
from thidua.rules.text import fold

DEMO_LABELS = [("province_reports", "báo cáo tổng kết của tỉnh")]
SAMPLE = "(Nội dung mẫu để dùng thử, cơ quan thường trực thay bằng nhận định của mình.) "


def _issuer(province: Province, bloc_year: BlocYear | None) -> Unit | None:
    units = Unit.objects.filter(province_id__in=province.lineage_ids(), ended_on__isnull=True)
    for unit in units.filter(kind="STATE").order_by("pk"):
        if "so noi vu" in fold(unit.name):
            return unit
    head = bloc_year.head_unit if bloc_year is not None else None
    if head is not None and head.ended_on is None:
        return head
    # The head unit may have ended in the 2025 reorganisation: its active successor body writes now.
    return units.filter(kind="PARTY").order_by("pk").first() or units.order_by("pk").first()


def load_demo(doc) -> Counter:
    stats: Counter = Counter()
    for spec in doc["blocks"]:
        code, name = spec["province"]
        original = Province.objects.filter(code=code, name=name).select_related("merged_into").first()
        if original is None:
            continue
        province = _current(original)
        year = int(spec["year"])
        if ProvinceReport.objects.filter(province=province, year=year).exists():
            continue
        bloc_year = BlocYear.objects.filter(province=original, year=year, bloc__name=spec["name"]).select_related("head_unit").first()
        do_save_province_report(actor=None, province=province, year=year, expected_version=None, data={
            "issuer_unit": _issuer(province, bloc_year),
            "situation": SAMPLE + f"Năm {year}, các khối, cụm thi đua của tỉnh tổ chức phong trào thi đua gắn với nhiệm vụ chính trị của từng cơ quan, đơn vị.",
            "highlights": SAMPLE + "Các khối ký kết giao ước thi đua đầu năm, chấm điểm, bình xét công khai, suy tôn đơn vị dẫn đầu tại hội nghị tổng kết.",
            "limitations": SAMPLE + "Một số đơn vị gửi đăng ký, hồ sơ đề nghị khen thưởng chậm so với lịch của tỉnh.",
            "directions": SAMPLE + "Đổi mới nội dung, hình thức thi đua; phát hiện, bồi dưỡng, nhân rộng điển hình tiên tiến.",
        })
        stats["province_reports"] += 1
    return stats
