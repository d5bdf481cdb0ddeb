"""Browser test (issue #19): the An Giang Party block's 2023 review (29/12/2023, before any rule
version in thidua) — the officer records the block's acclamation as its minutes say, sees it marked
"ghi nhận theo biên bản, không áp dụng quy định hiện hành" and downloads its counting record."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from playwright.sync_api import expect

from tests.e2e.helpers import login

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _block_2023(world):
    from thidua.blocs import actions

    bloc = actions.do_create_bloc(actor=None, province=world.an_giang, data={"name": "Khối thi đua các cơ quan Đảng tỉnh", "kind": "KHOI"})
    year, _ = actions.do_open_year(actor=None, bloc=bloc, year=2023, copy_members=False)
    for unit in (world.tuyen_giao, world.to_chuc):
        actions.do_add_member(actor=None, bloc_year=year, unit=unit)
    actions.do_set_leadership(actor=None, bloc_year=year, head_unit=world.tuyen_giao, deputy_unit=None, expected_version=year.version)
    year.refresh_from_db()
    return actions.do_record_meeting(
        actor=None, bloc_year=year, attending=[world.tuyen_giao, world.to_chuc],
        data={"kind": "ANNUAL_REVIEW", "held_on": dt.date(2023, 12, 29), "place": "An Giang",
              "chair": "Trần Thị Thanh Hương, Trưởng Ban Tuyên giáo Tỉnh ủy (Trưởng khối)"},
    )


def _docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    import re

    return re.sub(r"<[^>]+>", "", xml)


def test_record_a_2023_acclamation_and_download_its_counting_record(world, page, browser_log, shots, tmp_path):
    meeting = _block_2023(world)
    login(page, world.an_officer)
    page.goto(f"/binh-xet/bo-phieu/them/?hoi-nghi={meeting.uid}")
    expect(page.get_by_text("trước khi có quy định bỏ phiếu, kiểm phiếu trong hệ thống")).to_be_visible()
    page.get_by_label("Nội dung bỏ phiếu").fill("Suy tôn đơn vị dẫn đầu Khối thi đua các cơ quan Đảng tỉnh năm 2023")
    expect(page.locator("select[name=mode]")).to_have_value("EXTERNAL")
    page.get_by_label("Ban Tuyên giáo Tỉnh ủy").check()
    page.get_by_label("Ban Tổ chức Tỉnh ủy").check()
    page.get_by_role("button", name="Lập cuộc bỏ phiếu").click()
    expect(page.get_by_text("Ghi nhận theo biên bản, không áp dụng quy định hiện hành").first).to_be_visible()
    expect(page.get_by_text("Biên bản không nêu tỷ lệ")).to_be_visible()
    shots(page, "poll-created")

    from thidua.voting.models import Poll

    poll = Poll.objects.get(meeting=meeting)
    page.goto(f"/kiem-phieu/bo-phieu/{poll.uid}/ket-qua-ngoai/")
    page.get_by_label("Tổng số thành viên (người có quyền biểu quyết)").fill("2")
    page.get_by_label("Nơi tổ chức bỏ phiếu (hội đồng, cơ quan đã họp)").fill("Hội nghị tổng kết Khối thi đua các cơ quan Đảng tỉnh")
    scan = tmp_path / "bien-ban.pdf"
    scan.write_bytes(PDF)
    page.get_by_label("Biên bản gốc (bản scan PDF hoặc ảnh)").set_input_files(str(scan))
    page.get_by_role("group", name="Hội nghị công bố").get_by_label("Ban Tuyên giáo Tỉnh ủy").check()
    page.get_by_role("button", name="Ghi kết quả").click()
    expect(page.get_by_text("Ghi nhận theo biên bản, không áp dụng quy định hiện hành.").first).to_be_visible()
    expect(page.locator(".badge", has_text="Hội nghị công bố")).to_have_count(1)
    shots(page, "result")

    page.get_by_role("link", name="Lập biên bản kiểm phiếu (DOCX)").click()
    page.get_by_label("Địa điểm lập biên bản").fill("An Giang")
    page.get_by_label("Trưởng ban kiểm phiếu").fill("Huỳnh Đức Hiền")
    page.get_by_role("button", name="Lưu và sinh biên bản (DOCX)").click()
    expect(page.get_by_text("Đã sinh biên bản kiểm phiếu (DOCX).")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải DOCX").click()
    text = _docx_text(download_info.value.path().read_bytes())
    assert "ghi nhận theo biên bản, không áp dụng quy định hiện hành" in text
    assert "Ban Tuyên giáo Tỉnh ủy" in text and "Hội nghị công bố" in text

    # The meeting's own minutes (biên bản hội nghị), with the vote as recorded.
    page.goto(f"/khoi-thi-dua/hoi-nghi/{meeting.uid}/")
    page.get_by_role("button", name="Sinh biên bản hội nghị (DOCX)").click()
    expect(page.get_by_text("Đã sinh biên bản hội nghị (DOCX).")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải DOCX").click()
    minutes = _docx_text(download_info.value.path().read_bytes())
    assert "Đơn vị thành viên dự họp (2/2)" in minutes and "Suy tôn đơn vị dẫn đầu" in minutes
    assert "ghi nhận theo biên bản, không áp dụng quy định hiện hành" in minutes
    shots(page, "meeting-minutes")
    browser_log.assert_clean()
