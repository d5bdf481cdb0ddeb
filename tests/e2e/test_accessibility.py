"""Accessibility (issue #18, point 7): axe-core, bundled locally, finds no serious or critical
violation on the key pages (labels on every input, contrast, names of buttons and links, …), and
the keyboard focus is visible."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import axe_violations
from tests.e2e.helpers import login
from tests.e2e.member_world import build_member_pages


def _context_page(browser, live_server, browser_log, viewport):
    # bypass_csp: the app's CSP (rightly) refuses the <script> element add_script_tag inserts for
    # axe; the CSP itself is checked by every other browser test.
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport=viewport, bypass_csp=True)
    context.set_default_timeout(15_000)
    context.set_default_navigation_timeout(30_000)  # the first request warms the live server up
    page = context.new_page()
    browser_log.attach(page)
    return page


def _audit(page, pages) -> list[str]:
    problems = []
    for name, url in pages:
        response = page.goto(url)
        assert response.status == 200, f"{name} ({url}): HTTP {response.status}"
        problems += [f"{name} ({url}): {line}" for line in axe_violations(page)]
    return problems


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 360, "height": 740}], ids=["may-tinh", "dien-thoai"])
def test_key_pages_have_no_serious_or_critical_axe_violation(world, browser, live_server, browser_log, viewport):
    data = build_member_pages(world)
    page = _context_page(browser, live_server, browser_log, viewport)
    problems = _audit(page, [("đăng nhập", "/dang-nhap/")])
    # A wrong password shows the error next to the labelled fields.
    page.get_by_label("Tên đăng nhập").fill("khong-co-tai-khoan")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    problems += [f"đăng nhập sai: {line}" for line in axe_violations(page)]

    login(page, world.an_officer)
    problems += _audit(page, [
        ("trang chủ", "/"),
        ("danh sách đơn vị", "/to-chuc/don-vi/"),
        ("đơn vị", f"/to-chuc/don-vi/{world.tuyen_giao.uid}/"),
        ("danh sách cá nhân", "/to-chuc/ca-nhan/"),
        ("cá nhân", f"/to-chuc/ca-nhan/{data.person.uid}/"),
        ("khối", f"/khoi-thi-dua/{data.bloc_year.bloc.uid}/"),
        ("năm của khối", f"/khoi-thi-dua/nam/{data.bloc_year.uid}/"),
        ("hội nghị", f"/khoi-thi-dua/hoi-nghi/{data.meeting.uid}/"),
        ("hồ sơ đề nghị", "/de-nghi-khen-thuong/"),
        ("hồ sơ", f"/de-nghi-khen-thuong/{data.proposal.uid}/"),
        ("cuộc bỏ phiếu", f"/binh-xet/bo-phieu/{data.poll.uid}/"),
    ])
    page.context.clear_cookies()

    login(page, world.unit_officer)
    problems += _audit(page, [
        ("phiếu chấm điểm", f"/cham-diem/phieu/{data.sheet.uid}/"),
        ("bản đăng ký", f"/phong-trao/dang-ky/{data.registration.uid}/"),
    ])
    page.context.clear_cookies()

    login(page, data.council_member)
    problems += _audit(page, [("phiếu bầu", f"/binh-xet/bo-phieu/{data.poll.uid}/phieu-cua-toi/")])
    assert not problems, "\n".join(problems)
    browser_log.assert_clean()


def test_keyboard_focus_is_visible(world, browser, live_server, browser_log):
    page = _context_page(browser, live_server, browser_log, {"width": 1280, "height": 900})
    page.goto("/dang-nhap/")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_count(1)
    style = focused.evaluate("el => { const s = getComputedStyle(el); return [s.outlineStyle, parseFloat(s.outlineWidth)]; }")
    assert style[0] != "none" and style[1] >= 2, style
    browser_log.assert_clean()
