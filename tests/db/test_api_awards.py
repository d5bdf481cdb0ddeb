"""/api/v1 for the award catalogue, the rule registry and the provinces' regulation packs."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from thidua.accounts import actions as account_actions
from thidua.api.main import api_operations
from thidua.awards.models import AwardType, RuleOverride
from thidua.core.access import PERMISSIONS

API = "/api/v1"
pytestmark = pytest.mark.django_db


def bearer(user) -> Client:
    _, secret = account_actions.do_create_api_token(actor=user, name="Phần mềm báo cáo")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


OVERRIDE = {
    "family": "eligibility", "rule": "TTLDTT", "param": "ldtt_ratio_percent", "value": "75",
    "effective_from": "2027-01-01", "citation": "Điều 4 khoản 2",
}
PACK = {"number": "12/2026/QĐ-UBND", "title": "Quy định về công tác thi đua, khen thưởng tỉnh An Giang",
        "issued_on": "2026-12-01", "effective_from": "2027-01-01", "citations": {"TTLDTT": "Điều 4"}}


def an_giang_pack(world) -> dict:
    response = post(bearer(world.an_officer), f"{API}/awards/packs", {**PACK, "province": str(world.an_giang.uid)})
    assert response.status_code == 201, response.json()
    return response.json()


@pytest.mark.sqlite
def test_catalogue_list_filters_and_detail(world):
    client = bearer(world.viewer)
    rows = client.get(f"{API}/awards/catalogue").json()
    codes = {r["code"]: r for r in rows}
    assert codes["LDTT"]["kind"] == "DANH_HIEU" and codes["LDTT"]["has_rule"] and codes["LDTT"]["rule_versions"] == ["2024-01-01", "2025-07-01"]
    assert codes["HCLD_1"]["has_rule"] is False and codes["HCLD_1"]["manual_reason"]
    forms = client.get(f"{API}/awards/catalogue", {"kind": "HINH_THUC"}).json()
    assert {r["kind"] for r in forms} == {"HINH_THUC"} and "AHLD" in {r["code"] for r in forms}
    households = client.get(f"{API}/awards/catalogue", {"subject": "household"}).json()
    assert [r["code"] for r in households] == ["GD_VH"]
    detail = client.get(f"{API}/awards/catalogue/{codes['CO_TINH']['uid']}").json()
    assert detail["name"] == "Cờ thi đua của Ủy ban nhân dân tỉnh" and detail["province"] is None
    assert client.get(f"{API}/awards/catalogue", {"kind": "KHAC"}).status_code in (400, 422)


@pytest.mark.sqlite
def test_province_entry_is_created_by_its_officer_and_hidden_from_others(world):
    body = {"province": str(world.an_giang.uid), "code": "KNC_AG", "name": "Kỷ niệm chương tỉnh An Giang",
            "kind": "HINH_THUC", "subjects": ["individual"], "level": "PROVINCE", "categories": ["CONTRIBUTION"],
            "citation": "Quyết định 20/2026/QĐ-UBND tỉnh An Giang"}
    assert post(bearer(world.viewer), f"{API}/awards/catalogue", body).status_code == 403
    assert post(bearer(world.qn_officer), f"{API}/awards/catalogue", body).status_code == 404
    response = post(bearer(world.an_officer), f"{API}/awards/catalogue", body)
    assert response.status_code == 201, response.json()
    assert response.json()["has_rule"] is False and response.json()["province"]["code"] == "91"
    uid = response.json()["uid"]
    assert bearer(world.qn_officer).get(f"{API}/awards/catalogue/{uid}").status_code == 404
    again = post(bearer(world.an_officer), f"{API}/awards/catalogue", {**body, "code": "LDTT"})
    assert again.status_code == 422 and again.json()["error"]["field"] == "code"
    assert AwardType.objects.filter(province=world.an_giang).count() == 1


@pytest.mark.sqlite
def test_rules_list_and_detail_with_the_provinces_override(world):
    client = bearer(world.an_officer)
    rows = client.get(f"{API}/awards/rules", {"code": "TTLDTT"}).json()
    assert [r["version"] for r in rows] == ["2024-01-01", "2025-07-01"]
    assert rows[0]["decree"] == "Nghị định 98/2023/NĐ-CP" and rows[1]["period"] == "từ 01/07/2025"
    assert post(client, f"{API}/awards/overrides", {**OVERRIDE, "pack": an_giang_pack(world)["uid"]}).status_code == 201
    url = f"{API}/awards/rules/TTLDTT/2025-07-01"
    national = client.get(url, {"on": "2027-02-01"}).json()
    assert national["params"][0]["value"] == 70 and national["params"][0]["override"] is None
    provincial = client.get(url, {"on": "2027-02-01", "province": str(world.an_giang.uid)}).json()
    assert provincial["params"][0]["value"] == 75 and provincial["params"][0]["override"]["citation"] == "QĐ 12/2026/QĐ-UBND tỉnh An Giang, Điều 4 khoản 2"
    assert any("75%" in c["text"] for c in provincial["checks"])
    earlier = client.get(url, {"on": "2026-12-31", "province": str(world.an_giang.uid)}).json()
    assert earlier["params"][0]["value"] == 70
    unconfirmed = client.get(f"{API}/awards/rules/BK_TTG/2024-01-01").json()
    assert any(p["unconfirmed"] for p in unconfirmed["params"]) and unconfirmed["version"]["decree"] == "Nghị định 98/2023/NĐ-CP"
    assert client.get(f"{API}/awards/rules/HCLD_1/2025-07-01").status_code == 404
    assert client.get(f"{API}/awards/rules/LDTT/2023-01-01").status_code == 404
    voting = client.get(f"{API}/awards/voting-rules").json()
    assert [v["confirmed"] for v in voting] == [True, False]
    assert {t["code"]: t["percent"] for t in voting[1]["thresholds"]}["CSTDCS"] == 80
    # Quảng Ninh's officer cannot read An Giang's overrides through the province filter.
    assert bearer(world.qn_officer).get(url, {"province": str(world.an_giang.uid)}).status_code == 404


@pytest.mark.sqlite
def test_overrides_add_list_end_with_vietnamese_errors(world):
    officer = bearer(world.an_officer)
    pack = an_giang_pack(world)
    assert pack["label"] == "theo Quy định ban hành kèm theo Quyết định 12/2026/QĐ-UBND ngày 01/12/2026 của tỉnh An Giang"
    assert pack["status"] == "upcoming" and pack["citations"] == {"TTLDTT": "Điều 4"}
    refused = post(officer, f"{API}/awards/packs", {**PACK, "province": str(world.an_giang.uid), "effective_from": "2026-11-01"})
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "effective_from"
    assert "không được trước ngày ban hành" in refused.json()["error"]["message"]
    body = {**OVERRIDE, "pack": pack["uid"]}
    bad = post(officer, f"{API}/awards/overrides", {**body, "param": "ty_le"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "param" and "không có tham số" in bad.json()["error"]["message"]
    assert post(bearer(world.viewer), f"{API}/awards/overrides", body).status_code == 403
    assert post(bearer(world.qn_officer), f"{API}/awards/overrides", body).status_code == 404
    created = post(officer, f"{API}/awards/overrides", body).json()
    assert created["status"] == "upcoming" and created["param_label"].startswith("Tỷ lệ tối thiểu")
    assert created["pack"]["number"] == "12/2026/QĐ-UBND"
    listed = bearer(world.viewer).get(f"{API}/awards/overrides").json()
    assert [o["uid"] for o in listed] == [created["uid"]]
    assert bearer(world.qn_officer).get(f"{API}/awards/overrides").json() == []
    assert [p["number"] for p in bearer(world.viewer).get(f"{API}/awards/packs").json()] == ["12/2026/QĐ-UBND"]
    end_url = f"{API}/awards/overrides/{created['uid']}/end"
    stale = post(officer, end_url, {"version": created["version"] + 5, "last_day": "2027-06-30", "reason": "Bãi bỏ"})
    assert stale.status_code == 409
    ended = post(officer, end_url, {"version": created["version"], "last_day": "2026-12-31", "reason": "Hủy trước khi áp dụng"})
    assert ended.status_code == 200 and ended.json()["status"] == "withdrawn"
    assert RuleOverride.objects.filter(province=world.an_giang).count() == 1
    assert post(bearer(world.qn_officer), end_url, {"version": 2, "last_day": "2026-12-31", "reason": "x"}).status_code == 404
    pack_end = f"{API}/awards/packs/{pack['uid']}/end"
    assert post(bearer(world.qn_officer), pack_end, {"version": pack["version"], "last_day": "2027-12-31", "reason": "x"}).status_code == 404
    ended = post(officer, pack_end, {"version": pack["version"], "last_day": "2027-12-31", "reason": "Quyết định 3/2028/QĐ-UBND thay thế"})
    assert ended.status_code == 200 and ended.json()["effective_to"] == "2027-12-31" and ended.json()["end_reason"]


def test_every_awards_endpoint_declares_its_action():
    ours = [(m, p, a) for m, p, f, a in api_operations() if f.__module__ == "thidua.api.awards"]
    assert len(ours) == 12
    by_path = {(m, p): a for m, p, a in ours}
    assert by_path[("POST", "/api/v1/awards/overrides")] == "rules.override"
    assert by_path[("POST", "/api/v1/awards/packs")] == "rules.override"
    assert by_path[("GET", "/api/v1/awards/packs")] == "rules.view"
    assert by_path[("POST", "/api/v1/awards/catalogue")] == "catalogue.edit"
    assert all(a in PERMISSIONS for _, _, a in ours)


def test_openapi_lists_the_award_endpoints_with_vietnamese_tags(client):
    spec = client.get(f"{API}/openapi.json").json()
    assert "/api/v1/awards/overrides/{uid}/end" in spec["paths"]
    tags = {t for path in spec["paths"].values() for op in path.values() for t in op.get("tags", [])}
    assert {"Danh mục khen thưởng", "Quy định, tiêu chuẩn khen thưởng", "Quy định thi đua, khen thưởng của tỉnh"} <= tags
