from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.helpers import login, submit_login

WRONG = "mat-khau-sai-123"


def test_sign_in_through_the_vietnamese_login_page(world, page, browser_log, shots):
    page.goto("/")
    # Anonymous visitors land on the sign-in page, which is fully Vietnamese.
    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next=/$"))
    expect(page.get_by_role("heading", name="Đăng nhập hệ thống")).to_be_visible()
    expect(page).to_have_title("Đăng nhập · thidua")
    shots(page, "login")
    login(page, world.an_officer)
    assert "/dang-nhap/" not in page.url
    expect(page.locator("header.top .user")).to_contain_text("Nguyễn Thị Lan")
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
    shots(page, "home")
    browser_log.assert_clean()


def test_wrong_password_shows_the_vietnamese_error(world, page, browser_log, shots):
    page.goto("/dang-nhap/")
    submit_login(page, world.an_officer.username, WRONG)
    expect(page.locator(".errorlist")).to_contain_text("Tên đăng nhập hoặc mật khẩu không đúng.")
    assert "/dang-nhap/" in page.url
    expect(page.get_by_role("button", name="Đăng xuất")).to_have_count(0)
    shots(page, "wrong-password")
    browser_log.assert_clean()


def test_after_five_failures_even_the_right_password_is_throttled(world, page, browser_log, shots):
    page.goto("/dang-nhap/")
    for _ in range(5):
        submit_login(page, world.viewer.username, WRONG)
        expect(page.locator(".errorlist")).to_contain_text("Tên đăng nhập hoặc mật khẩu không đúng.")
    submit_login(page, world.viewer.username, "mat-khau-thu-nghiem-1")
    expect(page.locator(".errorlist")).to_contain_text(
        re.compile(r"Tài khoản này đã bị tạm khóa vì đăng nhập sai quá nhiều lần\. Hãy thử lại sau \d\d:\d\d .*\(khoảng 15 phút nữa\)\.")
    )
    expect(page.get_by_role("button", name="Đăng xuất")).to_have_count(0)
    shots(page, "throttled")
    browser_log.assert_clean(allow_status=(429,))
