import datetime as dt

import pytest
from django.urls import reverse

from thidua.audit.models import AuditLog
from thidua.core.errors import ActionError, NotPermitted
from thidua.org import actions, selectors
from thidua.org.models import LineageEvent, LineageKind, LineageLink, Person, Position, Province, Unit

pytestmark = pytest.mark.django_db

DOC = {"decision_number": "1234-QĐ/TU", "decision_date": dt.date(2025, 2, 20), "decision_issuer": "Ban Thường vụ Tỉnh ủy"}


def unit(province, name, established=None, kind="PARTY"):
    return actions.do_create_unit(actor=None, province=province, data={"name": name, "kind": kind, "established_on": established})


def state():
    """Everything a refused operation must leave as it was."""
    return (
        sorted(Unit.objects.values_list("pk", "name", "ended_on")),
        LineageEvent.objects.count(),
        LineageLink.objects.count(),
        sorted(Person.objects.values_list("pk", "unit_id", "version")),
        Position.objects.count(),
        AuditLog.objects.count(),
    )


def test_two_step_chain_and_this_unit_with_its_predecessors(world):
    khoa_giao = unit(world.an_giang_old, "Ban Khoa giáo Tỉnh ủy")
    dan_van = unit(world.an_giang_old, "Ban Dân vận Tỉnh ủy")
    # 2007: Ban Khoa giáo joins Ban Tuyên giáo (an existing unit keeps going).
    actions.do_record_merge(actor=world.an_officer, sources=[khoa_giao], target=world.tuyen_giao, effective_on=dt.date(2007, 9, 1), decision=DOC)
    # 2025: Ban Tuyên giáo + Ban Dân vận → Ban Tuyên giáo và Dân vận Tỉnh ủy.
    event = actions.do_record_merge(
        actor=world.an_officer, sources=[world.tuyen_giao, dan_van], new_unit={"name": "Ban Tuyên giáo và Dân vận Tỉnh ủy", "kind": "PARTY"},
        effective_on=dt.date(2025, 3, 1), decision=DOC,
    )
    merged = event.links.get(role="TO").unit
    assert merged.established_on == dt.date(2025, 3, 1)
    assert Unit.objects.get(pk=dan_van.pk).ended_on == dt.date(2025, 2, 28)
    assert Unit.objects.get(pk=khoa_giao.pk).ended_on == dt.date(2007, 8, 31)
    assert {u.name for u, _ in selectors.predecessors(merged)} == {"Ban Tuyên giáo Tỉnh ủy", "Ban Dân vận Tỉnh ủy", "Ban Khoa giáo Tỉnh ủy"}
    assert [u.name for u, _ in selectors.predecessors(merged, transitive=False)] == ["Ban Dân vận Tỉnh ủy", "Ban Tuyên giáo Tỉnh ủy"]
    chain = set(Unit.objects.filter(selectors.with_predecessors(merged)).values_list("name", flat=True))
    assert chain == {"Ban Tuyên giáo và Dân vận Tỉnh ủy", "Ban Tuyên giáo Tỉnh ủy", "Ban Dân vận Tỉnh ủy", "Ban Khoa giáo Tỉnh ủy"}
    assert [u.name for u, _ in selectors.successors(khoa_giao)] == ["Ban Tuyên giáo Tỉnh ủy", "Ban Tuyên giáo và Dân vận Tỉnh ủy"]
    # Querying history across the lineage: people recorded at any predecessor.
    person = actions.do_create_person(actor=None, unit=world.to_chuc, data={"full_name": "Lê Văn An", "gender": "NAM"})
    Person.objects.filter(pk=person.pk).update(unit=khoa_giao)
    assert list(Person.objects.filter(unit__in=Unit.objects.filter(selectors.with_predecessors(merged)))) == [person]
    assert not Unit.objects.filter(selectors.with_predecessors(merged), name="Ban Tổ chức Tỉnh ủy").exists()


def test_merge_writes_one_audit_row_and_moves_people(world):
    dan_van = unit(world.an_giang_old, "Ban Dân vận Tỉnh ủy")
    person = actions.do_create_person(actor=None, unit=dan_van, data={"full_name": "Trần Thị Bình", "gender": "NU", "position_title": "Chuyên viên"})
    before = AuditLog.objects.count()
    event = actions.do_record_merge(
        actor=world.an_officer, sources=[world.tuyen_giao, dan_van], new_unit={"name": "Ban Tuyên giáo và Dân vận Tỉnh ủy", "kind": "PARTY"},
        effective_on=dt.date(2025, 3, 1), decision=DOC,
    )
    assert AuditLog.objects.count() == before + 1
    row = AuditLog.objects.get(action="org.lineage.merge")
    assert row.actor == world.an_officer
    assert row.changes["Ban Dân vận Tỉnh ủy — ngày chấm dứt hoạt động"] == [None, "2025-02-28"]
    assert row.changes["Đơn vị mới"] == [None, "Ban Tuyên giáo và Dân vận Tỉnh ủy"]
    assert row.changes["decision_number"] == [None, "1234-QĐ/TU"]
    merged = event.links.get(role="TO").unit
    stored = Person.objects.get(pk=person.pk)
    assert stored.unit == merged
    posts = list(Position.objects.filter(person=person).order_by("pk").values_list("unit__name", "start_date", "end_date"))
    assert posts == [("Ban Dân vận Tỉnh ủy", None, dt.date(2025, 2, 28)), ("Ban Tuyên giáo và Dân vận Tỉnh ủy", dt.date(2025, 3, 1), None)]


def test_merge_guard_rails_refuse_in_vietnamese_and_write_nothing(world):
    dan_van = unit(world.an_giang_old, "Ban Dân vận Tỉnh ủy", established=dt.date(2010, 5, 1))
    ended = unit(world.an_giang_old, "Ban Khoa giáo Tỉnh ủy")
    actions.do_record_dissolve(actor=None, unit=ended, effective_on=dt.date(2007, 9, 1), decision=DOC)
    new = {"name": "Ban Mới", "kind": "PARTY"}
    cases = [
        (dict(sources=[world.tuyen_giao], new_unit=new, effective_on=dt.date(2025, 3, 1)), "cần ít nhất hai đơn vị"),
        (dict(sources=[world.tuyen_giao, dan_van], target=dan_van, effective_on=dt.date(2025, 3, 1)), "vào chính nó"),
        (dict(sources=[world.tuyen_giao, ended], new_unit=new, effective_on=dt.date(2025, 3, 1)), "đã chấm dứt hoạt động từ 31/08/2007"),
        (dict(sources=[ended], target=world.tuyen_giao, effective_on=dt.date(2025, 3, 1)), "đã chấm dứt hoạt động"),
        (dict(sources=[world.tuyen_giao, dan_van], new_unit=new, effective_on=dt.date(2010, 5, 1)), "phải sau ngày thành lập của “Ban Dân vận Tỉnh ủy” (01/05/2010)"),
        (dict(sources=[world.tuyen_giao, world.qn_unit], new_unit=new, effective_on=dt.date(2025, 8, 1)), None),
        (dict(sources=[world.tuyen_giao, dan_van], new_unit=new, effective_on=None), "Hãy nhập ngày hiệu lực."),
        (dict(sources=[world.tuyen_giao, dan_van], new_unit={"name": "Ban Tổ chức Tỉnh ủy", "kind": "PARTY"}, effective_on=dt.date(2025, 3, 1)), "Đã có đơn vị đang hoạt động tên “Ban Tổ chức Tỉnh ủy”"),
    ]
    before = state()
    for kwargs, message in cases:
        with pytest.raises(ActionError) as info:
            actions.do_record_merge(actor=world.an_officer, decision=DOC, **kwargs)
        if message:
            assert message in info.value.message, (kwargs, info.value.message)
        assert state() == before
    with pytest.raises(ActionError) as info:
        actions.do_record_merge(actor=world.an_officer, sources=[world.tuyen_giao, dan_van], new_unit=new, effective_on=dt.date(2025, 3, 1), decision={**DOC, "decision_number": " "})
    assert info.value.message == "Hãy nhập số, ký hiệu văn bản quyết định."
    assert state() == before


def test_cross_province_merge_only_into_the_successor_province(world):
    kien_giang = Province.objects.get(name="Kiên Giang")
    an_giang_new = Province.objects.get(pk=world.an_giang.pk)
    kg_unit = unit(kien_giang, "Ban Tuyên giáo Tỉnh ủy Kiên Giang")
    before = state()
    # Before the provinces merged there is no common province.
    with pytest.raises(ActionError) as info:
        actions.do_record_merge(actor=world.an_officer, sources=[world.tuyen_giao, kg_unit], new_unit={"name": "Ban Tuyên giáo", "kind": "PARTY"}, effective_on=dt.date(2025, 3, 1), decision=DOC)
    assert "tỉnh kế thừa" in info.value.message
    # Nor into a unit of the other former province.
    with pytest.raises(ActionError) as info:
        actions.do_record_merge(actor=world.an_officer, sources=[world.tuyen_giao], target=kg_unit, effective_on=dt.date(2025, 8, 1), decision=DOC)
    assert "tỉnh kế thừa" in info.value.message
    # Nor across to Quảng Ninh, whatever the date — even for the system administrator.
    with pytest.raises(ActionError):
        actions.do_record_merge(actor=world.admin, sources=[world.tuyen_giao, world.qn_unit], new_unit={"name": "Ban X", "kind": "PARTY"}, effective_on=dt.date(2025, 8, 1), decision=DOC)
    assert state() == before
    # From 01/07/2025 the new unit belongs to the successor province.
    event = actions.do_record_merge(
        actor=world.an_officer, sources=[world.tuyen_giao, kg_unit], new_unit={"name": "Ban Tuyên giáo và Dân vận Tỉnh ủy An Giang", "kind": "PARTY"},
        effective_on=dt.date(2025, 7, 1), decision=DOC,
    )
    merged = event.links.get(role="TO").unit
    assert merged.province == an_giang_new and event.province == an_giang_new
    # A unit of a former province may also join an existing unit of the successor province.
    target = unit(an_giang_new, "Văn phòng Tỉnh ủy")
    kg_office = unit(kien_giang, "Văn phòng Tỉnh ủy Kiên Giang")
    actions.do_record_merge(actor=world.an_officer, sources=[kg_office], target=target, effective_on=dt.date(2025, 7, 1), decision=DOC)
    assert Unit.objects.get(pk=kg_office.pk).ended_on == dt.date(2025, 6, 30)


def test_only_province_managers_of_the_province_record_lineage(world, client_for):
    dan_van = unit(world.an_giang_old, "Ban Dân vận Tỉnh ủy")
    before = state()
    for actor in (world.unit_officer, world.qn_officer, world.viewer):
        with pytest.raises(NotPermitted):
            actions.do_record_merge(actor=actor, sources=[world.tuyen_giao, dan_van], new_unit={"name": "Ban Mới", "kind": "PARTY"}, effective_on=dt.date(2025, 3, 1), decision=DOC)
    assert state() == before
    assert client_for(world.unit_officer).get(reverse("org:lineage_merge")).status_code == 403
    # The Quảng Ninh officer's form does not even offer An Giang units.
    response = client_for(world.qn_officer).post(reverse("org:lineage_dissolve"), {"unit": str(dan_van.uid), "effective_on": "01/03/2025", **_doc_post()})
    assert "nằm ngoài phạm vi của bạn" in response.content.decode()
    assert state() == before


def _doc_post():
    return {"decision_number": "1234-QĐ/TU", "decision_date": "20/02/2025", "decision_issuer": "Ban Thường vụ Tỉnh ủy"}


def test_merge_from_the_form(world, client_for):
    dan_van = unit(world.an_giang_old, "Ban Dân vận Tỉnh ủy")
    client = client_for(world.an_officer)
    data = {"sources": [str(world.tuyen_giao.uid), str(dan_van.uid)], "new_name": "Ban Tuyên giáo và Dân vận Tỉnh ủy", "move_people": "on", "effective_on": "01/03/2025", **_doc_post()}
    response = client.post(reverse("org:lineage_merge"), data)
    merged = Unit.objects.get(name="Ban Tuyên giáo và Dân vận Tỉnh ủy")
    assert response.status_code == 302 and response["Location"] == reverse("org:unit_detail", args=[merged.uid])
    assert merged.kind == "PARTY" and merged.doc_format == "HD36"
    page = client.get(response["Location"]).content.decode()
    assert "Ban Dân vận Tỉnh ủy" in page and "28/02/2025" not in page  # predecessors are listed with the event date
    assert "01/03/2025" in page
    # A merge with only one source and no target: the form explains, nothing is written.
    before = state()
    response = client.post(reverse("org:lineage_merge"), {**data, "sources": [str(merged.uid)], "new_name": "Ban Khác"})
    assert "Hợp nhất thành đơn vị mới cần ít nhất hai đơn vị." in response.content.decode()
    assert state() == before


def test_split_ends_the_source_and_founds_the_new_units(world):
    event = actions.do_record_split(
        actor=world.an_officer, source=world.to_chuc, new_names=["Ban Tổ chức Tỉnh ủy", "Ủy ban Kiểm tra Tỉnh ủy"],
        effective_on=dt.date(2024, 1, 1), decision=DOC,
    )
    assert Unit.objects.get(pk=world.to_chuc.pk).ended_on == dt.date(2023, 12, 31)
    new_units = Unit.objects.filter(lineage_links__event=event, lineage_links__role="TO")
    assert sorted(u.name for u in new_units) == ["Ban Tổ chức Tỉnh ủy", "Ủy ban Kiểm tra Tỉnh ủy"]
    assert all(u.established_on == dt.date(2024, 1, 1) and u.kind == "PARTY" for u in new_units)
    row = AuditLog.objects.get(action="org.lineage.split")
    assert row.changes["Ban Tổ chức Tỉnh ủy — ngày chấm dứt hoạt động"] == [None, "2023-12-31"]
    before = state()
    with pytest.raises(ActionError) as info:
        actions.do_record_split(actor=world.an_officer, source=world.tuyen_giao, new_names=["Ban A"], effective_on=dt.date(2024, 1, 1), decision=DOC)
    assert info.value.message == "Chia tách cần ít nhất hai đơn vị mới."
    with pytest.raises(ActionError):
        actions.do_record_split(actor=world.an_officer, source=world.to_chuc, new_names=["Ban A", "Ban B"], effective_on=dt.date(2025, 1, 1), decision=DOC)
    assert state() == before


def test_rename_keeps_the_unit_and_shows_its_former_names(world, client_for):
    person = actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Lê Văn An", "gender": "NAM"})
    first = actions.do_record_rename(actor=world.an_officer, unit=world.tuyen_giao, new_name="Ban Tuyên giáo và Dân vận Tỉnh ủy", effective_on=dt.date(2025, 3, 1), decision=DOC)
    second = actions.do_record_rename(actor=world.an_officer, unit=world.tuyen_giao, new_name="Ban Tuyên giáo và Dân vận", effective_on=dt.date(2025, 7, 1), decision={**DOC, "decision_number": "99-QĐ/TU"})
    renamed = Unit.objects.get(pk=world.tuyen_giao.pk)
    assert renamed.uid == world.tuyen_giao.uid and renamed.name == "Ban Tuyên giáo và Dân vận" and renamed.ended_on is None
    assert (first.old_name, first.new_name) == ("Ban Tuyên giáo Tỉnh ủy", "Ban Tuyên giáo và Dân vận Tỉnh ủy")
    assert Person.objects.get(pk=person.pk).unit_id == renamed.pk
    names = [(f.name, f.used_until) for f in selectors.former_names(renamed)]
    assert names == [("Ban Tuyên giáo và Dân vận Tỉnh ủy", dt.date(2025, 6, 30)), ("Ban Tuyên giáo Tỉnh ủy", dt.date(2025, 2, 28))]
    rows = AuditLog.objects.filter(action="org.lineage.rename").order_by("pk")
    assert rows.count() == 2 and rows.last().changes["Tên đơn vị"] == ["Ban Tuyên giáo và Dân vận Tỉnh ủy", "Ban Tuyên giáo và Dân vận"]
    assert selectors.predecessors(renamed) == [] and second.links.count() == 1
    html = client_for(world.an_officer).get(reverse("org:unit_detail", args=[renamed.uid])).content.decode()
    assert "Tên gọi trước đây" in html and "Ban Tuyên giáo Tỉnh ủy" in html and "28/02/2025" in html and "30/06/2025" in html
    before = state()
    for name, day, message in [
        ("Ban Tổ chức Tỉnh ủy", dt.date(2025, 9, 1), "Đã có đơn vị đang hoạt động"),
        ("Ban Khác", dt.date(2025, 5, 1), "phải sau ngày đó"),
        ("Ban Tuyên giáo và Dân vận", dt.date(2025, 9, 1), "trùng với tên hiện tại"),
    ]:
        with pytest.raises(ActionError) as info:
            actions.do_record_rename(actor=world.an_officer, unit=renamed, new_name=name, effective_on=day, decision=DOC)
        assert message in info.value.message
    assert state() == before


def test_dissolve_refuses_a_unit_with_active_children(world):
    child = actions.do_create_unit(actor=None, province=world.an_giang_old, data={"name": "Trung tâm Chính trị", "kind": "PUBLIC_SERVICE", "parent": world.to_chuc})
    before = state()
    with pytest.raises(ActionError) as info:
        actions.do_record_dissolve(actor=world.an_officer, unit=world.to_chuc, effective_on=dt.date(2025, 3, 1), decision=DOC)
    assert "Trung tâm Chính trị" in info.value.message
    assert state() == before
    actions.do_record_dissolve(actor=world.an_officer, unit=child, effective_on=dt.date(2025, 3, 1), decision=DOC)
    assert Unit.objects.get(pk=child.pk).ended_on == dt.date(2025, 2, 28)
    row = AuditLog.objects.get(action="org.lineage.dissolve")
    assert row.changes["Trung tâm Chính trị — ngày chấm dứt hoạt động"] == [None, "2025-02-28"]
    with pytest.raises(ActionError):
        actions.do_record_dissolve(actor=world.an_officer, unit=child, effective_on=dt.date(2025, 4, 1), decision=DOC)


def test_transfer_moves_the_person_and_keeps_their_record(world, client_for):
    person = actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Lê Văn An", "gender": "NAM", "position_title": "Trưởng phòng", "is_leader": True})
    actions.do_add_position(actor=None, person=person, data={"unit": world.tuyen_giao, "title": "Trưởng phòng", "is_leader": True, "start_date": dt.date(2019, 1, 1)})
    before = AuditLog.objects.count()
    client = client_for(world.an_officer)
    response = client.post(
        reverse("org:person_transfer", args=[person.uid]),
        {"to_unit": str(world.to_chuc.uid), "title": "Phó Trưởng ban", "is_leader": "on", "effective_on": "15/04/2025", **_doc_post()},
    )
    assert response.status_code == 302
    assert AuditLog.objects.count() == before + 1
    row = AuditLog.objects.get(action="org.person.transfer")
    assert row.changes["Đơn vị hiện tại"] == ["Ban Tuyên giáo Tỉnh ủy", "Ban Tổ chức Tỉnh ủy"]
    assert row.changes["Chức vụ hiện tại"] == ["Trưởng phòng", "Phó Trưởng ban"]
    assert row.changes["effective_on"] == [None, "2025-04-15"]
    stored = Person.objects.get(pk=person.pk)
    assert (stored.unit_id, stored.position_title) == (world.to_chuc.pk, "Phó Trưởng ban")
    posts = list(Position.objects.filter(person=person).order_by("start_date").values_list("unit__name", "start_date", "end_date"))
    assert posts == [("Ban Tuyên giáo Tỉnh ủy", dt.date(2019, 1, 1), dt.date(2025, 4, 14)), ("Ban Tổ chức Tỉnh ủy", dt.date(2025, 4, 15), None)]
    # A person's move is not unit lineage.
    assert selectors.predecessors(world.to_chuc) == [] and not selectors.lineage_events_of(world.to_chuc).exists()
    # Bad dates or targets change nothing.
    before = state()
    for kwargs, message in [
        (dict(to_unit=world.tuyen_giao, effective_on=dt.date(2025, 4, 1)), "phải sau ngày bắt đầu chức vụ hiện tại (15/04/2025)"),
        (dict(to_unit=world.to_chuc, effective_on=dt.date(2025, 6, 1)), "đang công tác tại đơn vị này"),
    ]:
        with pytest.raises(ActionError) as info:
            actions.do_transfer_person(actor=world.an_officer, person=stored, decision=DOC, **kwargs)
        assert message in info.value.message
    with pytest.raises(NotPermitted):
        actions.do_transfer_person(actor=world.qn_officer, person=stored, to_unit=world.qn_unit, effective_on=dt.date(2025, 6, 1), decision=DOC)
    with pytest.raises(NotPermitted):
        actions.do_transfer_person(actor=world.unit_officer, person=stored, to_unit=world.tuyen_giao, effective_on=dt.date(2025, 6, 1), decision=DOC)
    assert state() == before


def test_lineage_list_is_scoped_and_filters_by_kind(world, client_for):
    actions.do_record_rename(actor=None, unit=world.tuyen_giao, new_name="Ban Tuyên giáo và Dân vận Tỉnh ủy", effective_on=dt.date(2025, 3, 1), decision=DOC)
    actions.do_record_rename(actor=None, unit=world.qn_unit, new_name="Sở Nội vụ tỉnh Quảng Ninh", effective_on=dt.date(2025, 3, 1), decision=DOC)
    html = client_for(world.an_officer).get(reverse("org:lineage_list")).content.decode()
    assert "Ban Tuyên giáo và Dân vận Tỉnh ủy" in html and "Quảng Ninh" not in html
    html = client_for(world.an_officer).get(reverse("org:lineage_list"), {"kind": "MERGE"}).content.decode()
    assert "Ban Tuyên giáo và Dân vận Tỉnh ủy" not in html and "Không có sự kiện nào" in html
    html = client_for(world.an_officer).get(reverse("org:lineage_list"), {"q": "dan van"}).content.decode()
    assert "Ban Tuyên giáo và Dân vận Tỉnh ủy" in html


@pytest.mark.sqlite
def test_the_successor_units_officer_reads_its_predecessors_records_but_cannot_edit_them(world, client):
    from thidua.accounts.models import Role
    from tests.factories import grant, make_user

    person = actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Lê Thị Hoa", "gender": "NU"})
    event = actions.do_record_merge(
        actor=world.an_officer, sources=[world.tuyen_giao, world.to_chuc],
        new_unit={"name": "Ban Tổ chức - Tuyên giáo Tỉnh ủy", "kind": "PARTY"}, effective_on=dt.date(2025, 3, 1), decision=DOC,
    )
    merged = event.links.get(role="TO").unit
    officer = make_user("can-bo-ban-moi")
    grant(officer, Role.UNIT_OFFICER, merged.province, unit=merged)
    client.force_login(officer)
    # The predecessors' pages (linked from the merged unit's lineage) open instead of a dead end…
    assert client.get(reverse("org:unit_detail", args=[world.tuyen_giao.uid])).status_code == 200
    assert client.get(reverse("org:person_detail", args=[person.uid])).status_code == 200
    # …their people moved to the merged unit with the merger and are edited there; the predecessor
    # itself stays read-only through the successor's grant, and other units out of reach.
    person.refresh_from_db()
    assert person.unit_id == merged.pk
    assert client.get(reverse("org:person_edit", args=[person.uid])).status_code == 200
    assert client.get(reverse("org:department_create", args=[world.tuyen_giao.uid])).status_code == 404
    assert client.get(reverse("org:unit_detail", args=[world.qn_unit.uid])).status_code == 404
