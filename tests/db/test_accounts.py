import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import PASSWORD
from thidua.accounts import actions
from thidua.accounts.models import AccountProfile, Grant, Role, ScopeKind
from thidua.audit.models import AuditLog
from thidua.core.access import scope_of
from thidua.core.errors import ActionError, NotPermitted

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Hoa-sen-nở-2026"


def _profile_uid(user):
    return AccountProfile.objects.get(user=user).uid


def _new_user(world, actor=None, username="thu-ky-khoi", province=None):
    return actions.do_create_user(
        actor=actor or world.an_officer,
        username=username,
        full_name="Trần Văn Đức",
        password=NEW_PASSWORD,
        province=province or world.an_giang,
    )


# ---------------------------------------------------------------- dated grants


def test_a_grant_ending_31_12_2025_gives_no_access_on_1_1_2026(world):
    user = _new_user(world)
    actions.do_add_grant(
        actor=world.an_officer,
        user=user,
        role=Role.BLOCK_HEAD,
        scope_kind=ScopeKind.PROVINCE,
        province=world.an_giang,
        valid_from=dt.date(2025, 1, 1),
        valid_to=dt.date(2025, 12, 31),
    )
    assert scope_of(user, on=dt.date(2025, 12, 31)).can("registry.view")
    assert not scope_of(user, on=dt.date(2026, 1, 1)).can("registry.view")
    assert not scope_of(user, on=dt.date(2024, 12, 31)).can("registry.view")


def test_ending_a_grant_takes_the_role_away_from_the_next_day(world):
    grant = Grant.objects.get(user=world.viewer)
    actions.do_end_grant(actor=world.an_officer, grant=grant, valid_to=dt.date(2026, 3, 31))
    grant.refresh_from_db()
    assert grant.valid_to == dt.date(2026, 3, 31)
    assert scope_of(world.viewer, on=dt.date(2026, 3, 31)).can("registry.view")
    assert not scope_of(world.viewer, on=dt.date(2026, 4, 1)).can("registry.view")
    row = AuditLog.objects.get(action="accounts.grant.end")
    assert row.changes["valid_to"] == [None, "2026-03-31"]
    assert row.province_id == world.an_giang.pk


def test_ending_a_grant_before_it_started_is_refused(world):
    grant = Grant.objects.get(user=world.viewer)
    with pytest.raises(ActionError) as info:
        actions.do_end_grant(actor=world.an_officer, grant=grant, valid_to=dt.date(2019, 12, 31))
    assert "không được trước ngày bắt đầu" in info.value.message
    grant.refresh_from_db()
    assert grant.valid_to is None


def test_a_grant_whose_end_is_before_its_start_is_refused(world):
    user = _new_user(world)
    with pytest.raises(ActionError) as info:
        actions.do_add_grant(
            actor=world.an_officer, user=user, role=Role.VIEWER, scope_kind=ScopeKind.PROVINCE,
            province=world.an_giang, valid_from=dt.date(2026, 5, 1), valid_to=dt.date(2026, 4, 30),
        )
    assert info.value.field == "valid_to"
    assert not Grant.objects.filter(user=user).exists()


def test_unit_grant_needs_a_unit_of_the_province_or_its_predecessors(world):
    user = _new_user(world)
    grant = actions.do_add_grant(
        actor=world.an_officer, user=user, role=Role.APPRAISAL_BOARD, scope_kind=ScopeKind.UNIT,
        province=world.an_giang, unit=world.tuyen_giao, valid_from=dt.date(2026, 1, 1),
    )
    # The unit belongs to the pre-2025 An Giang: the grant keeps the unit's own province.
    assert grant.province == world.an_giang_old
    with pytest.raises(ActionError) as info:
        actions.do_add_grant(
            actor=None, user=user, role=Role.VIEWER, scope_kind=ScopeKind.UNIT,
            province=world.an_giang, unit=world.qn_unit, valid_from=dt.date(2026, 1, 1),
        )
    assert "không thuộc" in info.value.message and info.value.field == "unit"


def test_province_officer_may_not_grant_system_admin_nor_outside_the_province(world):
    user = _new_user(world)
    with pytest.raises(NotPermitted) as info:
        actions.do_add_grant(
            actor=world.an_officer, user=user, role=Role.ADMIN, scope_kind=ScopeKind.PROVINCE,
            province=world.an_giang, valid_from=dt.date(2026, 1, 1),
        )
    assert "Quản trị hệ thống" in info.value.message
    with pytest.raises(NotPermitted):
        actions.do_add_grant(
            actor=world.an_officer, user=user, role=Role.VIEWER, scope_kind=ScopeKind.PROVINCE,
            province=world.quang_ninh, valid_from=dt.date(2026, 1, 1),
        )
    assert not Grant.objects.filter(user=user).exists()


def test_overlapping_identical_grant_is_refused(world):
    with pytest.raises(ActionError) as info:
        actions.do_add_grant(
            actor=world.an_officer, user=world.viewer, role=Role.VIEWER, scope_kind=ScopeKind.PROVINCE,
            province=world.an_giang, valid_from=dt.date(2026, 1, 1),
        )
    assert "đã có vai trò này" in info.value.message


# ---------------------------------------------------------------- accounts


def test_created_account_is_audited_without_its_password(world):
    user = _new_user(world)
    assert user.check_password(NEW_PASSWORD)
    assert user.get_full_name() == "Trần Văn Đức"
    row = AuditLog.objects.get(action="accounts.user.create")
    assert row.actor == world.an_officer and row.province == world.an_giang
    assert row.changes["full_name"] == [None, "Trần Văn Đức"]
    actions.do_reset_password(actor=world.an_officer, user=user, password="Mật-khẩu-mới-2026")
    token, secret = actions.do_create_api_token(actor=world.an_officer, name="Báo cáo")
    dump = json.dumps([[r.changes, r.note, r.object_repr] for r in AuditLog.objects.all()], ensure_ascii=False)
    for secret_text in (NEW_PASSWORD, "Mật-khẩu-mới-2026", secret, token.digest):
        assert secret_text not in dump


def test_weak_or_duplicate_input_is_refused_in_vietnamese_and_creates_nothing(world):
    User = get_user_model()
    before = User.objects.count()
    with pytest.raises(ActionError) as info:
        actions.do_create_user(actor=world.an_officer, username="moi", full_name="Lê Mới", password="123", province=world.an_giang)
    assert "Mật khẩu quá ngắn" in info.value.message
    assert any("chỉ gồm chữ số" in m for m in info.value.errors["password"])
    with pytest.raises(ActionError) as info:
        actions.do_create_user(
            actor=world.an_officer, username="Can-Bo-An-Giang", full_name="Trùng", password=NEW_PASSWORD, province=world.an_giang
        )
    assert "đã được dùng" in info.value.message
    with pytest.raises(ActionError) as info:
        actions.do_create_user(actor=world.an_officer, username="co dau cach", full_name="X", password=NEW_PASSWORD, province=world.an_giang)
    assert info.value.field == "username"
    assert User.objects.count() == before
    assert not AuditLog.objects.filter(action="accounts.user.create").exists()


def test_province_officer_must_create_accounts_in_their_own_province(world):
    with pytest.raises(ActionError):
        actions.do_create_user(actor=world.an_officer, username="x1", full_name="X", password=NEW_PASSWORD, province=None)
    with pytest.raises(NotPermitted):
        actions.do_create_user(actor=world.an_officer, username="x2", full_name="X", password=NEW_PASSWORD, province=world.quang_ninh)


def test_officer_may_not_touch_admin_accounts_or_accounts_granted_elsewhere(world):
    with pytest.raises(NotPermitted):
        actions.do_reset_password(actor=world.an_officer, user=world.admin, password=NEW_PASSWORD)
    shared = _new_user(world)
    Grant.objects.create(user=shared, role=Role.VIEWER, province=world.quang_ninh, valid_from=dt.date(2020, 1, 1))
    with pytest.raises(NotPermitted):
        actions.do_set_user_active(actor=world.an_officer, user=shared, active=False)
    shared.refresh_from_db()
    assert shared.is_active
    # The system administrator may.
    actions.do_set_user_active(actor=world.admin, user=shared, active=False)
    assert not get_user_model().objects.get(pk=shared.pk).is_active


def test_deactivated_account_cannot_sign_in_and_cannot_lock_itself(world, client):
    actions.do_set_user_active(actor=world.an_officer, user=world.viewer, active=False)
    assert not client.login(username="nguoi-xem", password=PASSWORD)
    assert AuditLog.objects.get(action="accounts.user.deactivate").changes == {"is_active": [True, False]}
    with pytest.raises(ActionError):
        actions.do_set_user_active(actor=world.an_officer, user=world.an_officer, active=False)
    actions.do_set_user_active(actor=world.an_officer, user=world.viewer, active=True)
    assert client.login(username="nguoi-xem", password=PASSWORD)


# ---------------------------------------------------------------- pages


@pytest.mark.sqlite
def test_accounts_pages_answer_in_vietnamese(world, client_for):
    created = _new_user(world)
    client = client_for(world.an_officer)
    listing = client.get(reverse("accounts:user_list"), {"q": "tran van duc"})
    html = listing.content.decode()
    assert listing.status_code == 200
    assert "thu-ky-khoi" in html and "Trần Văn Đức" in html and "nguoi-xem" not in html
    detail = client.get(reverse("accounts:user_detail", args=[_profile_uid(created)]))
    assert detail.status_code == 200 and "Chưa được phân quyền" not in detail.content.decode()
    assert "Tài khoản chưa được phân quyền" in detail.content.decode()
    for name in ("accounts:user_create", "accounts:my_account"):
        assert client.get(reverse(name)).status_code == 200
    assert client.get(reverse("accounts:grant_add", args=[_profile_uid(created)])).status_code == 200
    assert client.get(reverse("accounts:user_reset_password", args=[_profile_uid(created)])).status_code == 200


def test_province_officer_sees_their_province_accounts_only(world, client_for):
    created = _new_user(world)  # no grant yet, managed by An Giang
    client = client_for(world.an_officer)
    html = client.get(reverse("accounts:user_list")).content.decode()
    assert "thu-ky-khoi" in html and "can-bo-tuyen-giao" in html and "nguoi-xem" in html
    assert "can-bo-quang-ninh" not in html and "chua-phan-quyen" not in html
    outsider = client_for(world.qn_officer)
    assert outsider.get(reverse("accounts:user_detail", args=[_profile_uid(created)])).status_code == 404
    assert outsider.get(reverse("accounts:user_detail", args=[_profile_uid(world.viewer)])).status_code == 404
    admin_html = client_for(world.admin).get(reverse("accounts:user_list")).content.decode()
    assert "can-bo-quang-ninh" in admin_html and "chua-phan-quyen" in admin_html


def test_viewer_and_unit_officer_cannot_open_account_management(world, client_for):
    assert client_for(world.viewer).get(reverse("accounts:user_list")).status_code == 403
    assert client_for(world.unit_officer).get(reverse("accounts:user_create")).status_code == 403


def test_create_account_and_grant_through_the_pages(world, client_for):
    client = client_for(world.an_officer)
    response = client.post(
        reverse("accounts:user_create"),
        {"username": "truong-khoi", "full_name": "Phạm Thị Mai", "email": "", "province": world.an_giang.pk,
         "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="truong-khoi")
    uid = _profile_uid(user)
    bad = client.post(
        reverse("accounts:grant_add", args=[uid]),
        {"role": Role.BLOCK_HEAD, "scope_kind": ScopeKind.PROVINCE, "province": world.an_giang.pk,
         "valid_from": "01/02/2026", "valid_to": "31/01/2026"},
    )
    assert bad.status_code == 200
    assert "Ngày hết hiệu lực không được trước ngày bắt đầu hiệu lực." in bad.content.decode()
    assert not Grant.objects.filter(user=user).exists()
    assert "Quản trị hệ thống" not in bad.content.decode().split('name="role"')[1].split("</select>")[0]
    ok = client.post(
        reverse("accounts:grant_add", args=[uid]),
        {"role": Role.BLOCK_HEAD, "scope_kind": ScopeKind.PROVINCE, "province": world.an_giang.pk,
         "valid_from": "05/03/2026", "valid_to": "31/12/2026"},
    )
    assert ok.status_code == 302
    grant = Grant.objects.get(user=user)
    # dd/mm/yyyy: 05/03/2026 is 5 March, not 3 May.
    assert grant.valid_from == dt.date(2026, 3, 5) and grant.valid_to == dt.date(2026, 12, 31)
    detail = client.get(reverse("accounts:user_detail", args=[uid])).content.decode()
    assert "Trưởng khối" in detail and "05/03/2026" in detail
    ended = client.post(reverse("accounts:grant_end", args=[grant.uid]), {"valid_to": "30/06/2026"})
    assert ended.status_code == 302
    grant.refresh_from_db()
    assert grant.valid_to == dt.date(2026, 6, 30)


def test_mismatched_password_confirmation_shows_a_vietnamese_error(world, client_for):
    client = client_for(world.an_officer)
    response = client.post(
        reverse("accounts:user_create"),
        {"username": "abc", "full_name": "Lê Văn A", "province": world.an_giang.pk, "password1": NEW_PASSWORD, "password2": "khac-hẳn-1234"},
    )
    assert "Hai mật khẩu đã nhập không giống nhau." in response.content.decode()
    assert not get_user_model().objects.filter(username="abc").exists()


def test_reset_password_through_the_page(world, client_for, client):
    officer = client_for(world.an_officer)
    response = officer.post(
        reverse("accounts:user_reset_password", args=[_profile_uid(world.viewer)]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    officer.logout()
    assert client.login(username="nguoi-xem", password=NEW_PASSWORD)
    assert AuditLog.objects.filter(action="accounts.user.password_reset").count() == 1


def test_change_own_password(world, client_for):
    client = client_for(world.viewer)
    wrong = client.post(
        reverse("accounts:change_password"),
        {"old_password": "sai-roi", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert "Mật khẩu hiện tại không đúng" in wrong.content.decode()
    short = client.post(
        reverse("accounts:change_password"), {"old_password": PASSWORD, "new_password1": "abc", "new_password2": "abc"}
    )
    assert "Mật khẩu quá ngắn" in short.content.decode()
    ok = client.post(
        reverse("accounts:change_password"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert ok.status_code == 302
    world.viewer.refresh_from_db()
    assert world.viewer.check_password(NEW_PASSWORD)
    # The session stays signed in after the change.
    assert client.get(reverse("accounts:my_account")).status_code == 200


def test_grant_form_lists_units_of_the_chosen_province_and_its_predecessors(world, client_for):
    admin = client_for(world.admin)
    an_giang = admin.get(reverse("accounts:grant_unit_options"), {"province": world.an_giang.pk}).content.decode()
    assert "Ban Tuyên giáo Tỉnh ủy" in an_giang and "Sở Nội vụ" not in an_giang
    quang_ninh = admin.get(reverse("accounts:grant_unit_options"), {"province": world.quang_ninh.pk}).content.decode()
    assert "Sở Nội vụ" in quang_ninh and "Ban Tuyên giáo Tỉnh ủy" not in quang_ninh
    # A province officer cannot list another province's units by changing the parameter.
    officer = client_for(world.an_officer)
    sneaky = officer.get(reverse("accounts:grant_unit_options"), {"province": world.quang_ninh.pk}).content.decode()
    assert "Sở Nội vụ" not in sneaky


def test_account_events_appear_in_the_provinces_audit_log(world, client_for):
    user = _new_user(world)
    actions.do_add_grant(
        actor=world.an_officer, user=user, role=Role.COUNCIL_SECRETARY, scope_kind=ScopeKind.PROVINCE,
        province=world.an_giang, valid_from=dt.date(2026, 1, 1),
    )
    table = client_for(world.an_officer).get(reverse("audit:log_list")).content.decode().split('id="log-table"')[1]
    assert "Tạo tài khoản" in table and "Phân quyền" in table and "Thư ký hội đồng" in table
    assert "Thư ký hội đồng" not in client_for(world.qn_officer).get(reverse("audit:log_list")).content.decode()
