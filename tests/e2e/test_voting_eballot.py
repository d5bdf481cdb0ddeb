"""Browser test of a secret e-ballot: the secretary opens the poll, three members vote on their
own accounts (review, confirm, “Bạn đã bỏ phiếu”), the secretary closes it and the result shows
the arithmetic against the threshold of the whole council."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from tests.e2e.helpers import login


def _council_poll(world):
    from thidua.accounts.models import Role
    from thidua.voting import actions
    from tests.factories import grant, make_user

    council = actions.do_create_council(actor=None, province=world.an_giang, data={"name": "Hội đồng Thi đua - Khen thưởng tỉnh", "level": "PROVINCE"})
    voters = []
    for i, name in enumerate(("Nguyễn Văn Chủ", "Trần Thị Hoa", "Lê Văn Minh", "Phạm Thị Thư")):
        user = make_user(f"thanh-vien-{i}")
        grant(user, Role.COUNCIL_MEMBER, world.an_giang)
        voters.append(user)
        actions.do_add_council_member(
            actor=None, council=council,
            data={"full_name": name, "role": ("CHAIR", "MEMBER", "MEMBER", "SECRETARY")[i], "user": user, "term_from": dt.date(2025, 7, 1)},
        )
    poll = actions.do_create_poll(
        actor=None,
        data={"title": "Bình xét Chiến sĩ thi đua cơ sở năm 2025", "council": council, "award_code": "CSTDCS", "quota": 1,
              "held_on": dt.date(2026, 1, 5)},
        candidates=[{"label": "Nguyễn Văn An"}, {"label": "Trần Thị Bình"}],
    )
    return poll, voters


def _page(browser, live_server, browser_log, *, phone=False):
    viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport=viewport)
    context.set_default_timeout(10_000)
    page = context.new_page()
    browser_log.attach(page)
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def test_secretary_opens_members_vote_secretary_closes_result_with_arithmetic(world, page, browser, live_server, browser_log, shots):
    poll, voters = _council_poll(world)
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, world.an_officer)
    page.goto(f"/binh-xet/bo-phieu/{poll.uid}/")
    expect(page.get_by_text("Ít nhất 80% tổng số thành viên")).to_be_visible()
    page.get_by_role("button", name="Mở bỏ phiếu").click()
    expect(page.get_by_text("Đã mở bỏ phiếu: 4 người có quyền bỏ phiếu.")).to_be_visible()
    expect(page.get_by_text("0/4 đã bỏ phiếu")).to_be_visible()

    for user in voters[:3]:
        phone = _page(browser, live_server, browser_log, phone=True)
        login(phone, user)
        phone.goto("/binh-xet/")
        phone.get_by_role("link", name="Bỏ phiếu: Bình xét Chiến sĩ thi đua cơ sở năm 2025").click()
        phone.locator("fieldset", has_text="Nguyễn Văn An").get_by_label("Đồng ý", exact=True).check()
        phone.locator("fieldset", has_text="Trần Thị Bình").get_by_label("Không đồng ý").check()
        if user is voters[0]:
            shots(phone, "ballot-form-phone")
        phone.get_by_role("button", name="Xem lại phiếu").click()
        expect(phone.get_by_text("Xem lại phiếu trước khi gửi")).to_be_visible()
        phone.get_by_role("button", name="Xác nhận gửi phiếu").click()
        expect(phone.get_by_text("Bạn đã bỏ phiếu.")).to_be_visible()
        if user is voters[0]:
            shots(phone, "ballot-done-phone")
        phone.context.close()

    # The fourth member did not vote: 3 of the 4 members is below 80% of the whole council.
    page.reload()
    expect(page.get_by_text("3/4 đã bỏ phiếu")).to_be_visible()
    page.get_by_role("button", name="Đóng bỏ phiếu và kiểm phiếu").click()
    expect(page.get_by_text("Đã đóng bỏ phiếu và kiểm phiếu tự động.")).to_be_visible()
    row = page.locator("tr", has_text="Nguyễn Văn An")
    expect(row).to_contain_text("3/4")
    expect(row).to_contain_text("75,00% so với ngưỡng 80%")
    expect(row).to_contain_text("300 < 80 × 4 = 320")
    expect(row).to_contain_text("Không đạt")
    expect(page.get_by_text("Mã kiểm tra SHA-256 của kết quả")).to_be_visible()
    shots(page, "eballot-result")
    browser_log.assert_clean()
