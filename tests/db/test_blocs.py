import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from thidua.accounts.models import Role
from thidua.audit.models import AuditLog
from thidua.blocs import actions
from thidua.blocs.models import BlocKind, BlocYear, Membership
from thidua.core.access import scope_of
from thidua.core.errors import ActionError, ConcurrentEditError, NotPermitted
from thidua.org import actions as org_actions
from thidua.org.models import LineageEvent, LineageKind, LineageLink, LineageRole

pytestmark = pytest.mark.django_db


@pytest.fixture
def party_bloc(world):
    """The An Giang Party-agencies block, 2023, with three members."""
    noi_chinh = org_actions.do_create_unit(actor=None, province=world.an_giang_old, data={"name": "Ban Nội chính Tỉnh ủy", "kind": "PARTY"})
    bloc = actions.do_create_bloc(actor=world.an_officer, province=world.an_giang, data={"name": "Khối thi đua các cơ quan Đảng tỉnh", "kind": BlocKind.KHOI})
    year, _ = actions.do_open_year(actor=world.an_officer, bloc=bloc, year=2023)
    for unit in (world.tuyen_giao, world.to_chuc, noi_chinh):
        actions.do_add_member(actor=world.an_officer, bloc_year=year, unit=unit)
    world.noi_chinh = noi_chinh
    return bloc, year


def test_officer_sets_head_and_deputy_and_it_is_audited(world, party_bloc):
    bloc, year = party_bloc
    before = AuditLog.objects.count()
    actions.do_set_leadership(actor=world.an_officer, bloc_year=year, head_unit=world.tuyen_giao, deputy_unit=world.to_chuc, expected_version=year.version)
    year.refresh_from_db()
    assert (year.head_unit, year.deputy_unit) == (world.tuyen_giao, world.to_chuc)
    row = AuditLog.objects.get(action="blocs.year.leadership")
    assert row.changes["head_unit"] == [None, "Ban Tuyên giáo Tỉnh ủy"]
    assert AuditLog.objects.count() == before + 1


def test_head_and_deputy_must_be_distinct_members(world, party_bloc):
    bloc, year = party_bloc
    with pytest.raises(ActionError) as same:
        actions.do_set_leadership(actor=world.an_officer, bloc_year=year, head_unit=world.to_chuc, deputy_unit=world.to_chuc, expected_version=year.version)
    assert "hai đơn vị khác nhau" in same.value.message
    with pytest.raises(ActionError) as outsider:
        actions.do_set_leadership(actor=world.an_officer, bloc_year=year, head_unit=world.qn_unit, deputy_unit=world.to_chuc, expected_version=year.version)
    assert "không phải thành viên" in outsider.value.message
    year.refresh_from_db()
    assert year.head_unit is None


def test_a_block_year_needs_two_members(world):
    bloc = actions.do_create_bloc(actor=world.an_officer, province=world.an_giang, data={"name": "Cụm thử", "kind": BlocKind.CUM})
    year, _ = actions.do_open_year(actor=world.an_officer, bloc=bloc, year=2024)
    actions.do_add_member(actor=world.an_officer, bloc_year=year, unit=world.tuyen_giao)
    with pytest.raises(ActionError) as info:
        actions.do_set_leadership(actor=world.an_officer, bloc_year=year, head_unit=world.tuyen_giao, deputy_unit=world.to_chuc, expected_version=year.version)
    assert "ít nhất 2" in info.value.message


def test_a_unit_cannot_be_in_two_blocks_of_the_same_kind_in_a_year(world, party_bloc):
    other = actions.do_create_bloc(actor=world.an_officer, province=world.an_giang, data={"name": "Khối khác", "kind": BlocKind.KHOI})
    other_year, _ = actions.do_open_year(actor=world.an_officer, bloc=other, year=2023)
    with pytest.raises(ActionError) as info:
        actions.do_add_member(actor=world.an_officer, bloc_year=other_year, unit=world.tuyen_giao)
    assert "đã thuộc Khối thi đua các cơ quan Đảng tỉnh năm 2023" in info.value.message
    assert not Membership.objects.filter(bloc_year=other_year).exists()
    # A cluster (cụm) is another kind: the same unit may sit in one.
    cum = actions.do_create_bloc(actor=world.an_officer, province=world.an_giang, data={"name": "Cụm các ban", "kind": BlocKind.CUM, "parent": party_bloc[0]})
    cum_year, _ = actions.do_open_year(actor=world.an_officer, bloc=cum, year=2023)
    actions.do_add_member(actor=world.an_officer, bloc_year=cum_year, unit=world.tuyen_giao)


@pytest.mark.sqlite
def test_the_database_itself_refuses_a_second_block_of_the_same_kind(world, party_bloc):
    bloc, year = party_bloc
    other = actions.do_create_bloc(actor=world.an_officer, province=world.an_giang, data={"name": "Khối khác", "kind": BlocKind.KHOI})
    other_year, _ = actions.do_open_year(actor=world.an_officer, bloc=other, year=2023)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(province=world.an_giang, bloc_year=other_year, unit=world.tuyen_giao, year=2023, bloc_kind=BlocKind.KHOI)


def test_the_head_units_officer_is_block_head_for_that_year_only(world, party_bloc):
    bloc, year = party_bloc
    actions.do_set_leadership(actor=world.an_officer, bloc_year=year, head_unit=world.tuyen_giao, deputy_unit=world.to_chuc, expected_version=year.version)
    assert scope_of(world.unit_officer, on=dt.date(2023, 6, 1)).bloc_ids_for("bloc.lead") == {bloc.pk}
    assert scope_of(world.unit_officer, on=dt.date(2024, 1, 1)).bloc_ids_for("bloc.lead") == set()
    assert Role.BLOCK_HEAD in scope_of(world.unit_officer, on=dt.date(2023, 12, 31)).roles()


def test_block_head_may_record_next_years_leadership_but_not_change_members(world, party_bloc):
    bloc, year = party_bloc
    actions.do_set_leadership(actor=world.an_officer, bloc_year=year, head_unit=world.tuyen_giao, deputy_unit=world.to_chuc, expected_version=year.version)
    year.refresh_from_db()
    today = dt.date.today()
    # Make 2023's head term cover today so the derived role is active now.
    BlocYear.objects.filter(pk=year.pk).update(year=today.year)
    year.refresh_from_db()
    fresh_user = type(world.unit_officer).objects.get(pk=world.unit_officer.pk)
    actions.do_set_leadership(actor=fresh_user, bloc_year=year, head_unit=world.to_chuc, deputy_unit=world.noi_chinh, expected_version=year.version)
    with pytest.raises(NotPermitted):
        actions.do_add_member(actor=fresh_user, bloc_year=year, unit=world.qn_unit)


def test_opening_a_year_carries_members_and_passes_a_merged_units_seat_to_its_successor(world, party_bloc):
    bloc, year = party_bloc
    merged = org_actions.do_create_unit(actor=None, province=world.an_giang, data={"name": "Ban Tuyên giáo và Dân vận Tỉnh ủy", "kind": "PARTY"})
    event = LineageEvent.objects.create(province=world.an_giang, kind=LineageKind.MERGE, effective_on=dt.date(2025, 7, 1))
    LineageLink.objects.create(province=world.an_giang, event=event, unit=world.tuyen_giao, role=LineageRole.FROM)
    LineageLink.objects.create(province=world.an_giang, event=event, unit=merged, role=LineageRole.TO)
    type(world.tuyen_giao).objects.filter(pk=world.tuyen_giao.pk).update(ended_on=dt.date(2025, 6, 30))
    new_year, notes = actions.do_open_year(actor=world.an_officer, bloc=bloc, year=2026)
    units = set(new_year.memberships.values_list("unit__name", flat=True))
    assert "Ban Tuyên giáo và Dân vận Tỉnh ủy" in units and "Ban Tuyên giáo Tỉnh ủy" not in units
    membership = new_year.memberships.get(unit=merged)
    assert "Ban Tuyên giáo Tỉnh ủy" in membership.lineage_note
    assert any("kế thừa" in n for n in notes)


def test_leaving_needs_a_reason_and_a_date_not_before_joining(world, party_bloc):
    bloc, year = party_bloc
    membership = year.memberships.get(unit=world.noi_chinh)
    with pytest.raises(ActionError):
        actions.do_remove_member(actor=world.an_officer, membership=membership, left_on=dt.date(2023, 5, 1), reason=" ")
    Membership.objects.filter(pk=membership.pk).update(joined_on=dt.date(2023, 3, 1))
    membership.refresh_from_db()
    with pytest.raises(ActionError) as info:
        actions.do_remove_member(actor=world.an_officer, membership=membership, left_on=dt.date(2023, 2, 1), reason="Sáp nhập")
    assert "không được trước ngày tham gia" in info.value.message
    actions.do_remove_member(actor=world.an_officer, membership=membership, left_on=dt.date(2023, 9, 1), reason="Chuyển sang khối khác")
    membership.refresh_from_db()
    assert membership.left_on == dt.date(2023, 9, 1)


@pytest.mark.sqlite
def test_two_officers_recording_leadership_at_once_one_is_told_it_changed(world, party_bloc):
    bloc, year = party_bloc
    stale = year.version
    actions.do_set_leadership(actor=world.an_officer, bloc_year=BlocYear.objects.get(pk=year.pk), head_unit=world.tuyen_giao, deputy_unit=world.to_chuc, expected_version=stale)
    with pytest.raises(ConcurrentEditError):
        actions.do_set_leadership(actor=world.an_officer, bloc_year=BlocYear.objects.get(pk=year.pk), head_unit=world.to_chuc, deputy_unit=world.tuyen_giao, expected_version=stale)
    assert BlocYear.objects.get(pk=year.pk).head_unit == world.tuyen_giao


@pytest.mark.sqlite
def test_block_pages_render_in_vietnamese_and_hide_other_provinces(world, party_bloc, client_for):
    bloc, year = party_bloc
    client = client_for(world.an_officer)
    for url in (reverse("blocs:bloc_list"), reverse("blocs:bloc_detail", args=[bloc.uid]), reverse("blocs:year_detail", args=[year.uid]), reverse("blocs:bloc_create")):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "Khối" in html and "None" not in html
        assert "2.023" not in html  # years are never printed with a thousands separator
        head = html.split("</title>")[0]
        assert "<h2>" not in head and html.count("Phong trào do khối phát động") <= 1
    outsider = client_for(world.qn_officer)
    assert outsider.get(reverse("blocs:bloc_detail", args=[bloc.uid])).status_code == 404
    assert outsider.get(reverse("blocs:year_detail", args=[year.uid])).status_code == 404


def test_member_unit_officer_sees_the_block_but_cannot_manage_it(world, party_bloc, client_for):
    bloc, year = party_bloc
    client = client_for(world.unit_officer)
    assert client.get(reverse("blocs:bloc_detail", args=[bloc.uid])).status_code == 200
    response = client.post(reverse("blocs:member_add", args=[year.uid]), {"units": [str(world.qn_unit.uid)]})
    assert response.status_code == 403


def test_adding_a_member_through_the_page(world, party_bloc, client_for):
    bloc, year = party_bloc
    new_unit = org_actions.do_create_unit(actor=None, province=world.an_giang, data={"name": "Báo An Giang", "kind": "PUBLIC_SERVICE"})
    client = client_for(world.an_officer)
    response = client.post(reverse("blocs:member_add", args=[year.uid]), {"units": [str(new_unit.uid)], "joined_on": "05/03/2023", "reason": ""})
    assert response.status_code == 302
    membership = year.memberships.get(unit=new_unit)
    assert membership.joined_on == dt.date(2023, 3, 5)


def test_meetings_record_attendance_and_refuse_non_members(world, party_bloc, client_for):
    from thidua.blocs.models import Meeting

    bloc, year = party_bloc
    data = {"kind": "ANNUAL_REVIEW", "held_on": dt.date(2024, 1, 4), "place": "Long Xuyên", "chair": "Trưởng khối", "guests": "Đại diện Ban Thi đua - Khen thưởng tỉnh"}
    meeting = actions.do_record_meeting(actor=world.an_officer, bloc_year=year, data=data, attending=[world.tuyen_giao, world.to_chuc])
    assert set(meeting.attendance.values_list("unit__name", flat=True)) == {"Ban Tuyên giáo Tỉnh ủy", "Ban Tổ chức Tỉnh ủy"}
    with pytest.raises(ActionError) as info:
        actions.do_record_meeting(actor=world.an_officer, bloc_year=year, data=data, attending=[world.qn_unit])
    assert "khách mời" in info.value.message
    with pytest.raises(ActionError):
        actions.do_record_meeting(actor=world.an_officer, bloc_year=year, data={**data, "held_on": dt.date(2026, 1, 1)}, attending=[])
    assert Meeting.objects.count() == 1
    page = client_for(world.an_officer).get(reverse("blocs:year_detail", args=[year.uid])).content.decode()
    assert "Hội nghị tổng kết năm" in page and "04/01/2024" in page


def test_home_lists_overdue_items_for_the_head_and_what_a_unit_owes(world, client_for):
    from thidua.blocs.selectors import todo_for
    from thidua.movements import actions as movement_actions

    today = dt.date.today()
    bloc = actions.do_create_bloc(actor=world.an_officer, province=world.an_giang, data={"name": "Khối thi đua các cơ quan Đảng tỉnh", "kind": BlocKind.KHOI})
    year, _ = actions.do_open_year(actor=world.an_officer, bloc=bloc, year=today.year)
    for unit in (world.tuyen_giao, world.to_chuc):
        actions.do_add_member(actor=world.an_officer, bloc_year=year, unit=unit)
    actions.do_set_deadline(actor=world.an_officer, bloc_year=year, kind="REGISTRATION", due_on=today - dt.timedelta(days=3))
    officer_items = [i["text"] for i in todo_for(world.an_officer)]
    assert any("quá hạn “Đăng ký thi đua”" in t for t in officer_items)
    unit_items = [i["text"] for i in todo_for(world.unit_officer)]
    assert any("chưa gửi đăng ký thi đua" in t for t in unit_items)
    registration = movement_actions.do_start_registration(actor=world.unit_officer, bloc_year=year, unit=world.tuyen_giao)
    movement_actions.do_update_registration(actor=world.unit_officer, registration=registration, targets="", items=[{"subject_kind": "collective", "award": "TTLDTT"}], expected_version=registration.version)
    movement_actions.do_submit_registration(actor=world.unit_officer, registration=registration, expected_version=registration.version)
    assert not any("chưa gửi" in i["text"] for i in todo_for(world.unit_officer))
    assert any("1 bản đăng ký thi đua chờ duyệt" in i["text"] for i in todo_for(world.an_officer))
    home = client_for(world.an_officer).get(reverse("home")).content.decode()
    assert "Việc cần làm" in home and "Quá hạn" in home


def test_rotation_order_and_deadlines_are_set_from_the_pages(world, party_bloc, client_for):
    bloc, year = party_bloc
    client = client_for(world.an_officer)
    response = client.post(reverse("blocs:rotation_set", args=[bloc.uid]), {f"order-{world.to_chuc.uid}": "1", f"order-{world.tuyen_giao.uid}": "2"})
    assert response.status_code == 302
    assert list(bloc.rotation.values_list("unit__name", flat=True)) == ["Ban Tổ chức Tỉnh ủy", "Ban Tuyên giáo Tỉnh ủy"]
    client.post(reverse("blocs:rotation_set", args=[bloc.uid]), {f"order-{world.to_chuc.uid}": "1", f"order-{world.tuyen_giao.uid}": "1"})
    assert bloc.rotation.count() == 2  # a duplicate number changes nothing
    client.post(reverse("blocs:deadline_set", args=[year.uid]), {"kind": "COVENANT", "due_on": "15/04/2023"})
    assert year.deadlines.get(kind="COVENANT").due_on == dt.date(2023, 4, 15)
    client.post(reverse("blocs:deadline_set", args=[year.uid]), {"kind": "COVENANT", "due_on": "15/04/2030"})
    assert year.deadlines.get(kind="COVENANT").due_on == dt.date(2023, 4, 15)
    assert client_for(world.unit_officer).post(reverse("blocs:rotation_set", args=[bloc.uid]), {}).status_code == 403


def test_province_default_calendar_is_used_when_a_year_opens(world, client_for):
    client = client_for(world.an_officer)
    page = client.get(reverse("blocs:deadline_defaults")).content.decode()
    assert "31/03" in page and "Mặc định" in page
    data = {"REGISTRATION": "15/02", "COVENANT": "31/03", "INTERIM_REVIEW": "15/07", "PROPOSALS": "10/12", "ANNUAL_REVIEW": "31/12"}
    assert client.post(reverse("blocs:deadline_defaults"), data).status_code == 302
    bad = dict(data, COVENANT="30/02")
    client.post(reverse("blocs:deadline_defaults"), bad)
    bloc = actions.do_create_bloc(actor=world.an_officer, province=world.an_giang, data={"name": "Cụm mới", "kind": BlocKind.CUM})
    year, _ = actions.do_open_year(actor=world.an_officer, bloc=bloc, year=2027)
    assert year.deadlines.get(kind="REGISTRATION").due_on == dt.date(2027, 2, 15)
    assert year.deadlines.get(kind="COVENANT").due_on == dt.date(2027, 3, 31)  # 30/02 was refused
    assert client_for(world.viewer).get(reverse("blocs:deadline_defaults")).status_code == 403


def test_a_role_on_one_block_reaches_that_block_and_its_members_only(world, party_bloc, client_for):
    from thidua.accounts.actions import do_add_grant
    from thidua.accounts.models import Grant, ScopeKind
    from thidua.core.access import scoped
    from tests.factories import make_user
    from thidua.org.models import Unit

    bloc, year = party_bloc
    other = actions.do_create_bloc(actor=world.an_officer, province=world.an_giang, data={"name": "Khối khác", "kind": BlocKind.KHOI})
    secretary = make_user("thu-ky-khoi")
    with pytest.raises(ActionError):
        do_add_grant(actor=world.admin, user=secretary, role="VIEWER", scope_kind=ScopeKind.BLOCK, province=world.an_giang, valid_from=dt.date(2020, 1, 1))
    grant = do_add_grant(actor=world.admin, user=secretary, role="VIEWER", scope_kind=ScopeKind.BLOCK, province=world.an_giang,
                         bloc=bloc, valid_from=dt.date(2020, 1, 1))
    assert grant.bloc == bloc and Grant.objects.filter(user=secretary).count() == 1
    from thidua.blocs.models import Bloc

    assert set(scoped(secretary, Bloc)) == {bloc}
    assert set(scoped(secretary, Unit).values_list("name", flat=True)) == {"Ban Tuyên giáo Tỉnh ủy", "Ban Tổ chức Tỉnh ủy", "Ban Nội chính Tỉnh ủy"}
    assert not scoped(secretary, Unit).filter(pk=world.qn_unit.pk).exists()
    client = client_for(secretary)
    assert client.get(reverse("blocs:bloc_detail", args=[bloc.uid])).status_code == 200
    assert client.get(reverse("blocs:bloc_detail", args=[other.uid])).status_code == 404
    # Through the page: the province officer (who now manages this account) picks the block scope.
    officer = client_for(world.an_officer)
    profile_uid = secretary.account_profile.uid
    response = officer.post(reverse("accounts:grant_add", args=[profile_uid]), {
        "role": "BLOCK_HEAD", "scope_kind": "BLOCK", "province": world.an_giang.pk, "bloc": other.pk, "valid_from": "01/01/2026"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Grant.objects.filter(user=secretary, bloc=other, role="BLOCK_HEAD").exists()


def test_forms_and_calendar_speak_vietnamese(world, party_bloc, client_for):
    from thidua.blocs.models import Meeting

    bloc, year = party_bloc
    client = client_for(world.an_officer)
    pages = [reverse("blocs:bloc_create"), reverse("blocs:year_detail", args=[year.uid]), reverse("movements:movement_create")]
    for url in pages:
        assert "---------" not in client.get(url).content.decode(), url
    # A past year whose tổng kết meeting was recorded shows that item as done, not overdue.
    actions.do_record_meeting(actor=world.an_officer, bloc_year=year, data={"kind": "ANNUAL_REVIEW", "held_on": dt.date(2023, 12, 29), "place": "An Giang"}, attending=[])
    html = client.get(reverse("blocs:year_detail", args=[year.uid])).content.decode()
    assert "Đã xong" in html and Meeting.objects.count() == 1


def test_a_member_sees_the_other_members_by_name_without_a_link_it_could_not_open(world, client):
    bloc = actions.do_create_bloc(actor=None, province=world.an_giang, data={"name": "Khối thi đua các cơ quan Đảng tỉnh", "kind": BlocKind.KHOI})
    year, _ = actions.do_open_year(actor=None, bloc=bloc, year=2024)
    for unit in (world.tuyen_giao, world.to_chuc):
        actions.do_add_member(actor=None, bloc_year=year, unit=unit)
    client.force_login(world.unit_officer)  # Ban Tuyên giáo's officer
    page = client.get(reverse("blocs:year_detail", args=[year.uid])).content.decode()
    assert reverse("org:unit_detail", args=[world.tuyen_giao.uid]) in page
    assert world.to_chuc.name in page and reverse("org:unit_detail", args=[world.to_chuc.uid]) not in page
    client.force_login(world.an_officer)
    page = client.get(reverse("blocs:year_detail", args=[year.uid])).content.decode()
    assert reverse("org:unit_detail", args=[world.to_chuc.uid]) in page
