"""Browser test of the Word import (issue #15, point 2): a unit officer uploads a danh sách (.docx),
sees who matched, picks the right one of two namesakes by birth year, leaves out an unknown name,
confirms, and lands on the draft proposal with the people of the list."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from playwright.sync_api import expect

from tests import docx_samples
from tests.e2e.helpers import login


def _staff(world):
    from thidua.org import actions as org_actions
    from thidua.org.models import Province

    province = Province.objects.get(pk=world.an_giang.pk)
    org_actions.do_update_province_settings(
        actor=None, province=province, data={"registration_required_for_proposal": False}, expected_version=province.version
    )
    for name, born in (("Nguyễn Thị Hòa", 1985), ("Trần Văn Bình", 1980), ("Trần Văn Bình", 1988), ("Lê Văn Tâm", 1979)):
        org_actions.do_create_person(actor=None, unit=world.tuyen_giao, data={
            "full_name": name, "gender": "NU" if " Thị " in name else "NAM", "position_title": "Chuyên viên", "birth_date": dt.date(born, 5, 1)})


def test_upload_resolve_namesake_confirm_and_see_the_proposal(world, page, browser_log, shots):
    _staff(world)
    page.set_default_timeout(30_000)  # the upload reads and matches the file server-side; slow on a busy machine
    page.set_default_navigation_timeout(30_000)
    login(page, world.unit_officer)
    page.goto(reverse("proposals:proposal_list"))
    page.get_by_role("link", name="Nhập danh sách từ tệp Word").click()
    page.get_by_label("Đơn vị đề nghị").select_option(label="Ban Tuyên giáo Tỉnh ủy (An Giang)")
    page.get_by_label("Năm thành tích").fill("2025")
    page.get_by_label("Tệp Word (.docx)").set_input_files(files=[{
        "name": "danh-sach-de-nghi-2025.docx",
        "mimeType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "buffer": docx_samples.state_list(),
    }])
    page.get_by_role("button", name="Đọc tệp").click()
    expect(page.get_by_text("Đã đọc 4 dòng từ tệp")).to_be_visible()

    # Rows in the list's order: Hoà, Bình, Tâm, Khang (the unknown row's picker lists the whole unit).
    hoa = page.locator("#dong-1")
    expect(hoa).to_contain_text("Đã khớp")
    expect(hoa).to_contain_text("Nguyễn Thị Hòa — Ban Tuyên giáo Tỉnh ủy, sinh năm 1985")
    expect(hoa).to_contain_text("Chiến sĩ thi đua cơ sở")
    binh = page.locator("#dong-2")
    expect(binh).to_contain_text("Trùng tên, cần chọn")
    expect(binh).to_contain_text("sinh năm 1980")
    expect(page.locator("#dong-4")).to_contain_text("Phạm Minh Khang")
    expect(page.locator("#dong-4")).to_contain_text("Không tìm thấy")
    expect(page.get_by_role("button", name="Xác nhận, lập hồ sơ đề nghị")).to_be_disabled()
    shots(page, "import-review")

    binh.get_by_label("sinh năm 1988", exact=False).check()
    binh.get_by_role("button", name="Chọn người này").click()
    expect(binh).to_contain_text("Đã khớp")
    expect(binh).to_contain_text("sinh năm 1988 (cán bộ đã chọn)")

    page.locator("#dong-4").get_by_role("button", name="Bỏ dòng này").click()
    expect(page.locator("#dong-4")).to_contain_text("Đã bỏ dòng")

    page.get_by_role("button", name="Xác nhận, lập hồ sơ đề nghị").click()
    expect(page.get_by_text("Đã lập hồ sơ đề nghị nháp với 3 trường hợp")).to_be_visible()
    expect(page.locator("#proposal-state")).to_have_text("Nháp")
    items = page.locator("#items")
    for name in ("Nguyễn Thị Hòa", "Trần Văn Bình", "Lê Văn Tâm"):
        expect(items).to_contain_text(name)
    expect(items).not_to_contain_text("Phạm Minh Khang")
    expect(page.get_by_role("link", name="danh-sach-de-nghi-2025.docx")).to_be_visible()  # the source file, attached
    shots(page, "import-proposal")
    browser_log.assert_clean()
