"""Money in eligibility results (whatif-api.md): none for a refused award, "chưa xác định" where the
law sets no amount, and one payment per achievement period when titles are given together."""

from __future__ import annotations

import pytest

from tests.core.eligibility_helpers import ALL_TRUE, entry, evaluate, request
from thidua.rules.eligibility import evaluate_eligibility

BOTH = [("2026-01-10", 2025), ("2025-03-01", 2024)]  # NĐ 152/2025, NĐ 98/2023


@pytest.mark.parametrize("decided_on,year", BOTH)
def test_not_eligible_has_no_money(decided_on, year):
    result = evaluate("CSTDCS", [entry(year, "GOOD", ["LDTT"])], year=year, decided_on=decided_on)
    assert result["outcome"] == "NOT_ELIGIBLE"
    assert result["money_vnd"] is None and "money" not in result


@pytest.mark.parametrize("decided_on,year", BOTH)
def test_an_eligible_award_keeps_its_money(decided_on, year):
    result = evaluate("CSTDCS", [entry(year, "EXCELLENT", ["LDTT"])], year=year, decided_on=decided_on)
    assert result["outcome"] == "ELIGIBLE" and result["money_vnd"] == 2_340_000
    assert result["money"]["period"]["from"] == year


def test_an_amount_the_law_does_not_set_is_unknown_not_zero():
    history = [entry(y, "EXCELLENT", ["LDTT", "CSTDCS"], awards=["BK_TTG"] if y == 2020 else []) for y in range(2020, 2026)]
    result = evaluate("HCLD_3", history, confirmations=ALL_TRUE)
    assert result["outcome"] != "NOT_ELIGIBLE"
    assert result["money_vnd"] is None and result["money"]["unknown"] is True and "Chưa xác định" in result["money"]["text"]


def _cstd_tinh_history(last: int) -> list[dict]:
    initiative = [{"scope": "PROVINCE", "recognized": True}]
    return [entry(y, "EXCELLENT", ["LDTT", "CSTDCS"], initiatives=initiative if y == last else []) for y in range(last - 2, last + 1)]


@pytest.mark.parametrize("decided_on,year", BOTH)
def test_cstdcs_and_cstd_tinh_together_are_both_paid(decided_on, year):
    body = request(None, _cstd_tinh_history(year), year=year, decided_on=decided_on, confirmations=ALL_TRUE)
    body["awards"] = ["LDTT", "CSTDCS", "CSTD_TINH"]
    response = evaluate_eligibility(body)
    assert [r["outcome"] for r in response["results"]] == ["ELIGIBLE"] * 3
    # Each result keeps the award's own amount (the contract); the total pays one title per period.
    assert [r["money_vnd"] for r in response["results"]] == [710_000, 2_340_000, 7_020_000]
    total = response["money_total"]
    assert [line["amount_vnd"] for line in total["lines"]] == [0, 2_340_000, 7_020_000]
    assert total["vnd"] == 9_360_000 and total["complete"] is True
    assert response["results"][0]["money"]["paid_vnd"] == 0 and "cao nhất" in response["results"][0]["money"]["paid_note"]
    assert response["results"][2]["money"]["period"]["from"] == year - 2


def test_titles_already_in_the_history_count_for_their_period():
    history = _cstd_tinh_history(2025)
    history[-1]["titles"].append("CSTD_TINH")  # CSTĐ tỉnh 2025 already awarded: CSTĐCS 2025 is still paid
    response = evaluate_eligibility(request("CSTDCS", history))
    assert response["results"][0]["money"]["paid_vnd"] == 2_340_000 and response["money_total"]["vnd"] == 2_340_000
    # LĐTT evaluated for a year whose CSTĐCS is already awarded: same period, not paid again.
    response = evaluate_eligibility(request("LDTT", history))
    assert response["results"][0]["money_vnd"] == 710_000 and response["money_total"]["vnd"] == 0


def test_refused_awards_are_not_in_the_total():
    body = request(None, [entry(2025, "GOOD", ["LDTT"])])
    body["awards"] = ["LDTT", "CSTDCS"]
    response = evaluate_eligibility(body)
    assert [r["outcome"] for r in response["results"]] == ["ELIGIBLE", "NOT_ELIGIBLE"]
    assert response["money_total"]["vnd"] == 710_000 and [line["award"] for line in response["money_total"]["lines"]] == ["LDTT"]
