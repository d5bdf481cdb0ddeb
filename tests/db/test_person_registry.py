import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from thidua.audit.models import AuditLog
from thidua.core.errors import ActionError, ConcurrentEditError, NotPermitted
from thidua.org import actions
from thidua.org.models import Person, Position

pytestmark = pytest.mark.django_db


def make_person(unit, name="Nguyễn Văn An", **extra):
    data = {"full_name": name, "gender": "NAM", **extra}
    return actions.do_create_person(actor=None, unit=unit, data=data)


def person_post(unit, **overrides):
    data = {
        "full_name": "Trần Thị Bình", "gender": "NU", "birth_date": "05/03/1985", "ethnicity": "Kinh",
        "staff_code": "", "unit": str(unit.uid), "department": "", "position_title": "Chuyên viên",
    }
    data.update(overrides)
    return data


def test_creating_a_person_from_the_form_reads_dates_day_first_and_writes_one_audit_row(world, client_for):
    client = client_for(world.an_officer)
    response = client.post(reverse("org:person_create"), person_post(world.tuyen_giao))
    person = Person.objects.get(full_name="Trần Thị Bình")
    assert response.status_code == 302 and response["Location"] == reverse("org:person_detail", args=[person.uid])
    assert person.birth_date == dt.date(1985, 3, 5)
    assert person.given_name == "Bình"
    rows = AuditLog.objects.filter(action="org.person.create", object_uid=str(person.uid))
    assert rows.count() == 1
    assert rows.get().changes["full_name"] == [None, "Trần Thị Bình"]


def test_updating_a_person_records_old_and_new_values(world):
    person = make_person(world.tuyen_giao)
    actions.do_update_person(actor=world.an_officer, person=person, data={"position_title": "Trưởng phòng"}, expected_version=person.version)
    rows = AuditLog.objects.filter(action="org.person.update", object_uid=str(person.uid))
    assert rows.count() == 1
    assert rows.get().changes == {"position_title": ["", "Trưởng phòng"]}


def test_future_birth_date_is_refused_and_nothing_is_written(world, client_for):
    client = client_for(world.an_officer)
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    response = client.post(reverse("org:person_create"), person_post(world.tuyen_giao, birth_date=tomorrow))
    assert response.status_code == 200
    assert "Ngày sinh không được sau ngày hôm nay." in response.content.decode()
    assert not Person.objects.exists()
    with pytest.raises(ActionError) as info:
        make_person(world.tuyen_giao, birth_date=dt.date.today() + dt.timedelta(days=3))
    assert info.value.message == "Ngày sinh không được sau ngày hôm nay."
    assert not Person.objects.exists() and not AuditLog.objects.filter(action="org.person.create").exists()


def test_unparseable_birth_date_gets_a_vietnamese_message(world, client_for):
    client = client_for(world.an_officer)
    response = client.post(reverse("org:person_create"), person_post(world.tuyen_giao, birth_date="31/02/1990"))
    assert "Ngày không hợp lệ. Nhập theo dạng ngày/tháng/năm" in response.content.decode()
    assert not Person.objects.exists()


def test_department_must_belong_to_the_chosen_unit(world, client_for):
    other = actions.do_create_department(actor=None, unit=world.to_chuc, name="Phòng Tổ chức cán bộ")
    client = client_for(world.an_officer)
    response = client.post(reverse("org:person_create"), person_post(world.tuyen_giao, department=str(other.uid)))
    assert response.status_code == 200
    assert "Phòng, ban đã chọn không thuộc đơn vị đã chọn." in response.content.decode()
    assert not Person.objects.exists()
    with pytest.raises(ActionError) as info:
        make_person(world.tuyen_giao, department=other)
    assert "không thuộc đơn vị" in info.value.message
    assert not Person.objects.exists()


def test_officer_of_another_province_gets_404_on_an_an_giang_person(world, client_for):
    person = make_person(world.tuyen_giao)
    client = client_for(world.qn_officer)
    for name in ("org:person_detail", "org:person_edit", "org:position_add", "org:person_transfer"):
        response = client.get(reverse(name, args=[person.uid]))
        assert response.status_code == 404, name
        assert "Không tìm thấy" in response.content.decode()
    assert "Nguyễn Văn An" not in client.get(reverse("org:person_list")).content.decode()


def test_unit_officer_edits_people_of_own_unit_only(world, client_for):
    own = make_person(world.tuyen_giao, "Lê Thị Hoa")
    other = make_person(world.to_chuc, "Phạm Văn Minh")
    client = client_for(world.unit_officer)
    # Own unit: the edit goes through.
    data = person_post(world.tuyen_giao, full_name="Lê Thị Hoa", gender="NU", position_title="Phó Trưởng ban", version=own.version)
    response = client.post(reverse("org:person_edit", args=[own.uid]), data)
    assert response.status_code == 302
    assert Person.objects.get(pk=own.pk).position_title == "Phó Trưởng ban"
    # Another unit of the same province: not in scope, answers like a missing record.
    assert client.get(reverse("org:person_edit", args=[other.uid])).status_code == 404
    with pytest.raises(NotPermitted):
        actions.do_update_person(actor=world.unit_officer, person=other, data={"position_title": "X"}, expected_version=other.version)
    # Nor may the officer move their own person into the other unit.
    data = person_post(world.to_chuc, full_name="Lê Thị Hoa", gender="NU", version=Person.objects.get(pk=own.pk).version)
    response = client.post(reverse("org:person_edit", args=[own.uid]), data)
    assert response.status_code == 200
    assert Person.objects.get(pk=own.pk).unit_id == world.tuyen_giao.pk
    assert Person.objects.get(pk=other.pk).position_title == ""


def test_unit_officer_cannot_create_people_in_another_unit(world, client_for):
    client = client_for(world.unit_officer)
    page = client.get(reverse("org:person_create")).content.decode()
    assert "Ban Tuyên giáo Tỉnh ủy" in page and "Ban Tổ chức Tỉnh ủy" not in page
    response = client.post(reverse("org:person_create"), person_post(world.to_chuc))
    assert response.status_code == 200
    assert "nằm ngoài phạm vi của bạn" in response.content.decode()
    assert not Person.objects.exists()


@pytest.mark.sqlite
def test_concurrent_edit_keeps_the_users_input_and_changes_nothing(world, client_for):
    person = make_person(world.tuyen_giao, "Hoàng Văn Nam")
    client = client_for(world.an_officer)
    page = client.get(reverse("org:person_edit", args=[person.uid])).content.decode()
    loaded_version = person.version
    assert f'name="version" value="{loaded_version}"' in page
    # Someone else saves first.
    actions.do_update_person(actor=world.admin, person=Person.objects.get(pk=person.pk), data={"position_title": "Trưởng phòng"}, expected_version=loaded_version)
    data = person_post(world.tuyen_giao, full_name="Hoàng Văn Nam", gender="NAM", position_title="Chuyên viên chính", version=loaded_version)
    response = client.post(reverse("org:person_edit", args=[person.uid]), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Đã có người sửa" in html
    assert 'value="Chuyên viên chính"' in html  # the user's input is still on screen
    assert "Trưởng phòng" in html  # next to what the other person saved
    assert f'name="version" value="{loaded_version}"' in html  # still the version the user loaded
    stored = Person.objects.get(pk=person.pk)
    assert stored.position_title == "Trưởng phòng" and stored.version == loaded_version + 1
    assert AuditLog.objects.filter(action="org.person.update").count() == 1


def test_edit_without_the_loaded_version_is_refused(world, client_for):
    person = make_person(world.tuyen_giao, "Hoàng Văn Nam")
    client = client_for(world.an_officer)
    data = person_post(world.tuyen_giao, full_name="Hoàng Văn Nam", gender="NAM", position_title="Chuyên viên chính")
    response = client.post(reverse("org:person_edit", args=[person.uid]), data)
    assert "Thiếu thông tin phiên bản" in response.content.decode()
    assert Person.objects.get(pk=person.pk).position_title == ""
    with pytest.raises(ConcurrentEditError):
        actions.do_update_person(actor=world.an_officer, person=person, data={"position_title": "A"}, expected_version=person.version + 5)


@pytest.mark.sqlite
def test_search_without_accents_and_vietnamese_order(world, client_for):
    for name in ("Trần Văn Cường", "Nguyễn Thị Bình", "Đỗ Minh Đức", "Nguyễn Văn Dũng", "Lê Văn An"):
        make_person(world.tuyen_giao, name)
    client = client_for(world.an_officer)
    html = client.get(reverse("org:person_list"), {"q": "nguyen"}).content.decode()
    assert "Nguyễn Thị Bình" in html and "Nguyễn Văn Dũng" in html
    assert "Trần Văn Cường" not in html and "Lê Văn An" not in html
    html = client.get(reverse("org:person_list"), {"q": "duc"}).content.decode()
    assert "Đỗ Minh Đức" in html and "Nguyễn Văn Dũng" not in html
    # Listed by given name (An, Bình, Cường, Dũng, Đức): D comes before Đ.
    html = client.get(reverse("org:person_list")).content.decode()
    order = [html.index(n) for n in ("Lê Văn An", "Nguyễn Thị Bình", "Trần Văn Cường", "Nguyễn Văn Dũng", "Đỗ Minh Đức")]
    assert order == sorted(order)


def test_filters_by_unit_gender_leader_and_party(world, client_for):
    make_person(world.tuyen_giao, "Lê Văn An", is_leader=True, position_title="Trưởng ban", is_party_member=True)
    make_person(world.tuyen_giao, "Nguyễn Thị Bình", gender="NU")
    make_person(world.to_chuc, "Trần Văn Cường", is_party_member=True)
    client = client_for(world.an_officer)

    def names(**params):
        html = client.get(reverse("org:person_list"), params).content.decode()
        return {n for n in ("Lê Văn An", "Nguyễn Thị Bình", "Trần Văn Cường") if n in html}

    assert names(unit=str(world.tuyen_giao.uid)) == {"Lê Văn An", "Nguyễn Thị Bình"}
    assert names(gender="NU") == {"Nguyễn Thị Bình"}
    assert names(role="leader") == {"Lê Văn An"}
    assert names(role="worker") == {"Nguyễn Thị Bình", "Trần Văn Cường"}
    assert names(party="yes") == {"Lê Văn An", "Trần Văn Cường"}
    assert names(party="no", unit=str(world.tuyen_giao.uid)) == {"Nguyễn Thị Bình"}


def test_csv_export_lists_people_in_scope_with_vietnamese_dates(world, client_for):
    make_person(world.tuyen_giao, "Lê Văn An", birth_date=dt.date(1979, 12, 5), is_party_member=True)
    make_person(world.qn_unit, "Vũ Thị Quỳnh")
    response = client_for(world.an_officer).get(reverse("org:person_export"), {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Họ và tên", "Giới tính", "Ngày sinh"]
    assert rows[1][0] == "Lê Văn An" and rows[1][2] == "05/12/1979" and rows[1][-1] == "Có"
    assert len(rows) == 2  # the Quảng Ninh person is not exported
    xlsx = client_for(world.an_officer).get(reverse("org:person_export"), {"format": "xlsx"})
    assert xlsx["Content-Disposition"].endswith('.xlsx"')


def test_adding_the_newest_open_position_updates_the_person_in_the_same_action(world):
    person = make_person(world.tuyen_giao, "Lê Văn An", position_title="Chuyên viên")
    dept = actions.do_create_department(actor=None, unit=world.to_chuc, name="Phòng Tổ chức cán bộ")
    actions.do_add_position(
        actor=world.an_officer, person=person,
        data={"unit": world.tuyen_giao, "title": "Chuyên viên", "start_date": dt.date(2015, 1, 1), "end_date": dt.date(2019, 12, 31)},
    )
    assert Person.objects.get(pk=person.pk).unit_id == world.tuyen_giao.pk  # a closed post changes nothing
    actions.do_add_position(
        actor=world.an_officer, person=person,
        data={"unit": world.to_chuc, "department": dept, "title": "Phó Trưởng phòng", "is_leader": True, "start_date": dt.date(2020, 1, 1)},
    )
    stored = Person.objects.get(pk=person.pk)
    assert (stored.unit_id, stored.department_id, stored.position_title, stored.is_leader) == (world.to_chuc.pk, dept.pk, "Phó Trưởng phòng", True)
    row = AuditLog.objects.filter(action="org.position.create").order_by("-pk").first()
    assert AuditLog.objects.filter(action="org.position.create").count() == 2
    assert row.changes["Chức vụ hiện tại"] == ["Chuyên viên", "Phó Trưởng phòng"]
    assert row.changes["Đơn vị hiện tại"] == ["Ban Tuyên giáo Tỉnh ủy", "Ban Tổ chức Tỉnh ủy"]
    assert row.changes["Quá trình công tác: Chức vụ"] == [None, "Phó Trưởng phòng"]
    assert row.changes["Quá trình công tác: Từ ngày"] == [None, "2020-01-01"]
    # An older open post does not displace the newest one.
    actions.do_add_position(actor=world.an_officer, person=person, data={"unit": world.tuyen_giao, "title": "Ủy viên", "start_date": dt.date(2018, 1, 1)})
    assert Person.objects.get(pk=person.pk).position_title == "Phó Trưởng phòng"


def test_position_ending_before_it_starts_is_refused(world, client_for):
    person = make_person(world.tuyen_giao)
    client = client_for(world.an_officer)
    response = client.post(
        reverse("org:position_add", args=[person.uid]),
        {"title": "Trưởng phòng", "unit": str(world.tuyen_giao.uid), "start_date": "01/06/2024", "end_date": "31/05/2024"},
    )
    assert "Ngày kết thúc không được trước ngày bắt đầu." in response.content.decode()
    with pytest.raises(ActionError):
        actions.do_add_position(
            actor=world.an_officer, person=person,
            data={"unit": world.tuyen_giao, "title": "X", "start_date": dt.date(2024, 6, 1), "end_date": dt.date(2024, 5, 31)},
        )
    assert not Position.objects.exists()
    assert not AuditLog.objects.filter(action="org.position.create").exists()


def test_unit_officer_cannot_make_a_person_current_at_another_unit(world):
    person = make_person(world.tuyen_giao)
    with pytest.raises(NotPermitted):
        actions.do_add_position(actor=world.unit_officer, person=person, data={"unit": world.to_chuc, "title": "X", "start_date": dt.date(2024, 1, 1)})
    assert not Position.objects.exists()
    assert Person.objects.get(pk=person.pk).unit_id == world.tuyen_giao.pk


def test_department_options_follow_the_chosen_unit_and_the_scope(world, client_for):
    actions.do_create_department(actor=None, unit=world.tuyen_giao, name="Phòng Tuyên truyền")
    actions.do_create_department(actor=None, unit=world.qn_unit, name="Phòng Công chức")
    html = client_for(world.an_officer).get(reverse("org:department_options"), {"unit": str(world.tuyen_giao.uid)}).content.decode()
    assert "Phòng Tuyên truyền" in html
    html = client_for(world.an_officer).get(reverse("org:department_options"), {"unit": str(world.qn_unit.uid)}).content.decode()
    assert "Phòng Công chức" not in html
