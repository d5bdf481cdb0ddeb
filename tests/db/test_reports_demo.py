"""Demo data shows the reports: each demo block's province has its tổng kết report for the block's
year (sample narrative, marked as such), loading twice adds none, and the statistics count the
demo's award history."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests.core.docx_xml import DocxXml
from tests.factories import grant
from thidua.accounts.models import Role
from thidua.history.models import AwardRecord
from thidua.org import demo
from thidua.org.models import Province
from thidua.reports.documents import report_docx
from thidua.reports.models import ProvinceReport
from thidua.reports.statistics import compute_table, stat_scope
from thidua.rules import statistics as core

pytestmark = pytest.mark.django_db


def test_demo_reports_and_statistics(db):
    demo.load_demo()
    an_giang = Province.objects.get(code="91", valid_to__isnull=True)
    report = ProvinceReport.objects.select_related("issuer_unit", "province").get(province=an_giang, year=2023)
    assert report.situation.startswith("(Nội dung mẫu") and report.issuer_unit is not None
    count = ProvinceReport.objects.count()
    assert count == 5
    demo.load_demo()
    assert ProvinceReport.objects.count() == count
    text = DocxXml(report_docx(report)[0]).text()
    assert "Khối thi đua các cơ quan Đảng tỉnh" in text and "Tổng kết công tác thi đua, khen thưởng năm 2023" in text
    officer = get_user_model().objects.create_user(username="can-bo-thong-ke")
    grant(officer, Role.PROVINCE_OFFICER, an_giang)
    year = AwardRecord.objects.filter(province_id__in=an_giang.lineage_ids(), revoked=False).values_list("year", flat=True).order_by("-year").first()
    table = compute_table(stat_scope(officer, an_giang), year, core.definition_for("TK01", year))
    expected = AwardRecord.objects.filter(province_id__in=an_giang.lineage_ids(), revoked=False, year=year).count()
    assert expected > 0 and table.value("total", "total") == expected
