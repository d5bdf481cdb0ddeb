from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.helpers import login


def test_static_files_load_without_console_errors_or_csp_violations(world, page, browser_log):
    loaded = {}
    page.on("response", lambda r: "/static/" in r.url and loaded.__setitem__(r.url.split("/static/")[1], r.status))
    login(page, world.an_officer)
    page.goto("/to-chuc/don-vi/")
    page.wait_for_load_state("networkidle")
    assert loaded.get("js/htmx.min.js") == 200, loaded
    assert loaded.get("js/app.js") == 200, loaded
    assert loaded.get("css/app.css") == 200, loaded
    assert page.evaluate("typeof window.htmx === 'object' && window.htmx.version.startsWith('2')")
    # The stylesheet really applies (not just downloaded): app.css sets the font and the header colour.
    assert "Liberation Sans" in page.evaluate("getComputedStyle(document.body).fontFamily")
    assert page.evaluate("getComputedStyle(document.querySelector('header.top')).display") == "flex"
    browser_log.assert_clean()


def test_unit_search_without_accents_updates_the_table_in_place(world, page, browser_log, shots):
    login(page, world.an_officer)
    page.goto("/to-chuc/don-vi/")
    table = page.locator("#unit-table")
    expect(table).to_contain_text("Ban Tuyên giáo Tỉnh ủy")
    expect(table).to_contain_text("Ban Tổ chức Tỉnh ủy")
    # A marker on window survives only if the table is swapped by htmx, not by a page load.
    page.evaluate("window.__stillHere = true")
    page.get_by_label("Tìm kiếm").press_sequentially("ban tuyen giao", delay=20)
    expect(table).not_to_contain_text("Ban Tổ chức Tỉnh ủy")
    expect(table.get_by_role("link", name="Ban Tuyên giáo Tỉnh ủy")).to_be_visible()
    assert page.evaluate("window.__stillHere === true")
    # hx-push-url: the address bar keeps the search, so reloading or sharing the link works.
    expect(page).to_have_url(re.compile(r"[?&]q=ban(\+|%20)tuyen(\+|%20)giao"))
    shots(page, "unit-search")
    # No unit of Quảng Ninh ever shows for the An Giang officer.
    expect(table).not_to_contain_text("Sở Nội vụ")
    browser_log.assert_clean()
