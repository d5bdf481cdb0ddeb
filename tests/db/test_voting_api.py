"""/api/v1 councils and polls: the same actions and scope as the pages."""

from __future__ import annotations

import pytest
from django.test import Client

from thidua.accounts import actions as account_actions
from thidua.accounts.models import Role
from thidua.voting.models import Ballot, Participation
from tests.factories import grant, make_user

pytestmark = pytest.mark.django_db


def _bearer(user) -> Client:
    _, secret = account_actions.do_create_api_token(actor=user, name="Ứng dụng bỏ phiếu")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


@pytest.mark.sqlite
def test_api_council_poll_ballot_result_round_trip(world):
    officer = _bearer(world.an_officer)
    response = _post(officer, "/api/v1/councils", {"province": str(world.an_giang.uid), "name": "Hội đồng TĐKT tỉnh"})
    assert response.status_code == 201, response.content
    council = response.json()
    voters = []
    for i in range(3):
        user = make_user(f"api-tv{i}")
        grant(user, Role.COUNCIL_MEMBER, world.an_giang)
        voters.append(user)
        r = _post(officer, f"/api/v1/councils/{council['uid']}/members",
                  {"full_name": f"Thành viên {i}", "username": user.username, "term_from": "2025-07-01"})
        assert r.status_code == 201, r.content
    r = _post(officer, f"/api/v1/councils/{council['uid']}/members", {"full_name": "X", "username": "khong-co", "term_from": "2025-07-01"})
    assert r.status_code == 422 and "Không có tài khoản" in r.json()["error"]["message"]
    r = _post(officer, "/api/v1/polls", {"title": "Bình xét CSTĐCS", "council": council["uid"], "award_code": "CSTDCS", "quota": 1,
                                          "held_on": "2026-01-05", "candidates": [{"label": "Nguyễn Văn An"}, {"label": "Trần Thị Bình"}]})
    assert r.status_code == 201, r.content
    poll = r.json()
    assert poll["threshold_pct"] in ("80.00", 80, "80") and "152/2025" in poll["citation"]
    an = poll["candidates"][0]["id"]
    r = _post(officer, f"/api/v1/polls/{poll['uid']}/open", {"version": poll["version"]})
    assert r.status_code == 200 and r.json()["electorate_size"] == 3
    for user in voters:
        r = _post(_bearer(user), f"/api/v1/polls/{poll['uid']}/ballot", {"approved": [an]})
        assert r.status_code == 201 and set(r.json()) == {"poll", "voted", "kind", "message"}
    again = _post(_bearer(voters[0]), f"/api/v1/polls/{poll['uid']}/ballot", {"approved": []})
    assert again.status_code == 409 and again.json()["error"]["code"] == "state_conflict" and "đã bỏ phiếu rồi" in again.json()["error"]["message"]
    guest = _post(officer, f"/api/v1/polls/{poll['uid']}/ballot", {"approved": [an]})
    assert guest.status_code == 400
    assert Participation.objects.count() == Ballot.objects.count() == 3
    current = officer.get(f"/api/v1/polls/{poll['uid']}").json()
    assert current["participation_count"] == 3
    r = _post(officer, f"/api/v1/polls/{poll['uid']}/close", {"version": current["version"]})
    assert r.status_code == 200 and r.json()["state"] == "RESULT"
    result = officer.get(f"/api/v1/polls/{poll['uid']}/result").json()
    assert result["result"]["results"][0]["yes"] == 3 and result["result"]["results"][0]["selected"] and len(result["sha256"]) == 64
    # Outside the scope: 404.
    assert _bearer(world.qn_officer).get(f"/api/v1/polls/{poll['uid']}").status_code == 404
    assert _post(_bearer(world.viewer), f"/api/v1/polls/{poll['uid']}/close", {"version": 1}).status_code == 403
