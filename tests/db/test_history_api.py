"""/api/v1 history endpoints: same actions, same scope, same engine as the pages and the what-if door."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from thidua.accounts import actions as account_actions
from thidua.history import actions
from thidua.history.models import AwardRecord, AwardSource
from thidua.org import actions as org_actions
from thidua.whatif.service import evaluate_one

pytestmark = pytest.mark.django_db


def _bearer(user) -> Client:
    _, secret = account_actions.do_create_api_token(actor=user, name="Phần mềm báo cáo")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.mark.sqlite
def test_record_read_evaluate_and_revoke_through_the_api(world):
    person = org_actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Võ Thị Mai", "gender": "NU"})
    client = _bearer(world.an_officer)
    base = f"/api/v1/history/ca-nhan/{person.uid}"
    response = client.put(f"{base}/ratings", {"year": 2025, "rating": "EXCELLENT"}, content_type="application/json")
    assert response.status_code == 200, response.content
    response = client.post(f"{base}/awards", {"award": "LDTT", "year": 2025, "decision_number": "25/QĐ-BTG",
                                              "decision_date": "2026-01-05"}, content_type="application/json")
    assert response.status_code == 201
    award = response.json()
    response = client.post(f"{base}/awards", {"award": "TTLDTT", "year": 2025}, content_type="application/json")
    assert response.status_code == 422 and "không xét tặng cho cá nhân" in response.json()["error"]["message"]
    history = client.get(base).json()
    assert history["request_history"] == [{"year": 2025, "rating": "EXCELLENT", "titles": ["LDTT"], "awards": []}]
    body = client.get(f"{base}/eligibility", {"year": 2025, "award": "CSTDCS", "decided_on": "2026-01-10"}).json()
    assert body["results"][0]["outcome"] == "ELIGIBLE"
    # The same request through the what-if door gives the same answer.
    assert evaluate_one(body["request"])["results"] == body["results"]
    response = client.post(f"/api/v1/history/awards/{award['uid']}/revoke", {"reason": "Sai đối tượng", "version": 0},
                           content_type="application/json")
    assert response.status_code == 409
    response = client.post(f"/api/v1/history/awards/{award['uid']}/revoke", {"reason": "Sai đối tượng", "version": award["version"]},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["revoked"] is True
    batch = client.get("/api/v1/history/eligible", {"year": 2025, "award": "CSTDCS"}).json()
    assert batch["count"] == 1 and batch["items"][0]["outcomes"] == {"CSTDCS": "NOT_ELIGIBLE"}


def test_api_scope(world):
    person = org_actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Võ Thị Mai", "gender": "NU"})
    actions.do_record_award(None, person, "LDTT", 2025, source=AwardSource.IMPORTED)
    outsider = _bearer(world.qn_officer)
    assert outsider.get(f"/api/v1/history/ca-nhan/{person.uid}").status_code == 404
    award = AwardRecord.objects.get()
    response = outsider.post(f"/api/v1/history/awards/{award.uid}/revoke", {"reason": "x", "version": award.version},
                             content_type="application/json")
    assert response.status_code == 404
    viewer = _bearer(world.viewer)
    assert viewer.get(f"/api/v1/history/ca-nhan/{person.uid}").status_code == 200
    response = viewer.post(f"/api/v1/history/ca-nhan/{person.uid}/awards", {"award": "GIAY_KHEN", "year": 2025},
                           content_type="application/json")
    assert response.status_code == 403
    assert outsider.get("/api/v1/history/eligible", {"year": 2025}).json()["count"] == 0
