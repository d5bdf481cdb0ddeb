"""Sign-in throttling (thidua.core.throttle) and the client address behind proxies (thidua.core.net)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.factories import PASSWORD
from thidua.core import throttle
from thidua.core.net import client_address

pytestmark = pytest.mark.django_db

WRONG = "mat-khau-sai-123"


def sign_in(client, username, password, address="198.51.100.7", **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **extra)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.sqlite
def test_six_wrong_passwords_lock_that_account_only_and_answer_429_with_when_to_retry(world, settings):
    settings.LOGIN_THROTTLE_LIMIT = 5
    client = Client()
    for _ in range(5):
        response = sign_in(client, world.viewer.username, WRONG)
        assert response.status_code == 200
        assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()
    # The sixth attempt is refused before the password is looked at, even the right one.
    locked = sign_in(client, world.viewer.username, PASSWORD)
    html = locked.content.decode()
    assert locked.status_code == 429 and not signed_in(client)
    assert "Tài khoản này đã bị tạm khóa vì đăng nhập sai quá nhiều lần. Hãy thử lại sau " in html
    assert "(khoảng 15 phút nữa)" in html
    assert 890 <= int(locked.headers["Retry-After"]) <= 900
    assert 'name="username"' in html  # the Vietnamese sign-in page, not a bare error
    # Another account on the same address signs in.
    colleague = Client()
    assert sign_in(colleague, world.an_officer.username, PASSWORD).status_code == 302 and signed_in(colleague)
    # The lock follows the account, not the address.
    assert sign_in(Client(), world.viewer.username, PASSWORD, address="203.0.113.50").status_code == 429


def test_the_account_lock_ends_with_its_window(world, settings, monkeypatch):
    clock = [1_800_000_000.0]
    monkeypatch.setattr(throttle.time, "time", lambda: clock[0])
    for _ in range(settings.LOGIN_THROTTLE_LIMIT):
        sign_in(Client(), world.viewer.username, WRONG)
    assert sign_in(Client(), world.viewer.username, PASSWORD).status_code == 429
    clock[0] += settings.LOGIN_THROTTLE_WINDOW_SECONDS - 1
    assert sign_in(Client(), world.viewer.username, PASSWORD).status_code == 429
    clock[0] += 2
    client = Client()
    assert sign_in(client, world.viewer.username, PASSWORD).status_code == 302 and signed_in(client)


def test_a_successful_sign_in_clears_the_accounts_failures(world, settings):
    for _ in range(settings.LOGIN_THROTTLE_LIMIT - 1):
        sign_in(Client(), world.viewer.username, WRONG)
    assert sign_in(Client(), world.viewer.username, PASSWORD).status_code == 302
    for _ in range(settings.LOGIN_THROTTLE_LIMIT - 1):
        sign_in(Client(), world.viewer.username, WRONG)
    assert sign_in(Client(), world.viewer.username, PASSWORD).status_code == 302


def test_failures_across_many_accounts_refuse_the_address(world, settings):
    settings.LOGIN_THROTTLE_ADDRESS_ACCOUNTS = 3
    for name in ("khong-co-1", "khong-co-2", world.qn_officer.username):
        assert sign_in(Client(), name, WRONG).status_code == 200
    refused = sign_in(Client(), world.an_officer.username, PASSWORD)
    assert refused.status_code == 429 and refused.headers["Retry-After"]
    assert "Có quá nhiều lần đăng nhập sai từ địa chỉ mạng của bạn." in refused.content.decode()
    # The same account from another address is fine: the address is refused, not the account.
    assert sign_in(Client(), world.an_officer.username, PASSWORD, address="203.0.113.50").status_code == 302
    # A valid sign-in from the sprayed address does not reset its count.
    assert sign_in(Client(), world.viewer.username, PASSWORD).status_code == 429


def test_a_high_total_of_failures_from_one_address_refuses_it(world, settings):
    settings.LOGIN_THROTTLE_LIMIT = 50
    settings.LOGIN_THROTTLE_ADDRESS_LIMIT = 8
    for i in range(8):
        sign_in(Client(), world.viewer.username if i % 2 else world.qn_officer.username, WRONG)
    assert sign_in(Client(), world.an_officer.username, PASSWORD).status_code == 429
    assert sign_in(Client(), world.an_officer.username, PASSWORD, address="203.0.113.50").status_code == 302


def test_forwarded_for_is_ignored_without_a_trusted_proxy(world, settings):
    """Rotating X-Forwarded-For does not escape the address limit when no proxy is trusted."""
    settings.TRUSTED_PROXIES = []
    settings.LOGIN_THROTTLE_ADDRESS_ACCOUNTS = 3
    for i, name in enumerate(("khong-co-1", "khong-co-2", "khong-co-3")):
        sign_in(Client(), name, WRONG, HTTP_X_FORWARDED_FOR=f"192.0.2.{i + 1}")
    assert sign_in(Client(), world.an_officer.username, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


def test_behind_a_trusted_proxy_each_forwarded_client_is_counted_on_its_own(world, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    settings.LOGIN_THROTTLE_ADDRESS_ACCOUNTS = 3
    proxy = "10.0.0.2"
    for name in ("khong-co-1", "khong-co-2", "khong-co-3"):
        sign_in(Client(), name, WRONG, address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.1")
    # The spraying client is refused, another client behind the same proxy is not.
    assert sign_in(Client(), world.an_officer.username, PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 429
    client = Client()
    assert sign_in(client, world.an_officer.username, PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.2").status_code == 302


def test_client_address_reads_forwarded_for_only_from_trusted_proxies(settings):
    factory = RequestFactory()

    def address(remote, forwarded=None):
        extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
        return client_address(factory.get("/", REMOTE_ADDR=remote, **extra))

    settings.TRUSTED_PROXIES = []
    assert address("198.51.100.7", "192.0.2.1") == "198.51.100.7"
    settings.TRUSTED_PROXIES = ["10.0.0.1", "fd00::/8"]
    assert address("198.51.100.7", "192.0.2.1") == "198.51.100.7"  # not from the proxy
    assert address("10.0.0.1", "192.0.2.1") == "192.0.2.1"
    # A client cannot choose its address by writing one on the left: the proxy appends the real one.
    assert address("10.0.0.1", "1.2.3.4, 192.0.2.1") == "192.0.2.1"
    # Chained trusted proxies are skipped; ports and IPv6 brackets are understood.
    assert address("fd00::2", "192.0.2.1:5443, 10.0.0.1") == "192.0.2.1"
    assert address("10.0.0.1", "[2001:db8::7]:443") == "2001:db8::7"
    # An unreadable last hop: fall back to the proxy itself rather than believe the rest.
    assert address("10.0.0.1", "1.2.3.4, nonsense") == "10.0.0.1"
    assert address("10.0.0.1", "") == "10.0.0.1"


def test_trusted_proxies_setting_refuses_a_bad_value(monkeypatch):
    from thidua.settings import envnetworks

    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.1, 172.16.0.0/12")
    assert envnetworks("TRUSTED_PROXIES") == ["10.0.0.1", "172.16.0.0/12"]
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.1, may-chu-proxy")
    with pytest.raises(ImproperlyConfigured):
        envnetworks("TRUSTED_PROXIES")


def test_no_api_operation_takes_a_password(client):
    """The API signs in with personal tokens or the browser session only, so the sign-in page is
    the one place a password is tried and throttled. A password field in the API would need the
    same throttle."""
    spec = client.get("/api/v1/openapi.json").json()
    # An officer sets a new password (creating an account, resetting one): it is written, never
    # compared, so it cannot be guessed through these; no other schema names a password.
    setters = {"AccountIn", "PasswordIn"}
    others = {k: v for k, v in spec["components"]["schemas"].items() if k not in setters}
    paths = {k: v for k, v in spec["paths"].items() if k != "/api/v1/accounts/{uid}/password"}
    text = (str(paths) + str(others)).lower()
    assert "password" not in text and "mat_khau" not in text
    for name in setters:
        assert "password" in spec["components"]["schemas"][name]["properties"]
    assert spec["paths"]["/api/v1/accounts/{uid}/password"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/PasswordIn")
