"""Browser tests of the block year: a unit registers and the province approves; the block head
drafts the covenant, members confirm, it is signed and generated as a DOCX."""

from __future__ import annotations

import zipfile

from playwright.sync_api import expect

from tests.e2e.helpers import login


def _block(world, year=2026):
    from thidua.blocs import actions
    from thidua.blocs.models import BlocKind
    from thidua.org import actions as org_actions

    bloc = actions.do_create_bloc(actor=None, province=world.an_giang, data={"name": "Khối thi đua các cơ quan Đảng tỉnh", "kind": BlocKind.KHOI})
    bloc_year, _ = actions.do_open_year(actor=None, bloc=bloc, year=year)
    for unit in (world.tuyen_giao, world.to_chuc):
        actions.do_add_member(actor=None, bloc_year=bloc_year, unit=unit)
    org_actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Nguyễn Thị Hồng", "gender": "NU", "position_title": "Chuyên viên"})
    return bloc_year


def _second_page(browser, live_server, browser_log):
    context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    page = context.new_page()
    browser_log.attach(page)
    return page


def test_unit_registers_and_the_province_officer_approves(world, page, browser, live_server, browser_log, shots):
    bloc_year = _block(world)
    login(page, world.unit_officer)
    page.goto(f"/phong-trao/dang-ky/nam/{bloc_year.uid}/")
    expect(page.get_by_text("Ban Tổ chức Tỉnh ủy")).to_have_count(0)  # a unit sees its own line only
    page.get_by_role("button", name="Lập đăng ký").click()
    page.get_by_label("Chỉ tiêu, nội dung thi đua đăng ký").fill("Hoàn thành xuất sắc nhiệm vụ năm 2026")
    page.locator("select[name=items-0-subject_kind]").select_option("individual")
    page.locator("select[name=items-0-person]").select_option(label="Nguyễn Thị Hồng")
    page.locator("select[name=items-0-award]").select_option("LDTT")
    page.locator("select[name=items-1-subject_kind]").select_option("collective")
    page.locator("select[name=items-1-award]").select_option("TTLDXS")
    page.get_by_role("button", name="Lưu và gửi duyệt").click()
    expect(page.get_by_text("Đã gửi bản đăng ký để duyệt.")).to_be_visible()
    expect(page.locator(".badge", has_text="Chờ duyệt")).to_be_visible()
    shots(page, "registration-submitted")

    officer = _second_page(browser, live_server, browser_log)
    login(officer, world.an_officer)
    officer.goto(f"/phong-trao/dang-ky/nam/{bloc_year.uid}/")
    expect(officer.get_by_text("Ban Tổ chức Tỉnh ủy")).to_be_visible()
    officer.get_by_role("link", name="Chờ duyệt").click()
    expect(officer.get_by_text("Nguyễn Thị Hồng")).to_be_visible()
    officer.get_by_role("button", name="Duyệt", exact=True).click()
    expect(officer.get_by_text("Đã duyệt bản đăng ký của Ban Tuyên giáo Tỉnh ủy.")).to_be_visible()
    expect(officer.locator(".badge", has_text="Đã duyệt")).to_be_visible()
    shots(officer, "registration-approved")
    browser_log.assert_clean()


def test_covenant_is_drafted_confirmed_signed_and_generated(world, page, browser, live_server, browser_log, shots):
    from thidua.blocs import actions

    bloc_year = _block(world)
    actions.do_set_leadership(actor=None, bloc_year=bloc_year, head_unit=world.tuyen_giao, deputy_unit=world.to_chuc, expected_version=bloc_year.version)
    login(page, world.an_officer)
    page.goto(f"/khoi-thi-dua/nam/{bloc_year.uid}/giao-uoc/")
    page.get_by_label("Nội dung giao ước chung").fill("Thi đua hoàn thành xuất sắc nhiệm vụ chính trị\nThực hành tiết kiệm, chống lãng phí")
    page.get_by_label("Địa danh (nơi ký)").fill("An Giang")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_label("Ban Tuyên giáo Tỉnh ủy").fill("100% cán bộ hoàn thành tốt nhiệm vụ trở lên")
    page.get_by_label("Ban Tổ chức Tỉnh ủy").fill("Tham mưu tổ chức đại hội đúng tiến độ")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu giao ước.")).to_be_visible()
    page.get_by_role("button", name="Gửi các đơn vị xác nhận").click()
    expect(page.get_by_text("Đã gửi giao ước để các đơn vị xác nhận.")).to_be_visible()

    member = _second_page(browser, live_server, browser_log)
    login(member, world.unit_officer)
    member.goto(f"/khoi-thi-dua/nam/{bloc_year.uid}/giao-uoc/")
    member.get_by_label("Họ tên người ký").fill("Trần Thị Thanh Hương")
    member.get_by_label("Chức vụ người ký").fill("Trưởng ban")
    member.get_by_role("button", name="Xác nhận").click()
    expect(member.get_by_text("Ban Tuyên giáo Tỉnh ủy đã xác nhận giao ước.")).to_be_visible()

    from thidua.blocs.models import CovenantCommitment

    other = CovenantCommitment.objects.get(unit=world.to_chuc)
    actions.do_confirm_commitment(actor=None, commitment=other, signer_name="Nguyễn Văn Bình", signer_title="Trưởng ban")
    page.reload()
    page.get_by_label("Ngày ký kết").fill("15/03/2026")
    page.get_by_role("button", name="Ghi nhận đã ký kết").click()
    expect(page.locator(".badge", has_text="Đã ký kết")).to_be_visible()
    page.get_by_role("button", name="Sinh văn bản giao ước (DOCX)").click()
    expect(page.get_by_text("Đã sinh văn bản giao ước (DOCX).")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải DOCX").click()
    path = download_info.value.path()
    with zipfile.ZipFile(path) as docx:
        xml = docx.read("word/document.xml").decode()
    assert "GIAO ƯỚC THI ĐUA" in xml and "Trần Thị Thanh Hương" in xml and "ĐẢNG CỘNG SẢN VIỆT NAM" in xml
    shots(page, "covenant-generated")
    # The page shows no English and no raw codes.
    body = page.locator("main").inner_text()
    for word in ("None", "True", "False", "SIGNED", "CONFIRMING"):
        assert word not in body
    browser_log.assert_clean()
