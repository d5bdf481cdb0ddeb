"""Councils, polls, e-ballots, written opinions, recorded counts and their consequences."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from thidua.accounts.models import Role
from thidua.audit.models import AuditLog
from thidua.blocs import actions as bloc_actions
from thidua.blocs.models import BlocKind, BlocYear, MeetingKind
from thidua.core.errors import ActionError, NotPermitted
from thidua.org import actions as org_actions
from thidua.voting import actions
from thidua.voting.models import (
    Ballot,
    CouncilLevel,
    CouncilRole,
    Electorate,
    Method,
    Mode,
    Participation,
    ParticipationKind,
    Poll,
    PollState,
    Subject,
    Voter,
)
from tests.factories import grant, make_user

pytestmark = pytest.mark.django_db

HELD_ON = dt.date(2026, 1, 5)


# --------------------------------------------------------------------------- builders (shared by the other voting tests)


def make_council(world, size: int, *, prefix: str = "tv", with_accounts: bool = True):
    """A provincial council of `size` members (the first is chairman), each with a voting account."""
    council = actions.do_create_council(
        actor=world.an_officer, province=world.an_giang,
        data={"name": "Hội đồng Thi đua - Khen thưởng tỉnh An Giang", "level": CouncilLevel.PROVINCE,
              "founding_decision": "12/QĐ-UBND", "founding_date": dt.date(2025, 7, 1), "active_from": dt.date(2025, 7, 1)},
    )
    members, users = [], []
    for i in range(size):
        user = None
        if with_accounts:
            user = make_user(f"{prefix}{i:04d}")
            grant(user, Role.COUNCIL_MEMBER, world.an_giang)
            users.append(user)
        role = CouncilRole.CHAIR if i == 0 else (CouncilRole.SECRETARY if i == size - 1 else CouncilRole.MEMBER)
        members.append(actions.do_add_council_member(
            actor=world.an_officer, council=council,
            data={"full_name": f"Thành viên {i + 1:04d}", "role": role, "user": user, "term_from": dt.date(2025, 7, 1)},
        ))
    return council, members, users


def make_poll(world, council, *, award="CSTDCS", labels=("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"), quota=2,
              method=Method.APPROVE_EACH, mode=Mode.E_BALLOT, held_on=HELD_ON, threshold=None, subject=Subject.AWARD):
    data = {"title": f"Bình xét {award} năm 2025", "council": council, "electorate": Electorate.COUNCIL, "subject": subject,
            "award_code": award, "award_year": 2025, "method": method, "mode": mode, "quota": quota, "held_on": held_on}
    if threshold is not None:
        data["threshold_pct"] = threshold
    return actions.do_create_poll(actor=world.an_officer, data=data, candidates=[{"label": label} for label in labels])


def open_poll(world, poll):
    return actions.do_open_poll(actor=world.an_officer, poll=poll, expected_version=poll.version)


def close_poll(world, poll):
    poll.refresh_from_db()
    return actions.do_close_poll(actor=world.an_officer, poll=poll, expected_version=poll.version)


def ids(poll):
    return {c.label: c.pk for c in poll.candidates.all()}


def row(poll, label):
    return next(r for r in poll.result["results"] if r["name"] == label)


def vote_pattern(poll, users, approvals):
    """approvals: one list of labels per user (in order)."""
    cid = ids(poll)
    for user, labels in zip(users, approvals):
        actions.do_cast_ballot(actor=user, poll=poll, approved=[cid[label] for label in labels])


# --------------------------------------------------------------------------- the e-ballot


@pytest.mark.sqlite
def test_secret_e_ballot_from_open_to_result_with_the_whole_council_as_base(world):
    council, members, users = make_council(world, 10)
    poll = make_poll(world, council)
    assert (poll.threshold_pct, poll.base) == (80, "council_size")
    assert "Nghị định 152/2025/NĐ-CP" in poll.citation
    open_poll(world, poll)
    assert poll.state == PollState.OPEN and poll.electorate_size == 10
    # An: 8 of 10 (80% of the whole council) passes; Bình: 7 fails; Cường: 2.
    approvals = [["Nguyễn Văn An", "Trần Thị Bình"]] * 7 + [["Nguyễn Văn An"], ["Lê Văn Cường"], ["Lê Văn Cường"]]
    vote_pattern(poll, users, approvals)
    assert Participation.objects.filter(poll=poll).count() == Ballot.objects.filter(poll=poll).count() == 10
    poll = close_poll(world, poll)
    assert poll.state == PollState.RESULT and poll.result_source == "E_BALLOT"
    an, binh = row(poll, "Nguyễn Văn An"), row(poll, "Trần Thị Bình")
    assert (an["yes"], an["passed"], an["selected"], an["percent"]) == (8, True, True, "80.00")
    assert (binh["yes"], binh["passed"], binh["selected"]) == (7, False, False)
    assert poll.result["threshold"]["votes_needed"] == 8
    assert poll.result_sha256 == actions.result_digest(poll.result)
    assert len(poll.result_sha256) == 64


@pytest.mark.sqlite
@pytest.mark.parametrize(
    "award, size, voters, yes, passed",
    [
        ("CSTDCS", 11, 11, 9, True),    # 9*100 >= 80*11 = 880
        ("CSTDCS", 11, 11, 8, False),   # 800 < 880
        ("CSTD_TINH", 11, 11, 10, True),  # 1000 >= 990
        ("CSTD_TINH", 11, 11, 9, False),
        ("CSTDCS", 10, 9, 8, True),     # 800 >= 800: exactly 80% of the whole council
        ("CSTDCS", 11, 9, 8, False),    # 8 of the 9 who voted (89%) but only 72.73% of the council
        ("CO_TINH", 15, 15, 12, True),
        ("CO_TINH", 15, 15, 11, False),
    ],
)
def test_thresholds_from_the_real_rules_use_the_whole_council(world, award, size, voters, yes, passed):
    council, members, users = make_council(world, size)
    poll = make_poll(world, council, award=award, labels=("Ứng viên A",), quota=1)
    open_poll(world, poll)
    vote_pattern(poll, users[:voters], [["Ứng viên A"]] * yes + [[]] * (voters - yes))
    poll = close_poll(world, poll)
    result = row(poll, "Ứng viên A")
    assert (result["yes"], result["passed"]) == (yes, passed)
    assert f"{yes}/{size}" in result["text"]


def test_the_rule_version_in_force_on_the_meeting_date_is_snapshotted(world):
    council, _, _ = make_council(world, 3)
    old = make_poll(world, council, held_on=dt.date(2025, 3, 1))
    new = make_poll(world, council, held_on=dt.date(2026, 1, 5))
    assert old.citation == "Nghị định 98/2023/NĐ-CP, Điều 30 khoản 7" and old.rule_version == "2024-01-01"
    assert new.rule_version == "2025-07-01" and "152/2025" in new.citation
    with pytest.raises(ActionError) as info:
        make_poll(world, council, award="LDTT")
    assert info.value.field == "threshold_pct"
    own = make_poll(world, council, award="LDTT", threshold=60)
    assert own.threshold_pct == 60


@pytest.mark.sqlite
def test_every_refusal_writes_nothing(world):
    council, members, users = make_council(world, 4)
    poll = make_poll(world, council, quota=1)
    cid = ids(poll)
    guest = make_user("khach-moi")
    grant(guest, Role.COUNCIL_MEMBER, world.an_giang)

    def counts():
        return (Participation.objects.count(), Ballot.objects.count(), AuditLog.objects.count())

    def refused(user, approved, text):
        before = counts()
        with pytest.raises(ActionError) as info:
            actions.do_cast_ballot(actor=user, poll=poll, approved=approved)
        assert text in info.value.message
        assert counts() == before

    refused(users[0], [cid["Nguyễn Văn An"]], "chưa mở")
    open_poll(world, poll)
    refused(guest, [cid["Nguyễn Văn An"]], "không có tên trong danh sách")
    refused(users[0], [cid["Nguyễn Văn An"], cid["Trần Thị Bình"]], "quá chỉ tiêu 1")
    refused(users[0], [999999], "không có trong danh sách bình xét")
    actions.do_cast_ballot(actor=users[0], poll=poll, approved=[cid["Nguyễn Văn An"]])
    refused(users[0], [], "đã bỏ phiếu rồi")
    close_poll(world, poll)
    refused(users[1], [cid["Nguyễn Văn An"]], "đã đóng")
    with pytest.raises(NotPermitted):
        actions.do_cast_ballot(actor=world.viewer, poll=poll, approved=[])


def test_one_audit_row_per_call_and_outsiders_are_refused(world):
    council, members, users = make_council(world, 3)
    before = AuditLog.objects.count()
    poll = make_poll(world, council)
    open_poll(world, poll)
    actions.do_cast_ballot(actor=users[0], poll=poll, approved=[])
    assert AuditLog.objects.count() == before + 3
    with pytest.raises(NotPermitted):
        actions.do_close_poll(actor=world.qn_officer, poll=poll, expected_version=poll.version)
    with pytest.raises(NotPermitted):
        actions.do_close_poll(actor=world.unit_officer, poll=poll, expected_version=poll.version)
    with pytest.raises(NotPermitted):
        make_poll(world.__class__(**{**world.__dict__, "an_officer": world.qn_officer}), council)


@pytest.mark.sqlite
def test_written_opinions_of_absent_members_are_separate_marked_ballots(world):
    council, members, users = make_council(world, 5)
    poll = make_poll(world, council, labels=("Ứng viên A",), quota=1)
    open_poll(world, poll)
    voters = {v.council_member_id: v for v in Voter.objects.filter(poll=poll)}
    absent = voters[members[4].pk]
    actions.do_enter_written_opinion(actor=world.an_officer, poll=poll, voter=absent, approved=[ids(poll)["Ứng viên A"]])
    assert Ballot.objects.get(poll=poll, is_written_opinion=True).approved_ids() == [str(ids(poll)["Ứng viên A"])]
    assert Participation.objects.get(voter=absent).kind == ParticipationKind.WRITTEN_OPINION
    # The member cannot also vote online, nor be given a second written opinion.
    with pytest.raises(ActionError):
        actions.do_cast_ballot(actor=users[4], poll=poll, approved=[])
    with pytest.raises(ActionError):
        actions.do_enter_written_opinion(actor=world.an_officer, poll=poll, voter=absent, approved=[])
    # A member marked present votes in person, not in writing.
    present = voters[members[3].pk]
    actions.do_set_attendance(actor=world.an_officer, poll=poll, voter=present, is_present=True)
    with pytest.raises(ActionError) as info:
        actions.do_enter_written_opinion(actor=world.an_officer, poll=poll, voter=present, approved=[])
    assert "vắng mặt" in info.value.message
    vote_pattern(poll, users[:4], [["Ứng viên A"]] * 4)
    poll = close_poll(world, poll)
    assert poll.result["written_opinions"] == 1
    assert poll.result["quorum"]["attending"] == 4
    assert row(poll, "Ứng viên A")["yes"] == 5
    assert any("ý kiến bằng văn bản" in line for line in poll.result["explanation"])


@pytest.mark.sqlite
def test_a_tie_at_the_cut_off_waits_for_the_chairman(world):
    council, members, users = make_council(world, 5)
    poll = make_poll(world, council, quota=1, labels=("Ứng viên A", "Ứng viên B"), award="LDTT", threshold=60)
    open_poll(world, poll)
    vote_pattern(poll, users, [["Ứng viên A"], ["Ứng viên A"], ["Ứng viên A"], ["Ứng viên B"], ["Ứng viên B"]])
    poll = close_poll(world, poll)
    # A: 3/5 = 60% passes, B 2/5 fails: no tie.
    assert poll.result["tie"] is None and row(poll, "Ứng viên A")["selected"]

    poll2 = make_poll(world, council, quota=1, labels=("Ứng viên A", "Ứng viên B"), award="LDTT", threshold=40)
    open_poll(world, poll2)
    vote_pattern(poll2, users[:4], [["Ứng viên A"], ["Ứng viên A"], ["Ứng viên B"], ["Ứng viên B"]])
    poll2 = close_poll(world, poll2)
    assert poll2.result["needs_chair_choice"] is True
    assert not row(poll2, "Ứng viên A")["selected"] and not row(poll2, "Ứng viên B")["selected"]
    digest = poll2.result_sha256
    actions.do_resolve_tie(actor=world.an_officer, poll=poll2, chair_choice=[ids(poll2)["Ứng viên B"]], expected_version=poll2.version)
    poll2.refresh_from_db()
    assert row(poll2, "Ứng viên B")["selected"] and not row(poll2, "Ứng viên A")["selected"]
    assert poll2.result["tie"]["resolved_by"] == "chair"
    assert poll2.result_sha256 != digest == digest


@pytest.mark.sqlite
def test_without_quorum_nobody_is_selected(world):
    council, members, users = make_council(world, 9)
    poll = make_poll(world, council, labels=("Ứng viên A",), quota=1, award="LDTT", threshold=50)
    open_poll(world, poll)
    vote_pattern(poll, users[:5], [["Ứng viên A"]] * 5)  # 5 < 6 = ceil(2/3 * 9)
    poll = close_poll(world, poll)
    assert poll.result["quorum"] == {**poll.result["quorum"], "met": False, "required": 6, "attending": 5}
    assert row(poll, "Ứng viên A")["passed"] and not row(poll, "Ứng viên A")["selected"]


def test_members_outside_their_term_are_not_in_the_electorate(world):
    council, members, users = make_council(world, 3)
    actions.do_update_council_member(
        actor=world.an_officer, member=members[1], data={"term_to": dt.date(2025, 12, 31)}, expected_version=members[1].version
    )
    poll = make_poll(world, council)
    open_poll(world, poll)
    assert poll.electorate_size == 2
    with pytest.raises(ActionError):
        actions.do_cast_ballot(actor=users[1], poll=poll, approved=[])


# --------------------------------------------------------------------------- recorded counts


@pytest.mark.sqlite
def test_show_of_hands_counts_go_through_the_same_tally_and_bad_counts_write_nothing(world):
    council, members, users = make_council(world, 10, with_accounts=False)
    poll = make_poll(world, council, method=Method.SHOW_OF_HANDS, mode=Mode.SHOW_OF_HANDS, labels=("Ứng viên A", "Ứng viên B"))
    assert poll.mode == Mode.SHOW_OF_HANDS
    open_poll(world, poll)
    poll = close_poll(world, poll)
    assert poll.state == PollState.CLOSED
    cid = ids(poll)
    before = AuditLog.objects.count()
    with pytest.raises(ActionError) as info:
        actions.do_record_result(actor=world.an_officer, poll=poll, counts={"present": 9, "yes": {cid["Ứng viên A"]: 10, cid["Ứng viên B"]: 1}},
                                 source="SHOW_OF_HANDS", expected_version=poll.version)
    assert "lớn hơn số người bỏ phiếu" in info.value.message
    poll.refresh_from_db()
    assert poll.state == PollState.CLOSED and poll.result is None and AuditLog.objects.count() == before
    actions.do_record_result(actor=world.an_officer, poll=poll, counts={"present": 9, "yes": {cid["Ứng viên A"]: 8, cid["Ứng viên B"]: 7}},
                             source="SHOW_OF_HANDS", expected_version=poll.version)
    poll.refresh_from_db()
    assert poll.state == PollState.RESULT and poll.result_source == "SHOW_OF_HANDS"
    assert row(poll, "Ứng viên A")["selected"] and not row(poll, "Ứng viên B")["passed"]
    assert poll.result_sha256 == actions.result_digest(poll.result)
    assert AuditLog.objects.count() == before + 1
    with pytest.raises(ActionError):
        actions.do_record_result(actor=world.an_officer, poll=poll, counts={"present": 9, "yes": {}}, source="SHOW_OF_HANDS",
                                 expected_version=poll.version)


def test_an_external_result_is_recorded_without_opening(world):
    council, members, users = make_council(world, 3, with_accounts=False)
    poll = make_poll(world, council, mode=Mode.EXTERNAL, labels=("Ứng viên A",), quota=1)
    actions.do_record_result(actor=world.an_officer, poll=poll, counts={"council_size": 15, "present": 14, "written_opinions": 1,
                                                                        "yes": {ids(poll)["Ứng viên A"]: 13}},
                             source="EXTERNAL", expected_version=poll.version)
    poll.refresh_from_db()
    assert poll.electorate_size == 15 and row(poll, "Ứng viên A")["passed"]  # 1300 >= 1200


def test_an_e_ballot_poll_refuses_typed_counts(world):
    council, members, users = make_council(world, 3)
    poll = make_poll(world, council)
    open_poll(world, poll)
    with pytest.raises(ActionError):
        actions.do_record_result(actor=world.an_officer, poll=poll, counts={"present": 3, "yes": {}}, source="PAPER", expected_version=poll.version)


# --------------------------------------------------------------------------- block polls and their consequences


@pytest.fixture
def block(world):
    noi_chinh = org_actions.do_create_unit(actor=None, province=world.an_giang_old, data={"name": "Ban Nội chính Tỉnh ủy", "kind": "PARTY"})
    bloc = bloc_actions.do_create_bloc(actor=world.an_officer, province=world.an_giang,
                                       data={"name": "Khối thi đua các cơ quan Đảng tỉnh", "kind": BlocKind.KHOI})
    year, _ = bloc_actions.do_open_year(actor=world.an_officer, bloc=bloc, year=2025)
    units = [world.tuyen_giao, world.to_chuc, noi_chinh]
    for unit in units:
        bloc_actions.do_add_member(actor=world.an_officer, bloc_year=year, unit=unit)
    delegates = []
    for i, unit in enumerate(units):
        user = make_user(f"dai-bieu-{i}")
        grant(user, Role.UNIT_LEADER, unit.province, unit=unit)
        delegates.append(user)
    meeting = bloc_actions.do_record_meeting(
        actor=world.an_officer, bloc_year=year,
        data={"kind": MeetingKind.ANNUAL_REVIEW, "held_on": dt.date(2025, 12, 20), "place": "Long Xuyên", "guests": "Đại diện Ban Thi đua - Khen thưởng"},
        attending=units,
    )
    return {"bloc": bloc, "year": year, "units": units, "delegates": delegates, "meeting": meeting}


def block_poll(world, block, subject, *, threshold=50, office="", method=Method.CHOOSE_ONE):
    return actions.do_create_poll(
        actor=world.an_officer,
        data={"title": "Suy tôn đơn vị dẫn đầu" if subject == Subject.LEADER_ACCLAMATION else "Bầu Trưởng khối năm 2026",
              "meeting": block["meeting"], "electorate": Electorate.BLOCK_UNITS, "subject": subject, "office": office,
              "method": method, "mode": Mode.E_BALLOT, "threshold_pct": threshold},
        candidates=[{"unit": unit} for unit in block["units"]],
    )


@pytest.mark.sqlite
def test_block_units_acclaim_the_leader_one_unit_one_vote_guests_do_not_vote(world, block):
    poll = block_poll(world, block, Subject.LEADER_ACCLAMATION, threshold=60)
    assert poll.citation == "Tỷ lệ suy tôn do khối thống nhất quy định" and poll.held_on == dt.date(2025, 12, 20)
    open_poll(world, poll)
    assert poll.electorate_size == 3
    assert set(Voter.objects.filter(poll=poll).values_list("user_id", flat=True)) == {u.pk for u in block["delegates"]}
    # The province officer attends as a guest: no vote.
    with pytest.raises(ActionError):
        actions.do_cast_ballot(actor=world.an_officer, poll=poll, approved=[])
    cid = {c.unit_id: c.pk for c in poll.candidates.all()}
    tuyen_giao = block["units"][0]
    for user in block["delegates"][:2]:
        actions.do_cast_ballot(actor=user, poll=poll, approved=[cid[tuyen_giao.pk]])
    with pytest.raises(ActionError) as info:
        actions.do_cast_ballot(actor=block["delegates"][2], poll=poll, approved=list(cid.values())[:2])
    assert "Chỉ được chọn một" in info.value.message
    actions.do_cast_ballot(actor=block["delegates"][2], poll=poll, approved=[cid[block["units"][1].pk]])
    poll = close_poll(world, poll)
    winner = row(poll, tuyen_giao.name)
    assert (winner["yes"], winner["passed"], winner["selected"]) == (2, True, True)  # 200 >= 60*3
    assert poll.result["consequences"] and tuyen_giao.name in poll.result["consequences"][0]


def test_an_elected_head_becomes_next_years_block_head(world, block):
    next_year, _ = bloc_actions.do_open_year(actor=world.an_officer, bloc=block["bloc"], year=2026)
    poll = block_poll(world, block, Subject.LEADERSHIP, office="HEAD")
    open_poll(world, poll)
    cid = {c.unit_id: c.pk for c in poll.candidates.all()}
    to_chuc = block["units"][1]
    for user in block["delegates"]:
        actions.do_cast_ballot(actor=user, poll=poll, approved=[cid[to_chuc.pk]])
    poll = close_poll(world, poll)
    assert row(poll, to_chuc.name)["selected"]
    next_year = BlocYear.objects.get(pk=next_year.pk)
    assert next_year.head_unit == to_chuc and next_year.head_decided_on == dt.date(2025, 12, 20)
    assert "Trưởng khối năm 2026" in poll.result["consequences"][0]


def test_a_block_poll_needs_a_stated_percentage_and_member_candidates(world, block):
    with pytest.raises(ActionError) as info:
        actions.do_create_poll(
            actor=world.an_officer,
            data={"title": "Suy tôn", "meeting": block["meeting"], "electorate": Electorate.BLOCK_UNITS,
                  "subject": Subject.LEADER_ACCLAMATION, "method": Method.CHOOSE_ONE},
            candidates=[{"unit": block["units"][0]}],
        )
    assert info.value.field == "threshold_pct"
    with pytest.raises(ActionError) as info:
        actions.do_create_poll(
            actor=world.an_officer,
            data={"title": "Suy tôn", "meeting": block["meeting"], "electorate": Electorate.BLOCK_UNITS,
                  "subject": Subject.LEADER_ACCLAMATION, "method": Method.CHOOSE_ONE, "threshold_pct": 50},
            candidates=[{"unit": world.qn_unit}],
        )
    assert "không phải thành viên" in info.value.message
    assert not Poll.objects.exists()


# --------------------------------------------------------------------------- pages


@pytest.mark.sqlite
def test_pages_voter_reviews_confirms_and_sees_only_that_they_voted(world, client_for):
    from django.urls import reverse

    council, members, users = make_council(world, 5)
    poll = make_poll(world, council, quota=1)
    officer = client_for(world.an_officer)
    assert officer.get(reverse("voting:home")).status_code == 200
    page = officer.get(reverse("voting:poll_detail", args=[poll.uid])).content.decode()
    assert "Mở bỏ phiếu" in page and "80%" in page and "Nghị định 152/2025/NĐ-CP" in page
    officer.post(reverse("voting:poll_open", args=[poll.uid]), {"version": poll.version})
    poll.refresh_from_db()
    assert poll.state == PollState.OPEN
    cid = ids(poll)
    from django.test import Client

    voter = Client()
    voter.force_login(users[0])
    url = reverse("voting:ballot", args=[poll.uid])
    form = {f"c{pk}": "N" for pk in cid.values()} | {f"c{cid['Nguyễn Văn An']}": "Y"}
    review = voter.post(url, {"step": "review", **form}).content.decode()
    assert "Xác nhận gửi phiếu" in review and not Participation.objects.exists()
    over = voter.post(url, {"step": "review", **{f"c{pk}": "Y" for pk in cid.values()}}).content.decode()
    assert "quá chỉ tiêu 1" in over and "Xác nhận gửi phiếu" not in over
    done = voter.post(url, {"step": "confirm", **form}, follow=True).content.decode()
    assert "Bạn đã bỏ phiếu" in done
    assert Participation.objects.filter(poll=poll).count() == Ballot.objects.filter(poll=poll).count() == 1
    detail = officer.get(reverse("voting:poll_detail", args=[poll.uid])).content.decode()
    assert "1/5 đã bỏ phiếu" in detail
    for user in users[1:4]:
        actions.do_cast_ballot(actor=user, poll=poll, approved=[cid["Nguyễn Văn An"]])
    poll.refresh_from_db()
    result = officer.post(reverse("voting:poll_close", args=[poll.uid]), {"version": poll.version}, follow=True).content.decode()
    assert "Đã đóng bỏ phiếu và kiểm phiếu tự động" in result
    assert "4/5" in result and "80,00% so với ngưỡng 80%" in result and "400 ≥ 80 × 5 = 400" in result
    assert "Được chọn" in result and poll.__class__.objects.get(pk=poll.pk).result_sha256 in result
    # An outsider sees nothing of the poll.
    outsider = Client()
    outsider.force_login(world.qn_officer)
    assert outsider.get(reverse("voting:poll_detail", args=[poll.uid])).status_code == 404


def test_pages_council_and_members_and_a_block_poll_from_a_meeting(world, client_for, block):
    from django.urls import reverse

    officer = client_for(world.an_officer)
    response = officer.post(reverse("voting:council_create"), {"name": "Hội đồng TĐKT Ban Tuyên giáo", "level": "UNIT", "unit": world.tuyen_giao.pk})
    assert response.status_code == 302
    from thidua.voting.models import Council

    council = Council.objects.get(name="Hội đồng TĐKT Ban Tuyên giáo")
    response = officer.post(reverse("voting:member_add", args=[council.uid]),
                            {"full_name": "Phạm Văn Dũng", "role": "CHAIR", "term_from": "01/07/2025", "account": "khong-co"})
    assert "Không có tài khoản" in response.content.decode()
    officer.post(reverse("voting:member_add", args=[council.uid]),
                 {"full_name": "Phạm Văn Dũng", "role": "CHAIR", "term_from": "01/07/2025", "account": world.unit_officer.username})
    page = officer.get(reverse("voting:council_detail", args=[council.uid])).content.decode()
    assert "Phạm Văn Dũng" in page and "01/07/2025" in page
    url = reverse("voting:poll_create") + f"?hoi-nghi={block['meeting'].uid}"
    assert "Mỗi đơn vị thành viên có một phiếu" in officer.get(url).content.decode()
    response = officer.post(url, {"title": "Suy tôn đơn vị dẫn đầu năm 2025", "electorate": "BLOCK_UNITS", "subject": "LEADER_ACCLAMATION",
                                  "method": "CHOOSE_ONE", "mode": "E_BALLOT", "threshold_pct": "60",
                                  "candidate_units": [u.pk for u in block["units"]]})
    assert response.status_code == 302, response.content.decode()
    poll = Poll.objects.get(title="Suy tôn đơn vị dẫn đầu năm 2025")
    assert poll.candidates.count() == 3 and poll.held_on == dt.date(2025, 12, 20)


def test_the_acclaimed_unit_becomes_the_blocks_confirmed_leader(world, block):
    from decimal import Decimal

    from thidua.scoring import actions as scoring
    from thidua.scoring.models import LeaderConfirmation, ScoringRound

    criteria = scoring.do_create_criteria_set(actor=None, province=world.an_giang, data={"name": "Bảng tiêu chí", "year": 2025, "bloc": block["bloc"]})
    scoring.do_add_criterion(actor=None, criteria_set=criteria, data={"code": "1", "title": "Công tác tham mưu", "kind": "GROUP", "max_points": Decimal("100")})
    scoring.do_add_criterion(actor=None, criteria_set=criteria,
                             data={"code": "1.1", "title": "Tham mưu đúng hạn", "kind": "SCORE", "max_points": Decimal("100"), "parent_code": "1"})
    round_ = scoring.do_open_round(actor=None, bloc_year=block["year"], criteria_set=criteria)
    round_ = scoring.do_publish_results(actor=None, round=round_, meeting=block["meeting"], expected_version=round_.version,
                                       unranked={str(s.uid): "Chưa chấm điểm" for s in round_.sheets.all()})
    poll = block_poll(world, block, Subject.LEADER_ACCLAMATION, threshold=60)
    open_poll(world, poll)
    cid = {c.unit_id: c.pk for c in poll.candidates.all()}
    to_chuc = block["units"][1]
    for user in block["delegates"]:
        actions.do_cast_ballot(actor=user, poll=poll, approved=[cid[to_chuc.pk]])
    poll = close_poll(world, poll)
    round_ = ScoringRound.objects.get(pk=round_.pk)
    assert round_.confirmed_leader == to_chuc and round_.leader_confirmed_how == LeaderConfirmation.ACCLAMATION
    assert "Kết quả suy tôn" in round_.leader_confirmed_note
    assert "được ghi nhận là đơn vị dẫn đầu" in poll.result["consequences"][0]


@pytest.mark.sqlite
def test_pages_written_opinion_show_of_hands_counts_and_chairmans_choice(world, client_for):
    from django.urls import reverse

    officer = client_for(world.an_officer)
    council, members, users = make_council(world, 4)
    poll = make_poll(world, council, quota=1, labels=("Ứng viên A", "Ứng viên B"), award="LDTT", threshold=25)
    open_poll(world, poll)
    cid = ids(poll)
    absent = poll.voters.get(council_member=members[3])
    response = officer.post(reverse("voting:written_opinion", args=[poll.uid]), {"voter": absent.pk, "choice": "", f"c{cid['Ứng viên A']}": "Y",
                                                                                f"c{cid['Ứng viên B']}": "N"}, follow=True)
    assert "Đã ghi ý kiến bằng văn bản của Thành viên 0004" in response.content.decode()
    assert Ballot.objects.get(poll=poll).is_written_opinion
    actions.do_cast_ballot(actor=users[0], poll=poll, approved=[cid["Ứng viên B"]])
    actions.do_cast_ballot(actor=users[1], poll=poll, approved=[])
    officer.post(reverse("voting:poll_attendance", args=[poll.uid]), {"voter": poll.voters.get(council_member=members[2]).uid, "present": "1"})
    poll = close_poll(world, poll)
    assert poll.result["quorum"]["attending"] == 3 and poll.result["needs_chair_choice"]
    page = officer.get(reverse("voting:poll_detail", args=[poll.uid])).content.decode()
    assert "chờ Chủ tịch hội đồng quyết định" in page and "Lựa chọn của Chủ tịch hội đồng" in page
    officer.post(reverse("voting:poll_tie", args=[poll.uid]), {"version": poll.version, "chosen": [str(cid["Ứng viên A"])]})
    poll.refresh_from_db()
    assert row(poll, "Ứng viên A")["selected"] and poll.result["tie"]["resolved_by"] == "chair"

    hands = make_poll(world, council, method=Method.SHOW_OF_HANDS, labels=("Ứng viên C",), quota=1)
    open_poll(world, hands)
    hands = close_poll(world, hands)
    url = reverse("voting:record_result", args=[hands.uid])
    c = ids(hands)["Ứng viên C"]
    bad = officer.post(url, {"version": hands.version, "present": 3, "written_opinions": 0, f"yes{c}": 4}).content.decode()
    assert "lớn hơn số người bỏ phiếu" in bad and "Ứng viên C" in bad
    officer.post(url, {"version": hands.version, "present": 4, "written_opinions": 0, f"yes{c}": 4})
    hands.refresh_from_db()
    assert hands.state == PollState.RESULT and row(hands, "Ứng viên C")["selected"]


def test_a_voting_account_needs_a_role_that_may_vote(world):
    council, members, users = make_council(world, 1)
    with pytest.raises(ActionError) as info:
        actions.do_add_council_member(actor=world.an_officer, council=council,
                                      data={"full_name": "Người chưa phân quyền", "user": world.nobody, "term_from": HELD_ON})
    assert "chưa được phân quyền bỏ phiếu" in info.value.message and info.value.field == "user"
    with pytest.raises(ActionError):
        actions.do_add_council_member(actor=world.an_officer, council=council,
                                      data={"full_name": "Người xem", "user": world.viewer, "term_from": HELD_ON})


def test_the_block_meeting_page_lists_its_polls_and_offers_a_new_one(world, block, client):
    poll = block_poll(world, block, Subject.LEADER_ACCLAMATION, threshold=60)
    client.force_login(world.an_officer)
    page = client.get(reverse("blocs:meeting_detail", args=[block["meeting"].uid])).content.decode()
    assert reverse("voting:poll_detail", args=[poll.uid]) in page and "Suy tôn đơn vị dẫn đầu" in page
    assert f'{reverse("voting:poll_create")}?hoi-nghi={block["meeting"].uid}' in page
    client.force_login(world.viewer)
    page = client.get(reverse("blocs:meeting_detail", args=[block["meeting"].uid])).content.decode()
    assert "Suy tôn đơn vị dẫn đầu" in page and "Tổ chức bình xét, bỏ phiếu" not in page
