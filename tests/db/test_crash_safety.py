"""kill -9 in the middle of a decision issue and of a scoring publication: the database holds the
whole action or none of it, on SQLite and on PostgreSQL (tests/crash explains the harness).

Each test stops the child at a crash point after some of the action's writes (awards, money and
history of a decision; the published sheets of a round), kills it, and finds nothing changed;
then at the last point (audit row written, not committed), the same; then runs the action to its
end in a child and finds all of it, with the audit chain intact throughout."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from thidua.audit.models import AuditLog
from thidua.blocs import actions as bloc_actions
from thidua.blocs.models import Meeting, MeetingKind
from thidua.history import actions as history_actions
from thidua.history.models import AwardRecord
from thidua.proposals import actions as proposal_actions
from thidua.proposals.models import Decision, DecisionRecipient, Proposal, ProposalEvent
from thidua.scoring import actions as scoring_actions
from thidua.scoring.models import ScoreSheet, ScoringRound, SheetEvent
from tests.crash import kill_at, run_to_end
from tests.db.test_proposals import DECISION, _no_registration_rule, _person, _proposal, _walk_to_presented
from tests.db.test_scoring import build_block, open_round, to_appraised

pytestmark = [pytest.mark.sqlite, pytest.mark.django_db(transaction=True)]
HERE = "tests.db.test_crash_safety"


def audit_chain_intact() -> bool:
    try:
        call_command("verify_audit", stdout=io.StringIO(), stderr=io.StringIO())
    except SystemExit:
        return False
    return True


# ---------------------------------------------------------------- decision issue


def issue_decision(proposal_pk: str, actor_pk: str) -> int:
    """Run in the child: issue the decision of a presented proposal."""
    proposal = Proposal.objects.select_related("proposer_unit").get(pk=proposal_pk)
    actor = get_user_model().objects.get(pk=actor_pk)
    decision = proposal_actions.do_issue_decision(
        actor=actor, proposal=proposal, data={**DECISION, "issuer_unit": proposal.proposer_unit}, expected_version=proposal.version,
    )
    return decision.pk


def decision_state(proposal) -> dict:
    p = Proposal.objects.get(pk=proposal.pk)
    return {
        "proposal": (p.state, p.version),
        "decisions": list(Decision.objects.values_list("number", "money_total")),
        "recipients": list(DecisionRecipient.objects.values_list("award", "year", "amount_vnd", "history_ref")),
        "history": list(AwardRecord.objects.values_list("award_code", "year", "decision_number")),
        "events": list(ProposalEvent.objects.filter(proposal=p).values_list("event", flat=True)),
        "audit": AuditLog.objects.count(),
    }


def test_kill_9_during_a_decision_issue_leaves_it_unchanged_or_complete(world):
    _no_registration_rule(world)
    people = [_person(world, name) for name in ("Nguyễn Văn An", "Trần Thị Bình")]
    proposal = _proposal(world)
    for person in people:
        proposal_actions.do_add_item(actor=world.unit_officer, proposal=proposal, data={"person": person, "award": "LDTT", "achievements": "Hoàn thành tốt nhiệm vụ"})
        history_actions.do_set_task_rating(world.unit_officer, person, 2025, "GOOD")
    proposal = _walk_to_presented(world, proposal_actions.do_check_proposal(actor=world.unit_officer, proposal=proposal))
    before = decision_state(proposal)
    assert before["proposal"][0] == "PRESENTED" and before["decisions"] == [] and before["history"] == []

    for point in ("proposals.decision.issue:recipients", "audit.recorded:proposals.decision.issue"):
        kill_at(f"{HERE}:issue_decision", [proposal.pk, world.an_officer.pk], point=point)
        assert decision_state(proposal) == before, point
        assert audit_chain_intact()

    run_to_end(f"{HERE}:issue_decision", [proposal.pk, world.an_officer.pk])
    after = decision_state(proposal)
    assert after["proposal"] == ("DECIDED", before["proposal"][1] + 1)
    assert len(after["decisions"]) == 1 and after["decisions"][0][1] == sum(r[2] for r in after["recipients"]) > 0
    assert sorted(r[0] for r in after["recipients"]) == ["LDTT", "LDTT"] and all(r[3] for r in after["recipients"])
    assert [h[:2] for h in after["history"]] == [("LDTT", 2025), ("LDTT", 2025)]
    assert after["events"] == before["events"] + ["decide"]
    assert AuditLog.objects.filter(action="proposals.decision.issue").count() == 1
    assert audit_chain_intact()


# ---------------------------------------------------------------- scoring publication


def publish_round(round_pk: str, meeting_pk: str, actor_pk: str, unranked_sheet_pk: str) -> int:
    """Run in the child: publish the round's results at the meeting, one sheet left unranked."""
    round_ = ScoringRound.objects.select_related("bloc_year").get(pk=round_pk)
    meeting = Meeting.objects.select_related("bloc_year").get(pk=meeting_pk)
    actor = get_user_model().objects.get(pk=actor_pk)
    sheet = ScoreSheet.objects.get(pk=unranked_sheet_pk)
    published = scoring_actions.do_publish_results(
        actor=actor, round=round_, meeting=meeting, unranked={sheet: "Đơn vị không gửi phiếu tự chấm"}, expected_version=round_.version,
    )
    return published.pk


def round_state(round_) -> dict:
    r = ScoringRound.objects.get(pk=round_.pk)
    return {
        "round": (r.state, r.version, r.published_at, r.published_meeting_id, r.ranking_snapshot),
        "sheets": list(ScoreSheet.objects.filter(round=r).order_by("pk").values_list("state", "version", "unranked_reason")),
        "events": SheetEvent.objects.filter(sheet__round=r).count(),
        "audit": AuditLog.objects.count(),
    }


def test_kill_9_during_a_scoring_publication_leaves_it_unchanged_or_complete(world):
    b = open_round(build_block(world))
    to_appraised(b, b.tg)
    to_appraised(b, b.tc)
    meeting = bloc_actions.do_record_meeting(
        actor=None, bloc_year=b.bloc_year, data={"kind": MeetingKind.ANNUAL_REVIEW, "held_on": dt.date(b.bloc_year.year, 12, 20), "place": "An Giang"},
        attending=[world.tuyen_giao, world.to_chuc, b.dan_van],
    )
    before = round_state(b.round)
    assert before["round"][0] == "OPEN" and not before["round"][4]
    args = [b.round.pk, meeting.pk, b.head_officer.pk, b.dv.pk]

    for point in ("scoring.round.publish:sheets", "audit.recorded:scoring.round.publish"):
        kill_at(f"{HERE}:publish_round", args, point=point)
        assert round_state(b.round) == before, point
        assert audit_chain_intact()

    run_to_end(f"{HERE}:publish_round", args)
    after = round_state(b.round)
    state, version, published_at, meeting_id, snapshot = after["round"]
    assert (state, version, meeting_id) == ("PUBLISHED", before["round"][1] + 1, meeting.pk) and published_at is not None
    assert [row["label"] for row in snapshot["rows"]][:2] and snapshot["rows"][-1]["rank"] is None
    assert sorted(s[0] for s in after["sheets"]) == ["DRAFT", "PUBLISHED", "PUBLISHED"]
    assert [s[2] for s in after["sheets"]].count("Đơn vị không gửi phiếu tự chấm") == 1
    assert after["events"] == before["events"] + 2
    assert AuditLog.objects.filter(action="scoring.round.publish").count() == 1
    assert audit_chain_intact()
