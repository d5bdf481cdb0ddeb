"""Browser tests of the registry: create a person; import a bad workbook and read the errors."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.helpers import login


def test_officer_creates_a_person_and_finds_them_without_accents(world, page, browser_log, shots):
    login(page, world.an_officer)
    page.goto("/to-chuc/ca-nhan/them/")
    page.get_by_label("Họ và tên").fill("Đặng Thị Ngọc Ánh")
    page.get_by_label("Giới tính").select_option(label="Nữ")
    page.get_by_label("Ngày sinh").fill("05/03/1985")
    page.get_by_label("Đơn vị").select_option(label="Ban Tuyên giáo Tỉnh ủy (An Giang)")
    page.get_by_label("Chức vụ").fill("Chuyên viên")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("h1")).to_contain_text("Đặng Thị Ngọc Ánh")
    expect(page.locator("main")).to_contain_text("05/03/1985")
    page.goto("/to-chuc/ca-nhan/")
    page.get_by_label("Tìm kiếm").press_sequentially("dang thi ngoc anh", delay=15)
    expect(page.locator("#person-table")).to_contain_text("Đặng Thị Ngọc Ánh")
    shots(page, "person-created")
    browser_log.assert_clean()


def test_a_bad_workbook_is_refused_with_row_level_errors_and_nothing_written(world, page, browser_log, tmp_path, shots):
    from thidua.org.importer import build_template
    from thidua.org.models import Person

    workbook = load_workbook(io.BytesIO(build_template()))
    people = workbook["Cá nhân"]
    people.append(["Nguyễn Văn Tâm", "Nam", "31/02/1990", "", "", "Ban Tuyên giáo Tỉnh ủy"])
    people.append(["", "Nữ", "", "", "", "Ban Tuyên giáo Tỉnh ủy"])
    people.append(["Lê Thị Hoa", "Nữ", "", "", "", "Sở không có thật"])
    path = tmp_path / "danh-sach-loi.xlsx"
    workbook.save(path)
    before = Person.objects.count()

    login(page, world.an_officer)
    page.goto("/to-chuc/nhap/")
    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(str(path))
    page.get_by_role("button", name="Tải lên và nhập").click()
    errors = page.locator(".error-table")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text("Ngày sinh")
    expect(errors).to_contain_text("Họ và tên")
    expect(errors).to_contain_text("Sở không có thật")
    assert errors.locator("tbody tr").count() >= 3
    assert Person.objects.count() == before
    shots(page, "import-errors")
    browser_log.assert_clean(allow_status=(422,))
