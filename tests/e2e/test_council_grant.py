"""Browser test: an officer grants the council secretary role on one council; the secretary then
sees that council only."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from tests.e2e.helpers import login


def _warm_up(page) -> None:
    """The live server's first page compiles the URLconf and templates; on a loaded machine that
    alone can pass the 10 s default, so the first visit gets longer."""
    page.goto("/dang-nhap/", timeout=60_000)


def test_officer_grants_a_council_secretary_who_then_sees_that_council_only(world, page, browser_log):
    from django.contrib.auth import get_user_model

    from thidua.accounts.models import AccountProfile, Grant
    from thidua.voting import actions

    ours = actions.do_create_council(actor=None, province=world.an_giang,
                                     data={"name": "Hội đồng Thi đua - Khen thưởng Ban Tổ chức Tỉnh ủy", "level": "UNIT", "unit": world.to_chuc})
    other = actions.do_create_council(actor=None, province=world.an_giang,
                                      data={"name": "Hội đồng Thi đua - Khen thưởng tỉnh An Giang", "level": "PROVINCE"})
    secretary = get_user_model().objects.create_user(username="thu-ky-hd", password="mat-khau-thu-ky-2026")
    AccountProfile.objects.filter(user=secretary).update(province=world.an_giang)
    profile = AccountProfile.objects.get(user=secretary)

    _warm_up(page)
    login(page, world.an_officer)
    page.goto(f"/tai-khoan/{profile.uid}/phan-quyen/")
    page.get_by_label("Vai trò").select_option(label="Thư ký hội đồng")
    page.get_by_label("Phạm vi").select_option(label="Một hội đồng thi đua, khen thưởng")
    page.get_by_label("Hội đồng thi đua, khen thưởng").select_option(label=ours.name)
    page.get_by_role("button", name="Phân quyền").click()
    expect(page.locator("main")).to_contain_text("Đã phân quyền.")
    expect(page.locator("main")).to_contain_text(ours.name)
    grant = Grant.objects.get(user=secretary)
    assert grant.council == ours and grant.valid_from == dt.date.today()

    page.context.clear_cookies()
    login(page, "thu-ky-hd", "mat-khau-thu-ky-2026")
    page.goto("/binh-xet/hoi-dong/")
    expect(page.get_by_role("link", name=ours.name)).to_be_visible()
    expect(page.get_by_role("link", name=other.name)).to_have_count(0)
    browser_log.assert_clean()
