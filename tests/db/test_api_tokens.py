import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from thidua.accounts import actions
from thidua.accounts.models import ApiToken
from thidua.audit.models import AuditLog
from thidua.core.errors import ActionError

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.sqlite
def test_token_auth_works_and_a_revoked_token_is_refused(world):
    token, secret = actions.do_create_api_token(actor=world.an_officer, name="Phần mềm báo cáo")
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest == ApiToken.digest_of(secret) and secret not in (stored.digest, stored.prefix)
    client = Client()
    ok = client.get(f"{API}/units", headers=_bearer(secret))
    assert ok.status_code == 200 and ok.json()["count"] == 2
    # Token calls carry no CSRF token and need none.
    created = client.post(
        f"{API}/units", {"province": str(world.an_giang.uid), "name": "Sở Tài chính"}, content_type="application/json",
        headers=_bearer(secret),
    )
    assert created.status_code == 201
    assert AuditLog.objects.get(action="org.unit.create", object_uid=created.json()["uid"]).actor == world.an_officer
    actions.do_revoke_api_token(actor=world.an_officer, token=token)
    refused = client.get(f"{API}/units", headers=_bearer(secret))
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "unauthenticated"
    assert "khóa API" in refused.json()["error"]["message"]


def test_wrong_token_is_401_even_on_a_write(world):
    response = Client().post(f"{API}/units", {"name": "X"}, content_type="application/json", headers=_bearer("td_sai"))
    assert response.status_code == 401


def test_token_of_a_deactivated_account_is_refused(world):
    _, secret = actions.do_create_api_token(actor=world.viewer, name="Bảng tin")
    actions.do_set_user_active(actor=world.an_officer, user=world.viewer, active=False)
    assert Client().get(f"{API}/units", headers=_bearer(secret)).status_code == 401


def test_token_sees_only_its_owners_scope(world):
    _, secret = actions.do_create_api_token(actor=world.qn_officer, name="Quảng Ninh")
    client = Client()
    assert client.get(f"{API}/units/{world.tuyen_giao.uid}", headers=_bearer(secret)).status_code == 404
    assert client.get(f"{API}/units/{world.qn_unit.uid}", headers=_bearer(secret)).status_code == 200


def test_last_used_is_written_at_most_once_a_minute(world):
    token, secret = actions.do_create_api_token(actor=world.viewer, name="Bảng tin")
    client = Client()
    client.get(f"{API}/provinces", headers=_bearer(secret))
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    client.get(f"{API}/provinces", headers=_bearer(secret))
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - dt.timedelta(minutes=2))
    client.get(f"{API}/provinces", headers=_bearer(secret))
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


def test_token_actions_check_owner_and_name(world):
    token, _ = actions.do_create_api_token(actor=world.viewer, name="Bảng tin")
    with pytest.raises(ActionError):
        actions.do_create_api_token(actor=world.viewer, name="   ")
    with pytest.raises(ActionError):
        # Another province's officer may not revoke someone else's token.
        actions.do_revoke_api_token(actor=world.qn_officer, token=token)
    actions.do_revoke_api_token(actor=world.viewer, token=token)
    with pytest.raises(ActionError) as info:
        actions.do_revoke_api_token(actor=world.viewer, token=token)
    assert "đã được thu hồi" in info.value.message
    with pytest.raises(ActionError):
        actions.do_create_api_token(actor=world.nobody, name="Không có quyền")


def test_my_account_page_shows_the_secret_once_and_revokes(world, client_for):
    client = client_for(world.viewer)
    page = client.post(reverse("accounts:token_create"), {"name": "Bảng tin phòng họp"})
    html = page.content.decode()
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=world.viewer)
    secret = html.split('aria-label="Khóa API mới"')[0].rsplit('value="', 1)[1].split('"')[0]
    assert ApiToken.digest_of(secret) == token.digest
    assert "chỉ hiện một lần" in html
    again = client.get(reverse("accounts:my_account")).content.decode()
    assert secret not in again and "Bảng tin phòng họp" in again and token.prefix in again
    assert Client().get(f"{API}/units", headers=_bearer(secret)).status_code == 200
    empty = client.post(reverse("accounts:token_create"), {"name": ""}).content.decode()
    assert "Trường này không được để trống." in empty
    revoked = client.post(reverse("accounts:token_revoke", args=[token.uid]))
    assert revoked.status_code == 302
    assert Client().get(f"{API}/units", headers=_bearer(secret)).status_code == 401
    # Someone else's token cannot be revoked through the page.
    other, _ = actions.do_create_api_token(actor=world.an_officer, name="Khác")
    assert client.post(reverse("accounts:token_revoke", args=[other.uid])).status_code == 404


# ---------------------------------------------------------------- revocation with the password, expiry


def _live(secret) -> bool:
    return Client().get(f"{API}/provinces", headers=_bearer(secret)).status_code == 200


def test_changing_ones_own_password_revokes_ones_tokens_in_the_same_audit_row(world, client_for):
    from tests.factories import PASSWORD

    _, first = actions.do_create_api_token(actor=world.viewer, name="Bảng tin")
    _, second = actions.do_create_api_token(actor=world.viewer, name="Báo cáo")
    _, others = actions.do_create_api_token(actor=world.an_officer, name="Của người khác")
    elsewhere = Client()
    elsewhere.force_login(world.viewer)
    client = client_for(world.viewer)
    before = AuditLog.objects.count()
    response = client.post(
        reverse("accounts:change_password"),
        {"old_password": PASSWORD, "new_password1": "mat-khau-moi-2027", "new_password2": "mat-khau-moi-2027"},
        follow=True,
    )
    assert "Các khóa API của bạn đã bị thu hồi" in response.content.decode()
    assert not _live(first) and not _live(second) and _live(others)
    row = AuditLog.objects.get(action="accounts.password.change")
    assert AuditLog.objects.count() == before + 1 and row.changes[actions.TOKENS_REVOKED] == [None, 2]
    # This browser stays signed in; the account's other sessions end (Django's session hash).
    assert client.get(reverse("home")).status_code == 200
    assert elsewhere.get(reverse("home")).status_code == 302


@pytest.mark.sqlite
def test_an_officer_resetting_a_password_revokes_the_accounts_tokens(world):
    _, secret = actions.do_create_api_token(actor=world.viewer, name="Bảng tin")
    actions.do_reset_password(actor=world.an_officer, user=world.viewer, password="mat-khau-moi-2027")
    refused = Client().get(f"{API}/units", headers=_bearer(secret))
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthenticated"
    row = AuditLog.objects.filter(action="accounts.user.password_reset").latest("pk")
    assert row.changes[actions.TOKENS_REVOKED] == [None, 1]
    assert ApiToken.objects.filter(user=world.viewer, revoked_at__isnull=True).count() == 0


def test_a_locked_account_loses_its_tokens_for_good(world):
    _, secret = actions.do_create_api_token(actor=world.viewer, name="Bảng tin")
    actions.do_set_user_active(actor=world.an_officer, user=world.viewer, active=False)
    actions.do_set_user_active(actor=world.an_officer, user=world.viewer, active=True)
    # Unlocking does not bring the token back: whoever held it must be given a new one.
    assert not _live(secret)
    assert AuditLog.objects.filter(action="accounts.user.deactivate").latest("pk").changes[actions.TOKENS_REVOKED] == [None, 1]


def test_an_expired_token_is_refused_with_a_vietnamese_message(world):
    today = timezone.localdate()
    token, secret = actions.do_create_api_token(actor=world.viewer, name="Bảng tin", expires_on=today)
    assert _live(secret)  # through its last day
    ApiToken.objects.filter(pk=token.pk).update(expires_on=today - dt.timedelta(days=1))
    refused = Client().get(f"{API}/units", headers=_bearer(secret))
    assert refused.status_code == 401
    message = refused.json()["error"]["message"]
    assert f"đã hết hạn sau ngày {today - dt.timedelta(days=1):%d/%m/%Y}" in message
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    with pytest.raises(ActionError) as past:
        actions.do_create_api_token(actor=world.viewer, name="Cũ", expires_on=today - dt.timedelta(days=1))
    assert past.value.field == "expires_on" and "không được trước hôm nay" in past.value.message


def test_the_token_list_shows_each_tokens_expiry(world, client_for):
    today = timezone.localdate()
    client = client_for(world.viewer)
    later = today + dt.timedelta(days=30)
    page = client.post(reverse("accounts:token_create"), {"name": "Có hạn", "expires_on": f"{later:%d/%m/%Y}"})
    assert page.status_code == 200
    token = ApiToken.objects.get(user=world.viewer, name="Có hạn")
    assert token.expires_on == later
    actions.do_create_api_token(actor=world.viewer, name="Không hạn")
    old, _ = actions.do_create_api_token(actor=world.viewer, name="Đã qua", expires_on=today)
    ApiToken.objects.filter(pk=old.pk).update(expires_on=today - dt.timedelta(days=2))
    html = client.get(reverse("accounts:my_account")).content.decode()
    assert f"{later:%d/%m/%Y}" in html and "Không đặt hạn" in html and "Đã hết hạn" in html
    refused = client.post(reverse("accounts:token_create"), {"name": "Sai", "expires_on": "01/01/2020"}).content.decode()
    assert "Ngày hết hạn không được trước hôm nay" in refused
    detail = client_for(world.an_officer).get(
        reverse("accounts:user_detail", args=[world.viewer.account_profile.uid])
    ).content.decode()
    assert f"{later:%d/%m/%Y}" in detail and "Đã hết hạn" in detail
