import pytest
from django.test import Client

from thidua.api.main import api_operations
from thidua.audit.models import AuditLog
from thidua.core.access import PERMISSIONS
from thidua.org import actions
from thidua.org.models import Department, Person, Unit

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _json(response):
    return response.json()


def _is_vietnamese_error(body, code):
    error = body["error"]
    return error["code"] == code and any(ch in error["message"] for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")


# ---------------------------------------------------------------- reading


def test_viewer_reads_units_with_accent_insensitive_search(world, client_for):
    client = client_for(world.viewer)
    response = client.get(f"{API}/units", {"q": "tuyen giao"})
    assert response.status_code == 200
    body = _json(response)
    assert body["count"] == 1
    unit = body["items"][0]
    assert unit["name"] == "Ban Tuyên giáo Tỉnh ủy" and unit["uid"] == str(world.tuyen_giao.uid)
    assert unit["kind_label"] == "Cơ quan Đảng" and "id" not in unit
    party = _json(client.get(f"{API}/units", {"kind": "PARTY", "limit": 1}))
    assert party["count"] == 2 and len(party["items"]) == 1
    one = _json(client.get(f"{API}/units/{world.tuyen_giao.uid}"))
    assert one["province_name"] == "Tỉnh An Giang"


def test_provinces_in_scope_include_the_merged_predecessors(world, client_for):
    body = _json(client_for(world.viewer).get(f"{API}/provinces"))
    uids = {p["uid"] for p in body}
    assert str(world.an_giang.uid) in uids and str(world.an_giang_old.uid) in uids
    assert str(world.quang_ninh.uid) not in uids
    old = _json(client_for(world.viewer).get(f"{API}/provinces/{world.an_giang_old.uid}"))
    assert old["merged_into"] == str(world.an_giang.uid)


def test_officer_of_another_province_gets_404_like_a_missing_unit(world, client_for):
    client = client_for(world.qn_officer)
    response = client.get(f"{API}/units/{world.tuyen_giao.uid}")
    assert response.status_code == 404
    assert _is_vietnamese_error(_json(response), "not_found")
    listing = _json(client.get(f"{API}/units", {"status": "all"}))
    assert [u["name"] for u in listing["items"]] == ["Sở Nội vụ"]
    patch = client.patch(
        f"{API}/units/{world.tuyen_giao.uid}", {"version": 1, "short_name": "X"}, content_type="application/json"
    )
    assert patch.status_code == 404
    assert Unit.objects.get(pk=world.tuyen_giao.pk).short_name == ""


def test_anonymous_call_is_401_in_vietnamese(world, client):
    response = client.get(f"{API}/units")
    assert response.status_code == 401
    assert _is_vietnamese_error(_json(response), "unauthenticated")


# ---------------------------------------------------------------- writing


def test_viewer_can_read_but_not_create(world, client_for):
    client = client_for(world.viewer)
    response = client.post(
        f"{API}/units", {"province": str(world.an_giang.uid), "name": "Sở Tư pháp"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert _is_vietnamese_error(_json(response), "forbidden")
    assert not Unit.objects.filter(name="Sở Tư pháp").exists()


def test_province_officer_creates_a_unit_with_an_audit_row(world, client_for):
    client = client_for(world.an_officer)
    response = client.post(
        f"{API}/units",
        {"province": str(world.an_giang.uid), "name": "Sở  Tư pháp", "kind": "STATE", "parent": None},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = _json(response)
    assert body["name"] == "Sở Tư pháp" and body["doc_format"] == "ND30" and body["version"] == 1
    row = AuditLog.objects.get(action="org.unit.create", object_uid=body["uid"])
    assert row.actor == world.an_officer


def test_business_rule_refusal_is_422_with_field(world, client_for):
    response = client_for(world.an_officer).post(
        f"{API}/units",
        {"province": str(world.an_giang_old.uid), "name": "Ban Tuyên giáo Tỉnh ủy", "kind": "PARTY"},
        content_type="application/json",
    )
    assert response.status_code == 422
    body = _json(response)
    assert body["error"]["field"] == "name" and "Đã có đơn vị" in body["error"]["message"]


def test_malformed_request_is_422_with_a_vietnamese_message(world, client_for):
    client = client_for(world.an_officer)
    missing = client.post(f"{API}/units", {"province": str(world.an_giang.uid)}, content_type="application/json")
    assert missing.status_code == 422
    error = _json(missing)["error"]
    assert error == {**error, "code": "invalid_field", "field": "name"}
    assert error["message"] == "Thiếu trường bắt buộc “name”."
    bad_kind = client.get(f"{API}/units", {"kind": "NOPE"})
    assert bad_kind.status_code == 422 and "không nằm trong danh sách" in _json(bad_kind)["error"]["message"]
    bad_limit = client.get(f"{API}/units", {"limit": 0})
    assert _json(bad_limit)["error"]["field"] == "limit"
    not_json = client.post(f"{API}/units", "{không phải json", content_type="application/json")
    assert not_json.status_code == 400 and _is_vietnamese_error(_json(not_json), "invalid_json")
    bad_uuid = client.get(f"{API}/units/khong-phai-uid")
    assert bad_uuid.status_code == 422 and "mã định danh" in _json(bad_uuid)["error"]["message"]
    bad_gender = client.post(
        f"{API}/people", {"unit": str(world.tuyen_giao.uid), "full_name": "A", "gender": "X"}, content_type="application/json"
    )
    assert _json(bad_gender)["error"]["message"] == "Giá trị của “gender” không nằm trong danh sách cho phép: 'NAM' hoặc 'NU'."


def test_unit_officer_creates_people_in_their_own_unit_only(world, client_for):
    client = client_for(world.unit_officer)
    own = client.post(
        f"{API}/people",
        {"unit": str(world.tuyen_giao.uid), "full_name": "Lê Thị Hoa", "gender": "NU", "birth_date": "1985-03-05"},
        content_type="application/json",
    )
    assert own.status_code == 201, own.content
    assert _json(own)["birth_date"] == "1985-03-05" and _json(own)["gender_label"] == "Nữ"
    other = client.post(
        f"{API}/people",
        {"unit": str(world.to_chuc.uid), "full_name": "Trần Văn Nam", "gender": "NAM"},
        content_type="application/json",
    )
    assert other.status_code == 404
    assert _json(other)["error"]["field"] == "unit"
    assert not Person.objects.filter(full_name="Trần Văn Nam").exists()
    # Units are the province's business, not the unit officer's.
    unit = client.post(f"{API}/units", {"province": str(world.an_giang.uid), "name": "X"}, content_type="application/json")
    assert unit.status_code == 403


def test_people_list_search_read_and_update(world, client_for):
    client = client_for(world.an_officer)
    person = actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Nguyễn Văn Đức", "gender": "NAM"})
    actions.do_create_person(actor=None, unit=world.to_chuc, data={"full_name": "Phạm Thị Lan", "gender": "NU"})
    found = _json(client.get(f"{API}/people", {"q": "nguyen duc"}))
    assert [p["full_name"] for p in found["items"]] == ["Nguyễn Văn Đức"]
    by_unit = _json(client.get(f"{API}/people", {"unit": str(world.to_chuc.uid)}))
    assert [p["full_name"] for p in by_unit["items"]] == ["Phạm Thị Lan"]
    response = client.patch(
        f"{API}/people/{person.uid}", {"version": person.version, "position_title": "Phó Trưởng ban"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert _json(response)["position_title"] == "Phó Trưởng ban" and _json(response)["version"] == person.version + 1
    assert _json(client.get(f"{API}/people/{person.uid}"))["position_title"] == "Phó Trưởng ban"
    assert client_for(world.qn_officer).get(f"{API}/people/{person.uid}").status_code == 404


def test_departments_per_unit(world, client_for):
    client = client_for(world.unit_officer)
    created = client.post(f"{API}/units/{world.tuyen_giao.uid}/departments", {"name": "Phòng Tuyên truyền"}, content_type="application/json")
    assert created.status_code == 201
    listed = _json(client.get(f"{API}/units/{world.tuyen_giao.uid}/departments"))
    assert [d["name"] for d in listed] == ["Phòng Tuyên truyền"]
    duplicate = client.post(f"{API}/units/{world.tuyen_giao.uid}/departments", {"name": "Phòng Tuyên truyền"}, content_type="application/json")
    assert duplicate.status_code == 422
    assert client.post(f"{API}/units/{world.to_chuc.uid}/departments", {"name": "P"}, content_type="application/json").status_code == 404
    assert Department.objects.count() == 1


@pytest.mark.sqlite
def test_stale_version_is_a_409_and_changes_nothing(world, client_for):
    client = client_for(world.an_officer)
    unit = _json(client.get(f"{API}/units/{world.tuyen_giao.uid}"))
    first = client.patch(f"{API}/units/{unit['uid']}", {"version": unit["version"], "short_name": "BTG"}, content_type="application/json")
    assert first.status_code == 200 and _json(first)["version"] == unit["version"] + 1
    second = client.patch(f"{API}/units/{unit['uid']}", {"version": unit["version"], "short_name": "TG"}, content_type="application/json")
    assert second.status_code == 409
    assert _json(second)["error"]["code"] == "conflict"
    assert _json(second)["error"]["message"].startswith("Đã có người sửa")
    assert Unit.objects.get(pk=world.tuyen_giao.pk).short_name == "BTG"


def test_session_calls_that_write_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.an_officer)
    refused = client.post(f"{API}/units", {"province": str(world.an_giang.uid), "name": "Sở Y tế"}, content_type="application/json")
    assert refused.status_code == 403
    assert _json(refused)["error"]["code"] == "csrf_failed"
    page = client.get("/tai-khoan/cua-toi/")
    token = page.cookies["csrftoken"].value
    accepted = client.post(
        f"{API}/units", {"province": str(world.an_giang.uid), "name": "Sở Y tế"}, content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert accepted.status_code == 201
    assert client.get(f"{API}/units").status_code == 200


# ---------------------------------------------------------------- introspection and docs


def test_every_api_operation_carries_its_access_action():
    operations = list(api_operations())
    paths = {(method, path) for method, path, _, _ in operations}
    assert ("GET", "/api/v1/units") in paths and ("PATCH", "/api/v1/people/{uid}") in paths
    for method, path, func, action in operations:
        assert action is not None, f"{method} {path} has no thidua_action"
        assert action == "signed_in" or action in PERMISSIONS, f"{method} {path}: {action}"
    by_path = {(m, p): a for m, p, _, a in operations}
    assert by_path[("POST", "/api/v1/units")] == "unit.edit"
    assert by_path[("POST", "/api/v1/people")] == "person.edit"


def test_openapi_document_and_vietnamese_docs_page(world, client):
    spec = client.get(f"{API}/openapi.json")
    assert spec.status_code == 200
    assert "/api/v1/units/{uid}" in spec.json()["paths"]
    docs = client.get(f"{API}/docs")
    html = docs.content.decode()
    assert docs.status_code == 200
    assert "Tài liệu API" in html and "GET /api/v1/units" in html and "Thêm cá nhân" in html
    assert "cdn" not in html.lower() and "<script>" not in html
