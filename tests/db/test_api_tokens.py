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
