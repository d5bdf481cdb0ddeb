"""Browser test of a paper count: two accounts of the counting board enter the tally
independently, the mismatch is shown field by field, one side is re-entered and the result appears."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.db.test_counting import counts_for, make_poll
from tests.e2e.helpers import login
from tests.factories import grant, make_user


def _board(world):
    from thidua.accounts.models import Role

    users = []
    for username, first in (("kiem-phieu-1", "Phạm Minh"), ("kiem-phieu-2", "Võ Thị")):
        user = make_user(username, first_name=first, last_name="Đức" if username.endswith("1") else "Hạnh")
        grant(user, Role.COUNTING_BOARD, world.an_giang)
        users.append(user)
    return users


def _fill(page, counts):
    labels = {
        "present": "Số thành viên có mặt", "written_opinions": "Số ý kiến bằng văn bản", "ballots_issued": "Số phiếu phát ra",
        "ballots_used": "Số phiếu thu vào", "ballots_spoiled": "Số phiếu hỏng", "ballots_invalid": "Số phiếu không hợp lệ",
        "ballots_blank": "Số phiếu trắng",
    }
    for name, label in labels.items():
        page.get_by_label(label).fill(str(counts[name]))
    for cid, row in counts["candidates"].items():
        page.locator(f"input[name=yes_{cid}]").fill(str(row["yes"]))
        page.locator(f"input[name=no_{cid}]").fill(str(row["no"]))


def test_two_board_members_enter_a_mismatch_is_shown_reentry_gives_the_result(world, page, browser, live_server, browser_log, shots):
    poll = make_poll(world)
    first, second = _board(world)

    login(page, first)
    page.goto(f"/kiem-phieu/bo-phieu/{poll.uid}/")
    page.get_by_role("link", name="Nhập kết quả kiểm phiếu (lần 1)").click()
    # A tally that does not add up is refused on the form, field by field.
    _fill(page, counts_for(poll, ballots_issued=10))
    page.get_by_role("button", name="Lưu lần nhập 1").click()
    expect(page.get_by_text("Số phiếu phát ra (10) phải bằng số phiếu thu vào cộng số phiếu hỏng").first).to_be_visible()
    page.get_by_label("Số phiếu phát ra").fill("8")
    page.get_by_role("button", name="Lưu lần nhập 1").click()
    expect(page.get_by_text("Đã lưu lần nhập 1.")).to_be_visible()
    shots(page, "entry-1-saved")

    context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport={"width": 1280, "height": 900})
    other = context.new_page()
    browser_log.attach(other)
    login(other, second)
    other.goto(f"/kiem-phieu/bo-phieu/{poll.uid}/")
    other.get_by_role("link", name="Nhập kết quả kiểm phiếu (lần 2)").click()
    _fill(other, counts_for(poll, yes=(7, 5, 1), no=(0, 2, 6)))
    other.get_by_role("button", name="Lưu lần nhập 2").click()
    expect(other.get_by_text("Hai lần nhập chưa khớp: 2 chỗ khác nhau")).to_be_visible()
    expect(other.get_by_text("Số phiếu đồng ý của “Trần Thị Bình”: lần nhập 1 ghi 6, lần nhập 2 ghi 5.")).to_be_visible()
    expect(other.locator(".badge", has_text="Khác nhau")).to_have_count(2)
    expect(other.get_by_role("link", name="Kết quả")).to_be_visible()
    shots(other, "mismatch")
    other.get_by_role("link", name="Kết quả").click()
    expect(other.get_by_text("Cuộc bỏ phiếu chưa có kết quả kiểm phiếu.").first).to_be_visible()
    other.go_back()

    other.get_by_role("link", name="Nhập lại lần 2").click()
    _fill(other, counts_for(poll))
    other.get_by_role("button", name="Lưu lần nhập 2").click()
    expect(other.get_by_text("Hai lần nhập khớp nhau: đã có kết quả kiểm phiếu.")).to_be_visible()
    poll.refresh_from_db()
    expect(other.get_by_text(poll.result_sha256)).to_be_visible()
    expect(other.locator(".badge", has_text="Đạt, được chọn")).to_have_count(2)
    expect(other.get_by_role("cell", name="85,71%")).to_be_visible()
    expect(other.get_by_text("Trần Thị Bình: 6/7 phiếu đồng ý (85,71% tổng số thành viên)")).to_be_visible()
    shots(other, "result")
    context.close()
    browser_log.assert_clean()
