"""thidua/rules/council.py: an ELIGIBLE that rests only on conditions the council has not yet
confirmed is told apart from one the data decides, on both decree versions."""

from __future__ import annotations

import pytest

from thidua.rules import council
from thidua.rules.eligibility import evaluate_eligibility

# One date under NĐ 98/2023 and one under NĐ 152/2025.
DATES = ["2025-03-10", "2026-01-10"]


def _results(decided_on, *, subject="individual", awards=(), history=(), confirmations=None):
    request = {
        "kind": "eligibility", "decided_on": decided_on, "province": None, "subject": subject, "year": 2024 if decided_on < "2025-07" else 2025,
        "awards": list(awards), "history": list(history), "collective": None, "confirmations": confirmations or {},
    }
    return {r["award"]: r for r in evaluate_eligibility(request)["results"]}


@pytest.mark.parametrize("decided_on", DATES)
def test_no_history_bang_khen_thu_tuong_waits_on_the_council(decided_on):
    result = _results(decided_on, awards=["BK_TTG"])["BK_TTG"]
    # The contract's outcome stays ELIGIBLE (a route of qualitative conditions only is open) ...
    assert result["outcome"] == "ELIGIBLE"
    # ... but nothing in the data decides it: it is eligible only if the council confirms.
    assert council.status(result) == council.ELIGIBLE_IF_CONFIRMED
    assert council.STATUS_LABELS[council.status(result)] == "Đủ điều kiện nếu Hội đồng xác nhận"
    assert council.STATUS_BADGES[council.ELIGIBLE_IF_CONFIRMED] != council.STATUS_BADGES[council.ELIGIBLE]
    # The conditions of the open routes (73.1.a, 73.1.c); route b fails on the data.
    assert set(council.awaited(result)) == {"exemplary", "outstanding", "exceptional_achievement"}


@pytest.mark.parametrize("decided_on", DATES)
def test_confirmed_route_is_decided(decided_on):
    result = _results(decided_on, awards=["BK_TTG"], confirmations={"exemplary": True, "outstanding": True})["BK_TTG"]
    assert council.status(result) == council.ELIGIBLE
    assert council.awaited(result) == []


@pytest.mark.parametrize("decided_on", DATES)
def test_refused_conditions_leave_the_other_route_waiting_then_fail(decided_on):
    result = _results(decided_on, awards=["BK_TTG"], confirmations={"exemplary": True, "outstanding": False})["BK_TTG"]
    assert council.status(result) == council.ELIGIBLE_IF_CONFIRMED
    assert council.awaited(result) == ["exceptional_achievement"]
    result = _results(decided_on, awards=["BK_TTG"], confirmations={"outstanding": False, "exceptional_achievement": False})["BK_TTG"]
    assert council.status(result) == council.NOT_ELIGIBLE


@pytest.mark.parametrize("decided_on", DATES)
def test_a_result_the_data_decides_stays_plain_eligible(decided_on):
    year = 2024 if decided_on < "2025-07" else 2025
    history = [{"year": year, "rating": "EXCELLENT", "titles": ["LDTT"]}]
    results = _results(decided_on, awards=["CSTDCS", "LDTT"], history=history)
    assert council.status(results["CSTDCS"]) == council.ELIGIBLE
    # LĐTT needs "nội bộ đoàn kết" confirmed in the minutes (Điều 24 khoản 1).
    assert council.status(results["LDTT"]) == council.ELIGIBLE_IF_CONFIRMED
    results = _results(decided_on, awards=["LDTT"], history=history, confirmations={"solidarity": True})
    assert council.status(results["LDTT"]) == council.ELIGIBLE


@pytest.mark.parametrize("decided_on", DATES)
def test_which_awards_always_ask_the_council(decided_on):
    individual = _results(decided_on)
    asking = {code for code, r in individual.items() if council.every_route_asks_council(r)}
    assert "BK_TTG" in asking and "LDTT" in asking
    assert "CSTDCS" not in asking and "CSTD_TQ" not in asking
    assert {"exemplary", "outstanding"} <= set(council.confirmation_keys(individual["BK_TTG"]))
    assert "party_orgs_strong" not in council.confirmation_keys(individual["BK_TTG"])


def test_hold_and_not_eligible_are_unchanged():
    assert council.status({"outcome": "HOLD", "checks": []}) == council.HOLD
    assert council.status({"outcome": "NOT_ELIGIBLE", "checks": []}) == council.NOT_ELIGIBLE
