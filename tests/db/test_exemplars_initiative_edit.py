"""Editing a stored initiative (sổ sáng kiến): the edit page re-runs the copy check before and at
save, owners' shares must sum to 100, compare-and-set with one audit row; PATCH /api/v1/initiatives/{uid}."""

from __future__ import annotations

import pytest
from django.test import Client

from thidua.accounts import actions as account_actions
from thidua.audit.models import AuditLog
from thidua.history.models import Initiative
from thidua.initiatives import actions
from thidua.org import actions as org_actions

pytestmark = pytest.mark.django_db

LAND = ("Tổ công tác số hóa hồ sơ đất đai cấp xã. Người dân tra cứu kết quả trên điện thoại. "
        "Cán bộ một cửa trả kết quả qua bưu chính. Thời gian giải quyết giảm 30 %.")
FOREST = "Ứng dụng bản đồ số quản lý rừng trồng keo của hợp tác xã. Mỗi lô rừng có mã, diện tích và năm trồng."


@pytest.fixture
def people(world):
    return [org_actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": n, "gender": "NU"})
            for n in ("Hà Thị Thu", "Lò Thị Mai")]


def _register(world, person, title, content):
    return actions.do_register_initiative(None, {"title": title, "content": content, "year": 2024, "unit": world.tuyen_giao,
                                                 "owners": [(person, 100)], "sector": "Cải cách hành chính"})


def _form(item, people, **extra):
    return {"title": item.title, "kind": "INITIATIVE", "year": 2024, "content": item.content, "sector": item.sector,
            "owner_1": str(people[0].uid), "share_1": 100, "version": item.version, **extra}


def test_edit_page_saves_owners_and_text_with_one_audit_row(world, people, client_for):
    item = _register(world, people[0], "Bản đồ số rừng keo", FOREST)
    client = client_for(world.unit_officer)
    url = f"/sang-kien/{item.uid}/sua/"
    page = client.get(url).content.decode()
    assert "Sửa sáng kiến: Bản đồ số rừng keo" in page and "Mỗi lô rừng có mã" in page
    assert f'href="{url}"' in client.get(f"/sang-kien/{item.uid}/").content.decode()
    response = client.post(url, _form(item, people, title="Bản đồ số rừng keo hợp tác xã", share_1=70,
                                      owner_2=str(people[1].uid), share_2=30))
    assert response.status_code == 302, response.content.decode()[:3000]
    item.refresh_from_db()
    assert item.title == "Bản đồ số rừng keo hợp tác xã" and item.version == 2
    assert [(o.person.full_name, o.share) for o in item.owners.all()] == [("Hà Thị Thu", 70), ("Lò Thị Mai", 30)]
    row = AuditLog.objects.get(action="initiatives.edit")
    assert row.changes["owners"] == ["Hà Thị Thu 100 %", "Hà Thị Thu 70 %; Lò Thị Mai 30 %"]


def test_shares_not_summing_to_100_and_stale_version_write_nothing(world, people, client_for):
    item = _register(world, people[0], "Bản đồ số rừng keo", FOREST)
    client = client_for(world.unit_officer)
    url = f"/sang-kien/{item.uid}/sua/"
    response = client.post(url, _form(item, people, title="Đổi tên", share_1=60, owner_2=str(people[1].uid), share_2=30))
    assert response.status_code == 422 and "Tổng tỷ lệ đóng góp của các tác giả là 90 %, phải bằng 100 %." in response.content.decode()
    response = client.post(url, _form(item, people, title="Đổi tên", content=""))
    assert response.status_code == 422 and "Hãy nhập nội dung sáng kiến" in response.content.decode()
    response = client.post(url, _form(item, people, title="Đổi tên", version=item.version + 5))
    assert response.status_code == 422 and "Đã có người sửa bản ghi này" in response.content.decode()
    item.refresh_from_db()
    assert item.title == "Bản đồ số rừng keo" and item.version == 1
    assert not AuditLog.objects.filter(action="initiatives.edit").exists()


def test_edit_reruns_the_copy_check_before_and_at_save(world, people, client_for):
    stored = _register(world, people[0], "Số hóa hồ sơ đất đai cấp xã", LAND)
    item = _register(world, people[1], "Bản đồ số rừng keo", FOREST)
    assert not item.likely_copy
    client = client_for(world.unit_officer)
    url = f"/sang-kien/{item.uid}/sua/"
    # Editing it into a copy of the stored one: the warning with the passages, nothing saved yet.
    response = client.post(url, _form(item, people, title="Đất đai số hóa toàn xã", content=LAND, owner_1=str(people[1].uid)))
    assert response.status_code == 422
    body = response.content.decode()
    assert "Nghi trùng lặp" in body and stored.title in body and "Người dân tra cứu kết quả trên điện thoại" in body
    item.refresh_from_db()
    assert item.title == "Bản đồ số rừng keo" and not item.likely_copy
    response = client.post(url, _form(item, people, title="Đất đai số hóa toàn xã", content=LAND, owner_1=str(people[1].uid),
                                      confirm_copy="on"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.likely_copy and item.copy_of_id == stored.pk
    # Rewritten into its own text again: the flag goes away at save.
    response = client.post(url, _form(item, people, title="Bản đồ số rừng keo", content=FOREST, owner_1=str(people[1].uid)))
    assert response.status_code == 302
    item.refresh_from_db()
    assert not item.likely_copy and item.copy_of_id is None


def _bearer(user) -> Client:
    _, secret = account_actions.do_create_api_token(actor=user, name="Phần mềm sáng kiến")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_patch_initiative_changes_only_what_is_sent(world, people):
    item = _register(world, people[0], "Bản đồ số rừng keo", FOREST)
    client = _bearer(world.an_officer)
    url = f"/api/v1/initiatives/{item.uid}"
    response = client.patch(url, {"benefits": "Giảm 20 % thời gian kiểm kê rừng", "version": 1}, content_type="application/json")
    assert response.status_code == 200, response.content
    got = response.json()
    assert got["benefits"] == "Giảm 20 % thời gian kiểm kê rừng" and got["title"] == "Bản đồ số rừng keo" and got["version"] == 2
    response = client.patch(url, {"owners": [{"person": str(people[0].uid), "share": 50}, {"person": str(people[1].uid), "share": 40}],
                                  "version": 2}, content_type="application/json")
    assert response.status_code == 422 and response.json()["error"]["field"] == "owners"
    response = client.patch(url, {"title": "Ghi đè", "version": 1}, content_type="application/json")
    assert response.status_code == 409
    qn = org_actions.do_create_person(actor=None, unit=world.qn_unit, data={"full_name": "Vũ Văn Nam", "gender": "NAM"})
    response = client.patch(url, {"owners": [{"person": str(qn.uid), "share": 100}], "version": 2}, content_type="application/json")
    assert response.status_code == 422 and "phạm vi" in response.json()["error"]["message"]
    item.refresh_from_db()
    assert item.title == "Bản đồ số rừng keo" and item.version == 2
    assert [(o.person_id, o.share) for o in item.owners.all()] == [(people[0].pk, 100)]
    assert AuditLog.objects.filter(action="initiatives.edit").count() == 1
    assert Initiative.objects.count() == 1
