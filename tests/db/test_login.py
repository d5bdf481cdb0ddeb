import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.sqlite
def test_login_page_is_vietnamese_and_signs_in(world, client):
    page = client.get(reverse("login"))
    html = page.content.decode()
    assert "Tên đăng nhập" in html and "Mật khẩu" in html and "Đăng nhập" in html
    response = client.post(reverse("login"), {"username": "can-bo-an-giang", "password": PASSWORD})
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert "Cán bộ TĐKT tỉnh" in home.content.decode()


def test_wrong_password_shows_a_vietnamese_error(world, client):
    response = client.post(reverse("login"), {"username": "can-bo-an-giang", "password": "sai"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()


def test_sign_in_is_throttled_after_repeated_failures(world, client, settings):
    for _ in range(settings.LOGIN_THROTTLE_LIMIT):
        client.post(reverse("login"), {"username": "can-bo-an-giang", "password": "sai"})
    # Even the right password is refused while the throttle holds (more in test_signin_throttle.py).
    response = client.post(reverse("login"), {"username": "can-bo-an-giang", "password": PASSWORD})
    assert response.status_code == 429
    assert "quá nhiều lần" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_security_headers_forbid_inline_scripts(world, client):
    response = client.get(reverse("login"))
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "<script>" not in response.content.decode()


def test_account_without_grants_sees_a_helpful_home_page(world, client_for):
    response = client_for(world.nobody).get(reverse("home"))
    assert response.status_code == 200
    assert "chưa được phân quyền" in response.content.decode()


def test_grant_stops_on_its_end_date(world):
    from thidua.accounts.models import Grant
    from thidua.core.access import scope_of

    Grant.objects.filter(user=world.viewer).update(valid_to=dt.date(2025, 12, 31))
    assert scope_of(world.viewer, on=dt.date(2025, 12, 31)).can("registry.view")
    assert not scope_of(world.viewer, on=dt.date(2026, 1, 1)).can("registry.view")


def test_vietnamese_dates_are_day_first():
    from thidua.org.forms import UnitForm

    form = UnitForm(data={"name": "Sở Nội vụ", "kind": "STATE", "established_on": "05/03/2026"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["established_on"] == dt.date(2026, 3, 5)
    bad = UnitForm(data={"name": "Sở Nội vụ", "kind": "STATE", "established_on": "31/02/2026"})
    assert not bad.is_valid()
    assert "ngày/tháng/năm" in str(bad.errors["established_on"])
