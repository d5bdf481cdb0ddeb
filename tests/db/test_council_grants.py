"""Roles granted on one council (issue #15 point 1): the council secretary, its counting board and
its members reach that council, its members and its polls — and nothing else — through the same
access module, pages and API as the other scopes; granting and ending follow the same rules and
audit as the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from tests.db.test_counting import MEMBERS, counts_for
from tests.factories import make_user
from thidua.accounts import actions as account_actions
from thidua.accounts.models import AccountProfile, Grant, Role, ScopeKind
from thidua.audit.models import AuditLog
from thidua.core.access import PERMISSIONS, scope_of, scoped
from thidua.core.errors import ActionError, NotPermitted, StateConflict
from thidua.counting import actions as counting
from thidua.org.models import Person, Unit
from thidua.voting import actions as voting
from thidua.voting.models import Council, CouncilMember, Poll

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def _council(world, name: str, unit=None) -> Council:
    council = voting.do_create_council(
        actor=None, province=world.an_giang,
        data={"name": name, "level": "UNIT" if unit else "PROVINCE", "unit": unit},
    )
    for i, member in enumerate(MEMBERS):
        voting.do_add_council_member(actor=None, council=council, data={
            "full_name": member, "role": "CHAIR" if i == 0 else "MEMBER", "term_from": dt.date(2025, 1, 1)})
    return council


def _paper_poll(council: Council, *, closed: bool = True) -> Poll:
    poll = voting.do_create_poll(
        actor=None,
        data={"title": f"Bình xét Chiến sĩ thi đua cơ sở năm 2025 — {council.name}", "council": council, "electorate": "COUNCIL",
              "subject": "AWARD", "award_code": "CSTDCS", "method": "APPROVE_EACH", "mode": "PAPER", "quota": 2,
              "held_on": dt.date(2025, 12, 20)},
        candidates=[{"label": "Nguyễn Văn An"}, {"label": "Trần Thị Bình"}, {"label": "Lê Văn Cường"}],
    )
    if closed:
        poll = voting.do_open_poll(actor=None, poll=poll, expected_version=poll.version)
        poll = voting.do_close_poll(actor=None, poll=poll, expected_version=poll.version)
    return poll


@pytest.fixture
def councils(world):
    """Ban Tổ chức's council (the one the secretary serves) and the province's council beside it."""
    ours = _council(world, "Hội đồng Thi đua - Khen thưởng Ban Tổ chức Tỉnh ủy", unit=world.to_chuc)
    other = _council(world, "Hội đồng Thi đua - Khen thưởng tỉnh An Giang")
    return ours, other


def _managed_user(world, username):
    """A new account managed by An Giang (as an officer creating it on the pages would leave it)."""
    user = make_user(username)
    AccountProfile.objects.filter(user=user).update(province=world.an_giang)
    return user, AccountProfile.objects.get(user=user)


def _grant_on(world, council, role, username):
    user, _ = _managed_user(world, username)
    grant = account_actions.do_add_grant(
        actor=world.an_officer, user=user, role=role, scope_kind=ScopeKind.COUNCIL, province=world.an_giang, council=council,
        valid_from=TODAY - dt.timedelta(days=1),
    )
    return user, grant


# ------------------------------------------------------------------------------ granting


def test_officer_grants_the_secretary_role_on_one_council_with_one_audit_row(world, councils):
    ours, _ = councils
    before = AuditLog.objects.count()
    user, grant = _grant_on(world, ours, Role.COUNCIL_SECRETARY, "thu-ky-hd")
    # The tenant key is the council's own province (Ban Tổ chức lies in the An Giang merged into today's).
    assert (grant.scope_kind, grant.council, grant.province, grant.unit, grant.bloc) == (
        ScopeKind.COUNCIL, ours, ours.province, None, None)
    assert str(grant) == "Thư ký hội đồng — Hội đồng Thi đua - Khen thưởng Ban Tổ chức Tỉnh ủy"
    rows = list(AuditLog.objects.order_by("pk")[before:])
    assert [r.action for r in rows] == ["accounts.grant.create"]
    assert rows[0].changes["council"][1]


@pytest.mark.parametrize("role", [Role.PROVINCE_OFFICER, Role.UNIT_OFFICER, Role.VIEWER, Role.ADMIN])
def test_roles_that_do_not_belong_on_a_council_are_refused(world, councils, role):
    user, _ = _managed_user(world, "nguoi-khac")
    actor = world.admin if role == Role.ADMIN else world.an_officer
    with pytest.raises(ActionError) as refused:
        account_actions.do_add_grant(actor=actor, user=user, role=role, scope_kind=ScopeKind.COUNCIL, province=world.an_giang,
                                     council=councils[0], valid_from=TODAY)
    assert refused.value.field in ("role", "scope_kind")
    assert not Grant.objects.filter(user=user).exists()


def test_council_scope_needs_a_council_of_the_province_and_no_duplicate(world, councils):
    user, _ = _grant_on(world, councils[0], Role.COUNCIL_SECRETARY, "thu-ky-hd")
    with pytest.raises(ActionError, match="Hãy chọn hội đồng"):
        account_actions.do_add_grant(actor=world.an_officer, user=user, role=Role.COUNCIL_SECRETARY, scope_kind=ScopeKind.COUNCIL,
                                     province=world.an_giang, council=None, valid_from=TODAY)
    with pytest.raises(ActionError, match="không thuộc"):
        account_actions.do_add_grant(actor=None, user=user, role=Role.COUNCIL_SECRETARY, scope_kind=ScopeKind.COUNCIL,
                                     province=world.quang_ninh, council=councils[0], valid_from=TODAY)
    with pytest.raises(StateConflict):
        account_actions.do_add_grant(actor=world.an_officer, user=user, role=Role.COUNCIL_SECRETARY, scope_kind=ScopeKind.COUNCIL,
                                     province=world.an_giang, council=councils[0], valid_from=TODAY)
    # Quảng Ninh's officer manages no An Giang account or council.
    with pytest.raises(NotPermitted):
        account_actions.do_add_grant(actor=world.qn_officer, user=user, role=Role.COUNTING_BOARD, scope_kind=ScopeKind.COUNCIL,
                                     province=world.an_giang, council=councils[0], valid_from=TODAY)


def test_an_ended_council_grant_gives_no_access_from_the_next_day(world, councils):
    user, grant = _grant_on(world, councils[0], Role.COUNCIL_SECRETARY, "thu-ky-hd")
    assert scope_of(user).council_ids_for("poll.manage") == {councils[0].pk}
    account_actions.do_end_grant(actor=world.an_officer, grant=grant, valid_to=TODAY - dt.timedelta(days=1))
    user = type(user).objects.get(pk=user.pk)  # a fresh object: the scope is cached per request
    assert scope_of(user).council_ids_for("poll.manage") == set()
    assert AuditLog.objects.filter(action="accounts.grant.end", object_uid=str(grant.uid)).count() == 1


# ------------------------------------------------------------------------------ role × action on the council

# What each council-scoped role may do on its own council (True) — on the other council, nothing.
COUNCIL_MATRIX = {
    Role.COUNCIL_SECRETARY: {"council.manage": True, "poll.manage": True, "poll.count": True, "poll.vote": True, "accounts.manage": False},
    Role.COUNTING_BOARD: {"council.manage": False, "poll.manage": False, "poll.count": True, "poll.vote": True, "accounts.manage": False},
    Role.COUNCIL_MEMBER: {"council.manage": False, "poll.manage": False, "poll.count": False, "poll.vote": True, "accounts.manage": False},
}


@pytest.mark.parametrize("role", list(COUNCIL_MATRIX))
def test_council_roles_reach_their_council_only(world, councils, role):
    ours, other = councils
    user, _ = _grant_on(world, ours, role, "nguoi-hd")
    ours_poll, other_poll = _paper_poll(ours, closed=False), _paper_poll(other, closed=False)
    for action, allowed in COUNCIL_MATRIX[role].items():
        assert (role in PERMISSIONS[action]) == allowed, action
        if action == "poll.vote":
            continue  # the electorate decides who votes, inside the action
        for council, poll in ((ours, ours_poll), (other, other_poll)):
            expected = allowed and council == ours
            assert scoped(user, Council, action).filter(pk=council.pk).exists() == expected, (action, council.name)
            assert scoped(user, Poll, action).filter(pk=poll.pk).exists() == expected, (action, council.name)
    # Seeing a council is not seeing the province's registry.
    assert not scoped(user, Unit).exists() and not scoped(user, Person).exists()
    assert scoped(user, Council).get() == ours


def test_secretary_manages_members_and_polls_of_the_council_only(world, councils):
    ours, other = councils
    secretary, _ = _grant_on(world, ours, Role.COUNCIL_SECRETARY, "thu-ky-hd")
    member = voting.do_add_council_member(actor=secretary, council=ours, data={
        "full_name": "Đinh Thị Thu", "role": "MEMBER", "term_from": dt.date(2026, 1, 1)})
    assert member.council == ours
    with pytest.raises(NotPermitted):
        voting.do_add_council_member(actor=secretary, council=other, data={
            "full_name": "Đinh Thị Thu", "role": "MEMBER", "term_from": dt.date(2026, 1, 1)})
    poll = voting.do_create_poll(
        actor=secretary,
        data={"title": "Bình xét Chiến sĩ thi đua cơ sở năm 2025 (đợt 2)", "council": ours, "electorate": "COUNCIL",
              "subject": "AWARD", "award_code": "CSTDCS", "method": "APPROVE_EACH", "mode": "PAPER", "quota": 2, "held_on": dt.date(2025, 12, 20)},
        candidates=[{"label": "Nguyễn Văn An"}],
    )
    voting.do_open_poll(actor=secretary, poll=poll, expected_version=poll.version)
    with pytest.raises(NotPermitted):
        voting.do_create_poll(
            actor=secretary,
            data={"title": "Bình xét khác", "council": other, "electorate": "COUNCIL", "subject": "AWARD", "award_code": "CSTDCS",
                  "method": "APPROVE_EACH", "mode": "PAPER", "quota": 2, "held_on": dt.date(2025, 12, 20)},
        )
    # Creating a council needs a province-wide or unit-wide grant.
    with pytest.raises(NotPermitted):
        voting.do_create_council(actor=secretary, province=world.an_giang, data={"name": "Hội đồng mới", "level": "PROVINCE"})
    assert CouncilMember.objects.filter(council=other, full_name="Đinh Thị Thu").count() == 0


def test_counting_board_of_a_council_enters_its_paper_ballots_only(world, councils):
    ours, other = councils
    first, _ = _grant_on(world, ours, Role.COUNTING_BOARD, "kiem-phieu-1")
    second, _ = _grant_on(world, ours, Role.COUNTING_BOARD, "kiem-phieu-2")
    poll, foreign = _paper_poll(ours), _paper_poll(other)
    counting.do_enter_tally(actor=first, poll=poll, counts=counts_for(poll))
    counting.do_enter_tally(actor=second, poll=poll, counts=counts_for(poll))
    poll = counting.do_accept_tally(actor=second, poll=poll, expected_version=Poll.objects.get(pk=poll.pk).version)
    poll.refresh_from_db()
    assert poll.state == "RESULT" and poll.result_source == "PAPER"
    with pytest.raises(NotPermitted):
        counting.do_enter_tally(actor=first, poll=foreign, counts=counts_for(foreign))
    # The board counts; it does not run polls.
    with pytest.raises(NotPermitted):
        counting.do_print_ballots(actor=first, poll=foreign, count=5)


def test_pages_answer_the_secretary_for_its_council_and_404_for_the_other(world, councils):
    ours, other = councils
    secretary, _ = _grant_on(world, ours, Role.COUNCIL_SECRETARY, "thu-ky-hd")
    ours_poll, other_poll = _paper_poll(ours, closed=False), _paper_poll(other, closed=False)
    client = Client()
    client.force_login(secretary)
    assert client.get(reverse("voting:council_detail", kwargs={"uid": ours.uid})).status_code == 200
    assert client.get(reverse("voting:council_detail", kwargs={"uid": other.uid})).status_code == 404
    assert client.get(reverse("voting:member_add", kwargs={"uid": ours.uid})).status_code == 200
    assert client.get(reverse("voting:member_add", kwargs={"uid": other.uid})).status_code == 404
    assert client.get(reverse("voting:poll_detail", kwargs={"uid": ours_poll.uid})).status_code == 200
    assert client.get(reverse("voting:poll_detail", kwargs={"uid": other_poll.uid})).status_code == 404
    assert client.get(reverse("counting:print_ballots", kwargs={"uid": ours_poll.uid})).status_code in (200, 405)
    assert client.get(reverse("counting:poll", kwargs={"uid": other_poll.uid})).status_code == 404
    assert client.get(reverse("voting:home")).status_code == 200
    creating = client.get(reverse("voting:poll_create")).content.decode()
    assert ours.name in creating and other.name not in creating
    listing = client.get(reverse("voting:council_list")).content.decode()
    assert ours.name in listing and other.name not in listing
    assert client.get(reverse("accounts:user_list")).status_code == 403


def test_grant_page_offers_the_council_scope(world, councils, client_for):
    user, profile = _managed_user(world, "thu-ky-moi")
    client = client_for(world.an_officer)
    url = reverse("accounts:grant_add", kwargs={"uid": profile.uid})
    page = client.get(url).content.decode()
    assert "Một hội đồng thi đua, khen thưởng" in page and councils[0].name in page
    response = client.post(url, {"role": Role.COUNCIL_SECRETARY, "scope_kind": ScopeKind.COUNCIL, "province": world.an_giang.pk,
                                 "valid_from": TODAY.strftime("%d/%m/%Y")})
    assert response.status_code == 200 and "Hãy chọn hội đồng cho phạm vi một hội đồng." in response.content.decode()
    response = client.post(url, {"role": Role.COUNCIL_SECRETARY, "scope_kind": ScopeKind.COUNCIL, "province": world.an_giang.pk,
                                 "council": councils[0].pk, "valid_from": TODAY.strftime("%d/%m/%Y")})
    assert response.status_code == 302
    assert Grant.objects.get(user=user).council == councils[0]
    detail = client.get(response["Location"]).content.decode()
    assert councils[0].name in detail
    # Choosing another province (an administrator's form) refreshes the councils beside the units.
    admin = client_for(world.admin)
    options = admin.get(reverse("accounts:grant_unit_options"), {"province": world.quang_ninh.pk}).content.decode()
    assert 'id="id_council" hx-swap-oob="innerHTML"' in options and councils[0].name not in options
    options = admin.get(reverse("accounts:grant_unit_options"), {"province": world.an_giang.pk}).content.decode()
    assert councils[0].name in options


# ------------------------------------------------------------------------------ API


def test_api_grants_and_ends_a_council_role(world, councils):
    _, secret = account_actions.do_create_api_token(actor=world.an_officer, name="Cổng thi đua tỉnh")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    user, profile = _managed_user(world, "thu-ky-api")
    url = f"/api/v1/accounts/{profile.uid}/grants"
    body = {"role": "COUNCIL_SECRETARY", "scope_kind": "COUNCIL", "province": str(world.an_giang.uid),
            "council": str(councils[0].uid), "valid_from": TODAY.isoformat()}
    created = api.post(url, body, content_type="application/json")
    assert created.status_code == 201, created.content
    grant = created.json()
    assert grant["scope_kind"] == "COUNCIL" and grant["council"] == str(councils[0].uid) and grant["unit"] is None
    assert grant["scope_name"] == councils[0].name
    assert api.post(url, body, content_type="application/json").status_code == 409
    missing = api.post(url, {**body, "council": None}, content_type="application/json")
    assert missing.status_code == 422 and "hội đồng" in missing.json()["error"]["message"]
    wrong_role = api.post(url, {**body, "role": "PROVINCE_OFFICER"}, content_type="application/json")
    assert wrong_role.status_code == 422
    ended = api.post(f"/api/v1/grants/{grant['uid']}/end", {"valid_to": TODAY.isoformat()}, content_type="application/json")
    assert ended.status_code == 200 and ended.json()["valid_to"] == TODAY.isoformat()
    # Quảng Ninh's officer cannot name An Giang's council.
    _, other = account_actions.do_create_api_token(actor=world.qn_officer, name="Khác")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {other}").post(url, body, content_type="application/json").status_code == 404
