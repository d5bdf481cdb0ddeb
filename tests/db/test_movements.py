import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from thidua.audit.models import AuditLog
from thidua.blocs import actions as bloc_actions
from thidua.blocs.models import BlocKind, Deadline, DeadlineKind
from thidua.core.errors import ActionError, ConcurrentEditError, NotPermitted
from thidua.movements import actions
from thidua.movements.models import Movement, Registration, RegistrationItem
from thidua.org import actions as org_actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def bloc_year(world):
    bloc = bloc_actions.do_create_bloc(actor=world.an_officer, province=world.an_giang, data={"name": "Khối thi đua các cơ quan Đảng tỉnh", "kind": BlocKind.KHOI})
    year, _ = bloc_actions.do_open_year(actor=world.an_officer, bloc=bloc, year=2023)
    for unit in (world.tuyen_giao, world.to_chuc):
        bloc_actions.do_add_member(actor=world.an_officer, bloc_year=year, unit=unit)
    world.person = org_actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Nguyễn Văn An", "gender": "NAM"})
    return year


def _movement(world, **extra):
    data = {"title": "Phong trào “Cán bộ, công chức, viên chức thi đua thực hiện văn hóa công sở”", "kind": "THEMATIC", "level": "PROVINCE",
            "start_date": dt.date(2019, 1, 1), "end_date": dt.date(2025, 12, 31)}
    data.update(extra)
    return actions.do_create_movement(actor=world.an_officer, province=world.an_giang, data=data)


def test_a_movement_walks_its_lifecycle_with_history(world):
    movement = _movement(world)
    for step in ("launch", "implement", "interim_review", "resume", "sum_up", "award", "archive"):
        movement = actions.do_advance_movement(actor=world.an_officer, movement=movement, action=step, expected_version=movement.version)
    assert Movement.objects.get(pk=movement.pk).state == "ARCHIVED"
    rows = AuditLog.objects.filter(object_uid=str(movement.uid)).order_by("at", "pk")
    assert rows.count() == 8
    assert rows.last().changes["state"] == ["Đã khen thưởng", "Lưu trữ"]


def test_a_refused_transition_is_explained_and_changes_nothing(world):
    movement = _movement(world)
    with pytest.raises(ActionError) as info:
        actions.do_advance_movement(actor=world.an_officer, movement=movement, action="sum_up", expected_version=movement.version)
    assert "Kế hoạch" in info.value.message
    assert Movement.objects.get(pk=movement.pk).state == "PLANNED"


def test_end_before_start_and_bloc_level_without_bloc_are_refused(world):
    with pytest.raises(ActionError) as dates:
        _movement(world, end_date=dt.date(2018, 1, 1))
    assert "không được trước" in dates.value.message
    with pytest.raises(ActionError) as bloc:
        _movement(world, level="BLOC")
    assert "khối, cụm" in bloc.value.message
    assert Movement.objects.count() == 0


def test_plan_file_is_checked_and_stored_with_its_hash(world):
    movement = actions.do_create_movement(
        actor=world.an_officer, province=world.an_giang,
        data={"title": "Phong trào thi đua năm 2023", "kind": "REGULAR", "level": "PROVINCE", "start_date": dt.date(2023, 1, 1)},
        plan_file=SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.4 ke hoach", content_type="application/pdf"),
    )
    assert len(movement.plan_file_sha256) == 64 and movement.plan_file.name.endswith("ke-hoach.pdf")
    with pytest.raises(ActionError):
        actions.do_create_movement(
            actor=world.an_officer, province=world.an_giang,
            data={"title": "Khác", "kind": "REGULAR", "level": "PROVINCE", "start_date": dt.date(2023, 1, 1)},
            plan_file=SimpleUploadedFile("virus.exe", b"MZ"),
        )


def test_viewer_cannot_create_movements(world):
    with pytest.raises(NotPermitted):
        actions.do_create_movement(actor=world.viewer, province=world.an_giang, data={"title": "X", "kind": "REGULAR", "level": "PROVINCE", "start_date": dt.date(2023, 1, 1)})


def test_opening_a_year_creates_its_calendar(world, bloc_year):
    kinds = dict(Deadline.objects.filter(bloc_year=bloc_year).values_list("kind", "due_on"))
    assert kinds[DeadlineKind.REGISTRATION] == dt.date(2023, 3, 31)
    assert kinds[DeadlineKind.PROPOSALS] == dt.date(2023, 12, 10)


def test_unit_registers_and_block_reviewer_returns_then_approves(world, bloc_year):
    registration = actions.do_start_registration(actor=world.unit_officer, bloc_year=bloc_year, unit=world.tuyen_giao)
    items = [
        {"subject_kind": "collective", "award": "TTLDXS"},
        {"subject_kind": "individual", "person": world.person, "award": "CSTDCS"},
    ]
    actions.do_update_registration(actor=world.unit_officer, registration=registration, targets="Hoàn thành xuất sắc nhiệm vụ", items=items, expected_version=registration.version)
    actions.do_submit_registration(actor=world.unit_officer, registration=registration, expected_version=registration.version)
    with pytest.raises(ActionError):
        actions.do_return_registration(actor=world.an_officer, registration=registration, reason="  ", expected_version=registration.version)
    actions.do_return_registration(actor=world.an_officer, registration=registration, reason="Thiếu chỉ tiêu cụ thể", expected_version=registration.version)
    assert Registration.objects.get(pk=registration.pk).state == "RETURNED"
    actions.do_submit_registration(actor=world.unit_officer, registration=registration, expected_version=registration.version)
    actions.do_approve_registration(actor=world.an_officer, registration=registration, expected_version=registration.version)
    registration.refresh_from_db()
    assert registration.state == "APPROVED" and registration.decided_by == world.an_officer
    with pytest.raises(ActionError):
        actions.do_update_registration(actor=world.unit_officer, registration=registration, targets="", items=[], expected_version=registration.version)


def test_registration_lines_are_validated(world, bloc_year):
    registration = actions.do_start_registration(actor=world.unit_officer, bloc_year=bloc_year, unit=world.tuyen_giao)
    outsider = org_actions.do_create_person(actor=None, unit=world.to_chuc, data={"full_name": "Trần Thị Bình", "gender": "NU"})
    cases = [
        ([{"subject_kind": "collective", "award": "LDTT"}], "không dành cho tập thể"),
        ([{"subject_kind": "individual", "person": outsider, "award": "LDTT"}], "không thuộc"),
        ([{"subject_kind": "individual", "person": world.person, "award": "LDTT"}, {"subject_kind": "individual", "person": world.person, "award": "LDTT"}], "đã đăng ký"),
        ([{"subject_kind": "individual", "award": "LDTT"}], "hãy chọn cá nhân"),
    ]
    for items, message in cases:
        with pytest.raises(ActionError) as info:
            actions.do_update_registration(actor=world.unit_officer, registration=registration, targets="", items=items, expected_version=registration.version)
        assert message in info.value.message.lower() or message in info.value.message
    assert RegistrationItem.objects.count() == 0
    with pytest.raises(ActionError) as empty:
        actions.do_submit_registration(actor=world.unit_officer, registration=registration, expected_version=registration.version)
    assert "chưa có" in empty.value.message


def test_unit_officer_cannot_register_for_another_unit_or_approve(world, bloc_year):
    with pytest.raises(NotPermitted):
        actions.do_start_registration(actor=world.unit_officer, bloc_year=bloc_year, unit=world.to_chuc)
    registration = actions.do_start_registration(actor=world.unit_officer, bloc_year=bloc_year, unit=world.tuyen_giao)
    actions.do_update_registration(actor=world.unit_officer, registration=registration, targets="", items=[{"subject_kind": "collective", "award": "TTLDTT"}], expected_version=registration.version)
    actions.do_submit_registration(actor=world.unit_officer, registration=registration, expected_version=registration.version)
    with pytest.raises(NotPermitted):
        actions.do_approve_registration(actor=world.unit_officer, registration=registration, expected_version=registration.version)


@pytest.mark.sqlite
def test_two_reviewers_at_once_one_wins_the_other_is_told(world, bloc_year):
    registration = actions.do_start_registration(actor=world.unit_officer, bloc_year=bloc_year, unit=world.tuyen_giao)
    actions.do_update_registration(actor=world.unit_officer, registration=registration, targets="", items=[{"subject_kind": "collective", "award": "TTLDTT"}], expected_version=registration.version)
    actions.do_submit_registration(actor=world.unit_officer, registration=registration, expected_version=registration.version)
    seen_version = registration.version
    first = Registration.objects.get(pk=registration.pk)
    second = Registration.objects.get(pk=registration.pk)
    actions.do_approve_registration(actor=world.an_officer, registration=first, expected_version=seen_version)
    with pytest.raises(ActionError) as info:
        actions.do_return_registration(actor=world.admin, registration=second, reason="Thiếu", expected_version=seen_version)
    assert isinstance(info.value, ConcurrentEditError) or "Không thể" in info.value.message
    assert Registration.objects.get(pk=registration.pk).state == "APPROVED"


@pytest.mark.sqlite
def test_registration_pages_and_rollup(world, bloc_year, client_for):
    registration = actions.do_start_registration(actor=world.unit_officer, bloc_year=bloc_year, unit=world.tuyen_giao)
    unit_client = client_for(world.unit_officer)
    response = unit_client.post(
        reverse("movements:registration_detail", args=[registration.uid]),
        {"version": registration.version, "targets": "Hoàn thành xuất sắc", "items-TOTAL_FORMS": "2", "items-INITIAL_FORMS": "0",
         "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "500",
         "items-0-subject_kind": "individual", "items-0-person": world.person.pk, "items-0-award": "LDTT", "items-0-note": "",
         "items-1-subject_kind": "", "items-1-award": "", "submit_after_save": "1"},
    )
    assert response.status_code == 302
    assert Registration.objects.get(pk=registration.pk).state == "SUBMITTED"
    rollup = unit_client.get(reverse("movements:registration_rollup", args=[bloc_year.uid])).content.decode()
    assert "Ban Tuyên giáo Tỉnh ủy" in rollup and "Ban Tổ chức Tỉnh ủy" not in rollup
    officer = client_for(world.an_officer)
    page = officer.get(reverse("movements:registration_rollup", args=[bloc_year.uid])).content.decode()
    assert "Chờ duyệt" in page and "Chưa lập" in page and "Quá hạn" in page
    export = officer.get(reverse("movements:registration_rollup", args=[bloc_year.uid]), {"format": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client_for(world.qn_officer).get(reverse("movements:registration_detail", args=[registration.uid])).status_code == 404


@pytest.mark.sqlite
def test_movement_pages_render(world, client_for):
    movement = _movement(world)
    client = client_for(world.an_officer)
    for url in (reverse("movements:movement_list"), reverse("movements:movement_detail", args=[movement.uid]), reverse("movements:movement_create"), reverse("movements:movement_edit", args=[movement.uid])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "None" not in response.content.decode()
    response = client.post(reverse("movements:movement_advance", args=[movement.uid]), {"action": "launch", "version": movement.version})
    assert response.status_code == 302
    assert Movement.objects.get(pk=movement.pk).state == "LAUNCHED"
    # The history reads in words, the creation row included (no state codes on screen).
    page = client.get(reverse("movements:movement_detail", args=[movement.uid])).content.decode()
    history = page[page.index("Quá trình"):]
    assert "PLANNED" not in history and "LAUNCHED" not in history and "Kế hoạch → Đã phát động" in history
