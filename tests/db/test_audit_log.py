import datetime as dt

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from thidua.audit import labels
from thidua.audit.models import AuditLog
from thidua.org import actions
from thidua.org.models import Unit

pytestmark = pytest.mark.django_db


def _rename(world, actor, new_name="Ban Tuyên giáo và Dân vận Tỉnh ủy"):
    unit = Unit.objects.get(pk=world.tuyen_giao.pk)
    return actions.do_update_unit(actor=actor, unit=unit, data={"name": new_name}, expected_version=unit.version)


@pytest.mark.sqlite
def test_the_log_is_append_only_through_the_orm(world):
    row = AuditLog.objects.first()
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=row.pk).update(note="sửa")
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=row.pk).delete()
    with pytest.raises(PermissionError):
        row.note = "sửa"
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    assert AuditLog.objects.get(pk=row.pk).note == ""


def test_the_database_refuses_raw_updates_and_deletes_on_postgresql(world):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    from django.db import DatabaseError

    row = AuditLog.objects.first()
    for sql in ("UPDATE audit_auditlog SET note = 'sửa' WHERE id = %s", "DELETE FROM audit_auditlog WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [row.pk])
    assert AuditLog.objects.get(pk=row.pk).note == ""


def test_every_action_code_gets_a_vietnamese_label():
    assert labels.action_label("org.unit.create", "org.unit") == "Thêm đơn vị"
    assert labels.action_label("scoring.sheet.submit", "scoring.sheet") == "Gửi đối tượng khác"
    assert labels.action_label("blocs.block.frobnicate", "org.unit") == "Thao tác khác trên đơn vị"
    assert labels.field_label("org.unit", "name") == "Tên đơn vị"
    assert labels.value_display("org.unit", "kind", "PARTY") == "Cơ quan Đảng"
    assert labels.value_display("accounts.grant", "valid_to", "2025-12-31") == "31/12/2025"
    assert labels.value_display("org.person", "is_leader", True) == "Có"


def test_rule_codes_and_composite_keys_in_the_log_read_in_vietnamese():
    rows = labels.changes_display("scoring.criteriaset", {"tie_breakers": [None, ["MORE_BONUS", "FEWER_DEDUCTIONS"]]})
    assert rows[0]["new"] == "Nhiều điểm thưởng hơn, Ít điểm trừ hơn"
    rows = labels.changes_display(
        "awards.ruleoverride", {"rule": [None, "TTLDTT"], "param": [None, "ldtt_ratio_percent"], "value": [None, "75"]}
    )
    shown = {r["label"]: r["new"] for r in rows}
    assert shown["Áp dụng cho"] == "Tập thể lao động tiên tiến"
    assert shown["Tham số"] == "Tỷ lệ tối thiểu cá nhân đạt Lao động tiên tiến (%)"
    rows = labels.changes_display("blocs.covenant", {"targets:Sở Nội vụ": ["", "Hoàn thành 100% kế hoạch"]})
    assert rows[0]["label"] == "Chỉ tiêu, cam kết của Sở Nội vụ"
    assert "targets" not in rows[0]["label"]


@pytest.mark.sqlite
def test_log_page_shows_who_what_and_old_to_new_in_vietnamese(world, client_for):
    _rename(world, world.an_officer)
    client = client_for(world.an_officer)
    response = client.get(reverse("audit:log_list"))
    html = response.content.decode().split('id="log-table"')[1]
    assert response.status_code == 200
    assert "Sửa đơn vị" in html and "org.unit.update" not in html
    assert "Tên đơn vị: Ban Tuyên giáo Tỉnh ủy → Ban Tuyên giáo và Dân vận Tỉnh ủy" in html
    assert "can-bo-an-giang" in html
    local = timezone.localtime(AuditLog.objects.filter(action="org.unit.update").get().at)
    assert local.strftime("%d/%m/%Y %H:%M") in html


def _table(client, params=None) -> str:
    """The log table of the page (the filter form's option labels left out)."""
    return client.get(reverse("audit:log_list"), params or {}).content.decode().split('id="log-table"')[1]


def test_log_filters_by_action_actor_text_and_dates(world, client_for):
    _rename(world, world.an_officer)
    client = client_for(world.admin)
    by_action = _table(client, {"action": "org.unit.update"})
    assert "Sửa đơn vị" in by_action and "Ban Tổ chức Tỉnh ủy" not in by_action
    by_actor = _table(client, {"actor": "can-bo-an-giang"})
    assert "Sửa đơn vị" in by_actor and "Thêm đơn vị" not in by_actor
    by_text = _table(client, {"q": "to chuc tinh uy"})
    assert "Ban Tổ chức Tỉnh ủy" in by_text and "Sở Nội vụ" not in by_text
    by_type = _table(client, {"object_type": "org.unit"})
    assert "Sở Nội vụ" in by_type
    today = timezone.localdate()
    in_range = _table(client, {"date_from": today.strftime("%d/%m/%Y"), "date_to": today.strftime("%d/%m/%Y")})
    assert "Sửa đơn vị" in in_range
    tomorrow = (today + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    assert "Không có mục nhật ký nào khớp với bộ lọc" in _table(client, {"date_from": tomorrow})
    assert "Ngày không hợp lệ" in _table(client, {"date_from": "31/02/2026"})
    assert "không được trước" in _table(client, {"date_from": "02/01/2026", "date_to": "01/01/2026"})


def test_log_is_scoped_to_the_officers_provinces(world, client_for):
    qn_html = _table(client_for(world.qn_officer))
    assert "Sở Nội vụ" in qn_html and "Ban Tuyên giáo Tỉnh ủy" not in qn_html
    an_html = _table(client_for(world.an_officer))
    assert "Ban Tuyên giáo Tỉnh ủy" in an_html and "Sở Nội vụ" not in an_html
    assert client_for(world.viewer).get(reverse("audit:log_list")).status_code == 403


def test_log_is_paginated(world, client_for):
    for i in range(30):
        actions.do_create_department(actor=world.an_officer, unit=world.tuyen_giao, name=f"Phòng số {i:02d}")
    client = client_for(world.an_officer)
    first = client.get(reverse("audit:log_list")).content.decode()
    assert "Trang 1 / 2" in first
    second = client.get(reverse("audit:log_list"), {"page": 2}).content.decode()
    assert "Trang 2 / 2" in second
