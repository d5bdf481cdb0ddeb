"""Issue #19, seen on the way: block years opened out of order copy the NEAREST year's members;
several members are added in one submit (page and API); unit pickers name each unit's province
(and an ended unit's period) and long pickers carry a filter box."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from thidua.accounts import actions as account_actions
from thidua.audit.models import AuditLog
from thidua.blocs import actions as bloc_actions
from thidua.blocs.models import Membership
from thidua.org import actions as org_actions

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def _bloc(world):
    return bloc_actions.do_create_bloc(actor=None, province=world.an_giang, data={"name": "Khối các cơ quan Đảng tỉnh", "kind": "KHOI"})


def _unit(world, name, **extra):
    return org_actions.do_create_unit(actor=None, province=world.an_giang_old, data={"name": name, "kind": "PARTY", **extra})


def _members(bloc_year) -> set[str]:
    return set(bloc_year.memberships.filter(left_on__isnull=True).values_list("unit__name", flat=True))


def test_an_earlier_year_copies_the_nearest_year(world):
    """2015 has one member, 2024 two: 2023 opened afterwards takes 2024's list (one year away), not 2015's."""
    bloc = _bloc(world)
    y2015, _ = bloc_actions.do_open_year(actor=None, bloc=bloc, year=2015, copy_members=False)
    bloc_actions.do_add_member(actor=None, bloc_year=y2015, unit=world.tuyen_giao)
    y2024, _ = bloc_actions.do_open_year(actor=None, bloc=bloc, year=2024, copy_members=False)
    bloc_actions.do_add_members(actor=None, bloc_year=y2024, units=[world.tuyen_giao, world.to_chuc])
    y2023, _ = bloc_actions.do_open_year(actor=None, bloc=bloc, year=2023, copy_members=True)
    assert _members(y2023) == {"Ban Tuyên giáo Tỉnh ủy", "Ban Tổ chức Tỉnh ủy"}
    assert set(y2023.memberships.values_list("reason", flat=True)) == {"Theo danh sách thành viên năm 2024"}
    # 2016 is nearer to 2015 than to 2023: the earlier year's list, carried forward as before.
    y2016, _ = bloc_actions.do_open_year(actor=None, bloc=bloc, year=2016, copy_members=True)
    assert _members(y2016) == {"Ban Tuyên giáo Tỉnh ủy"}
    assert set(y2016.memberships.values_list("reason", flat=True)) == {"Tiếp tục từ năm 2015"}


def test_several_members_in_one_submit_on_the_page(world):
    bloc = _bloc(world)
    year, _ = bloc_actions.do_open_year(actor=None, bloc=bloc, year=2024, copy_members=False)
    kiem_tra = _unit(world, "Ủy ban Kiểm tra Tỉnh ủy")
    ended = _unit(world, "Ban Bảo vệ, chăm sóc sức khỏe cán bộ tỉnh", established_on=dt.date(2010, 1, 1), ended_on=dt.date(2019, 6, 30))
    client = Client()
    client.force_login(world.an_officer)
    page = client.get(reverse("blocs:year_detail", args=[year.uid])).content.decode()
    # A checkbox list, each unit named with its province; units of other provinces or ended before the year are not offered.
    assert 'class="searchable-list"' in page and 'type="checkbox" name="units"' in page
    assert f"Ủy ban Kiểm tra Tỉnh ủy ({world.an_giang_old.name})" in page
    assert "Sở Nội vụ" not in page and ended.name not in page

    before = AuditLog.objects.filter(action="blocs.member.add").count()
    answer = client.post(reverse("blocs:member_add", args=[year.uid]), {"units": [str(world.tuyen_giao.uid), str(world.to_chuc.uid), str(kiem_tra.uid)]})
    assert answer.status_code == 302
    assert _members(year) == {"Ban Tuyên giáo Tỉnh ủy", "Ban Tổ chức Tỉnh ủy", "Ủy ban Kiểm tra Tỉnh ủy"}
    assert AuditLog.objects.filter(action="blocs.member.add").count() == before + 3
    shown = client.get(reverse("blocs:year_detail", args=[year.uid])).content.decode()
    assert "Đã thêm 3 đơn vị vào khối năm 2024" in shown

    # Nothing chosen: a Vietnamese message, nothing written.
    empty = client.post(reverse("blocs:member_add", args=[year.uid]), {"units": []})
    assert empty.status_code == 400 and "Hãy chọn ít nhất một đơn vị." in empty.content.decode()
    # A unit already in another block of the same kind that year: none of the chosen units is added.
    other = bloc_actions.do_create_bloc(actor=None, province=world.an_giang, data={"name": "Khối các cơ quan tham mưu", "kind": "KHOI"})
    other_year, _ = bloc_actions.do_open_year(actor=None, bloc=other, year=2024, copy_members=False)
    dan_van = _unit(world, "Ban Dân vận Tỉnh ủy")
    noi_chinh = _unit(world, "Ban Nội chính Tỉnh ủy")
    refused = client.post(reverse("blocs:member_add", args=[other_year.uid]), {"units": [str(dan_van.uid), str(kiem_tra.uid)]})
    text = refused.content.decode()
    assert refused.status_code == 400 and "Chưa thêm đơn vị nào" in text and "Khối các cơ quan Đảng tỉnh" in text
    assert not other_year.memberships.exists()
    assert not Membership.objects.filter(unit=noi_chinh).exists()


def test_several_members_in_one_request_through_the_api(world):
    bloc = _bloc(world)
    year, _ = bloc_actions.do_open_year(actor=None, bloc=bloc, year=2024, copy_members=False)
    _, secret = account_actions.do_create_api_token(actor=world.an_officer, name="Khối thi đua")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    url = f"/api/v1/bloc-years/{year.uid}/members/batch"
    created = api.post(url, {"units": [str(world.tuyen_giao.uid), str(world.to_chuc.uid)], "reason": "Theo Quyết định thành lập khối"},
                       content_type="application/json")
    assert created.status_code == 201, created.content
    assert sorted(m["unit"]["name"] for m in created.json()) == ["Ban Tuyên giáo Tỉnh ủy", "Ban Tổ chức Tỉnh ủy"]
    again = api.post(url, {"units": [str(world.tuyen_giao.uid)]}, content_type="application/json")
    assert again.status_code == 422 and "đã là thành viên" in again.json()["error"]["message"]
    empty = api.post(url, {"units": []}, content_type="application/json")
    assert empty.status_code == 422
    foreign = api.post(url, {"units": [str(world.qn_unit.uid)]}, content_type="application/json")
    assert foreign.status_code == 404
    assert year.memberships.count() == 2


def test_unit_pickers_name_the_province_and_filter_long_lists(world):
    """The administrator sees a "Văn phòng Tỉnh ủy" in two provinces: every picker says which."""
    from thidua.blocs.forms import LeadershipForm
    from thidua.org.models import Unit
    from thidua.voting.forms import PollForm

    org_actions.do_create_unit(actor=None, province=world.quang_ninh, data={"name": "Văn phòng Tỉnh ủy", "kind": "PARTY"})
    _unit(world, "Văn phòng Tỉnh ủy", established_on=dt.date(2008, 1, 1), ended_on=dt.date(2025, 6, 30))
    units = Unit.objects.filter(name="Văn phòng Tỉnh ủy")
    # A plain ModelChoiceField (the leadership form) is labelled too, when rendered.
    html = str(LeadershipForm(members=units)["head_unit"])
    assert f"Văn phòng Tỉnh ủy ({world.quang_ninh.name})</option>" in html
    assert f"Văn phòng Tỉnh ủy ({world.an_giang_old.name}) — hoạt động 01/01/2008–30/06/2025</option>" in html
    # A multiple choice among units (candidates of a vote) as well.
    poll_form = PollForm(units=units)
    assert f"Văn phòng Tỉnh ủy ({world.quang_ninh.name})" in str(poll_form["candidate_units"])

    client = Client()
    client.force_login(world.admin)
    choose = client.get(reverse("initiatives:create")).content.decode()
    assert f"Văn phòng Tỉnh ủy ({world.quang_ninh.name})</option>" in choose


def test_the_election_links_its_meeting_and_the_year_it_elected(world):
    """Thái Bình, An Giang: the head of next year is elected at this year's review. Next year's page
    names the meeting (of this year); the meeting's page names the year it elected."""
    from thidua.blocs.models import BlocYear

    bloc = _bloc(world)
    y2023, _ = bloc_actions.do_open_year(actor=None, bloc=bloc, year=2023, copy_members=False)
    bloc_actions.do_add_members(actor=None, bloc_year=y2023, units=[world.tuyen_giao, world.to_chuc])
    y2024, _ = bloc_actions.do_open_year(actor=None, bloc=bloc, year=2024, copy_members=True)
    meeting = bloc_actions.do_record_meeting(actor=None, bloc_year=y2023, data={
        "kind": "ANNUAL_REVIEW", "held_on": dt.date(2023, 12, 29), "place": "Long Xuyên"}, attending=[world.tuyen_giao, world.to_chuc])
    y2024 = BlocYear.objects.get(pk=y2024.pk)
    bloc_actions.do_set_leadership(actor=None, bloc_year=y2024, head_unit=world.to_chuc, deputy_unit=world.tuyen_giao,
                                   decided_on=dt.date(2023, 12, 29), expected_version=y2024.version)
    client = Client()
    client.force_login(world.an_officer)
    year_page = client.get(reverse("blocs:year_detail", args=[y2024.uid])).content.decode()
    assert f'href="{reverse("blocs:meeting_detail", args=[meeting.uid])}"' in year_page and "ngày 29/12/2023" in year_page
    meeting_page = client.get(reverse("blocs:meeting_detail", args=[meeting.uid])).content.decode()
    assert f'Hội nghị này bầu Trưởng khối, Phó Trưởng khối <a href="{reverse("blocs:year_detail", args=[y2024.uid])}">năm 2024</a>' in meeting_page
    # Another meeting of 2023 elected nobody: no such line.
    other = bloc_actions.do_record_meeting(actor=None, bloc_year=y2023, data={
        "kind": "INTERIM_REVIEW", "held_on": dt.date(2023, 7, 7), "place": "Long Xuyên"}, attending=[world.tuyen_giao])
    assert "Hội nghị này bầu" not in client.get(reverse("blocs:meeting_detail", args=[other.uid])).content.decode()


def test_poll_page_with_show_of_hands_and_the_default_method(world):
    """"Biểu quyết công khai" with the form's default method: the poll is created as a show of hands,
    no message about "Biểu quyết giơ tay"."""
    from thidua.voting import actions as voting
    from thidua.voting.models import Council, Poll

    voting.do_create_council(actor=None, province=world.an_giang, data={"name": "Hội đồng TĐKT Ban Tổ chức Tỉnh ủy", "level": "UNIT", "unit": world.to_chuc})
    council = Council.objects.get()
    client = Client()
    client.force_login(world.an_officer)
    form = client.get(reverse("voting:poll_create")).content.decode()
    assert '<option value="APPROVE_EACH" selected>' in form
    answer = client.post(reverse("voting:poll_create"), {
        "title": "Biểu quyết thông qua danh sách đề nghị", "council": council.pk, "electorate": "COUNCIL", "subject": "QUESTION",
        "method": "APPROVE_EACH", "mode": "SHOW_OF_HANDS", "threshold_pct": "50", "held_on": "05/01/2026",
        "candidate_names": "Danh sách đề nghị",
    })
    assert answer.status_code == 302, answer.content.decode()[:2000]
    poll = Poll.objects.get()
    assert (poll.mode, poll.method) == ("SHOW_OF_HANDS", "SHOW_OF_HANDS")
