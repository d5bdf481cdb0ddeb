"""Browser test of the live conference (issue #18): the secretary runs the agenda, a member
checks in through the QR URL and votes on a phone-sized screen, the projector (an anonymous
screen link) shows attendance and turnout, then the result once the chair closes; the minutes
are generated and downloaded."""

from __future__ import annotations

import datetime as dt
import zipfile

from playwright.sync_api import expect

from tests.e2e.helpers import login


def _hall(world):
    from tests.factories import grant, make_user
    from thidua.accounts.models import Role
    from thidua.blocs import actions as blocs
    from thidua.org import actions as org
    from thidua.voting import actions as voting

    dan_van = org.do_create_unit(actor=None, province=world.an_giang, data={"name": "Ban Dân vận Tỉnh ủy", "kind": "PARTY"})
    officers = {}
    for unit, username in ((world.to_chuc, "can-bo-to-chuc"), (dan_van, "can-bo-dan-van")):
        officers[unit.pk] = make_user(username)
        grant(officers[unit.pk], Role.UNIT_OFFICER, unit.province, unit=unit)
    today = dt.date.today()
    bloc = blocs.do_create_bloc(actor=None, province=world.an_giang, data={"name": "Khối thi đua các cơ quan Đảng tỉnh", "kind": "KHOI"})
    year, _ = blocs.do_open_year(actor=None, bloc=bloc, year=today.year)
    for unit in (world.tuyen_giao, world.to_chuc, dan_van):
        blocs.do_add_member(actor=None, bloc_year=year, unit=unit)
    year = blocs.do_set_leadership(actor=None, bloc_year=year, head_unit=world.to_chuc, deputy_unit=None, expected_version=year.version)
    meeting = blocs.do_record_meeting(
        actor=None, bloc_year=year,
        data={"kind": "ANNUAL_REVIEW", "held_on": today, "place": "Hội trường Tỉnh ủy", "chair": "Lê Văn Chủ",
              "guests": "Đại diện Ban Thi đua - Khen thưởng tỉnh"},
        attending=[],
    )
    poll = voting.do_create_poll(
        actor=None,
        data={"title": "Suy tôn đơn vị dẫn đầu Khối", "meeting": meeting, "electorate": "BLOCK_UNITS", "subject": "LEADER_ACCLAMATION",
              "method": "CHOOSE_ONE", "mode": "E_BALLOT", "threshold_pct": 50},
        candidates=[{"unit": world.tuyen_giao}, {"unit": world.to_chuc}],
    )
    blocs.do_add_agenda_item(actor=None, meeting=meeting, data={"kind": "REPORT", "title": "Báo cáo tổng kết năm"})
    blocs.do_add_agenda_item(actor=None, meeting=meeting, data={"kind": "POLL", "poll": poll})
    return meeting, poll, dan_van, officers


def _context(browser, live_server, browser_log, viewport):
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport=viewport)
    context.set_default_timeout(10_000)
    page = context.new_page()
    browser_log.attach(page)
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def test_agenda_qr_check_in_phone_vote_projector_and_minutes(world, page, browser, live_server, browser_log, shots):
    from thidua.blocs import actions as blocs
    from thidua.blocs import conference
    from thidua.voting import actions as voting
    from thidua.voting.models import Poll

    import urllib.request

    meeting, poll, dan_van, officers = _hall(world)
    # The live server's first answer imports every view (seconds on a loaded machine): not under test.
    urllib.request.urlopen(live_server.url + "/dang-nhap/", timeout=120).read()
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, world.an_officer)
    page.goto(f"/khoi-thi-dua/hoi-nghi/{meeting.uid}/")
    page.get_by_role("link", name="Điều hành hội nghị").click()
    expect(page.get_by_role("heading", name="Điều hành hội nghị")).to_be_visible()
    page.get_by_role("button", name="Tạo đường dẫn màn hình").click()
    screen_url = page.locator("#screen-url").get_attribute("href")
    page.get_by_role("button", name="Chuyển sang nội dung tiếp theo: Báo cáo tổng kết năm").click()
    expect(page.get_by_text("Đang tiến hành: Báo cáo tổng kết năm.")).to_be_visible()

    # The projector: no sign-in, no menus, updates by itself.
    screen = _context(browser, live_server, browser_log, {"width": 1280, "height": 720})
    screen.goto(screen_url)
    expect(screen.locator(".screen-title")).to_have_text("Báo cáo tổng kết năm")
    expect(screen.get_by_text("Có mặt 0/3")).to_be_visible()
    expect(screen.locator(".screen-qr svg")).to_be_visible()
    assert screen.locator("nav.menu").count() == 0

    # A member's phone opens the QR URL while signed in: its unit is checked in.
    phone = _context(browser, live_server, browser_log, {"width": 360, "height": 740})
    login(phone, world.unit_officer)
    phone.goto(f"/khoi-thi-dua/hoi-nghi/{meeting.uid}/diem-danh-qr/?t={conference.current_token(meeting)}")
    expect(phone.get_by_text("Đã điểm danh: Ban Tuyên giáo Tỉnh ủy có mặt tại hội nghị.")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shots(phone, "checkin-phone")
    expect(screen.get_by_text("Có mặt 1/3")).to_be_visible()

    # The secretary checks the other two in by hand, moves to the vote and opens it.
    page.reload()
    for name in ("Ban Tổ chức Tỉnh ủy", "Ban Dân vận Tỉnh ủy"):
        page.locator(".checkins li", has_text=name).get_by_role("button", name="Điểm danh").click()
        expect(page.get_by_text(f"Đã điểm danh {name}.")).to_be_visible()
    page.get_by_role("button", name="Chuyển sang nội dung tiếp theo: Suy tôn đơn vị dẫn đầu Khối").click()
    page.get_by_role("button", name="Mở bỏ phiếu").click()
    expect(page.get_by_text("Đã mở bỏ phiếu: 3 đơn vị có quyền bỏ phiếu.")).to_be_visible()
    expect(screen.get_by_text("0/3 đã bỏ phiếu")).to_be_visible()
    expect(screen.get_by_text("Đủ số đơn vị dự họp")).to_be_visible()

    # The member votes on the phone with the existing e-ballot.
    phone.goto("/binh-xet/")
    phone.get_by_role("link", name="Bỏ phiếu: Suy tôn đơn vị dẫn đầu Khối").click()
    phone.get_by_label("Ban Tuyên giáo Tỉnh ủy").check()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_role("button", name="Xem lại phiếu").click()
    phone.get_by_role("button", name="Xác nhận gửi phiếu").click()
    expect(phone.get_by_text("Bạn đã bỏ phiếu.")).to_be_visible()
    shots(phone, "ballot-done-phone")
    expect(screen.get_by_text("1/3 đã bỏ phiếu")).to_be_visible()
    live = Poll.objects.get(pk=poll.pk)
    a = live.candidates.order_by("position").first()
    for unit_pk in (world.to_chuc.pk, dan_van.pk):
        voting.do_cast_ballot(actor=officers[unit_pk], poll=live, approved=[a.pk])
    expect(screen.get_by_text("3/3 đã bỏ phiếu")).to_be_visible()
    # Before the close the screen shows no count per candidate.
    assert "phiếu đồng ý" not in screen.locator("main").inner_text()
    shots(screen, "projector-turnout")

    page.reload()
    page.get_by_role("button", name="Đóng bỏ phiếu, kiểm phiếu").click()
    expect(page.get_by_text("Đã đóng bỏ phiếu và kiểm phiếu.")).to_be_visible()
    closed = Poll.objects.get(pk=poll.pk)
    first_line = conference.result_lines(closed)[0]
    expect(screen.locator(".screen-result")).to_contain_text(first_line)
    expect(screen.locator(".screen-result")).to_contain_text("3/3 phiếu đồng ý (100,00% tổng số thành viên), đạt ngưỡng 50%; được chọn.")
    shots(screen, "projector-result")

    page.get_by_role("button", name="Kết thúc chương trình hội nghị").click()
    page.get_by_role("link", name="Sinh biên bản hội nghị").click()
    page.get_by_role("button", name="Sinh biên bản hội nghị (DOCX)").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải DOCX").click()
    with zipfile.ZipFile(download_info.value.path()) as docx:
        xml = docx.read("word/document.xml").decode()
    assert "BIÊN BẢN" in xml and "tự điểm danh lúc" in xml and "thư ký điểm danh lúc" in xml
    assert "Suy tôn đơn vị dẫn đầu Khối" in xml and "3/3 phiếu đồng ý" in xml
    # The screen link revoked: the projector says so in Vietnamese.
    from thidua.blocs.models import ScreenLink

    blocs.do_revoke_screen_link(actor=None, link=ScreenLink.objects.get(meeting=meeting))
    expect(screen.get_by_text("đã bị thư ký hội nghị thu hồi", exact=False)).to_be_visible()
    browser_log.assert_clean()
