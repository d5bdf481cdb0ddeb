"""/api/v1/exemplars: list with the page's filters, get, create, update (compare-and-set), add a
replication; scope and bad input answered in Vietnamese with nothing written."""

from __future__ import annotations

import pytest
from django.test import Client

from thidua.accounts import actions as account_actions
from thidua.audit.models import AuditLog
from thidua.exemplars.models import Exemplar, Replication
from thidua.org import actions as org_actions

pytestmark = pytest.mark.django_db

STORY = "Ban số hóa 12.000 trang hồ sơ lưu trữ; người dân tra cứu trên Cổng thông tin trong 5 phút."


def _bearer(user) -> Client:
    _, secret = account_actions.do_create_api_token(actor=user, name="Phần mềm thi đua")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _post(client, path, body):
    return client.post(path, body, content_type="application/json")


def _body(unit, **extra):
    return {"kind": "COLLECTIVE", "unit": str(unit.uid), "year": 2023, "title": "Điển hình chuyển đổi số",
            "story": STORY, "level": "PROVINCE", "issuer": "Chủ tịch UBND tỉnh", "decision_number": "1020/QĐ-UBND",
            "decision_date": "2023-06-09", **extra}


def test_create_list_get_update_and_replicate(world):
    client = _bearer(world.an_officer)
    response = _post(client, "/api/v1/exemplars", _body(world.tuyen_giao))
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["name"] == "Ban Tuyên giáo Tỉnh ủy" and created["kind_label"] == "Tập thể" and created["version"] == 1
    person = org_actions.do_create_person(actor=None, unit=world.to_chuc, data={"full_name": "Đàm Văn Tuấn", "gender": "NAM"})
    response = _post(client, "/api/v1/exemplars", {**_body(world.to_chuc, kind="INDIVIDUAL", person=str(person.uid),
                                                           title="Cán bộ tổ chức tiêu biểu"), "unit": None})
    assert response.status_code == 201, response.content
    assert response.json()["unit_name"] == "Ban Tổ chức Tỉnh ủy" and response.json()["name"] == "Đàm Văn Tuấn"
    # Decomposed input (NFD, as some keyboards send it) is stored NFC and found without accents.
    import unicodedata

    response = _post(client, "/api/v1/exemplars", _body(world.to_chuc, title=unicodedata.normalize("NFD", "Điển hình đổi mới sáng tạo")))
    assert response.json()["title"] == "Điển hình đổi mới sáng tạo"
    assert client.get("/api/v1/exemplars", {"q": "doi moi sang tao"}).json()["count"] == 1
    listed = client.get("/api/v1/exemplars", {"q": "chuyen doi so"}).json()
    assert [i["name"] for i in listed["items"]] == ["Ban Tuyên giáo Tỉnh ủy"]
    assert client.get("/api/v1/exemplars", {"kind": "INDIVIDUAL"}).json()["count"] == 1
    assert {i["name"] for i in client.get("/api/v1/exemplars", {"unit": str(world.to_chuc.uid)}).json()["items"]} == {
        "Đàm Văn Tuấn", "Ban Tổ chức Tỉnh ủy"}
    uid = created["uid"]
    response = client.put(f"/api/v1/exemplars/{uid}", {**_body(world.tuyen_giao, title="Điển hình số hóa lưu trữ"), "version": 1},
                          content_type="application/json")
    assert response.status_code == 200 and response.json()["title"] == "Điển hình số hóa lưu trữ" and response.json()["version"] == 2
    response = client.put(f"/api/v1/exemplars/{uid}", {**_body(world.tuyen_giao, title="Ghi đè"), "version": 1},
                          content_type="application/json")
    assert response.status_code == 409 and "Đã có người sửa" in response.json()["error"]["message"]
    response = _post(client, f"/api/v1/exemplars/{uid}/replications",
                     {"unit": str(world.to_chuc.uid), "applied_on": "2024-03-01", "result": "Số hóa 4.000 trang"})
    assert response.status_code == 201, response.content
    assert response.json()["replications"][0]["place"] == "Ban Tổ chức Tỉnh ủy"
    got = client.get(f"/api/v1/exemplars/{uid}").json()
    assert got["title"] == "Điển hình số hóa lưu trữ" and got["replications"][0]["result"] == "Số hóa 4.000 trang"


def test_bad_input_and_scope_write_nothing(world):
    client = _bearer(world.an_officer)
    response = _post(client, "/api/v1/exemplars", _body(world.tuyen_giao, story="  "))
    assert response.status_code == 422 and response.json()["error"]["field"] == "story"
    assert "câu chuyện" in response.json()["error"]["message"]
    # A collective without its unit (500 before: the action read the missing unit).
    response = _post(client, "/api/v1/exemplars", {**_body(world.tuyen_giao), "unit": None})
    assert response.status_code == 422 and response.json()["error"]["field"] == "unit"
    # A Quảng Ninh unit is outside the An Giang officer's scope: 404 naming the field.
    response = _post(client, "/api/v1/exemplars", _body(world.qn_unit))
    assert response.status_code == 404 and response.json()["error"]["field"] == "unit"
    # The unit officer may not record another unit's entry.
    response = _post(_bearer(world.unit_officer), "/api/v1/exemplars", _body(world.to_chuc))
    assert response.status_code == 404 and "Không tìm thấy đơn vị" in response.json()["error"]["message"]
    # A viewer may not write at all.
    assert _post(_bearer(world.viewer), "/api/v1/exemplars", _body(world.tuyen_giao)).status_code == 403
    assert not Exemplar.objects.exists()
    item = _post(client, "/api/v1/exemplars", _body(world.tuyen_giao)).json()
    response = _post(client, f"/api/v1/exemplars/{item['uid']}/replications", {"place": "", "applied_on": "2024-03-01",
                                                                               "result": "Tốt"})
    assert response.status_code == 422 and response.json()["error"]["field"] == "place"
    assert not Replication.objects.exists()
    # Quảng Ninh's officer neither reads nor lists An Giang's entry.
    outsider = _bearer(world.qn_officer)
    assert outsider.get(f"/api/v1/exemplars/{item['uid']}").status_code == 404
    assert outsider.get("/api/v1/exemplars").json()["count"] == 0
    assert AuditLog.objects.filter(action__startswith="exemplars.").count() == 1
