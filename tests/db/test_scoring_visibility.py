"""Who reads a member unit's score sheet, page and API (thidua.scoring.selectors.visible_sheets).

The rule, from the round's visibility setting (ScoringRound.results_visible_before_publish, or the
criteria set's when the round leaves it empty):
- before publication, a member unit reads its own sheet and those it is assigned to cross-check;
  the others only when the setting lets members see each other's results before publication;
- once the block publishes the results at its meeting, every member unit of that block reads every
  sheet of the round (the published ranking and the sheets behind it), whatever the setting;
- a unit outside the block reads none of them, before or after.
The block's leadership and the province's TĐKT officers read every sheet at any time.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from tests.db.test_scoring import build_block, fresh, open_round, to_appraised
from tests.factories import grant, make_user
from thidua.accounts.models import Role
from thidua.blocs import actions as bloc_actions
from thidua.blocs.models import BlocKind, MeetingKind
from thidua.org import actions as org_actions
from thidua.org.models import UnitKind
from thidua.scoring import actions
from thidua.scoring.models import CriteriaSet, ScoreEvidence, ScoringRound

pytestmark = pytest.mark.django_db


@pytest.fixture
def block(world):
    b = open_round(build_block(world))
    # A unit officer of another block of the same province.
    outsider_unit = org_actions.do_create_unit(actor=None, province=world.an_giang, data={"name": "Sở Tài chính", "kind": UnitKind.STATE})
    other = bloc_actions.do_create_bloc(actor=None, province=world.an_giang, data={"name": "Khối các sở kinh tế", "kind": BlocKind.KHOI})
    other_year, _ = bloc_actions.do_open_year(actor=None, bloc=other, year=b.bloc_year.year)
    bloc_actions.do_add_member(actor=None, bloc_year=other_year, unit=outsider_unit)
    b.outsider = make_user("can-bo-so-tai-chinh")
    grant(b.outsider, Role.UNIT_OFFICER, world.an_giang, unit=outsider_unit)
    return b


def reads(user, sheet) -> tuple[int, int]:
    """(page status, API status) of `user` opening `sheet`."""
    client = Client()
    client.force_login(user)
    return (
        client.get(reverse("scoring:sheet", args=[sheet.uid])).status_code,
        client.get(f"/api/v1/scoring/sheets/{sheet.uid}").status_code,
    )


def set_round_setting(b, value):
    round_ = ScoringRound.objects.get(pk=b.round.pk)
    actions.do_update_round(actor=b.world.an_officer, round=round_, data={"results_visible_before_publish": value}, expected_version=round_.version)


@pytest.mark.sqlite
def test_before_publication_another_members_sheet_follows_the_rounds_setting(block):
    b, w = block, block.world
    assert reads(w.unit_officer, b.tg) == (200, 200)  # its own
    assert reads(b.peer_officer, b.tg) == (200, 200)  # assigned to cross-check it
    assert reads(w.unit_officer, b.tc) == (404, 404)  # setting off: another member's sheet
    assert reads(b.head_officer, b.dv) == (200, 200)  # the head unit reads every sheet
    set_round_setting(b, True)
    assert reads(w.unit_officer, b.tc) == (200, 200)
    assert reads(b.outsider, b.tc) == (404, 404)
    # The round's own choice wins over the criteria set's default.
    CriteriaSet.objects.filter(pk=b.criteria_set.pk).update(results_visible_before_publish=True)
    set_round_setting(b, False)
    assert reads(w.unit_officer, b.tc) == (404, 404)
    set_round_setting(b, None)
    assert reads(w.unit_officer, b.tc) == (200, 200)


def test_after_publication_every_member_reads_every_sheet_and_outsiders_none(block):
    b, w = block, block.world
    set_round_setting(b, False)
    for sheet in (b.tg, b.tc, b.dv):
        to_appraised(b, sheet)
    meeting = bloc_actions.do_record_meeting(
        actor=None, bloc_year=b.bloc_year,
        data={"kind": MeetingKind.ANNUAL_REVIEW, "held_on": dt.date(b.bloc_year.year, 12, 20), "place": "An Giang"},
        attending=[w.tuyen_giao, w.to_chuc, b.dan_van],
    )
    round_ = ScoringRound.objects.get(pk=b.round.pk)
    actions.do_publish_results(actor=b.head_officer, round=round_, meeting=meeting, expected_version=round_.version)
    assert not ScoringRound.objects.get(pk=b.round.pk).results_visible
    # Publication, not the before-publication setting, opens the other members' sheets.
    assert reads(w.unit_officer, fresh(b.tc)) == (200, 200)
    assert reads(b.peer_officer, fresh(b.tc)) == (200, 200)
    assert reads(b.outsider, fresh(b.tc)) == (404, 404)
    assert reads(w.qn_officer, fresh(b.tc)) == (404, 404)
    evidence = ScoreEvidence.objects.filter(score__sheet=b.tc).first()
    member, outsider = Client(), Client()
    member.force_login(w.unit_officer)
    outsider.force_login(b.outsider)
    assert member.get(reverse("scoring:evidence", args=[evidence.uid])).status_code == 200
    assert outsider.get(reverse("scoring:evidence", args=[evidence.uid])).status_code == 404
    listed = member.get(f"/api/v1/scoring/rounds/{b.round.uid}").json()["sheets"]
    assert len(listed) == 3
    assert outsider.get(f"/api/v1/scoring/rounds/{b.round.uid}").status_code == 404
