import pytest
from django.urls import reverse

from thidua.audit.models import AuditLog
from thidua.core.errors import ActionError, ConcurrentEditError, NotPermitted
from thidua.org import actions
from thidua.org.models import Department

pytestmark = pytest.mark.django_db


def test_department_added_from_the_unit_page(world, client_for):
    client = client_for(world.unit_officer)
    page = client.get(reverse("org:unit_detail", args=[world.tuyen_giao.uid])).content.decode()
    assert reverse("org:department_create", args=[world.tuyen_giao.uid]) in page
    response = client.post(reverse("org:department_create", args=[world.tuyen_giao.uid]), {"name": "  Phòng   Tuyên truyền "})
    assert response.status_code == 302
    department = Department.objects.get(unit=world.tuyen_giao)
    assert department.name == "Phòng Tuyên truyền"
    assert AuditLog.objects.filter(action="org.department.create", object_uid=str(department.uid)).count() == 1
    assert "Phòng Tuyên truyền" in client.get(reverse("org:unit_detail", args=[world.tuyen_giao.uid])).content.decode()


def test_rename_writes_one_audit_row_with_old_and_new_name(world, client_for):
    department = actions.do_create_department(actor=None, unit=world.tuyen_giao, name="Phòng Tuyên truyền")
    client = client_for(world.an_officer)
    response = client.post(
        reverse("org:department_edit", args=[department.uid]), {"name": "Phòng Tuyên truyền - Báo chí", "version": department.version}
    )
    assert response.status_code == 302
    assert Department.objects.get(pk=department.pk).name == "Phòng Tuyên truyền - Báo chí"
    row = AuditLog.objects.get(action="org.department.rename")
    assert row.changes == {"name": ["Phòng Tuyên truyền", "Phòng Tuyên truyền - Báo chí"]}


def test_duplicate_or_blank_department_names_change_nothing(world, client_for):
    first = actions.do_create_department(actor=None, unit=world.tuyen_giao, name="Phòng Tuyên truyền")
    second = actions.do_create_department(actor=None, unit=world.tuyen_giao, name="Phòng Lý luận")
    with pytest.raises(ActionError) as info:
        actions.do_rename_department(actor=world.an_officer, department=second, name="Phòng Tuyên truyền", expected_version=second.version)
    assert "Đơn vị đã có phòng, ban “Phòng Tuyên truyền”." == info.value.message
    client = client_for(world.an_officer)
    response = client.post(reverse("org:department_edit", args=[first.uid]), {"name": "  ", "version": first.version})
    assert "Trường này không được để trống." in response.content.decode()
    response = client.post(reverse("org:department_create", args=[world.tuyen_giao.uid]), {"name": "Phòng Lý luận"})
    assert "Đơn vị đã có phòng, ban" in response.content.decode()
    assert sorted(Department.objects.values_list("name", flat=True)) == ["Phòng Lý luận", "Phòng Tuyên truyền"]
    assert not AuditLog.objects.filter(action="org.department.rename").exists()


def test_stale_rename_is_refused(world, client_for):
    department = actions.do_create_department(actor=None, unit=world.tuyen_giao, name="Phòng Tuyên truyền")
    stale = department.version
    actions.do_rename_department(actor=world.an_officer, department=department, name="Phòng Tuyên truyền 1", expected_version=stale)
    response = client_for(world.an_officer).post(
        reverse("org:department_edit", args=[department.uid]), {"name": "Phòng Tuyên truyền 2", "version": stale}
    )
    assert "Đã có người sửa" in response.content.decode()
    assert Department.objects.get(pk=department.pk).name == "Phòng Tuyên truyền 1"
    with pytest.raises(ConcurrentEditError):
        actions.do_rename_department(actor=world.an_officer, department=Department.objects.get(pk=department.pk), name="X", expected_version=stale)


def test_departments_of_other_units_are_out_of_reach(world, client_for):
    other = actions.do_create_department(actor=None, unit=world.to_chuc, name="Phòng Tổ chức cán bộ")
    assert client_for(world.unit_officer).get(reverse("org:department_edit", args=[other.uid])).status_code == 404
    assert client_for(world.unit_officer).post(reverse("org:department_create", args=[world.to_chuc.uid]), {"name": "X"}).status_code == 404
    assert client_for(world.qn_officer).get(reverse("org:department_edit", args=[other.uid])).status_code == 404
    assert client_for(world.viewer).get(reverse("org:department_edit", args=[other.uid])).status_code == 403
    with pytest.raises(NotPermitted):
        actions.do_rename_department(actor=world.unit_officer, department=other, name="X", expected_version=other.version)
    assert Department.objects.get(pk=other.pk).name == "Phòng Tổ chức cán bộ"
    assert Department.objects.filter(unit=world.to_chuc).count() == 1
