"""A council poll for Anh hùng needs ≥ 90 % of the members present (domain-rules §5, quorum row),
not the 2/3 quorum: through the poll's snapshot, the e-ballot tally and recorded counts."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.db.test_voting import close_poll, ids, make_council, make_poll, open_poll, row, vote_pattern
from thidua.voting import actions
from thidua.voting.models import Mode, Voter

pytestmark = pytest.mark.django_db


@pytest.mark.sqlite
def test_written_opinions_do_not_make_up_the_anh_hung_quorum(world):
    council, members, users = make_council(world, 10)
    poll = make_poll(world, council, award="AHLD", labels=("Nguyễn Văn An",), quota=1)
    assert "90%" in poll.quorum_text and "Anh hùng" in poll.quorum_text
    open_poll(world, poll)
    vote_pattern(poll, users[:8], [["Nguyễn Văn An"]] * 8)  # 8 present: 2/3 would be enough
    cid = ids(poll)["Nguyễn Văn An"]
    for member in members[8:]:
        voter = Voter.objects.get(poll=poll, council_member=member)
        actions.do_enter_written_opinion(actor=world.an_officer, poll=poll, voter=voter, approved=[cid])
    poll = close_poll(world, poll)
    result = poll.result
    assert row(poll, "Nguyễn Văn An")["yes"] == 10 and row(poll, "Nguyễn Văn An")["passed"]  # 100 % of the council approve
    assert result["quorum"]["required"] == 9 and result["quorum"]["met"] is False
    assert not row(poll, "Nguyễn Văn An")["selected"]
    assert "Anh hùng Lao động" in result["quorum"]["text"] and "Điều 47" in result["quorum"]["text"]


@pytest.mark.parametrize("held_on,decree", [(dt.date(2025, 3, 1), "98/2023"), (dt.date(2026, 1, 5), "152/2025")])
def test_recorded_counts_of_an_anh_hung_session_under_both_decrees(world, held_on, decree):
    council, members, users = make_council(world, 3, with_accounts=False)
    poll = make_poll(world, council, award="AHLLVT", mode=Mode.EXTERNAL, labels=("Trần Thị Bình",), quota=1, held_on=held_on)
    assert decree in poll.quorum_text
    counts = {"council_size": 20, "present": 17, "written_opinions": 3, "yes": {ids(poll)["Trần Thị Bình"]: 20}}
    actions.do_record_result(actor=world.an_officer, poll=poll, counts=counts, source="EXTERNAL", expected_version=poll.version)
    poll.refresh_from_db()
    assert poll.result["quorum"]["required"] == 18 and not row(poll, "Trần Thị Bình")["selected"]
    cstd = make_poll(world, council, award="CSTD_TINH", mode=Mode.EXTERNAL, labels=("Trần Thị Bình",), quota=1, held_on=held_on)
    actions.do_record_result(actor=world.an_officer, poll=cstd, counts={**counts, "yes": {ids(cstd)["Trần Thị Bình"]: 20}}, source="EXTERNAL",
                             expected_version=cstd.version)
    cstd.refresh_from_db()
    assert cstd.result["quorum"]["required"] == 14 and row(cstd, "Trần Thị Bình")["selected"]
