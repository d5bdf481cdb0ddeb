"""The live conference of a block (issue #18): agenda, QR check-in and quorum, the projector
screen (ETag/304, revocable link, no choice before the close), the live API and the minutes."""

from __future__ import annotations

import datetime as dt
import time
from types import SimpleNamespace

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.utils import timezone

from tests.core.docx_xml import DocxXml
from tests.factories import grant, make_user
from thidua.accounts.models import Role
from thidua.audit.models import AuditLog
from thidua.blocs import actions as blocs
from thidua.blocs import conference
from thidua.blocs.models import AgendaItem, AgendaState, CheckInTokenUse, MeetingAttendance
from thidua.core.errors import ActionError, NotPermitted, StateConflict
from thidua.documents.actions import do_generate_document
from thidua.org import actions as org
from thidua.voting import actions as voting
from thidua.voting.models import Poll, Voter

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def hall(world):
    """A block of three member units, each with its officer's account, and today's tổng kết
    meeting with an agenda: a report, the acclamation poll, the covenant signing."""
    dan_van = org.do_create_unit(actor=None, province=world.an_giang, data={"name": "Ban Dân vận Tỉnh ủy", "kind": "PARTY"})
    to_chuc_officer = make_user("can-bo-to-chuc", first_name="Trần Văn", last_name="Bình")
    grant(to_chuc_officer, Role.UNIT_OFFICER, world.an_giang_old, unit=world.to_chuc)
    dan_van_officer = make_user("can-bo-dan-van")
    grant(dan_van_officer, Role.UNIT_OFFICER, world.an_giang, unit=dan_van)
    bloc = blocs.do_create_bloc(actor=None, province=world.an_giang, data={"name": "Khối thi đua các cơ quan Đảng tỉnh", "kind": "KHOI"})
    year, _ = blocs.do_open_year(actor=None, bloc=bloc, year=TODAY.year)
    for unit in (world.tuyen_giao, world.to_chuc, dan_van):
        blocs.do_add_member(actor=None, bloc_year=year, unit=unit)
    year = blocs.do_set_leadership(actor=None, bloc_year=year, head_unit=world.to_chuc, deputy_unit=None, expected_version=year.version)
    meeting = blocs.do_record_meeting(
        actor=None, bloc_year=year,
        data={"kind": "ANNUAL_REVIEW", "held_on": TODAY, "place": "Hội trường Tỉnh ủy", "chair": "Lê Văn Chủ",
              "guests": "Đại diện Ban Thi đua - Khen thưởng tỉnh"},
        attending=[],
    )
    poll = voting.do_create_poll(
        actor=None,
        data={"title": "Suy tôn đơn vị dẫn đầu Khối", "meeting": meeting, "electorate": "BLOCK_UNITS", "subject": "LEADER_ACCLAMATION",
              "method": "CHOOSE_ONE", "mode": "E_BALLOT", "threshold_pct": 50},
        candidates=[{"unit": world.tuyen_giao}, {"unit": world.to_chuc}],
    )
    report = blocs.do_add_agenda_item(actor=None, meeting=meeting, data={"kind": "REPORT", "title": "Báo cáo tổng kết năm"})
    vote = blocs.do_add_agenda_item(actor=None, meeting=meeting, data={"kind": "POLL", "poll": poll})
    signing = blocs.do_add_agenda_item(actor=None, meeting=meeting, data={"kind": "COVENANT", "title": "Ký kết giao ước năm sau"})
    return SimpleNamespace(
        world=world, bloc=bloc, year=year, meeting=meeting, poll=poll, dan_van=dan_van, report=report, vote=vote, signing=signing,
        officers={world.tuyen_giao.pk: world.unit_officer, world.to_chuc.pk: to_chuc_officer, dan_van.pk: dan_van_officer},
    )


def _live(h, item):
    h.meeting.refresh_from_db()
    return blocs.do_set_live_item(actor=h.world.an_officer, meeting=h.meeting, item=item, expected_version=h.meeting.version)


def _qr(h, user, token):
    client = Client()
    client.force_login(user)
    return client.get(reverse("blocs:checkin_qr", args=[h.meeting.uid]), {"t": token})


# ---------------------------------------------------------------- agenda


def test_the_agenda_is_ordered_and_exactly_one_item_is_live(hall):
    h = hall
    assert [i.position for i in h.meeting.agenda.order_by("position")] == [1, 2, 3]
    assert h.vote.title == "Suy tôn đơn vị dẫn đầu Khối"  # from the linked poll
    _live(h, h.report)
    _live(h, h.vote)
    states = dict(AgendaItem.objects.filter(meeting=h.meeting).values_list("title", "state"))
    assert states == {"Báo cáo tổng kết năm": "DONE", "Suy tôn đơn vị dẫn đầu Khối": "LIVE", "Ký kết giao ước năm sau": "WAITING"}
    # The database refuses a second live item however it is written.
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.filter(pk=h.signing.pk).update(state=AgendaState.LIVE)
    # A stale version (another secretary moved first) is refused, nothing changes.
    with pytest.raises(ActionError):
        blocs.do_set_live_item(actor=h.world.an_officer, meeting=h.meeting, item=h.signing, expected_version=h.meeting.version - 1)
    assert AgendaItem.objects.get(pk=h.vote.pk).state == "LIVE"
    _live(h, None)
    assert set(AgendaItem.objects.filter(meeting=h.meeting).values_list("state", flat=True)) == {"DONE"}


def test_agenda_refuses_a_poll_of_another_meeting_and_a_unit_officer(hall):
    h = hall
    other = blocs.do_record_meeting(actor=None, bloc_year=h.year, data={"kind": "OTHER", "held_on": TODAY, "place": "Long Xuyên"}, attending=[])
    with pytest.raises(ActionError, match="không thuộc hội nghị"):
        blocs.do_add_agenda_item(actor=None, meeting=other, data={"kind": "POLL", "poll": h.poll})
    with pytest.raises(ActionError, match="Chỉ nội dung bình xét"):
        blocs.do_add_agenda_item(actor=None, meeting=h.meeting, data={"kind": "REPORT", "poll": h.poll})
    with pytest.raises(NotPermitted):
        blocs.do_add_agenda_item(actor=h.world.unit_officer, meeting=h.meeting, data={"kind": "FREE", "title": "Phát biểu"})
    assert other.agenda.count() == 0 and h.meeting.agenda.count() == 3


# ---------------------------------------------------------------- check-in


def test_a_member_checks_in_by_the_qr_url_once_and_the_quorum_follows(hall):
    h = hall
    assert conference.live_state(h.meeting, with_extras=False).present == 0
    token = conference.current_token(h.meeting)
    response = _qr(h, h.world.unit_officer, token)
    page = response.content.decode()
    assert response.status_code == 200 and "Đã điểm danh: Ban Tuyên giáo Tỉnh ủy có mặt tại hội nghị." in page
    attendance = MeetingAttendance.objects.get(meeting=h.meeting, unit=h.world.tuyen_giao)
    assert attendance.method == "QR" and attendance.checked_in_by == h.world.unit_officer and attendance.checked_in_at is not None
    # The used token is replaced at once on the screen.
    assert conference.current_token(h.meeting) != token
    # Reopening the same URL on the same phone: already present, no error, nothing written.
    rows = AuditLog.objects.count()
    again = _qr(h, h.world.unit_officer, token).content.decode()
    assert "đã điểm danh trước đó" in again and AuditLog.objects.count() == rows
    state = conference.live_state(h.meeting, with_extras=False)
    assert (state.present, state.electorate) == (1, 3) and state.quorum["met"] is False
    # Secretary checks a second unit in by hand: two thirds present meets the quorum.
    blocs.do_check_in(actor=h.world.an_officer, meeting=h.meeting, unit=h.world.to_chuc)
    state = conference.live_state(h.meeting, with_extras=False)
    assert state.present == 2 and state.quorum["met"] is True, state.quorum
    assert "Có mặt 2/3" in state.quorum["text"]


def test_a_reused_expired_forged_or_strangers_token_is_refused_and_nothing_is_written(hall):
    h = hall
    token = conference.current_token(h.meeting)
    assert _qr(h, h.world.unit_officer, token).status_code == 200
    before = (MeetingAttendance.objects.count(), CheckInTokenUse.objects.count(), AuditLog.objects.count())
    # Reused by another member's phone.
    page = _qr(h, h.officers[h.world.to_chuc.pk], token).content.decode()
    assert "Mã điểm danh này đã được dùng" in page
    # Expired: a code from two lifetimes ago.
    old = conference.current_token(h.meeting, now=time.time() - 2 * conference.token_seconds())
    page = _qr(h, h.officers[h.world.to_chuc.pk], old).content.decode()
    assert "Mã điểm danh đã hết hạn" in page
    # Forged: a valid shape with a wrong signature; and another meeting's code.
    fresh = conference.current_token(h.meeting)
    assert "không hợp lệ" in _qr(h, h.officers[h.world.to_chuc.pk], fresh[:-4] + "0000").content.decode()
    # An account that represents no member unit (the province officer, a guest).
    page = _qr(h, h.world.an_officer, fresh).content.decode()
    assert "không đại diện cho đơn vị thành viên nào" in page
    page = _qr(h, h.world.qn_officer, fresh).content.decode()
    assert "không đại diện cho đơn vị thành viên nào" in page
    assert (MeetingAttendance.objects.count(), CheckInTokenUse.objects.count(), AuditLog.objects.count()) == before
    # The fresh code still works for a member: the refusals did not spend it.
    assert "Đã điểm danh: Ban Tổ chức Tỉnh ủy" in _qr(h, h.officers[h.world.to_chuc.pk], fresh).content.decode()


def test_token_lifetime_is_the_setting(hall, settings):
    h = hall
    settings.CONFERENCE_CHECKIN_TOKEN_SECONDS = 10
    now = time.time()
    token = conference.current_token(h.meeting, now=now)
    conference.check_token(h.meeting, token, now=now + 4)
    with pytest.raises(conference.TokenProblem, match="10 giây"):
        conference.check_token(h.meeting, token, now=now + 11)


def test_check_in_while_a_poll_is_open_counts_for_its_quorum(hall):
    h = hall
    poll = voting.do_open_poll(actor=None, poll=h.poll, expected_version=h.poll.version)
    assert not Voter.objects.get(poll=poll, unit=h.dan_van).is_present
    blocs.do_check_in(actor=h.officers[h.dan_van.pk], meeting=h.meeting)
    assert Voter.objects.get(poll=poll, unit=h.dan_van).is_present


# ---------------------------------------------------------------- the live API


def _api(user):
    client = Client()
    client.force_login(user)
    return client


def test_live_api_shape_turnout_and_result_only_after_the_close(hall):
    h = hall
    url = f"/api/v1/meetings/{h.meeting.uid}/live"
    body = _api(h.world.an_officer).get(url).json()
    assert body == {"item": None, "present": 0, "electorate": 3, "quorum_met": False, "poll": None}
    _live(h, h.vote)
    for unit_pk, user in h.officers.items():
        blocs.do_check_in(actor=user, meeting=h.meeting)
    poll = voting.do_open_poll(actor=h.world.an_officer, poll=Poll.objects.get(pk=h.poll.pk), expected_version=h.poll.version)
    a, b = list(poll.candidates.order_by("position"))
    voting.do_cast_ballot(actor=h.world.unit_officer, poll=poll, approved=[a.pk])
    voting.do_cast_ballot(actor=h.officers[h.world.to_chuc.pk], poll=poll, approved=[a.pk])
    body = _api(h.world.unit_officer).get(url).json()
    assert body["item"] == {"kind": "POLL", "title": "Suy tôn đơn vị dẫn đầu Khối"}
    assert (body["present"], body["electorate"], body["quorum_met"]) == (3, 3, True)
    assert body["poll"] == {"uid": str(poll.uid), "state": "OPEN", "cast": 2, "electorate": 3, "result": None}
    poll.refresh_from_db()
    voting.do_close_poll(actor=h.world.an_officer, poll=poll, expected_version=poll.version)
    body = _api(h.world.unit_officer).get(url).json()
    assert body["poll"]["state"] == "RESULT" and body["poll"]["result"]["results"][0]["yes"] == 2
    # Out of scope: 404 like a missing meeting.
    assert _api(h.world.qn_officer).get(url).status_code == 404


def test_check_in_api_is_idempotent_and_refuses_a_non_member(hall):
    h = hall
    url = f"/api/v1/meetings/{h.meeting.uid}/check-in"
    member = _api(h.officers[h.dan_van.pk])
    first = member.post(url, {}, content_type="application/json")
    assert first.status_code == 200, first.content
    second = member.post(url, {}, content_type="application/json")
    assert second.status_code == 200 and second.json() == first.json()
    assert first.json()["unit_name"] == "Ban Dân vận Tỉnh ủy" and first.json()["present"] == 1 and first.json()["method"] == "API"
    # The secretary names the unit.
    by_hand = _api(h.world.an_officer).post(url, {"unit": str(h.world.to_chuc.uid)}, content_type="application/json")
    assert by_hand.status_code == 200 and by_hand.json()["method"] == "SECRETARY" and by_hand.json()["present"] == 2
    # A member may not check another unit in; the province officer is no member; a guest unit is refused.
    rows = AuditLog.objects.count()
    refused = member.post(url, {"unit": str(h.world.tuyen_giao.uid)}, content_type="application/json")
    assert refused.status_code == 403
    refused = _api(h.world.an_officer).post(url, {}, content_type="application/json")
    assert refused.status_code == 403 and "không đại diện" in refused.json()["error"]["message"]
    refused = _api(h.world.an_officer).post(url, {"unit": str(h.world.qn_unit.uid)}, content_type="application/json")
    assert refused.status_code == 422
    assert AuditLog.objects.count() == rows and MeetingAttendance.objects.filter(meeting=h.meeting).count() == 2


# ---------------------------------------------------------------- the projector


def _screen(h):
    link, secret = blocs.do_create_screen_link(actor=h.world.an_officer, meeting=h.meeting, label="Máy chiếu chính")
    return link, reverse("blocs:screen", args=[secret]), reverse("blocs:screen_live", args=[secret])


def test_projector_fragment_answers_304_until_the_live_state_changes(hall):
    h = hall
    _, page_url, live_url = _screen(h)
    anonymous = Client()
    page = anonymous.get(page_url)
    assert page.status_code == 200 and b"hx-get" in page.content and b'class="menu"' not in page.content
    first = anonymous.get(live_url)
    etag = first["ETag"]
    assert first.status_code == 200 and "Có mặt 0/3" in first.content.decode() and b"<svg" in first.content
    assert anonymous.get(live_url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    blocs.do_check_in(actor=h.world.an_officer, meeting=h.meeting, unit=h.dan_van)
    changed = anonymous.get(live_url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag and "Có mặt 1/3" in changed.content.decode()


def test_projector_shows_turnout_never_a_choice_before_the_close_then_the_minutes_result(hall):
    h = hall
    _, _, live_url = _screen(h)
    _live(h, h.vote)
    poll = voting.do_open_poll(actor=None, poll=h.poll, expected_version=h.poll.version)
    a, b = list(poll.candidates.order_by("position"))
    voting.do_cast_ballot(actor=h.officers[h.dan_van.pk], poll=poll, approved=[a.pk])

    def fragment_after(choice):
        """The fragment's bytes and ETag after Ban Tuyên giáo votes `choice`, then undone."""
        with transaction.atomic():
            voting.do_cast_ballot(actor=h.world.unit_officer, poll=poll, approved=[choice.pk])
            response = Client().get(live_url)
            transaction.set_rollback(True)
        return response.content, response["ETag"]

    for_a, for_b = fragment_after(a), fragment_after(b)
    assert for_a == for_b  # same bytes, same length, same ETag whatever was chosen
    text = for_a[0].decode()
    assert "2/3 đã bỏ phiếu" in text
    # No count per candidate, no candidate's name, no result block.
    assert "phiếu đồng ý" not in text and "Ban Tổ chức Tỉnh ủy" not in text and "<h3>Kết quả</h3>" not in text
    voting.do_cast_ballot(actor=h.world.unit_officer, poll=poll, approved=[a.pk])
    poll.refresh_from_db()
    poll = voting.do_close_poll(actor=None, poll=poll, expected_version=poll.version)
    text = Client().get(live_url).content.decode()
    lines = conference.result_lines(poll)
    assert any("2/3 phiếu đồng ý" in line for line in lines), lines
    for line in lines:
        assert escape(line) in text, line


def test_a_revoked_screen_link_shows_a_vietnamese_message(hall):
    h = hall
    link, page_url, live_url = _screen(h)
    _, other_page, _ = _screen(h)
    blocs.do_revoke_screen_link(actor=h.world.an_officer, link=link)
    page = Client().get(page_url)
    assert page.status_code == 410 and "đã bị thư ký hội nghị thu hồi" in page.content.decode()
    polled = Client().get(live_url, HTTP_HX_REQUEST="true")
    assert polled.status_code == 286 and "thu hồi" in polled.content.decode()
    assert Client().get(other_page).status_code == 200  # the second screen goes on
    with pytest.raises(ActionError, match="đã bị thu hồi"):
        blocs.do_revoke_screen_link(actor=h.world.an_officer, link=link)
    assert Client().get("/khoi-thi-dua/man-hinh/khong-co-that/").status_code == 404


# ---------------------------------------------------------------- the minutes


def test_minutes_carry_the_check_ins_the_agenda_and_the_result_as_the_screen_showed_it(hall):
    h = hall
    _live(h, h.report)
    blocs.do_update_agenda_item(actor=None, item=AgendaItem.objects.get(pk=h.report.pk), data={"conclusion": "Thông qua báo cáo tổng kết."},
                                expected_version=AgendaItem.objects.get(pk=h.report.pk).version)
    assert "Đã điểm danh" in _qr(h, h.world.unit_officer, conference.current_token(h.meeting)).content.decode()
    blocs.do_check_in(actor=h.world.an_officer, meeting=h.meeting, unit=h.world.to_chuc)
    _live(h, h.vote)
    poll = voting.do_open_poll(actor=None, poll=h.poll, expected_version=h.poll.version)
    a = poll.candidates.order_by("position").first()
    voting.do_cast_ballot(actor=h.world.unit_officer, poll=poll, approved=[a.pk])
    voting.do_cast_ballot(actor=h.officers[h.world.to_chuc.pk], poll=poll, approved=[a.pk])
    poll.refresh_from_db()
    poll = voting.do_close_poll(actor=None, poll=poll, expected_version=poll.version)
    _live(h, None)
    document = do_generate_document(actor=None, kind_code="MEETING_MINUTES", source=h.meeting)
    text = DocxXml(document.generated_file.read()).text()
    local = timezone.localtime(MeetingAttendance.objects.get(meeting=h.meeting, unit=h.world.tuyen_giao).checked_in_at)
    assert "Đơn vị thành viên dự họp (2/3):" in text
    assert f"Ban Tuyên giáo Tỉnh ủy (tự điểm danh lúc {local:%H:%M})" in text and "Ban Tổ chức Tỉnh ủy (thư ký điểm danh lúc" in text
    assert "Vắng mặt (1): Ban Dân vận Tỉnh ủy." in text
    assert "1. Báo cáo: Báo cáo tổng kết năm." in text and "Kết luận: Thông qua báo cáo tổng kết." in text
    assert "2. Biểu quyết, bỏ phiếu: Suy tôn đơn vị dẫn đầu Khối." in text
    for line in conference.result_lines(poll):
        assert line in text
    assert f"Mã kiểm tra SHA-256 của kết quả: {poll.result_sha256}." in text
    assert "3. Ký kết giao ước thi đua: Ký kết giao ước năm sau." in text
