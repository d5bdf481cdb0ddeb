"""The history pages: the "Có thể đề nghị" section on the person and unit pages, the forms, the batch page."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from thidua.history import actions
from thidua.history.models import AwardRecord, AwardSource, TaskRating
from thidua.org import actions as org_actions

pytestmark = pytest.mark.django_db


def _person(world, name="Nguyễn Văn An", unit=None):
    return org_actions.do_create_person(actor=None, unit=unit or world.tuyen_giao, data={"full_name": name, "gender": "NAM"})


@pytest.mark.sqlite
def test_person_page_shows_what_can_be_proposed_and_why(world, client_for):
    person = _person(world)
    actions.do_set_task_rating(None, person, 2025, "GOOD")
    actions.do_record_award(None, person, "LDTT", 2025, source=AwardSource.EXTERNAL,
                            decision={"number": "25/QĐ-BTG", "date": dt.date(2026, 1, 5), "issuer": "Trưởng Ban Tuyên giáo"})
    client = client_for(world.viewer)
    page = client.get(reverse("org:person_detail", kwargs={"uid": person.uid}) + "?nam=2025").content.decode()
    assert "Có thể đề nghị khen thưởng năm 2025" in page
    assert "Lao động tiên tiến" in page and "Đủ điều kiện" in page
    # CSTĐCS refused with the reason and its citation: rated GOOD, not EXCELLENT, no initiative.
    assert "Chiến sĩ thi đua cơ sở" in page and "Chưa đủ điều kiện" in page
    assert "Điều 23" in page
    assert "25/QĐ-BTG ngày 05/01/2026" in page
    # The viewer may not edit: no add buttons.
    assert "Thêm khen thưởng đã nhận" not in page
    page = client_for(world.unit_officer).get(reverse("org:person_detail", kwargs={"uid": person.uid})).content.decode()
    assert "Thêm khen thưởng đã nhận" in page


@pytest.mark.sqlite
def test_unit_page_shows_the_collective_section(world, client_for):
    page = client_for(world.an_officer).get(reverse("org:unit_detail", kwargs={"uid": world.tuyen_giao.uid}) + "?nam=2025")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Tập thể lao động tiên tiến" in text and "Đánh giá cá nhân trong đơn vị" in text


@pytest.mark.sqlite
def test_forms_record_rating_award_and_revoke(world, client_for):
    person = _person(world)
    client = client_for(world.unit_officer)
    url = reverse("history:record_add", kwargs={"kind": "ca-nhan", "uid": person.uid, "what": "danh-gia"})
    response = client.post(url, {"year": "2025", "rating": "EXCELLENT"})
    assert response.status_code == 302
    assert TaskRating.objects.get(person=person, year=2025).rating == "EXCELLENT"
    url = reverse("history:record_add", kwargs={"kind": "ca-nhan", "uid": person.uid, "what": "khen-thuong"})
    response = client.post(url, {"award_code": "LDTT", "award_kind": "MERIT", "year": "2025",
                                 "decision_number": "", "decision_date": "05/01/2026"})
    assert response.status_code == 302
    response = client.post(url, {"award_code": "LDTT", "award_kind": "MERIT", "year": "2025"})
    assert response.status_code == 422
    assert "một lần cho một năm" in response.content.decode()
    award = AwardRecord.objects.get(person=person)
    revoke = reverse("history:award_revoke", kwargs={"uid": award.uid})
    response = client.post(revoke, {"reason": "", "version": award.version})
    assert response.status_code == 422
    response = client.post(revoke, {"reason": "Hồ sơ không trung thực", "version": award.version})
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.revoked
    page = client.get(reverse("history:subject", kwargs={"kind": "ca-nhan", "uid": person.uid}) + "?nam=2025").content.decode()
    assert "Đã hủy bỏ" in page and "Hồ sơ không trung thực" in page


@pytest.mark.sqlite
def test_unit_year_end_rating_page(world, client_for):
    people = [_person(world, f"Cán bộ {i}") for i in range(3)]
    client = client_for(world.unit_officer)
    url = reverse("history:unit_ratings", kwargs={"uid": world.tuyen_giao.uid})
    assert "Cán bộ 1" in client.get(url + "?nam=2025").content.decode()
    data = {"nam": "2025", **{f"r-{p.uid}": "GOOD" for p in people}}
    assert client.post(url, data).status_code == 302
    assert TaskRating.objects.filter(year=2025, rated_in_unit=world.tuyen_giao).count() == 3


@pytest.mark.sqlite
def test_batch_page_lists_outcomes_and_exports_excel(world, client_for):
    eligible = _person(world, "Người đủ điều kiện")
    actions.do_set_task_rating(None, eligible, 2025, "GOOD")
    _person(world, "Người chưa đánh giá")
    client = client_for(world.an_officer)
    url = reverse("history:batch")
    page = client.get(url, {"nam": "2025", "khen_thuong": "LDTT"}).content.decode()
    assert "Người đủ điều kiện" in page and "Người chưa đánh giá" in page
    assert "Lao động tiên tiến" in page
    # The page's "Xuất Excel" starts a background job with the page's filters.
    assert 'name="query" value="nam=2025&amp;khen_thuong=LDTT"' in page
    # LĐTT also needs "nội bộ đoàn kết" confirmed in the minutes: eligible only if the council confirms.
    response = client.get(url, {"nam": "2025", "khen_thuong": "LDTT", "ket_qua": "ELIGIBLE_IF_CONFIRMED", "xuat": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Họ và tên"
    assert [r[0] for r in rows[1:]] == ["Người đủ điều kiện"]
    assert rows[1][-1] == "Đủ điều kiện nếu Hội đồng xác nhận"
    # The Quảng Ninh officer sees none of An Giang's people.
    page = client_for(world.qn_officer).get(url, {"nam": "2025"}).content.decode()
    assert "Người đủ điều kiện" not in page
