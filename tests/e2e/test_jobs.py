"""Browser test of background jobs: an import queued in the database, its progress bar polled
by htmx while `db_worker` runs it, then the result; a large export's result file downloaded."""

from __future__ import annotations

import io

from django.core.management import call_command
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.helpers import login


def _warm_up(page) -> None:
    """The live server's first page compiles the URLconf and templates; on a loaded machine that
    alone can pass the 10 s default, so the first visit gets longer."""
    page.goto("/dang-nhap/", timeout=60_000)

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _run_worker() -> None:
    """What `make run` keeps running beside gunicorn, once: take every queued task and stop."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")


def test_an_import_job_progress_bar_finishes_and_shows_the_result(world, page, browser_log, tmp_path, settings, shots):
    from thidua.jobs.models import Job, JobState
    from thidua.org.importer import build_template
    from thidua.org.models import Person

    settings.TASKS = DATABASE_BACKEND
    workbook = load_workbook(io.BytesIO(build_template()))
    workbook["Đơn vị"].append(["Ban Nội chính Tỉnh ủy", "", "Cơ quan Đảng"])
    workbook["Cá nhân"].append(["Võ Thị Kim Ngân", "Nữ", "05/03/1985", "Kinh", "", "Ban Nội chính Tỉnh ủy"])
    path = tmp_path / "danh-muc.xlsx"
    workbook.save(path)

    _warm_up(page)
    login(page, world.an_officer)
    page.goto("/to-chuc/nhap/")
    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(str(path))
    page.get_by_role("button", name="Tải lên và nhập").click()
    expect(page.get_by_role("heading", name="Nhập đơn vị, cá nhân từ Excel")).to_be_visible()
    bar = page.locator("#job-bar")
    expect(bar).to_have_attribute("value", "0")
    expect(page.locator("#job-progress")).to_contain_text("Đang chờ chạy")
    assert not Person.objects.filter(full_name="Võ Thị Kim Ngân").exists()
    shots(page, "job-queued")

    _run_worker()

    # The page polls the progress fragment and swaps it in: the bar fills and the result shows.
    expect(bar).to_have_attribute("value", "100", timeout=15_000)
    progress = page.locator("#job-progress")
    expect(progress).to_contain_text("Đã xong")
    expect(progress).to_contain_text("Đã nhập 1 đơn vị, 1 cá nhân.")
    assert Job.objects.get().state == JobState.SUCCEEDED
    shots(page, "job-finished")
    page.get_by_role("link", name="Xem danh sách cá nhân").click()
    expect(page.get_by_role("link", name="Võ Thị Kim Ngân")).to_be_visible()
    browser_log.assert_clean()


def test_a_large_export_job_offers_its_result_file(world, page, browser_log, settings, tmp_path):
    from thidua.org import actions

    settings.TASKS = DATABASE_BACKEND
    for name in ("Lê Thị Hoa", "Trần Văn Nam"):
        actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": name, "gender": "NU"})
    _warm_up(page)
    login(page, world.an_officer)
    page.goto("/to-chuc/ca-nhan/")
    page.get_by_role("button", name="Xuất Excel").click()
    expect(page.locator("#job-progress")).to_contain_text("Đang chờ chạy")
    _run_worker()
    link = page.locator("#job-result")
    expect(link).to_be_visible(timeout=15_000)
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "danh-sach-ca-nhan.xlsx"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    names = [row[0] for row in load_workbook(target).active.iter_rows(values_only=True)]
    assert names[0] == "Họ và tên" and {"Lê Thị Hoa", "Trần Văn Nam"} <= set(names)
    # The list of jobs keeps it.
    page.goto("/cong-viec/")
    expect(page.get_by_role("link", name="danh-sach-ca-nhan.xlsx")).to_be_visible()
    browser_log.assert_clean()
