"""Issue #15 point 4: notifications in the application (the bell) and by e-mail.

The events come from the actions (after commit): a proposal or registration returned to its unit,
a poll opened to its electorate, a decision issued for a unit; deadlines come from
`manage.py send_notifications`, once per deadline, recipient and day. Each user chooses the kinds
and the channels; only the right users are told, and nothing about a vote is said.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from thidua.audit.models import AuditLog
from thidua.blocs import actions as bloc_actions
from thidua.blocs.models import BlocKind
from thidua.core.errors import NotPermitted
from thidua.movements import actions as movement_actions
from thidua.notifications import actions, selectors
from thidua.notifications.models import Notification
from thidua.proposals import actions as proposal_actions
from thidua.voting import actions as voting_actions

pytestmark = pytest.mark.django_db


def _with_email(user, address):
    user.email = address
    user.save(update_fields=["email"])
    return user


def _decision(world, number="15", province=None, unit=None):
    return proposal_actions.do_record_external_decision(
        actor=None, province=province or world.an_giang,
        data={"number": number, "symbol": "QĐ-UBND", "issued_on": dt.date(2026, 1, 10), "level": "PROVINCE",
              "issuer_name": "Chủ tịch UBND tỉnh An Giang"},
        recipients=[{"unit": unit or world.tuyen_giao, "award": "BK_TINH", "year": 2025}],
    )


def _titles(user):
    return [n.title for n in selectors.my_notifications(user)]


def test_a_decision_notifies_the_units_users_only_and_mails_them(world, django_capture_on_commit_callbacks):
    _with_email(world.unit_officer, "tuyengiao@example.vn")
    _with_email(world.an_officer, "angiang@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        decision = _decision(world)
    assert _titles(world.unit_officer) == ["Đã có Quyết định khen thưởng số 15/QĐ-UBND ngày 10/01/2026"]
    note = Notification.objects.get(recipient=world.unit_officer)
    assert note.kind == "DECISION" and note.link == reverse("proposals:decision_detail", kwargs={"uid": decision.uid})
    for other in (world.an_officer, world.viewer, world.qn_officer, world.nobody, world.admin):
        assert _titles(other) == []
    assert [m.to for m in mail.outbox] == [["tuyengiao@example.vn"]]
    assert "Quyết định khen thưởng số 15/QĐ-UBND" in mail.outbox[0].subject and note.link in mail.outbox[0].body
    assert Notification.objects.get(pk=note.pk).emailed_at is not None


def test_nothing_is_sent_for_a_change_that_rolls_back(world, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                _decision(world)
                raise RuntimeError("rolled back")
    assert Notification.objects.count() == 0 and mail.outbox == []


def test_preferences_are_respected(world, django_capture_on_commit_callbacks):
    _with_email(world.unit_officer, "tuyengiao@example.vn")
    actions.do_set_notification_preferences(actor=world.unit_officer, choices={"DECISION": {"in_app": True, "email": False}})
    with django_capture_on_commit_callbacks(execute=True):
        _decision(world, number="15")
    assert len(_titles(world.unit_officer)) == 1 and mail.outbox == []

    actions.do_set_notification_preferences(actor=world.unit_officer, choices={"DECISION": {"in_app": False, "email": True}})
    with django_capture_on_commit_callbacks(execute=True):
        _decision(world, number="16")
    assert len(_titles(world.unit_officer)) == 1  # not in the bell
    assert [m.to for m in mail.outbox] == [["tuyengiao@example.vn"]] and "16/QĐ-UBND" in mail.outbox[0].subject

    actions.do_set_notification_preferences(actor=world.unit_officer, choices={"DECISION": {"in_app": False, "email": False}})
    with django_capture_on_commit_callbacks(execute=True):
        _decision(world, number="17")
    assert len(_titles(world.unit_officer)) == 1 and len(mail.outbox) == 1
    assert not Notification.objects.filter(title__contains="17/QĐ-UBND").exists()


def _returned_proposal(world):
    from thidua.org import actions as org_actions
    from thidua.org.models import Province

    province = Province.objects.get(pk=world.an_giang.pk)
    if province.registration_required_for_proposal:
        org_actions.do_update_province_settings(
            actor=None, province=province, data={"registration_required_for_proposal": False}, expected_version=province.version
        )
    proposal = proposal_actions.do_create_proposal(actor=None, proposer_unit=world.tuyen_giao, data={"title": "Đề nghị khen thưởng năm 2025", "year": 2025})
    proposal_actions.do_add_item(actor=None, proposal=proposal, data={"unit": world.tuyen_giao, "award": "BK_TINH"})
    proposal.refresh_from_db()
    proposal = proposal_actions.do_transition(actor=None, proposal=proposal, event="submit", expected_version=proposal.version)
    return proposal_actions.do_transition(actor=world.an_officer, proposal=proposal, event="return", reason="Thiếu biên bản họp hội đồng",
                                          expected_version=proposal.version)


def test_a_returned_proposal_notifies_the_proposing_unit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        proposal = _returned_proposal(world)
    note = Notification.objects.get(recipient=world.unit_officer)
    assert note.kind == "RETURNED" and note.title == "Hồ sơ đề nghị “Đề nghị khen thưởng năm 2025” bị trả lại"
    assert note.body == "Lý do: Thiếu biên bản họp hội đồng"
    assert note.link == reverse("proposals:proposal_detail", kwargs={"uid": proposal.uid})
    assert Notification.objects.count() == 1  # the officer who returned it is not told


def test_a_returned_registration_notifies_its_unit(world, django_capture_on_commit_callbacks):
    bloc = bloc_actions.do_create_bloc(actor=None, province=world.an_giang, data={"name": "Khối các cơ quan Đảng", "kind": BlocKind.KHOI})
    year, _ = bloc_actions.do_open_year(actor=None, bloc=bloc, year=2026)
    for unit in (world.tuyen_giao, world.to_chuc):
        bloc_actions.do_add_member(actor=None, bloc_year=year, unit=unit)
    reg = movement_actions.do_start_registration(actor=None, bloc_year=year, unit=world.tuyen_giao)
    reg = movement_actions.do_update_registration(actor=None, registration=reg, targets="Hoàn thành xuất sắc nhiệm vụ",
                                                  items=[{"subject_kind": "collective", "award": "TTLDXS"}], expected_version=reg.version)
    reg = movement_actions.do_submit_registration(actor=None, registration=reg, expected_version=reg.version)
    with django_capture_on_commit_callbacks(execute=True):
        movement_actions.do_return_registration(actor=None, registration=reg, reason="Chỉ tiêu chưa cụ thể", expected_version=reg.version)
    assert _titles(world.unit_officer) == ["Bản đăng ký thi đua năm 2026 của Ban Tuyên giáo Tỉnh ủy bị trả lại"]
    assert Notification.objects.count() == 1


def test_an_opened_poll_notifies_its_electorate_and_says_nothing_of_votes(world, django_capture_on_commit_callbacks):
    council = voting_actions.do_create_council(actor=None, province=world.an_giang, data={"name": "Hội đồng Thi đua - Khen thưởng tỉnh", "level": "PROVINCE"})
    for i, name in enumerate(("Nguyễn Văn Chủ", "Trần Thị Phó", "Lê Văn Thư")):
        voting_actions.do_add_council_member(actor=None, council=council, data={
            "full_name": name, "role": ("CHAIR", "VICE_CHAIR", "SECRETARY")[i], "term_from": dt.date(2025, 7, 1),
            "user": world.an_officer if i == 0 else None})
    poll = voting_actions.do_create_poll(
        actor=None,
        data={"title": "Bình xét Chiến sĩ thi đua cơ sở năm 2025", "council": council, "electorate": "COUNCIL", "subject": "AWARD",
              "award_code": "CSTDCS", "method": "APPROVE_EACH", "mode": "E_BALLOT", "quota": 1, "held_on": dt.date(2026, 1, 5)},
        candidates=[{"label": "Nguyễn Văn An"}, {"label": "Trần Thị Bình"}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        poll = voting_actions.do_open_poll(actor=None, poll=poll, expected_version=poll.version)
    note = Notification.objects.get()
    assert note.recipient == world.an_officer and note.kind == "POLL_OPEN"
    assert note.title == "Đã mở bỏ phiếu: Bình xét Chiến sĩ thi đua cơ sở năm 2025"
    assert note.link == reverse("voting:poll_detail", kwargs={"uid": poll.uid})
    # Casting the ballot adds no notification (a vote is never announced).
    with django_capture_on_commit_callbacks(execute=True):
        voting_actions.do_cast_ballot(actor=world.an_officer, poll=poll, approved=[poll.candidates.first().pk])
    assert Notification.objects.count() == 1


def _deadline_year(world, due_on):
    bloc = bloc_actions.do_create_bloc(actor=None, province=world.an_giang, data={"name": "Khối các cơ quan Đảng", "kind": BlocKind.KHOI})
    year, _ = bloc_actions.do_open_year(actor=None, bloc=bloc, year=due_on.year)
    for unit in (world.tuyen_giao, world.to_chuc):
        bloc_actions.do_add_member(actor=None, bloc_year=year, unit=unit)
    bloc_actions.do_set_deadline(actor=None, bloc_year=year, kind="REGISTRATION", due_on=due_on)
    # The covenant's default deadline (also 31/03) moved out of the window under test.
    bloc_actions.do_set_deadline(actor=None, bloc_year=year, kind="COVENANT", due_on=due_on + dt.timedelta(days=30))
    return year


def test_the_deadline_command_is_idempotent_per_day(world):
    from thidua.accounts.models import Role
    from tests.factories import grant, make_user

    to_chuc_officer = make_user("can-bo-to-chuc")
    grant(to_chuc_officer, Role.UNIT_OFFICER, world.an_giang_old, unit=world.to_chuc)
    year = _deadline_year(world, dt.date(2026, 3, 31))
    out = io.StringIO()
    call_command("send_notifications", "--date", "28/03/2026", "--days", "7", stdout=out)
    assert "đã gửi 2 thông báo mới" in out.getvalue()
    assert _titles(world.unit_officer) == ["Còn 3 ngày đến hạn “Đăng ký thi đua” của Khối các cơ quan Đảng năm 2026 (31/03/2026)"]
    assert Notification.objects.get(recipient=world.unit_officer).link == reverse("blocs:year_detail", kwargs={"uid": year.uid})
    call_command("send_notifications", "--date", "28/03/2026", "--days", "7", stdout=out)
    assert Notification.objects.count() == 2
    assert "đã gửi 0 thông báo mới" in out.getvalue().splitlines()[-1]

    # Ban Tuyên giáo sends its registration: only Ban Tổ chức is reminded the next day.
    reg = movement_actions.do_start_registration(actor=None, bloc_year=year, unit=world.tuyen_giao)
    reg = movement_actions.do_update_registration(actor=None, registration=reg, targets="Hoàn thành xuất sắc nhiệm vụ",
                                                  items=[{"subject_kind": "collective", "award": "TTLDXS"}], expected_version=reg.version)
    movement_actions.do_submit_registration(actor=None, registration=reg, expected_version=reg.version)
    call_command("send_notifications", "--date", "29/03/2026", "--days", "7", stdout=out)
    assert len(_titles(world.unit_officer)) == 1
    assert _titles(to_chuc_officer)[0].startswith("Còn 2 ngày đến hạn")
    # Outside the window nothing is sent; a bad date is refused in Vietnamese.
    call_command("send_notifications", "--date", "01/03/2026", "--days", "7", stdout=out)
    assert Notification.objects.count() == 3
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Ngày không hợp lệ"):
        call_command("send_notifications", "--date", "2026-03-28", stdout=out)


def test_mark_read_one_and_all_from_the_pages_and_the_bell(world, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _decision(world, number="15")
        _decision(world, number="16")
    first, second = Notification.objects.filter(recipient=world.unit_officer).order_by("pk")
    client.force_login(world.unit_officer)
    home = client.get(reverse("notifications:list")).content.decode()
    assert 'class="badge count">2</span>' in home and "2 chưa đọc" in home

    response = client.post(reverse("notifications:read", kwargs={"uid": first.uid}), {"mo": "1"})
    assert response.status_code == 302 and response["Location"] == first.link
    first.refresh_from_db()
    assert first.read_at is not None and selectors.unread_count(world.unit_officer) == 1

    # Another user's notification is not found (and stays unread).
    client.force_login(world.an_officer)
    assert client.post(reverse("notifications:read", kwargs={"uid": second.uid})).status_code == 404
    with pytest.raises(NotPermitted):
        actions.do_mark_notification_read(actor=world.an_officer, notification=second)
    second.refresh_from_db()
    assert second.read_at is None

    client.force_login(world.unit_officer)
    before = AuditLog.objects.count()
    client.post(reverse("notifications:read_all"))
    assert selectors.unread_count(world.unit_officer) == 0 and AuditLog.objects.count() == before + 1
    assert 'class="badge count"' not in client.get(reverse("notifications:list")).content.decode()


def test_preferences_page_saves_the_choices(world, client):
    client.force_login(world.unit_officer)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "Quyết định khen thưởng liên quan đến đơn vị" in page and "chưa có địa chỉ thư điện tử" in page
    data = {f"{k}_in_app": "on" for k in ("DEADLINE", "RETURNED", "POLL_OPEN", "DECISION")}
    data["RETURNED_email"] = "on"
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 302
    prefs = {p["kind"]: (p["in_app"], p["email"]) for p in selectors.my_preferences(world.unit_officer)}
    assert prefs == {"DEADLINE": (True, False), "RETURNED": (True, True), "POLL_OPEN": (True, False), "DECISION": (True, False)}


def test_api_lists_marks_read_and_sets_preferences(world, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _decision(world)
    client.force_login(world.unit_officer)
    page = client.get("/api/v1/notifications").json()
    assert page["count"] == 1 and page["unread"] == 1
    [item] = page["items"]
    assert item["kind"] == "DECISION" and item["read_at"] is None and item["title"].startswith("Đã có Quyết định")
    read = client.post(f"/api/v1/notifications/{item['uid']}/read")
    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert client.get("/api/v1/notifications", {"unread": "true"}).json()["count"] == 0
    assert client.post("/api/v1/notifications/read-all").json() == {"marked": 0}

    prefs = client.get("/api/v1/notifications/preferences").json()
    assert [p["kind"] for p in prefs] == ["DEADLINE", "RETURNED", "POLL_OPEN", "DECISION"] and all(p["in_app"] and p["email"] for p in prefs)
    changed = client.put("/api/v1/notifications/preferences", [{"kind": "POLL_OPEN", "in_app": True, "email": False}], content_type="application/json")
    assert changed.status_code == 200
    assert {p["kind"]: p["email"] for p in changed.json()}["POLL_OPEN"] is False
    bad = client.put("/api/v1/notifications/preferences", [{"kind": "VOTES", "in_app": True, "email": True}], content_type="application/json")
    assert bad.status_code == 422 and bad.json()["error"]["message"]

    # Someone else's notification answers 404.
    client.force_login(world.an_officer)
    assert client.post(f"/api/v1/notifications/{item['uid']}/read").status_code == 404
    assert client.get("/api/v1/notifications").json()["count"] == 0


def _matrix_part(name):
    """The scoring helpers of the access matrix (a 2024 block year with a round and its sheets)."""
    import importlib.util
    from pathlib import Path

    from tests.db import test_access_matrix as matrix

    spec = importlib.util.spec_from_file_location(f"_notify_part_{name}", Path(matrix.__file__).with_name("matrix_parts") / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return matrix, module


def test_a_score_sheet_returned_to_the_unit_notifies_it(world, django_capture_on_commit_callbacks):
    from thidua.scoring import actions as scoring_actions

    matrix, scoring = _matrix_part("scoring")
    sheet = scoring._sheet(matrix, world, filled=True)
    sheet = scoring_actions.do_transition_sheet(actor=None, sheet=sheet, event="submit", expected_version=sheet.version)
    with django_capture_on_commit_callbacks(execute=True):
        sheet = scoring_actions.do_transition_sheet(actor=None, sheet=sheet, event="return", reason="Thiếu minh chứng tiêu chí 1.1",
                                                    expected_version=sheet.version)
    assert sheet.state == "DRAFT"
    note = Notification.objects.get()
    assert note.recipient == world.unit_officer and note.kind == "RETURNED"
    assert note.title == "Phiếu chấm điểm của Ban Tuyên giáo Tỉnh ủy bị trả lại để tự chấm lại"
    assert note.body == "Lý do: Thiếu minh chứng tiêu chí 1.1" and note.link == reverse("scoring:sheet", kwargs={"uid": sheet.uid})


class BrokenMailServer:
    """An e-mail backend whose server is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server down")


def test_a_mail_server_down_keeps_the_change_and_the_in_app_notification(world, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.db.test_notifications.BrokenMailServer"
    _with_email(world.unit_officer, "tuyengiao@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        decision = _decision(world)
    assert decision.pk is not None and decision.recipients.count() == 1
    note = Notification.objects.get(recipient=world.unit_officer)
    assert note.emailed_at is None and selectors.unread_count(world.unit_officer) == 1


def test_the_demo_shows_deadline_reminders_once(db):
    from django.contrib.auth import get_user_model

    from thidua.org import demo

    demo.load_demo()
    officer = get_user_model().objects.get(username="tuyengiao-ag")
    notes = list(selectors.my_notifications(officer))
    assert notes and all(n.kind == "DEADLINE" for n in notes)
    assert all(n.title.startswith("Còn 7 ngày đến hạn") for n in notes)
    # Dated the week before the deadline, not the day the demo was loaded.
    assert all(n.created_at.date() < dt.date.today() - dt.timedelta(days=30) for n in notes)
    count = Notification.objects.count()
    assert "không thêm gì mới" in demo.load_demo() and Notification.objects.count() == count
