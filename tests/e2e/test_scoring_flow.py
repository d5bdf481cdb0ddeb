"""Browser test of criteria scoring (issue #5): a unit officer fills and submits its sheet with an
evidence file; the block head cross-checks it with a correction and its reason, appraises it and
publishes the results at the block's meeting; the ranking shows the unit with its rank and band,
to the head and then to the unit itself."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from playwright.sync_api import expect

from tests.e2e.helpers import login

YEAR = dt.date.today().year


def _block_with_round(world):
    from thidua.accounts.models import Role
    from thidua.blocs import actions as blocs
    from thidua.blocs.models import BlocKind, MeetingKind
    from thidua.scoring import actions
    from thidua.scoring.models import ScoreSheet
    from tests.factories import grant, make_user

    bloc = blocs.do_create_bloc(actor=None, province=world.an_giang, data={"name": "Khối các cơ quan Đảng tỉnh", "kind": BlocKind.KHOI})
    year, _ = blocs.do_open_year(actor=None, bloc=bloc, year=YEAR)
    for unit in (world.tuyen_giao, world.to_chuc):
        blocs.do_add_member(actor=None, bloc_year=year, unit=unit)
    year = blocs.do_set_leadership(actor=None, bloc_year=year, head_unit=world.to_chuc, deputy_unit=None, expected_version=year.version)
    head = make_user("can-bo-to-chuc", first_name="Trần Văn", last_name="Minh")
    grant(head, Role.UNIT_OFFICER, world.an_giang_old, unit=world.to_chuc)
    blocs.do_record_meeting(
        actor=None, bloc_year=year, data={"kind": MeetingKind.ANNUAL_REVIEW, "held_on": dt.date(YEAR, 12, 15), "place": "An Giang"},
        attending=[world.tuyen_giao, world.to_chuc],
    )
    criteria_set = actions.do_create_criteria_set(
        actor=None, province=world.an_giang, data={"name": "Bảng tiêu chí chấm điểm thi đua", "year": YEAR, "bloc": bloc}
    )
    for code, title, kind, max_points, parent, evidence in (
        ("1", "Công tác tham mưu", "GROUP", "60", None, False),
        ("1.1", "Tham mưu ban hành văn bản đúng hạn", "SCORE", "30", "1", False),
        ("1.2", "Tổ chức thực hiện nhiệm vụ được giao", "SCORE", "30", "1", True),
        ("2", "Phong trào thi đua", "GROUP", "40", None, False),
        ("2.1", "Tổ chức phong trào thi đua", "SCORE", "40", "2", False),
        ("3", "Được tặng Cờ thi đua", "BONUS", "5", None, False),
    ):
        actions.do_add_criterion(
            actor=None, criteria_set=criteria_set,
            data={"code": code, "title": title, "kind": kind, "max_points": Decimal(max_points), "parent_code": parent, "evidence_required": evidence},
        )
    scoring_round = actions.do_open_round(actor=None, bloc_year=year, criteria_set=criteria_set, quota=1)
    # Ban Tổ chức's own sheet goes through every step beforehand (50 points: Trung bình).
    sheet = ScoreSheet.objects.get(round=scoring_round, unit=world.to_chuc)
    sheet = actions.do_save_scores(
        actor=None, sheet=sheet, level="SELF", values={"1.1": "20", "1.2": "0", "2.1": "30", "3": "0"}, expected_version=sheet.version
    )
    for event in ("submit", "cross_check", "appraise"):
        sheet = actions.do_transition_sheet(actor=None, sheet=sheet, event=event, expected_version=sheet.version)
    return year, head


def test_unit_scores_head_cross_checks_with_a_reason_publishes_and_the_ranking_shows(world, page, browser, live_server, browser_log, shots, tmp_path):
    bloc_year, head = _block_with_round(world)

    # 1. The unit officer fills its sheet from the scoring home page and submits it.
    login(page, world.unit_officer)
    page.get_by_role("link", name="Chấm điểm", exact=True).click()
    expect(page.get_by_role("heading", name="Phiếu cần tự chấm và gửi")).to_be_visible()
    page.get_by_role("link", name=f"Ban Tuyên giáo Tỉnh ủy — Khối các cơ quan Đảng tỉnh năm {YEAR}").click()
    expect(page.get_by_role("heading", name=f"Phiếu chấm điểm năm {YEAR} — Ban Tuyên giáo Tỉnh ủy")).to_be_visible()
    for code, points in (("1.1", "28"), ("1.2", "27"), ("2.1", "35"), ("3", "0")):
        page.get_by_label(f"Điểm tiêu chí {code}", exact=True).fill(points)
    page.get_by_label("Giải trình tiêu chí 1.1", exact=True).fill("Ban hành 12/12 văn bản đúng hạn")
    evidence = tmp_path / "bao-cao-nhiem-vu.pdf"
    evidence.write_bytes(b"%PDF-1.4 bao cao ket qua thuc hien nhiem vu")
    page.get_by_label("Minh chứng tiêu chí 1.2", exact=True).set_input_files(str(evidence))
    page.get_by_role("button", name="Lưu và gửi phiếu").click()
    expect(page.get_by_text("Đã lưu và gửi phiếu chấm điểm để chấm chéo.")).to_be_visible()
    expect(page.locator(".badge", has_text="Đã gửi, chờ chấm chéo")).to_be_visible()
    expect(page.get_by_role("link", name="bao-cao-nhiem-vu.pdf")).to_be_visible()
    expect(page.get_by_label("Điểm tiêu chí 1.1", exact=True)).to_have_count(0)  # no more input for the unit
    shots(page, "sheet-submitted")

    # 2. The block head cross-checks: one correction, refused without a reason, saved with it.
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport={"width": 1280, "height": 900})
    head_page = context.new_page()
    browser_log.attach(head_page)
    head_page.on("dialog", lambda dialog: dialog.accept())
    login(head_page, head)
    head_page.goto("/cham-diem/")
    expect(head_page.get_by_role("heading", name="Phiếu cần chấm chéo")).to_be_visible()
    head_page.get_by_role("link", name=f"Ban Tuyên giáo Tỉnh ủy — Khối các cơ quan Đảng tỉnh năm {YEAR}").click()
    points = head_page.get_by_label("Điểm tiêu chí 1.1", exact=True)
    expect(points).to_have_value("28")
    points.fill("25")
    head_page.get_by_role("button", name="Lưu điểm").click()
    expect(head_page.get_by_text("hãy ghi lý do sửa điểm (28 → 25)").first).to_be_visible()
    expect(head_page.get_by_label("Điểm tiêu chí 1.1", exact=True)).to_have_value("25")  # the input stays
    head_page.get_by_label("Lý do sửa tiêu chí 1.1", exact=True).fill("Có 2 văn bản ban hành chậm so với kế hoạch")
    head_page.get_by_role("button", name="Lưu điểm").click()
    expect(head_page.get_by_text("Đã lưu điểm.")).to_be_visible()
    history = head_page.locator("table", has=head_page.get_by_text("Điểm cũ → mới"))
    expect(history.get_by_text("28 → 25")).to_be_visible()
    expect(history.get_by_text("Có 2 văn bản ban hành chậm so với kế hoạch")).to_be_visible()
    head_page.get_by_role("button", name="Xác nhận chấm chéo").click()
    expect(head_page.get_by_text("Đã xác nhận kết quả chấm chéo")).to_be_visible()
    head_page.get_by_role("button", name="Thẩm định", exact=True).click()
    expect(head_page.get_by_text("Đã thẩm định phiếu chấm điểm.")).to_be_visible()
    expect(head_page.locator(".badge", has_text="Đã thẩm định")).to_be_visible()
    shots(head_page, "sheet-appraised")

    # 3. The head publishes at the block's meeting; the ranking and the chart show.
    head_page.get_by_role("link", name=f"Khối các cơ quan Đảng tỉnh năm {YEAR}").click()
    expect(head_page.get_by_role("heading", name="Bảng xếp hạng (tạm tính, chưa công bố)")).to_be_visible()
    head_page.get_by_label("Công bố tại hội nghị").select_option(label=f"Hội nghị tổng kết năm ngày 15/12/{YEAR}")
    head_page.get_by_role("button", name="Công bố kết quả").click()
    expect(head_page.get_by_text("Đã công bố kết quả chấm điểm, xếp hạng.")).to_be_visible()
    ranking = head_page.locator("table.ranking")
    first = ranking.locator("tbody tr").first
    expect(first).to_contain_text("Ban Tuyên giáo Tỉnh ủy")
    expect(first.locator("td").first).to_have_text("1")
    expect(first).to_contain_text("87")
    expect(first.locator(".band")).to_have_text("Tốt")
    expect(first).to_contain_text("Đề xuất dẫn đầu")
    expect(ranking.locator("tbody tr").nth(1)).to_contain_text("Ban Tổ chức Tỉnh ủy")
    expect(head_page.locator("figure.chart svg rect.seg")).not_to_have_count(0)
    shots(head_page, "ranking-published")

    # 4. The unit sees the published ranking with its rank and band, and the block year page's columns.
    page.goto(f"/cham-diem/nam/{bloc_year.uid}/")
    row = page.locator("table.ranking tbody tr", has_text="Ban Tuyên giáo Tỉnh ủy")
    expect(row.locator("td").first).to_have_text("1")
    expect(row.locator(".band")).to_have_text("Tốt")
    page.goto(f"/khoi-thi-dua/nam/{bloc_year.uid}/")
    member = page.locator("tr", has_text="Ban Tuyên giáo Tỉnh ủy").filter(has_text="Hạng")
    expect(member).to_contain_text("Hạng 1 — Tốt")
    shots(page, "year-page-columns")
    body = page.locator("main").inner_text() + head_page.locator("main").inner_text()
    for word in ("None", "True", "False", "PUBLISHED", "APPRAISED", "XUAT_SAC", "MORE_BONUS"):
        assert word not in body
    # The refused save (no reason) answers 400 with the form; nothing else may fail.
    browser_log.assert_clean(allow_status=(400,))
    context.close()


def test_officer_builds_a_criteria_set_edits_a_row_inline_and_versions_it_once_in_use(world, page, browser_log, shots):
    from thidua.blocs import actions as blocs
    from thidua.blocs.models import BlocKind
    from thidua.scoring import actions
    from thidua.scoring.models import CriteriaSet

    bloc = blocs.do_create_bloc(actor=None, province=world.an_giang, data={"name": "Khối các cơ quan Đảng tỉnh", "kind": BlocKind.KHOI})
    year, _ = blocs.do_open_year(actor=None, bloc=bloc, year=YEAR)
    for unit in (world.tuyen_giao, world.to_chuc):
        blocs.do_add_member(actor=None, bloc_year=year, unit=unit)
    login(page, world.an_officer)
    page.goto("/cham-diem/bang-tieu-chi/")
    page.get_by_role("link", name="Lập bảng tiêu chí").click()
    page.get_by_label("Tên bảng tiêu chí").fill("Bảng tiêu chí khối Đảng")
    page.get_by_label("Năm").fill(str(YEAR))
    page.get_by_label("Khối, cụm").select_option(label="Khối các cơ quan Đảng tỉnh")
    page.get_by_label("Khi bằng điểm, xét trước").select_option(label="Nhiều điểm thưởng hơn")
    page.get_by_role("button", name="Lập bảng tiêu chí").click()
    expect(page.get_by_text("Đã lập bảng tiêu chí “Bảng tiêu chí khối Đảng”")).to_be_visible()
    for code, title, kind, max_points, parent in (
        ("1", "Công tác chuyên môn", "Nhóm tiêu chí", "100", None),
        ("1.1", "Hoàn thành nhiệm vụ được giao", "Tiêu chí chấm điểm", "100", "1. Công tác chuyên môn"),
    ):
        if parent:
            page.get_by_label("Thuộc nhóm").select_option(label=parent)
        page.get_by_label("Số thứ tự").fill(code)
        page.get_by_label("Nội dung tiêu chí").fill(title)
        page.get_by_label("Loại").select_option(label=kind)
        page.get_by_label("Điểm tối đa").fill(max_points)
        page.get_by_role("button", name="Thêm", exact=True).click()
        expect(page.locator("table.tree").get_by_text(title)).to_be_visible()
    # Inline edit (HTMX): the row turns into a form in place.
    row = page.locator("table.tree tr", has_text="Hoàn thành nhiệm vụ được giao")
    row.get_by_role("link", name="Sửa").click()
    editing = page.locator("tr.editing")
    expect(editing).to_be_visible()
    editing.get_by_label("Hướng dẫn chấm").fill("Hoàn thành 100% nhiệm vụ: 100 điểm; mỗi nhiệm vụ chậm trừ 5 điểm")
    editing.get_by_role("button", name="Lưu tiêu chí").click()
    expect(page.get_by_text("Đã lưu tiêu chí 1.1.")).to_be_visible()
    expect(page.get_by_text("mỗi nhiệm vụ chậm trừ 5 điểm")).to_be_visible()
    shots(page, "criteria-set")

    # Once a round uses it, the set is frozen: the page says why and offers a new version.
    criteria_set = CriteriaSet.objects.get(name="Bảng tiêu chí khối Đảng")
    actions.do_open_round(actor=None, bloc_year=year, criteria_set=criteria_set)
    page.reload()
    expect(page.get_by_text("Bảng tiêu chí này đang được sử dụng nên không sửa được")).to_be_visible()
    expect(page.get_by_role("link", name="Sửa")).to_have_count(0)
    page.get_by_role("button", name="Tạo phiên bản mới để sửa").click()
    expect(page.get_by_text("phiên bản 2")).to_be_visible()
    expect(page.locator("table.tree tr", has_text="Hoàn thành nhiệm vụ được giao").get_by_role("link", name="Sửa")).to_be_visible()
    browser_log.assert_clean()
