"""/api/v1 covers the workflow (issue #15, point 1): accounts and grants, API tokens (API and
`manage.py create_token`), a poll's result as a dossier, the bulk actions of the pages, and the
409 of a state conflict. Every write goes through the same do_* action as the page."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from thidua.accounts import actions as account_actions
from thidua.accounts.models import AccountProfile, ApiToken, Grant, Role
from thidua.audit.models import AuditLog
from thidua.proposals.models import Proposal, ProposalItem
from tests.db import test_proposals_from_poll as from_poll
from tests.db import test_proposals_unit as unit_flow

pytestmark = pytest.mark.django_db

API = "/api/v1"
PASSWORD = "Mật-khẩu-dài-2025!"


def _bearer(user) -> Client:
    _, secret = account_actions.do_create_api_token(actor=user, name="Cổng thông tin tỉnh")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def _uid(user):
    return str(AccountProfile.objects.get(user=user).uid)


# ---------------------------------------------------------------- accounts and grants


@pytest.mark.sqlite
def test_officer_creates_grants_ends_resets_and_locks_an_account_through_the_api(world):
    officer = _bearer(world.an_officer)
    r = _post(officer, f"{API}/accounts", {"username": "nguyen-van-an", "full_name": "Nguyễn Văn An", "password": PASSWORD,
                                            "province": str(world.an_giang.uid)})
    assert r.status_code == 201, r.content
    account = r.json()
    assert account["username"] == "nguyen-van-an" and account["managing_province"] == str(world.an_giang.uid) and account["grants"] == []
    assert "password" not in r.content.decode()
    assert AuditLog.objects.filter(action="accounts.user.create", actor=world.an_officer).count() == 1
    # The same username again is a duplicate: 409, in Vietnamese, nothing written.
    again = _post(officer, f"{API}/accounts", {"username": "Nguyen-Van-An", "full_name": "Khác", "password": PASSWORD,
                                                "province": str(world.an_giang.uid)})
    assert again.status_code == 409 and again.json()["error"]["code"] == "state_conflict"
    assert "đã được dùng" in again.json()["error"]["message"]

    r = _post(officer, f"{API}/accounts/{account['uid']}/grants",
              {"role": "UNIT_OFFICER", "scope_kind": "UNIT", "province": str(world.an_giang.uid), "unit": str(world.tuyen_giao.uid),
               "valid_from": "2025-07-01"})
    assert r.status_code == 201, r.content
    granted = r.json()
    assert granted["role"] == "UNIT_OFFICER" and granted["unit"] == str(world.tuyen_giao.uid) and granted["active_today"]
    overlap = _post(officer, f"{API}/accounts/{account['uid']}/grants",
                    {"role": "UNIT_OFFICER", "scope_kind": "UNIT", "province": str(world.an_giang.uid), "unit": str(world.tuyen_giao.uid),
                     "valid_from": "2025-08-01"})
    assert overlap.status_code == 409 and Grant.objects.filter(user__username="nguyen-van-an").count() == 1
    no_unit = _post(officer, f"{API}/accounts/{account['uid']}/grants",
                    {"role": "VIEWER", "scope_kind": "UNIT", "province": str(world.an_giang.uid), "valid_from": "2025-07-01"})
    assert no_unit.status_code == 422 and no_unit.json()["error"]["field"] == "unit" and "Hãy chọn đơn vị" in no_unit.json()["error"]["message"]

    ended = _post(officer, f"{API}/grants/{granted['uid']}/end", {"valid_to": "2025-12-31"})
    assert ended.status_code == 200 and ended.json()["valid_to"] == "2025-12-31" and not ended.json()["active_today"]
    assert AuditLog.objects.filter(action="accounts.grant.end").count() == 1

    user = AccountProfile.objects.get(uid=account["uid"]).user
    r = _post(officer, f"{API}/accounts/{account['uid']}/password", {"password": "Mật-khẩu-khác-2026!"})
    assert r.status_code == 204
    user.refresh_from_db()
    assert user.check_password("Mật-khẩu-khác-2026!")
    weak = _post(officer, f"{API}/accounts/{account['uid']}/password", {"password": "123"})
    assert weak.status_code == 422 and weak.json()["error"]["field"] == "password"

    locked = _post(officer, f"{API}/accounts/{account['uid']}/active", {"active": False})
    assert locked.status_code == 200 and locked.json()["is_active"] is False
    listed = officer.get(f"{API}/accounts", {"q": "nguyen van an", "status": "inactive"}).json()
    assert [a["username"] for a in listed["items"]] == ["nguyen-van-an"]


def test_account_api_keeps_the_pages_rules_and_scope(world):
    # Quảng Ninh's officer does not see An Giang's viewer: 404 like a missing account.
    qn = _bearer(world.qn_officer)
    assert qn.get(f"{API}/accounts/{_uid(world.viewer)}").status_code == 404
    assert _post(qn, f"{API}/accounts/{_uid(world.viewer)}/active", {"active": False}).status_code == 404
    # A viewer may not manage accounts at all.
    viewer = _bearer(world.viewer)
    refused = _post(viewer, f"{API}/accounts", {"username": "x", "full_name": "X", "password": PASSWORD})
    assert refused.status_code == 403 and "quyền" in refused.json()["error"]["message"]
    # Only the system administrator grants the ADMIN role.
    officer = _bearer(world.an_officer)
    r = _post(officer, f"{API}/accounts/{_uid(world.viewer)}/grants",
              {"role": "ADMIN", "scope_kind": "PROVINCE", "province": str(world.an_giang.uid), "valid_from": "2025-07-01"})
    assert r.status_code == 403 and "Quản trị hệ thống" in r.json()["error"]["message"]
    # A province officer must name the managing province.
    r = _post(officer, f"{API}/accounts", {"username": "khong-tinh", "full_name": "Không Tỉnh", "password": PASSWORD})
    assert r.status_code == 422 and r.json()["error"]["field"] == "province"
    # An officer cannot lock their own account.
    r = _post(officer, f"{API}/accounts/{_uid(world.an_officer)}/active", {"active": False})
    assert r.status_code == 400 and "tự khóa" in r.json()["error"]["message"]
    # Missing fields are the request's shape: 422.
    r = _post(officer, f"{API}/accounts/{_uid(world.viewer)}/grants", {"role": "VIEWER"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_field"


def test_ending_an_ended_grant_is_a_conflict(world):
    grant = world.viewer.grants.get()
    officer = _bearer(world.an_officer)
    assert _post(officer, f"{API}/grants/{grant.uid}/end", {"valid_to": "2025-12-31"}).status_code == 200
    r = _post(officer, f"{API}/grants/{grant.uid}/end", {"valid_to": "2026-01-31"})
    assert r.status_code == 409 and "đã hết hiệu lực" in r.json()["error"]["message"]
    assert _post(_bearer(world.qn_officer), f"{API}/grants/{grant.uid}/end", {"valid_to": "2025-11-30"}).status_code == 404


# ---------------------------------------------------------------- API tokens


@pytest.mark.sqlite
def test_a_signed_in_user_creates_lists_and_revokes_tokens_through_the_api(world, client_for):
    # The browser's session (the test client skips the CSRF check, like a page that sends it).
    browser = client_for(world.viewer)
    r = browser.post(f"{API}/tokens", {"name": "Bảng tin", "expires_on": "2099-12-31"}, content_type="application/json")
    assert r.status_code == 201, r.content
    created = r.json()
    secret = created["secret"]
    assert secret.startswith("td_") and created["prefix"] == secret[:10] and created["expires_on"] == "2099-12-31"
    stored = ApiToken.objects.get(uid=created["uid"])
    assert stored.digest == ApiToken.digest_of(secret) and secret not in (stored.digest, stored.prefix)
    token_client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    listed = token_client.get(f"{API}/tokens").json()
    assert [t["name"] for t in listed] == ["Bảng tin"] and "secret" not in listed[0]
    # Another user's token is not theirs to revoke: 404.
    other, _ = account_actions.do_create_api_token(actor=world.an_officer, name="Của người khác")
    assert token_client.delete(f"{API}/tokens/{other.uid}").status_code == 404
    assert token_client.delete(f"{API}/tokens/{created['uid']}").status_code == 204
    assert token_client.get(f"{API}/tokens").status_code == 401
    assert AuditLog.objects.filter(action="accounts.token.revoke", actor=world.viewer).count() == 1


def test_token_input_errors_are_vietnamese(world):
    client = _bearer(world.viewer)
    r = _post(client, f"{API}/tokens", {"name": "Cũ", "expires_on": "2020-01-01"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "expires_on" and "không được trước hôm nay" in r.json()["error"]["message"]
    r = _post(client, f"{API}/tokens", {"name": "x" * 101})
    assert r.status_code == 422


def test_create_token_command_prints_the_secret_once(world):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_token", world.viewer.username, "--expires", "31/12/2099", "--name", "Cổng tỉnh", stdout=out, stderr=err)
    secret = out.getvalue().strip()
    token = ApiToken.objects.get(user=world.viewer)
    assert token.digest == ApiToken.digest_of(secret) and token.expires_on == dt.date(2099, 12, 31) and token.name == "Cổng tỉnh"
    assert "31/12/2099" in err.getvalue() and secret not in err.getvalue()
    log = AuditLog.objects.get(action="accounts.token.create")
    assert log.actor is None and secret not in str(log.changes)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get(f"{API}/provinces").status_code == 200
    with pytest.raises(CommandError, match="dd/mm/yyyy"):
        call_command("create_token", world.viewer.username, "--expires", "2099-12-31")
    with pytest.raises(CommandError, match="Không có tài khoản"):
        call_command("create_token", "khong-ai")
    account_actions.do_set_user_active(actor=None, user=world.viewer, active=False)
    with pytest.raises(CommandError, match="bị khóa"):
        call_command("create_token", world.viewer.username)
    assert ApiToken.objects.filter(user=world.viewer, revoked_at__isnull=True).count() == 0


def test_a_user_cannot_make_a_token_for_someone_else(world):
    from thidua.core.errors import NotPermitted

    with pytest.raises(NotPermitted):
        account_actions.do_create_api_token(actor=world.an_officer, owner=world.viewer, name="Giả danh")
    assert not ApiToken.objects.exists()


# ---------------------------------------------------------------- poll → dossier, bulk actions


@pytest.mark.sqlite
def test_a_poll_result_becomes_a_draft_dossier_with_the_vote_through_the_api(world):
    from_poll._no_registration_rule(world)
    an, binh = from_poll._people(world, "Nguyễn Văn An", "Trần Thị Bình")
    poll = from_poll._poll(world, from_poll._unit_council(world), [{"person": an}, {"person": binh}])
    client = _bearer(world.unit_officer)
    early = _post(client, f"{API}/polls/{poll.uid}/proposal")
    assert early.status_code == 400 and not Proposal.objects.exists()
    poll = from_poll._result(poll, {"Nguyễn Văn An": 9, "Trần Thị Bình": 5})
    r = _post(client, f"{API}/polls/{poll.uid}/proposal")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["state"] == "DRAFT" and body["proposer_unit"] == str(world.tuyen_giao.uid) and body["year"] == 2025
    [item] = body["items"]
    assert item["person"] == str(an.uid) and item["award"] == "CSTDCS"
    assert (item["vote_members_total"], item["vote_present"], item["vote_yes"], item["vote_held_on"]) == (10, 9, 9, "2026-01-05")
    again = _post(client, f"{API}/polls/{poll.uid}/proposal")
    assert again.status_code == 400 and "Đã lập hồ sơ đề nghị" in again.json()["error"]["message"] and Proposal.objects.count() == 1
    assert _post(_bearer(world.qn_officer), f"{API}/polls/{poll.uid}/proposal").status_code == 404


def test_bulk_add_eligible_staff_and_approve_unblocked_through_the_api(world):
    unit_flow._no_registration_rule(world)
    leader = unit_flow._leader(world)
    eligible = unit_flow._staff(world, 12)
    unit_flow._staff(world, 2, rated=False, prefix="Chưa đánh giá")
    proposal = unit_flow._unit_proposal(world, world.unit_officer)
    officer = _bearer(world.unit_officer)
    r = _post(officer, f"{API}/proposals/{proposal.uid}/eligible-staff", {"award": "LDTT"})
    assert r.status_code == 201, r.content
    assert r.json()["added"] == 12 and {i["person"] for i in r.json()["items"]} == {str(p.uid) for p in eligible}
    again = _post(officer, f"{API}/proposals/{proposal.uid}/eligible-staff", {"award": "LDTT"})
    # Running it again adds nobody twice, and says so.
    assert again.status_code == 422 and "Không có thêm cán bộ nào" in again.json()["error"]["message"] and proposal.items.count() == 12
    assert _post(officer, f"{API}/proposals/{proposal.uid}/eligible-staff", {"award": "KHONG_CO"}).status_code == 422

    from thidua.proposals import actions

    proposal.refresh_from_db()
    proposal = actions.do_transition(actor=world.unit_officer, proposal=proposal, event="submit", expected_version=proposal.version)
    proposal = actions.do_transition(actor=leader, proposal=proposal, event="receive", expected_version=proposal.version)
    proposal = actions.do_transition(actor=leader, proposal=proposal, event="appraise", expected_version=proposal.version)
    head = _bearer(leader)
    stale = _post(head, f"{API}/proposals/{proposal.uid}/approve-unblocked", {"version": proposal.version - 1})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    assert _post(officer, f"{API}/proposals/{proposal.uid}/approve-unblocked", {"version": proposal.version}).status_code == 403
    r = _post(head, f"{API}/proposals/{proposal.uid}/approve-unblocked", {"version": proposal.version})
    assert r.status_code == 200 and r.json()["approved"] == 12
    assert ProposalItem.objects.filter(proposal=proposal, appraisal="APPROVED").count() == 12
    assert AuditLog.objects.filter(action="proposals.item.approve_batch", actor=leader).count() == 1


# ---------------------------------------------------------------- status codes of the ballot, one-field results


def _council_poll(world, *, mode):
    from thidua.voting import actions as voting

    council = voting.do_create_council(actor=None, province=world.an_giang, data={"name": "Hội đồng Thi đua - Khen thưởng tỉnh", "level": "PROVINCE"})
    voting.do_add_council_member(
        actor=None, council=council,
        data={"full_name": "Nguyễn Văn Chủ", "role": "CHAIR", "term_from": dt.date(2025, 7, 1), "user": world.an_officer},
    )
    poll = voting.do_create_poll(
        actor=None,
        data={"title": "Bình xét Chiến sĩ thi đua cơ sở năm 2025", "council": council, "electorate": "COUNCIL", "subject": "AWARD",
              "award_code": "CSTDCS", "method": "APPROVE_EACH", "mode": mode, "quota": 1, "held_on": dt.date(2026, 1, 5)},
        candidates=[{"label": "Nguyễn Văn An"}, {"label": "Trần Thị Bình"}],
    )
    return voting.do_open_poll(actor=None, poll=poll, expected_version=poll.version)


@pytest.mark.sqlite
def test_a_vote_after_the_close_is_a_409_and_nothing_is_written(world):
    from thidua.voting import actions as voting
    from thidua.voting.models import Participation

    poll = _council_poll(world, mode="E_BALLOT")
    voting.do_close_poll(actor=None, poll=poll, expected_version=poll.version)
    candidate = poll.candidates.first()
    r = _post(_bearer(world.an_officer), f"{API}/polls/{poll.uid}/ballot", {"approved": [candidate.pk]})
    assert r.status_code == 409 and r.json()["error"]["code"] == "state_conflict"
    assert r.json()["error"]["message"] == "Cuộc bỏ phiếu đã đóng; phiếu không được ghi nhận."
    assert not Participation.objects.exists()


def test_a_show_of_hands_poll_and_its_result_need_one_field(world):
    from thidua.voting import actions as voting
    from thidua.voting.models import Council, Poll

    officer = _bearer(world.an_officer)
    council = voting.do_create_council(actor=None, province=world.an_giang, data={"name": "Hội đồng TĐKT tỉnh", "level": "PROVINCE"})
    voting.do_add_council_member(actor=None, council=Council.objects.get(pk=council.pk),
                                 data={"full_name": "Nguyễn Văn Chủ", "role": "CHAIR", "term_from": dt.date(2025, 7, 1)})
    r = _post(officer, f"{API}/polls", {"title": "Biểu quyết chọn đơn vị dẫn đầu", "council": str(council.uid), "mode": "SHOW_OF_HANDS",
                                         "award_code": "CSTDCS", "quota": 1, "held_on": "2026-01-05", "candidates": [{"label": "Nguyễn Văn An"}]})
    assert r.status_code == 201, r.content
    assert (r.json()["method"], r.json()["mode"]) == ("SHOW_OF_HANDS", "SHOW_OF_HANDS")
    r = _post(officer, f"{API}/polls", {"title": "Biểu quyết lần hai", "council": str(council.uid), "method": "SHOW_OF_HANDS",
                                         "award_code": "CSTDCS", "quota": 1, "held_on": "2026-01-05", "candidates": [{"label": "Trần Thị Bình"}]})
    assert r.status_code == 201 and r.json()["mode"] == "SHOW_OF_HANDS"
    assert Poll.objects.filter(mode="SHOW_OF_HANDS", method="SHOW_OF_HANDS").count() == 2

    poll = _council_poll(world, mode="PAPER")
    an, binh = poll.candidates.get(label="Nguyễn Văn An"), poll.candidates.get(label="Trần Thị Bình")
    # Saying "show of hands" for a paper poll contradicts the poll: refused on the field.
    wrong = _post(officer, f"{API}/polls/{poll.uid}/result", {"version": poll.version, "source": "SHOW_OF_HANDS", "present": 1, "yes": {str(an.pk): 1, str(binh.pk): 0}})
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "source"
    r = _post(officer, f"{API}/polls/{poll.uid}/result", {"version": poll.version, "present": 1, "yes": {str(an.pk): 1, str(binh.pk): 0}})
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "RESULT"
    poll.refresh_from_db()
    assert poll.result_source == "PAPER"


# ---------------------------------------------------------------- access of the new operations

NEW_OPERATIONS = {
    ("GET", "/api/v1/accounts"): "accounts.view",
    ("GET", "/api/v1/accounts/{uid}"): "accounts.view",
    ("POST", "/api/v1/accounts"): "accounts.manage",
    ("POST", "/api/v1/accounts/{uid}/active"): "accounts.manage",
    ("POST", "/api/v1/accounts/{uid}/password"): "accounts.manage",
    ("POST", "/api/v1/accounts/{uid}/grants"): "accounts.manage",
    ("POST", "/api/v1/grants/{uid}/end"): "accounts.manage",
    ("GET", "/api/v1/tokens"): "self.manage",
    ("POST", "/api/v1/tokens"): "self.manage",
    ("DELETE", "/api/v1/tokens/{uid}"): "self.manage",
    ("POST", "/api/v1/polls/{uid}/proposal"): "proposal.edit",
    ("POST", "/api/v1/proposals/{uid}/eligible-staff"): "proposal.edit",
    ("POST", "/api/v1/proposals/{uid}/approve-unblocked"): "proposal.review",
}


def test_new_operations_declare_their_action_and_refuse_who_lacks_it(world):
    from thidua.api.main import api_operations
    from thidua.core.access import PERMISSIONS

    declared = {(m, p): a for m, p, _, a in api_operations()}
    for key, action in NEW_OPERATIONS.items():
        assert declared[key] == action, key
    uid = "00000000-0000-0000-0000-000000000000"
    viewer = _bearer(world.viewer)
    # Well-formed bodies, so that the refusal is the access check's, not the body's shape.
    bodies = {
        "/api/v1/accounts": {"username": "x", "full_name": "X", "password": PASSWORD},
        "/api/v1/accounts/{uid}/active": {"active": False},
        "/api/v1/accounts/{uid}/password": {"password": PASSWORD},
        "/api/v1/accounts/{uid}/grants": {"role": "VIEWER", "province": uid, "valid_from": "2025-07-01"},
        "/api/v1/grants/{uid}/end": {"valid_to": "2025-12-31"},
        "/api/v1/proposals/{uid}/eligible-staff": {"award": "LDTT"},
        "/api/v1/proposals/{uid}/approve-unblocked": {"version": 1},
    }
    for (method, path), action in NEW_OPERATIONS.items():
        url = path.replace("{uid}", uid)
        body = json.dumps(bodies.get(path, {})) if method == "POST" else ""
        anonymous = Client().generic(method, url, body, content_type="application/json")
        assert anonymous.status_code == 401, (method, path)
        if "VIEWER" not in PERMISSIONS[action]:
            refused = viewer.generic(method, url, body, content_type="application/json")
            assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden", (method, path)
