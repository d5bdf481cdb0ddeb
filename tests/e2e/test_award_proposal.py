"""Browser test of an award proposal: a unit proposes a person, sees the blocker explained, fixes
the history on the history page, the blocker is gone, the dossier goes through the province
(tiếp nhận, thẩm định, trình), the decision is issued and the person's history shows the award."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.helpers import login


def _setup(world):
    from thidua.org import actions as org_actions
    from thidua.org.models import Province

    province = Province.objects.get(pk=world.an_giang.pk)
    # This test is about the history blocker; the registration rule has its own DB tests.
    org_actions.do_update_province_settings(
        actor=None, province=province, data={"registration_required_for_proposal": False}, expected_version=province.version
    )
    return org_actions.do_create_person(
        actor=None, unit=world.tuyen_giao, data={"full_name": "Nguyễn Thị Hồng", "gender": "NU", "position_title": "Chuyên viên"}
    )


def _accept_confirms(page):
    page.on("dialog", lambda dialog: dialog.accept())


def test_propose_fix_history_submit_decide_and_see_history(world, page, browser, live_server, browser_log, shots):
    person = _setup(world)
    _accept_confirms(page)
    login(page, world.unit_officer)
    page.goto(reverse("proposals:proposal_create"))
    page.get_by_label("Đơn vị đề nghị").select_option(label=f"Ban Tuyên giáo Tỉnh ủy ({world.an_giang_old.name})")
    page.get_by_label("Trích yếu tờ trình").fill("Đề nghị công nhận Lao động tiên tiến năm 2025")
    page.get_by_label("Năm thành tích").fill("2025")
    page.get_by_label("Cấp nhận hồ sơ").select_option("UNIT")
    page.get_by_role("button", name="Lập hồ sơ").click()
    expect(page.get_by_text("Đã lập hồ sơ đề nghị.")).to_be_visible()
    proposal_url = page.url

    page.get_by_label("Cá nhân", exact=True).select_option(label="Nguyễn Thị Hồng")
    page.get_by_label("Danh hiệu, hình thức đề nghị").select_option("LDTT")
    page.get_by_role("button", name="Thêm vào hồ sơ").click()
    blockers = page.locator("#items .blockers")
    expect(blockers).to_contain_text("Chưa đủ điều kiện")
    expect(blockers).to_contain_text("Năm 2025 chưa có kết quả đánh giá mức độ hoàn thành nhiệm vụ")
    expect(blockers).to_contain_text("Luật Thi đua, khen thưởng 2022, Điều 24 khoản 1")
    page.get_by_role("button", name="Gửi hồ sơ").click()
    expect(page.get_by_text("Chưa gửi được hồ sơ vì còn vướng mắc")).to_be_visible()
    shots(page, "blocker-explained")

    # Fix the history on the history page: the 2025 task rating.
    page.get_by_role("link", name="Hồ sơ thành tích").click()
    page.goto(reverse("history:record_add", kwargs={"kind": "ca-nhan", "uid": person.uid, "what": "danh-gia"}))
    page.get_by_label("Năm").fill("2025")
    page.get_by_label("Mức độ hoàn thành nhiệm vụ").select_option("GOOD")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã ghi vào hồ sơ thành tích")).to_be_visible()

    page.goto(proposal_url)
    page.get_by_role("button", name="Kiểm tra lại điều kiện").click()
    expect(page.get_by_text("không còn vướng mắc nào chặn hồ sơ")).to_be_visible()
    expect(blockers).to_contain_text("Đủ điều kiện")
    expect(blockers).not_to_contain_text("chưa có kết quả đánh giá")
    page.get_by_role("button", name="Gửi hồ sơ").click()
    expect(page.locator("#proposal-state")).to_have_text("Đã gửi")

    officer_context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport={"width": 1280, "height": 900})
    officer = officer_context.new_page()
    browser_log.attach(officer)
    _accept_confirms(officer)
    login(officer, world.an_officer)
    officer.goto(proposal_url)
    officer.get_by_role("button", name="Tiếp nhận").click()
    expect(officer.locator("#proposal-state")).to_have_text("Đã tiếp nhận")
    officer.get_by_role("button", name="Bắt đầu thẩm định").click()
    officer.get_by_role("button", name="Ghi thẩm định").click()
    expect(officer.get_by_text("Đã ghi kết quả thẩm định")).to_be_visible()
    officer.get_by_role("button", name="Trình cấp có thẩm quyền").click()
    expect(officer.locator("#proposal-state")).to_have_text("Đã trình")
    officer.get_by_role("link", name="Ban hành / ghi nhận quyết định khen thưởng").click()
    officer.locator("#id_number").fill("12")
    officer.get_by_label("Ký hiệu").fill("QĐ-BTGTU")
    officer.get_by_label("Ngày quyết định").fill(dt.date.today().strftime("%d/%m/%Y"))
    # The picker names each unit's province (a user may see several provinces).
    officer.get_by_label("Cơ quan ban hành").select_option(label=f"Ban Tuyên giáo Tỉnh ủy — {world.an_giang.name}")
    officer.locator("#id_signer_name").fill("Trần Thị Thanh Hương")
    officer.get_by_role("button", name="Ghi quyết định").click()
    expect(officer.get_by_text("khen thưởng đã vào hồ sơ thành tích")).to_be_visible()
    amount = "760.000" if dt.date.today() >= dt.date(2026, 7, 1) else "710.000"
    expect(officer.locator("#money-total")).to_contain_text(amount)
    expect(officer.locator("#recipients")).to_contain_text("Nguyễn Thị Hồng")
    shots(officer, "decision")

    # Back on the proposer's side: decided, and the person's history now holds the award.
    page.goto(proposal_url)
    expect(page.locator("#proposal-state")).to_have_text("Đã có quyết định")
    page.goto(reverse("history:subject", kwargs={"kind": "ca-nhan", "uid": person.uid}))
    expect(page.locator("body")).to_contain_text("Lao động tiên tiến")
    expect(page.locator("body")).to_contain_text("12/QĐ-BTGTU")
    shots(page, "history-updated")
    officer_context.close()
    browser_log.assert_clean()
