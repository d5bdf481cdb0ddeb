"""The history demo of the seeds: Báo Bắc Kạn's government flag, Ban Tuyên giáo An Giang's record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from thidua.history.models import AwardRecord, DisciplinePeriod, Initiative, TaskRating
from thidua.history.selectors import evaluate_subject
from thidua.org import demo
from thidua.org.models import Unit

pytestmark = pytest.mark.django_db


def test_demo_history_is_loaded_once_and_explains_itself(db, client):
    demo.load_demo()
    counts = (AwardRecord.objects.count(), TaskRating.objects.count(), Initiative.objects.count(), DisciplinePeriod.objects.count())
    assert "không thêm gì mới" in demo.load_demo()
    assert (AwardRecord.objects.count(), TaskRating.objects.count(), Initiative.objects.count(),
            DisciplinePeriod.objects.count()) == counts
    flag = AwardRecord.objects.get(unit__name="Báo Bắc Kạn", award_code="CO_CP")
    assert (flag.year, flag.decision_number, flag.decision_date, flag.source) == (2022, "770/QĐ-TTg", dt.date(2023, 6, 29), "EXTERNAL")
    assert flag.decision_issuer == "Thủ tướng Chính phủ"
    tuyen_giao = Unit.objects.get(province__code="89", name="Ban Tuyên giáo Tỉnh ủy")
    result = evaluate_subject(tuyen_giao, "TTLDXS", 2023, on=dt.date(2024, 1, 10))
    assert result["outcome"] == "ELIGIBLE", [c["text"] for c in result["checks"] if c["passed"] is False]
    disciplined = DisciplinePeriod.objects.get().person
    assert evaluate_subject(disciplined, "LDTT", 2023, on=dt.date(2024, 1, 10))["outcome"] == "NOT_ELIGIBLE"
    author = Initiative.objects.get().person
    assert evaluate_subject(author, "CSTDCS", 2023, on=dt.date(2024, 1, 10))["outcome"] == "ELIGIBLE"
    client.force_login(__import__("django.contrib.auth", fromlist=["get_user_model"]).get_user_model().objects.get(username="angiang"))
    page = client.get(reverse("org:unit_detail", kwargs={"uid": tuyen_giao.uid}) + "?nam=2023").content.decode()
    assert "Có thể đề nghị khen thưởng năm 2023" in page and "Tập thể lao động xuất sắc" in page
