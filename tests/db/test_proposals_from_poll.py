"""A council's vote feeds the award dossier: selected candidates become a draft proposal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from thidua.audit.models import AuditLog
from thidua.blocs import actions as bloc_actions
from thidua.blocs.models import BlocKind, MeetingKind
from thidua.core.errors import ActionError, NotPermitted
from thidua.org import actions as org_actions
from thidua.org.models import Province
from thidua.proposals import actions
from thidua.proposals.models import Proposal
from thidua.voting import actions as voting
from thidua.voting.models import CouncilLevel, Electorate, Method, Mode, Subject

pytestmark = pytest.mark.django_db

HELD_ON = dt.date(2026, 1, 5)


def _no_registration_rule(world):
    province = Province.objects.get(pk=world.an_giang.pk)
    org_actions.do_update_province_settings(
        actor=None, province=province, data={"registration_required_for_proposal": False}, expected_version=province.version
    )


def _unit_council(world, unit=None):
    council = voting.do_create_council(
        actor=None, province=world.an_giang,
        data={"name": "Hội đồng Thi đua - Khen thưởng Ban Tuyên giáo", "level": CouncilLevel.UNIT, "unit": unit or world.tuyen_giao,
              "active_from": dt.date(2025, 1, 1)},
    )
    for i in range(10):
        voting.do_add_council_member(actor=None, council=council, data={"full_name": f"Thành viên {i + 1:02d}", "role": "MEMBER", "term_from": dt.date(2025, 1, 1)})
    return council


def _people(world, *names):
    return [org_actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": n, "gender": "NAM", "position_title": "Chuyên viên"}) for n in names]


def _poll(world, council, candidates, *, mode=Mode.EXTERNAL, method=Method.APPROVE_EACH, award="CSTDCS"):
    return voting.do_create_poll(
        actor=None,
        data={"title": "Bình xét Chiến sĩ thi đua cơ sở năm 2025", "council": council, "electorate": Electorate.COUNCIL, "subject": Subject.AWARD,
              "award_code": award, "award_year": 2025, "method": method, "mode": mode, "quota": 2, "held_on": HELD_ON},
        candidates=candidates,
    )


def _result(poll, yes_by_label, *, present=9, size=10):
    ids = {c.label: c.pk for c in poll.candidates.all()}
    voting.do_record_result(actor=None, poll=poll, counts={"council_size": size, "present": present, "yes": {ids[k]: v for k, v in yes_by_label.items()}},
                            source="EXTERNAL", expected_version=poll.version)
    poll.refresh_from_db()
    return poll


@pytest.mark.sqlite
def test_the_poll_button_makes_a_draft_dossier_of_the_selected_with_the_vote(world, client_for):
    _no_registration_rule(world)
    an, binh = _people(world, "Nguyễn Văn An", "Trần Thị Bình")
    poll = _poll(world, _unit_council(world), [{"person": an}, {"person": binh}])
    poll = _result(poll, {"Nguyễn Văn An": 9, "Trần Thị Bình": 5})  # CSTĐCS: ≥ 80 % of 10 members
    client = client_for(world.unit_officer)
    page = client.get(reverse("voting:poll_detail", args=[poll.uid])).content.decode()
    assert "Lập hồ sơ đề nghị từ kết quả" in page
    response = client.post(reverse("proposals:proposal_from_poll", args=[poll.uid]))
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("proposals:proposal_detail", args=[proposal.uid])
    assert proposal.state == "DRAFT" and proposal.poll_id == poll.pk and proposal.proposer_unit_id == world.tuyen_giao.pk
    assert proposal.year == 2025 and proposal.level == "UNIT"
    item = proposal.items.get()
    assert item.person_id == an.pk and item.award == "CSTDCS"
    assert (item.vote_members_total, item.vote_present, item.vote_yes, item.vote_held_on) == (10, 9, 9, HELD_ON)
    assert not [b for b in item.blockers if b["code"].startswith("vote")]
    # The poll page now links to the dossier instead of offering a second one.
    page = client.get(reverse("voting:poll_detail", args=[poll.uid])).content.decode()
    assert "Đề nghị Chiến sĩ thi đua cơ sở năm 2025" in page and "Lập hồ sơ đề nghị từ kết quả" not in page
    with pytest.raises(ActionError) as again:
        actions.do_create_proposal_from_poll(actor=world.unit_officer, poll=poll)
    assert "Đã lập hồ sơ đề nghị" in again.value.message and Proposal.objects.count() == 1


@pytest.mark.sqlite
def test_open_unresulted_and_loose_candidate_polls_are_refused_and_nothing_is_written(world, client_for):
    _no_registration_rule(world)
    council = _unit_council(world)
    (an,) = _people(world, "Nguyễn Văn An")
    open_poll = _poll(world, council, [{"person": an}], mode=Mode.E_BALLOT)
    open_poll = voting.do_open_poll(actor=None, poll=open_poll, expected_version=open_poll.version)
    hands = _poll(world, council, [{"person": an}], method=Method.SHOW_OF_HANDS, mode=Mode.SHOW_OF_HANDS)
    hands = voting.do_open_poll(actor=None, poll=hands, expected_version=hands.version)
    hands = voting.do_close_poll(actor=None, poll=hands, expected_version=hands.version)
    loose = _result(_poll(world, council, [{"label": "Ông Nguyễn Văn Tư (ngoài danh mục)"}]), {"Ông Nguyễn Văn Tư (ngoài danh mục)": 9})
    before = AuditLog.objects.count()
    expected = {
        open_poll.pk: "chưa kết thúc",
        hands.pk: "chưa có kết quả",
        loose.pk: "chưa gắn với một cá nhân hoặc đơn vị",
    }
    for poll in (open_poll, hands, loose):
        with pytest.raises(ActionError) as refused:
            actions.do_create_proposal_from_poll(actor=world.unit_officer, poll=poll)
        assert expected[poll.pk] in refused.value.message
    response = client_for(world.unit_officer).post(reverse("proposals:proposal_from_poll", args=[loose.uid]), follow=True)
    assert "chưa gắn với một cá nhân hoặc đơn vị" in response.content.decode()
    assert Proposal.objects.count() == 0 and AuditLog.objects.count() == before


def test_another_units_officer_cannot_make_the_dossier(world):
    (an,) = _people(world, "Nguyễn Văn An")
    poll = _result(_poll(world, _unit_council(world), [{"person": an}]), {"Nguyễn Văn An": 9})
    with pytest.raises(NotPermitted):
        actions.do_create_proposal_from_poll(actor=world.qn_officer, poll=poll)
    assert Proposal.objects.count() == 0


@pytest.mark.sqlite
def test_a_block_poll_becomes_the_blocks_dossier_with_its_meeting(world):
    _no_registration_rule(world)
    bloc = bloc_actions.do_create_bloc(actor=None, province=world.an_giang, data={"name": "Khối thi đua các cơ quan Đảng tỉnh", "kind": BlocKind.KHOI})
    year, _ = bloc_actions.do_open_year(actor=None, bloc=bloc, year=2025)
    for unit in (world.tuyen_giao, world.to_chuc):
        bloc_actions.do_add_member(actor=None, bloc_year=year, unit=unit)
    meeting = bloc_actions.do_record_meeting(
        actor=None, bloc_year=year, data={"kind": MeetingKind.ANNUAL_REVIEW, "held_on": dt.date(2025, 12, 20), "place": "Long Xuyên"},
        attending=[world.tuyen_giao, world.to_chuc],
    )
    poll = voting.do_create_poll(
        actor=None,
        data={"title": "Bình xét Bằng khen của Chủ tịch UBND tỉnh", "meeting": meeting, "electorate": Electorate.BLOCK_UNITS, "subject": Subject.AWARD,
              "award_code": "BK_TINH", "award_year": 2025, "method": Method.APPROVE_EACH, "mode": Mode.EXTERNAL, "threshold_pct": 50},
        candidates=[{"unit": world.tuyen_giao}, {"unit": world.to_chuc}],
    )
    poll = _result(poll, {"Ban Tuyên giáo Tỉnh ủy": 2, "Ban Tổ chức Tỉnh ủy": 0}, present=2, size=2)
    proposal = actions.do_create_proposal_from_poll(actor=world.an_officer, poll=poll)
    assert proposal.bloc_year_id == year.pk and proposal.meeting_id == meeting.pk and proposal.level == "PROVINCE"
    assert [(i.unit_id, i.vote_members_total, i.vote_yes) for i in proposal.items.all()] == [(world.tuyen_giao.pk, 2, 2)]
