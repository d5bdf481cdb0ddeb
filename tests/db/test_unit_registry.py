import pytest
from django.urls import reverse

from thidua.audit.models import AuditLog
from thidua.core.errors import ActionError, ConcurrentEditError, NotPermitted
from thidua.org import actions
from thidua.org.models import Unit

pytestmark = pytest.mark.django_db


@pytest.mark.sqlite
def test_search_without_accents_finds_the_unit(world, client_for):
    client = client_for(world.an_officer)
    response = client.get(reverse("org:unit_list"), {"q": "ban tuyen giao"})
    assert response.status_code == 200
    assert "Ban Tuyên giáo Tỉnh ủy" in response.content.decode()
    assert "Ban Tổ chức Tỉnh ủy" not in response.content.decode()


def test_officer_of_another_province_gets_404_like_a_missing_unit(world, client_for):
    client = client_for(world.qn_officer)
    response = client.get(reverse("org:unit_detail", args=[world.tuyen_giao.uid]))
    assert response.status_code == 404
    assert "Không tìm thấy" in response.content.decode()


def test_province_officer_sees_units_of_the_predecessor_province(world, client_for):
    client = client_for(world.an_officer)
    response = client.get(reverse("org:unit_detail", args=[world.tuyen_giao.uid]))
    assert response.status_code == 200
    assert "An Giang" in response.content.decode()


def test_creating_a_unit_writes_an_audit_row(world):
    unit = actions.do_create_unit(actor=world.an_officer, province=world.an_giang, data={"name": "Ban Nội chính Tỉnh ủy", "kind": "PARTY"})
    row = AuditLog.objects.get(action="org.unit.create", object_uid=str(unit.uid))
    assert row.actor == world.an_officer
    assert row.changes["name"] == [None, "Ban Nội chính Tỉnh ủy"]
    assert unit.doc_format == "HD36"


def test_duplicate_active_unit_name_is_refused_in_vietnamese(world):
    with pytest.raises(ActionError) as info:
        actions.do_create_unit(actor=world.an_officer, province=world.an_giang_old, data={"name": "Ban Tuyên giáo Tỉnh ủy", "kind": "PARTY"})
    assert "Đã có đơn vị" in info.value.message
    assert Unit.objects.filter(name="Ban Tuyên giáo Tỉnh ủy").count() == 1


def test_viewer_cannot_create_units(world):
    with pytest.raises(NotPermitted):
        actions.do_create_unit(actor=world.viewer, province=world.an_giang, data={"name": "X", "kind": "STATE"})


@pytest.mark.sqlite
def test_second_save_with_a_stale_version_is_refused(world):
    unit = Unit.objects.get(pk=world.tuyen_giao.pk)
    stale = unit.version
    actions.do_update_unit(actor=world.an_officer, unit=unit, data={"short_name": "BTG"}, expected_version=stale)
    other = Unit.objects.get(pk=world.tuyen_giao.pk)
    with pytest.raises(ConcurrentEditError):
        actions.do_update_unit(actor=world.an_officer, unit=other, data={"short_name": "TG"}, expected_version=stale)
    assert Unit.objects.get(pk=world.tuyen_giao.pk).short_name == "BTG"
