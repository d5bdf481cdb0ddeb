import pytest
from django.urls import reverse

from thidua.audit.models import AuditLog
from thidua.core.errors import ActionError, ConcurrentEditError, NotPermitted
from thidua.org import actions
from thidua.org.models import Province

pytestmark = pytest.mark.django_db


def test_province_list_shows_current_and_former_provinces_of_the_scope(world, client_for):
    html = client_for(world.an_officer).get(reverse("org:province_list")).content.decode()
    assert "Tỉnh An Giang" in html and "Tỉnh Kiên Giang" in html and "Hợp nhất vào" in html
    assert "Quảng Ninh" not in html
    current, former = html.split("Trước sắp xếp")
    assert "Kiên Giang" not in current and "Kiên Giang" in former
    admin_html = client_for(world.admin).get(reverse("org:province_list")).content.decode()
    assert "Quảng Ninh" in admin_html and "Thành phố Hồ Chí Minh" in admin_html


def test_province_detail_lists_predecessors_and_is_scoped(world, client_for):
    an_giang = Province.objects.get(pk=world.an_giang.pk)
    html = client_for(world.an_officer).get(reverse("org:province_detail", args=[an_giang.uid])).content.decode()
    assert "Tỉnh Kiên Giang" in html and "30/06/2025" in html and "Ban Thi đua - Khen thưởng" in html
    assert "Sửa cài đặt" not in html  # only the system administrator edits settings
    assert client_for(world.qn_officer).get(reverse("org:province_detail", args=[an_giang.uid])).status_code == 404


def test_only_the_system_administrator_edits_the_tdkt_body_name(world, client_for):
    an_giang = Province.objects.get(pk=world.an_giang.pk)
    assert client_for(world.an_officer).get(reverse("org:province_edit", args=[an_giang.uid])).status_code == 403
    with pytest.raises(NotPermitted):
        actions.do_update_province_settings(actor=world.an_officer, province=an_giang, data={"tdkt_body_name": "Sở Nội vụ"}, expected_version=an_giang.version)
    assert Province.objects.get(pk=an_giang.pk).tdkt_body_name == "Ban Thi đua - Khen thưởng"
    client = client_for(world.admin)
    response = client.post(reverse("org:province_edit", args=[an_giang.uid]), {"tdkt_body_name": "Sở  Nội vụ tỉnh An Giang", "registration_required_for_proposal": "on", "version": an_giang.version})
    assert response.status_code == 302
    assert Province.objects.get(pk=an_giang.pk).tdkt_body_name == "Sở Nội vụ tỉnh An Giang"
    row = AuditLog.objects.get(action="org.province.settings")
    assert row.changes == {"tdkt_body_name": ["Ban Thi đua - Khen thưởng", "Sở Nội vụ tỉnh An Giang"]}
    assert row.province_id == an_giang.pk and row.actor == world.admin


def test_blank_or_stale_settings_change_nothing(world, client_for):
    an_giang = Province.objects.get(pk=world.an_giang.pk)
    client = client_for(world.admin)
    response = client.post(reverse("org:province_edit", args=[an_giang.uid]), {"tdkt_body_name": "   ", "version": an_giang.version})
    assert "Trường này không được để trống." in response.content.decode()
    with pytest.raises(ActionError):
        actions.do_update_province_settings(actor=world.admin, province=an_giang, data={"tdkt_body_name": ""}, expected_version=an_giang.version)
    stale = an_giang.version
    actions.do_update_province_settings(actor=world.admin, province=an_giang, data={"tdkt_body_name": "Sở Nội vụ"}, expected_version=stale)
    with pytest.raises(ConcurrentEditError):
        actions.do_update_province_settings(actor=world.admin, province=an_giang, data={"tdkt_body_name": "Ban TĐKT"}, expected_version=stale)
    response = client.post(reverse("org:province_edit", args=[an_giang.uid]), {"tdkt_body_name": "Ban TĐKT"})
    assert "Thiếu thông tin phiên bản" in response.content.decode()
    assert Province.objects.get(pk=an_giang.pk).tdkt_body_name == "Sở Nội vụ"
    assert AuditLog.objects.filter(action="org.province.settings").count() == 1


def test_registration_precondition_is_a_province_setting_on_by_default(world, client_for):
    from django.urls import reverse

    from thidua.audit.models import AuditLog
    from thidua.org.models import Province

    assert world.an_giang.registration_required_for_proposal is True
    client = client_for(world.admin)
    province = Province.objects.get(pk=world.an_giang.pk)
    response = client.post(
        reverse("org:province_edit", args=[province.uid]),
        {"tdkt_body_name": province.tdkt_body_name, "version": province.version},  # box left unticked
    )
    assert response.status_code == 302
    assert Province.objects.get(pk=province.pk).registration_required_for_proposal is False
    row = AuditLog.objects.filter(action="org.province.settings").latest("at")
    assert row.changes["registration_required_for_proposal"] == [True, False]
