"""Phone-first pages (issue #18, point 6): at 360 × 740 every page a member unit's officer or a
council member uses fits the screen width (wide tables scroll inside their own box, the first
column fixed), the menu sits behind the “Danh mục” toggle, buttons and form controls are at least
44 px tall, and a council member casts an e-ballot from start to end on the phone."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.helpers import login
from tests.e2e.member_world import build_member_pages, council_member_pages, unit_officer_pages

PHONE = {"width": 360, "height": 740}
TOUCH = 44

# Visible controls a thumb must hit: buttons, button-links, text fields, selects, the labels of
# radio buttons and checkboxes (the label is the target), the menu toggle.
_SMALL_TARGETS = """
(minimum) => {
  const selector = [
    "main button", "main .btn", "main input[type=submit]", "main select", "main textarea",
    "main input:not([type=hidden]):not([type=radio]):not([type=checkbox])",
    "main label:has(input[type=radio])", "main label:has(input[type=checkbox])", ".menu-toggle",
  ].join(",");
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;  // hidden
    if (box.height < minimum - 0.5) {
      small.push(`${el.tagName.toLowerCase()} “${(el.innerText || el.value || el.name || "").trim().slice(0, 40)}”: ${box.height.toFixed(1)} px`);
    }
  }
  return small;
}
"""

# In a mobile browser a page wider than the screen makes the browser zoom out, which widens
# window.innerWidth with it: the page width is compared with the innerWidth and the phone's 360 px.
_OVERFLOW = "[document.documentElement.scrollWidth, window.innerWidth]"


def _phone(browser, live_server, browser_log):
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport=PHONE, has_touch=True, is_mobile=True)
    context.set_default_timeout(10_000)
    # The first request of a session warms the live server up (URL conf, templates): on a loaded
    # machine it can take longer than any later page.
    context.set_default_navigation_timeout(30_000)
    page = context.new_page()
    browser_log.attach(page)
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def _check_page(page, name: str, url: str) -> list[str]:
    response = page.goto(url)
    problems = []
    if response.status != 200:
        return [f"{name} ({url}): HTTP {response.status}"]
    scroll_width, inner_width = page.evaluate(_OVERFLOW)
    inner_width = min(inner_width, PHONE["width"])
    if scroll_width > inner_width:
        problems.append(f"{name} ({url}): trang rộng {scroll_width} px > màn hình {inner_width} px")
    small = page.evaluate(_SMALL_TARGETS, TOUCH)
    if small:
        problems.append(f"{name} ({url}): nút, ô nhập nhỏ hơn {TOUCH} px: {small}")
    return problems


def _assert_menu_toggles(page):
    page.goto("/")
    menu = page.locator("nav.menu")
    toggle = page.get_by_role("button", name="Danh mục")
    expect(menu).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(menu).to_be_visible()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
    first_item = menu.locator("a.item").first
    assert first_item.bounding_box()["height"] >= TOUCH
    assert page.evaluate(_OVERFLOW)[0] <= PHONE["width"]
    toggle.click()
    expect(menu).to_be_hidden()


def test_unit_officer_pages_fit_a_phone_with_touch_sized_controls(world, browser, live_server, browser_log, shots):
    data = build_member_pages(world)
    page = _phone(browser, live_server, browser_log)
    login(page, world.unit_officer)
    _assert_menu_toggles(page)
    problems = []
    for name, url in unit_officer_pages(world, data):
        problems += _check_page(page, name, url)
    assert not problems, "\n".join(problems)
    # The score sheet's wide grid scrolls inside its own box, its first column stays in view.
    page.goto(f"/cham-diem/phieu/{data.sheet.uid}/")
    grid = page.locator("main table").first
    overflow, position = grid.evaluate("t => [getComputedStyle(t).overflowX, getComputedStyle(t.querySelector('td')).position]")
    assert (overflow, position) == ("auto", "sticky")
    shots(page, "sheet-phone")
    browser_log.assert_clean()


def test_council_member_pages_fit_a_phone_and_the_e_ballot_is_cast_on_it(world, browser, live_server, browser_log, shots):
    data = build_member_pages(world)
    page = _phone(browser, live_server, browser_log)
    login(page, data.council_member)
    _assert_menu_toggles(page)
    problems = []
    for name, url in council_member_pages(world, data):
        problems += _check_page(page, name, url)
    assert not problems, "\n".join(problems)

    # The whole voting flow at phone size: from the list, fill in, review, confirm.
    page.goto("/binh-xet/")
    page.get_by_role("link", name=f"Bỏ phiếu: {data.poll.title}").click()
    page.locator("fieldset", has_text="Nguyễn Văn An").get_by_label("Đồng ý", exact=True).check()
    page.locator("fieldset", has_text="Trần Thị Bình").get_by_label("Không đồng ý").check()
    assert page.evaluate(_OVERFLOW)[0] <= PHONE["width"]
    page.get_by_role("button", name="Xem lại phiếu").click()
    expect(page.get_by_text("Xem lại phiếu trước khi gửi")).to_be_visible()
    assert page.evaluate(_OVERFLOW)[0] <= PHONE["width"]
    assert not page.evaluate(_SMALL_TARGETS, TOUCH)
    page.get_by_role("button", name="Xác nhận gửi phiếu").click()
    expect(page.get_by_text("Bạn đã bỏ phiếu.")).to_be_visible()
    assert page.evaluate(_OVERFLOW)[0] <= PHONE["width"]
    shots(page, "ballot-done-phone-360")

    from thidua.voting.models import Poll

    assert Poll.objects.get(pk=data.poll.pk).participations.count() == 1
    browser_log.assert_clean()
