"""Browser test of the province's year: open Báo cáo from the menu, see the statistics with a
figure that opens the list it counts, then write the tổng kết report's narrative, generate it and
download the DOCX."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.core.docx_xml import DocxXml
from tests.e2e.helpers import login


def test_statistics_drill_down_and_generate_the_province_report(world, page, browser_log, shots):
    from thidua.history.models import AwardRecord
    from thidua.org import actions as org_actions
    from thidua.org.models import UnitKind

    snv = org_actions.do_create_unit(actor=None, province=world.an_giang, data={"name": "Sở Nội vụ", "kind": UnitKind.STATE})
    hoa = org_actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Lê Thị Hoa", "gender": "NU", "is_leader": True})
    binh = org_actions.do_create_person(actor=None, unit=snv, data={"full_name": "Trần Văn Bình", "gender": "NAM"})
    for person in (hoa, binh):
        AwardRecord.objects.create(province_id=person.province_id, person=person, award_code="LDTT", year=2025)

    page.set_default_timeout(30_000)  # the report page computes every table; allow for a loaded test machine
    login(page, world.an_officer)
    page.goto("/")
    page.get_by_role("link", name="Báo cáo", exact=True).first.click()
    page.get_by_label("Năm").fill("2025")
    page.get_by_role("button", name="Xem").click()
    page.get_by_role("link", name="Thống kê thi đua, khen thưởng năm 2025").click()
    table = page.locator("#bang-TK03")
    expect(table).to_contain_text("Lãnh đạo, quản lý")
    row = table.locator("tbody tr", has_text="Cấp cơ sở")
    row.locator("td").nth(2).get_by_role("link").click()  # the "Lãnh đạo, quản lý" figure
    expect(page.locator("h1")).to_contain_text("Cấp cơ sở — Lãnh đạo, quản lý")
    expect(page.locator("table.list")).to_contain_text("Lê Thị Hoa")
    expect(page.locator("table.list")).not_to_contain_text("Trần Văn Bình")
    shots(page, "drill-down")

    page.goto("/bao-cao/tong-ket-tinh/?nam=2025")
    page.get_by_label("Cơ quan ban hành báo cáo").select_option(label="Sở Nội vụ (An Giang)")
    page.get_by_label("Người ký", exact=True).fill("Trần Thị Thanh Hương")
    page.get_by_label("Kết quả nổi bật của các phong trào thi đua").fill("Phong trào thi đua lan tỏa rộng khắp.")
    page.get_by_role("button", name="Lưu và sinh văn bản để vào sổ").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu và sinh văn bản")
    expect(page.locator("body")).to_contain_text("Chưa vào sổ")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải văn bản DOCX (theo số liệu hiện tại)").click()
    text = DocxXml(open(download.value.path(), "rb").read()).text()
    assert "Phong trào thi đua lan tỏa rộng khắp." in text and "/BC-SNV" in text
    shots(page, "province-report")
    browser_log.assert_clean()
