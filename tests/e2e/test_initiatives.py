"""Browser test of the initiatives registry: register an initiative and see a planted copy flagged,
with its overlapping passages side by side, before saving; then save it anyway and find it."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.core.initiative_corpus import planted
from tests.e2e.helpers import login


def test_register_an_initiative_and_see_the_planted_copy_flagged(world, page, browser_log, shots):
    from thidua.history.models import Initiative
    from thidua.initiatives import actions
    from thidua.org import actions as org_actions

    corpus = planted(seed=5, stored=8, copies=3, unrelated=1)
    author = org_actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Hà Thị Thu", "gender": "NU"})
    for text in corpus.stored:
        actions.do_register_initiative(None, {"title": text.title, "content": text.content, "year": text.year,
                                              "unit": world.tuyen_giao, "owners": [(author, 100)], "sector": text.field})
    copy, original_key = corpus.copies[2]
    original = next(t for t in corpus.stored if t.key == original_key)

    login(page, world.unit_officer)
    page.goto("/sang-kien/")
    page.get_by_role("link", name="Đăng ký sáng kiến").click()
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_label("Tên sáng kiến").fill(copy.title)
    page.locator("#id_year").fill("2025")
    page.locator("#id_content").fill(copy.content)
    page.locator("#id_owner_1").select_option(label="Hà Thị Thu")
    page.get_by_role("button", name="Lưu").click()

    warning = page.get_by_role("alert")
    expect(warning).to_contain_text("giống một hoặc nhiều sáng kiến đã lưu")
    first = page.locator(".match").first
    expect(first).to_contain_text(original.title)
    expect(first).to_contain_text("Nghi trùng lặp")
    assert first.locator(".passages tbody tr").count() >= 1
    row = first.locator(".passages tbody tr").first
    new_side, stored_side = row.locator("td").nth(0).inner_text(), row.locator("td").nth(1).inner_text()
    assert new_side in copy.content and stored_side in original.content
    assert Initiative.objects.count() == len(corpus.stored)  # nothing saved before the warning is confirmed
    shots(page, "copy-warning")

    page.get_by_label("Tôi đã xem các sáng kiến giống ở trên và vẫn muốn lưu").check()
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("h1")).to_contain_text("Nghi trùng lặp")
    expect(page.locator(".match").first).to_contain_text(original.title)
    page.goto("/sang-kien/?nghi-trung=1")
    expect(page.locator("table.list")).to_contain_text(copy.title)
    shots(page, "detail")
    browser_log.assert_clean(allow_status=(422,))
