"""The proposal workflow table, exhaustively: every state × event × role, allowed or refused."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from thidua.rules.proposals import (
    EDITABLE_STATES,
    FINAL_STATES,
    PROPOSAL_EVENTS,
    PROPOSAL_STATES,
    PROPOSAL_TRANSITIONS,
    REASON_REQUIRED,
    ROLES,
    MoneyLine,
    allowed_events,
    decision_money,
    proposal_next,
    quota_blocker,
    vnd,
)
from thidua.rules.workflows import TransitionRefused

# The table the issue describes, written out by hand: (state, event, role) → new state.
EXPECTED = {
    ("DRAFT", "submit", "proposer"): "SUBMITTED",
    ("RETURNED", "submit", "proposer"): "SUBMITTED",
    ("SUBMITTED", "withdraw", "proposer"): "DRAFT",
    ("SUBMITTED", "receive", "receiver"): "RECEIVED",
    ("SUBMITTED", "return", "receiver"): "RETURNED",
    ("RECEIVED", "appraise", "appraiser"): "APPRAISING",
    ("RECEIVED", "return", "receiver"): "RETURNED",
    ("RECEIVED", "return", "appraiser"): "RETURNED",
    ("RECEIVED", "reject", "appraiser"): "REJECTED",
    ("APPRAISING", "present", "appraiser"): "PRESENTED",
    ("APPRAISING", "return", "appraiser"): "RETURNED",
    ("APPRAISING", "reject", "appraiser"): "REJECTED",
    ("PRESENTED", "decide", "decider"): "DECIDED",
    ("PRESENTED", "return", "decider"): "RETURNED",
    ("PRESENTED", "reject", "decider"): "REJECTED",
}

CASES = list(itertools.product(PROPOSAL_STATES, PROPOSAL_EVENTS, ROLES))


@pytest.mark.parametrize("state,event,role", CASES)
def test_every_state_event_and_role(state, event, role):
    expected = EXPECTED.get((state, event, role))
    if expected is None:
        with pytest.raises(TransitionRefused) as refused:
            proposal_next(state, event, {role})
        message = refused.value.message
        assert PROPOSAL_STATES[state] in message and PROPOSAL_EVENTS[event].lower() in message
    else:
        assert proposal_next(state, event, {role}) == expected


def test_table_holds_nothing_beyond_the_expected_cases():
    table = {(s, e, r): new for (s, e), (new, roles) in PROPOSAL_TRANSITIONS.items() for r in roles}
    assert table == EXPECTED


def test_refusal_by_role_names_who_may_do_it():
    with pytest.raises(TransitionRefused) as refused:
        proposal_next("SUBMITTED", "receive", {"proposer"})
    assert "cơ quan tiếp nhận hồ sơ" in refused.value.message


def test_final_states_have_no_way_out_and_drafts_are_editable():
    for state in FINAL_STATES:
        assert allowed_events(state, set(ROLES)) == []
    assert EDITABLE_STATES == {"DRAFT", "RETURNED"}
    assert REASON_REQUIRED == {"return", "reject"}


def test_allowed_events_follow_the_roles_held():
    assert allowed_events("SUBMITTED", {"proposer"}) == ["withdraw"]
    assert allowed_events("SUBMITTED", {"receiver", "appraiser"}) == ["receive", "return"]
    assert allowed_events("PRESENTED", {"decider"}) == ["decide", "return", "reject"]


def test_a_returned_dossier_comes_back_to_the_proposer_who_sends_it_again():
    state = "DRAFT"
    for event, role in [("submit", "proposer"), ("receive", "receiver"), ("appraise", "appraiser"), ("return", "appraiser"), ("submit", "proposer")]:
        state = proposal_next(state, event, {role})
    assert state == "SUBMITTED"


def test_block_quota_of_the_provincial_flag():
    assert quota_blocker("CO_TINH", by_bloc=True, already=0, in_this=1) is None
    blocker = quota_blocker("CO_TINH", by_bloc=True, already=1, in_this=1)
    assert blocker["kind"] == "BLOCK" and "tối đa 01" in blocker["text"] and "Điều 26 khoản 1" in blocker["citation"]
    assert "Bắc Ninh" not in blocker["citation"]  # a province's own regulation binds that province only
    # No quota is set for the Government flag (UNCONFIRMED) nor for a unit's own proposals.
    assert quota_blocker("CO_CP", by_bloc=True, already=5, in_this=3) is None
    assert quota_blocker("CO_TINH", by_bloc=False, already=3, in_this=3) is None


def test_money_uses_the_base_salary_on_the_decision_date_rounded_up():
    lines = [MoneyLine("person:1", "individual", "LDTT", 2025)]
    assert decision_money(lines, dt.date(2026, 1, 10)).total_vnd == 710_000
    assert decision_money(lines, dt.date(2026, 7, 1)).total_vnd == 760_000


def test_same_period_pays_only_the_highest_title_but_a_form_besides():
    lines = [
        MoneyLine("person:1", "individual", "LDTT", 2025),
        MoneyLine("person:1", "individual", "CSTDCS", 2025),
        MoneyLine("person:1", "individual", "BK_TINH", 2025),
        MoneyLine("person:2", "individual", "LDTT", 2025),
    ]
    result = decision_money(lines, dt.date(2026, 1, 10))
    amounts = [line.amount_vnd for line in result.lines]
    assert amounts == [0, 2_340_000, 3_510_000, 710_000]
    assert "danh hiệu cao nhất" in result.lines[0].note
    assert result.total_vnd == 2_340_000 + 3_510_000 + 710_000


def test_different_periods_are_each_paid_and_earlier_payments_count():
    lines = [MoneyLine("unit:7", "collective", "TTLDXS", 2024), MoneyLine("unit:7", "collective", "TTLDXS", 2025)]
    assert decision_money(lines, dt.date(2026, 1, 10)).total_vnd == 2 * 3_510_000
    again = decision_money([MoneyLine("unit:7", "collective", "TTLDTT", 2025)], dt.date(2026, 1, 10), paid_titles={("unit:7", 2025): {"TTLDXS"}})
    assert again.lines[0].amount_vnd == 0 and again.total_vnd == 0


def test_no_amount_where_the_law_sets_none():
    result = decision_money([MoneyLine("person:1", "individual", "HCLD_3", 2025)], dt.date(2026, 1, 10))
    assert result.lines[0].amount_vnd is None and "chưa quy định" in result.lines[0].note and result.total_vnd == 0
    assert result.unknown_count == 1 and not result.complete
    # A decision before the first money table (2023) has no amount either.
    assert decision_money([MoneyLine("unit:1", "collective", "CO_CP", 2022)], dt.date(2023, 6, 29)).lines[0].amount_vnd is None


def test_vnd_formatting():
    assert vnd(28_080_000) == "28.080.000" and vnd(None) == "chưa xác định"
