"""The pure vote tally (thidua/rules/voting.py) against whatif-api.md "Voting" and domain-rules §5."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest

from thidua.rules.errors import WhatIfError
from thidua.rules.voting import percent_string, tally

# The request of whatif-api.md, verbatim.
CONTRACT_REQUEST = {
    "kind": "voting",
    "decided_on": "2026-01-05",
    "award": "CSTD_TINH",
    "council_size": 15,
    "present": 13,
    "written_opinions": 2,
    "quota": 2,
    "candidates": [{"id": "A", "yes": 14}, {"id": "B", "yes": 14}, {"id": "C", "yes": 9}],
    "ballots": None,
    "chair_choice": [],
}


def vote(**changes) -> dict:
    request = copy.deepcopy(CONTRACT_REQUEST)
    request.update(changes)
    return request


def error_of(request, overrides=None) -> WhatIfError:
    with pytest.raises(WhatIfError) as info:
        tally(request, overrides=overrides)
    return info.value


def by_id(result) -> dict:
    return {row["id"]: row for row in result["results"]}


def test_contract_example_verbatim():
    result = tally(CONTRACT_REQUEST)
    assert result["quorum"]["met"] is True
    assert result["quorum"]["required"] == 10
    assert result["quorum"]["attending"] == 13
    assert result["quorum"]["text"]
    assert result["threshold"]["percent"] == 90
    assert result["threshold"]["base"] == "council_size"
    assert result["threshold"]["votes_needed"] == 14
    assert "98/2023" in result["threshold"]["citation"]
    assert [{k: r[k] for k in ("id", "yes", "percent", "passed", "selected")} for r in result["results"]] == [
        {"id": "A", "yes": 14, "percent": "93.33", "passed": True, "selected": True},
        {"id": "B", "yes": 14, "percent": "93.33", "passed": True, "selected": True},
        {"id": "C", "yes": 9, "percent": "60.00", "passed": False, "selected": False},
    ]
    assert result["tie"] is None
    assert result["invalid_ballots"] == 0


@pytest.mark.parametrize(
    ("council", "award", "needed"),
    [
        (11, "CSTDCS", 9),  # 80% of 11 = 8.8 → 9
        (11, "CSTD_TINH", 10),  # 90% of 11 = 9.9 → 10
        (15, "CSTD_TQ", 14),  # 90% of 15 = 13.5 → 14
        (15, "CO_TINH", 12),  # 80% of 15 = 12 exactly
        (10, "CO_CP", 8),
        (10, "CSTD_TINH", 9),
        (7, "AHLD", 7),  # 6.3 → 7
        (3, "CSTDCS", 3),  # 2.4 → 3
        (1, "CSTDCS", 1),
    ],
)
def test_votes_needed_is_the_smallest_whole_vote_count_reaching_the_share_of_the_whole_council(council, award, needed):
    request = vote(award=award, council_size=council, present=council, written_opinions=0, quota=None)
    request["candidates"] = [{"id": "at", "yes": needed}, {"id": "below", "yes": needed - 1}]
    result = tally(request)
    assert result["threshold"]["votes_needed"] == needed
    rows = by_id(result)
    assert rows["at"]["passed"] is True
    assert rows["below"]["passed"] is False


def test_threshold_base_is_the_whole_council_not_those_present():
    # 9 of 11 members present all approve: 100% of those present, but 9/11 < 90% of the council.
    request = vote(award="CSTD_TINH", council_size=11, present=9, written_opinions=0, quota=None)
    request["candidates"] = [{"id": "A", "yes": 9}]
    result = tally(request)
    assert result["results"][0]["passed"] is False
    assert result["results"][0]["percent"] == "81.82"


def test_written_opinions_of_absent_members_count_in_the_yes_votes():
    request = vote(award="CSTD_TINH", council_size=11, present=8, written_opinions=3, quota=None)
    request["candidates"] = [{"id": "A", "yes": 10}]
    result = tally(request)
    assert result["results"][0]["passed"] is True
    assert any("3 ý kiến bằng văn bản" in line for line in result["explanation"])


def test_rule_version_follows_the_decision_date():
    old = tally(vote(decided_on="2025-06-30", award="CSTDCS"))
    new = tally(vote(decided_on="2025-07-01", award="CSTDCS"))
    assert old["rule"]["version"] == "2024-01-01" and old["rule"]["confirmed"] is True
    assert old["threshold"]["percent"] == 80
    assert old["threshold"]["citation"] == "Nghị định 98/2023/NĐ-CP, Điều 30 khoản 7"
    assert new["rule"]["version"] == "2025-07-01" and new["rule"]["confirmed"] is False
    assert "152/2025" in new["threshold"]["citation"] and "chưa xác nhận" in new["threshold"]["citation"]


def test_a_date_without_rules_is_an_error_not_an_answer_under_another_decree():
    error = error_of(vote(decided_on="2023-12-31"))
    assert error.code == "no_rule_version"
    assert error.field == "decided_on"
    assert "31/12/2023" in error.message


@pytest.mark.parametrize(("council", "required"), [(15, 10), (11, 8), (12, 8), (3, 2), (1, 1), (30, 20), (31, 21)])
def test_quorum_is_two_thirds_of_the_council_rounded_up(council, required):
    request = vote(council_size=council, present=required, written_opinions=0, quota=None, award="CSTDCS")
    request["candidates"] = [{"id": "A", "yes": 0}]
    assert tally(request)["quorum"] == tally(request)["quorum"] | {"met": True, "required": required}
    request["present"] = required - 1
    assert tally(request)["quorum"]["met"] is False


def test_meeting_without_quorum_reports_counts_but_selects_nobody():
    request = vote(present=9, written_opinions=6)
    result = tally(request)
    assert result["quorum"] == result["quorum"] | {"met": False, "required": 10, "attending": 9}
    rows = by_id(result)
    assert rows["A"]["yes"] == 14 and rows["A"]["passed"] is True
    assert not any(row["selected"] for row in result["results"])
    assert "không đủ" in result["quorum"]["text"]


def tie_request(**changes):
    request = vote(award="CSTDCS", council_size=15, present=15, written_opinions=0, quota=2)
    request["candidates"] = [
        {"id": "A", "yes": 15},
        {"id": "B", "yes": 13},
        {"id": "C", "yes": 13},
        {"id": "D", "yes": 12},
        {"id": "E", "yes": 11},
    ]
    request.update(changes)
    return request


def test_over_quota_takes_the_highest_counts_and_reports_the_tie_at_the_cut_off():
    result = tally(tie_request())
    rows = by_id(result)
    assert [rows[c]["passed"] for c in "ABCDE"] == [True, True, True, True, False]
    assert [rows[c]["selected"] for c in "ABCDE"] == [True, False, False, False, False]
    assert result["tie"]["ids"] == ["B", "C"]
    assert result["tie"]["resolved_by"] is None
    assert result["tie"]["places_left"] == 1
    assert result["needs_chair_choice"] is True
    assert "Chủ tịch" in result["tie"]["text"]


def test_chair_choice_resolves_the_tie():
    result = tally(tie_request(chair_choice=["C"]))
    rows = by_id(result)
    assert [rows[c]["selected"] for c in "ABCDE"] == [True, False, True, False, False]
    assert result["tie"] == result["tie"] | {"ids": ["B", "C"], "resolved_by": "chair"}
    assert result["needs_chair_choice"] is False


def test_no_tie_when_the_quota_holds_everyone_at_the_cut_off():
    result = tally(tie_request(quota=3))
    rows = by_id(result)
    assert [rows[c]["selected"] for c in "ABCDE"] == [True, True, True, False, False]
    assert result["tie"] is None


def test_tie_for_every_place():
    request = tie_request(quota=1)
    request["candidates"] = [{"id": "X", "yes": 14}, {"id": "Y", "yes": 14}]
    result = tally(request)
    assert result["tie"]["ids"] == ["X", "Y"] and result["tie"]["places_left"] == 1
    assert not any(row["selected"] for row in result["results"])
    assert by_id(tally({**request, "chair_choice": ["Y"]}))["Y"]["selected"] is True


@pytest.mark.parametrize(
    ("choice", "field"),
    [
        (["D"], "chair_choice[0]"),
        (["B", "C"], "chair_choice"),
        (["B", "B"], "chair_choice[1]"),
        (["Z"], "chair_choice[0]"),
    ],
)
def test_chair_choice_must_be_among_the_tied_and_fit_the_places_left(choice, field):
    error = error_of(tie_request(chair_choice=choice))
    assert error.code == "invalid_field"
    assert error.field == field


def test_chair_choice_without_a_tie_is_refused():
    error = error_of(vote(chair_choice=["A"]))
    assert error.field == "chair_choice"
    assert "bằng phiếu" in error.message


def ballot_request(ballots, **changes):
    request = vote(award="CSTDCS", council_size=5, present=5, written_opinions=0, quota=2, ballots=ballots)
    request["candidates"] = [{"id": "A", "name": "Nguyễn Văn An"}, {"id": "B"}, {"id": "C"}]
    request.update(changes)
    return request


def test_ballot_mode_counts_ballots_and_voids_those_over_quota():
    ballots = [["A", "B"], ["A"], ["A", "B", "C"], [], ["A", "C"]]
    result = tally(ballot_request(ballots))
    rows = by_id(result)
    # The 3-name ballot approves more than the quota of 2: invalid, counts for no one.
    assert (rows["A"]["yes"], rows["B"]["yes"], rows["C"]["yes"]) == (3, 1, 1)
    assert result["invalid_ballots"] == 1
    assert result["counting"] == result["counting"] | {"ballots": 5, "valid_ballots": 4, "blank_ballots": 1}
    # 80% of 5 members = 4 votes; the blank ballot is a "not agree", so A (3) fails.
    assert result["threshold"]["votes_needed"] == 4
    assert rows["A"]["passed"] is False
    assert rows["A"]["name"] == "Nguyễn Văn An"


def test_ballot_mode_with_written_opinions_selects_within_quota():
    ballots = [["A", "B"]] * 4 + [["A"]]
    result = tally(ballot_request(ballots, present=4, written_opinions=1))
    rows = by_id(result)
    assert (rows["A"]["yes"], rows["B"]["yes"]) == (5, 4)
    assert rows["A"]["selected"] and rows["B"]["selected"] and not rows["C"]["selected"]


@pytest.mark.parametrize(
    ("ballots", "changes", "field"),
    [
        ([["A", "Z"]], {}, "ballots[0][1]"),
        ([["A", "A"]], {}, "ballots[0][1]"),
        (["A"], {}, "ballots[0]"),
        ([["A"]] * 6, {}, "ballots"),
        ([["A"]] * 4, {"present": 3, "written_opinions": 0}, "ballots"),
        ({"A": 1}, {}, "ballots"),
    ],
)
def test_malformed_ballots(ballots, changes, field):
    error = error_of(ballot_request(ballots, **changes))
    assert (error.code, error.field) == ("invalid_field", field)


def test_yes_counts_and_ballots_together_are_refused():
    request = ballot_request([["A"]])
    request["candidates"][0]["yes"] = 1
    assert error_of(request).field == "candidates[0].yes"


def with_candidates(candidates, **changes):
    request = vote(**changes)
    request["candidates"] = candidates
    return request


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (vote(present=16), "present"),
        (vote(present=-1), "present"),
        (vote(council_size=0, present=0, written_opinions=0), "council_size"),
        (vote(council_size="15"), "council_size"),
        (vote(council_size=15.0), "council_size"),
        (vote(present=True), "present"),
        (vote(written_opinions=3), "written_opinions"),
        (vote(written_opinions=-1), "written_opinions"),
        (vote(quota=0), "quota"),
        (vote(quota=-2), "quota"),
        (with_candidates([{"id": "A", "yes": 16}]), "candidates[0].yes"),
        (with_candidates([{"id": "A", "yes": -1}]), "candidates[0].yes"),
        (with_candidates([{"id": "A", "yes": 14}, {"id": "B"}]), "candidates[1].yes"),
        (with_candidates([{"id": "A", "yes": 3}, {"id": "A", "yes": 4}]), "candidates[1].id"),
        (with_candidates([{"id": "", "yes": 3}]), "candidates[0].id"),
        (with_candidates([{"yes": 3}]), "candidates[0].id"),
        (with_candidates([]), "candidates"),
        (with_candidates("A,B"), "candidates"),
        # 13 present + 1 written opinion: a yes count of 15 cannot be right.
        (with_candidates([{"id": "A", "yes": 15}], written_opinions=1), "candidates[0].yes"),
        (vote(decided_on="05/01/2026"), "decided_on"),
        (vote(decided_on=None), "decided_on"),
        (vote(award=None), "threshold_percent"),
        (vote(award="BK_TINH"), "threshold_percent"),
        (vote(threshold_percent=85), "threshold_percent"),
        (vote(award=None, threshold_percent=0), "threshold_percent"),
        (vote(award=None, threshold_percent=101), "threshold_percent"),
        (vote(award=None, threshold_percent="80"), "threshold_percent"),
    ],
)
def test_malformed_requests_name_the_field_in_vietnamese(request_, field):
    error = error_of(request_)
    assert error.code == "invalid_field"
    assert error.field == field
    assert error.message and error.message.isascii() is False


def test_unknown_award():
    error = error_of(vote(award="XYZ"))
    assert (error.code, error.field) == ("unknown_award", "award")
    assert "XYZ" in error.message


def test_award_without_mandatory_ballot_asks_for_the_threshold_and_uses_it():
    error = error_of(vote(award="BK_TINH"))
    assert "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh" in error.message
    result = tally(vote(award="BK_TINH", threshold_percent=60))
    assert result["threshold"] == result["threshold"] | {
        "percent": 60,
        "votes_needed": 9,
        "source": "request",
        "ballot_required": False,
    }
    assert tally(CONTRACT_REQUEST)["threshold"]["ballot_required"] is True
    assert [row["passed"] for row in result["results"]] == [True, True, True]


def test_threshold_without_award():
    result = tally(vote(award=None, threshold_percent=50))
    assert result["threshold"]["votes_needed"] == 8
    assert result["award"] is None
    assert result["threshold"]["citation"]


def test_threshold_percent_may_raise_a_legal_threshold_but_never_lower_it():
    error = error_of(vote(award="CSTDCS", threshold_percent=70))
    assert "80%" in error.message
    result = tally(vote(award="CSTDCS", threshold_percent=95))
    assert result["threshold"]["votes_needed"] == 15


def test_decimal_threshold_is_compared_exactly():
    # 66.67% of 3 = 2.0001: 2 votes are not enough.
    request = with_candidates(
        [{"id": "A", "yes": 2}, {"id": "B", "yes": 3}],
        award=None,
        threshold_percent=66.67,
        council_size=3,
        present=3,
        written_opinions=0,
        quota=None,
    )
    result = tally(request)
    assert result["threshold"]["votes_needed"] == 3
    assert [row["passed"] for row in result["results"]] == [False, True]


@pytest.mark.parametrize(
    ("yes", "base", "text"),
    [
        (14, 15, "93.33"),
        (9, 15, "60.00"),
        (2, 3, "66.67"),
        (1, 3, "33.33"),
        (1, 800, "0.13"),
        (3, 800, "0.38"),
        (1, 1600, "0.06"),
        (15, 15, "100.00"),
        (0, 7, "0.00"),
    ],
)
def test_percent_is_two_decimals_rounded_half_up(yes, base, text):
    assert percent_string(yes, base) == text


def test_provincial_overrides_only_tighten_and_respect_their_dates():
    overrides = [
        {
            "rule": "*",
            "param": "quorum_percent",
            "value": 80,
            "effective_from": "2025-12-15",
            "effective_to": None,
            "citation": "QĐ 86/2025/QĐ-UBND tỉnh Bắc Ninh, Điều 8 khoản 4",
        },
        {
            "rule": "CSTD_TINH",
            "param": "vote_threshold_percent",
            "value": 95,
            "effective_from": None,
            "effective_to": None,
            "citation": "Quy định riêng của tỉnh",
        },
        {"rule": "CSTD_TINH", "param": "vote_threshold_percent", "value": 50, "citation": "thấp hơn luật"},
        {"rule": "CSTDCS", "param": "vote_threshold_percent", "value": 99, "citation": "giải thưởng khác"},
    ]
    result = tally(CONTRACT_REQUEST, overrides=overrides)
    assert result["quorum"] == result["quorum"] | {"required": 12, "met": True, "share": "80%"}
    assert "Bắc Ninh" in result["quorum"]["citation"]
    assert result["threshold"] == result["threshold"] | {"percent": 95, "votes_needed": 15, "source": "province"}
    assert not any(row["passed"] for row in result["results"])
    before = tally(vote(decided_on="2025-12-14"), overrides=overrides)
    assert before["quorum"]["required"] == 10


def test_results_keep_request_order_and_explain_in_vietnamese():
    result = tally(tie_request())
    assert [row["id"] for row in result["results"]] == list("ABCDE")
    assert result["results"][1]["text"].startswith("B: 13/15 phiếu đồng ý (86,67% tổng số thành viên)")
    assert any("cần Chủ tịch hội đồng quyết định" in line for line in result["explanation"])


def test_tally_does_not_mutate_the_request():
    request = tie_request(chair_choice=["B"])
    snapshot = copy.deepcopy(request)
    tally(request)
    assert request == snapshot


def test_pure_core_does_not_import_django():
    root = Path(__file__).resolve().parents[2]
    code = "import sys, thidua.rules.voting; sys.exit(any(m.split('.')[0] == 'django' for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], cwd=root).returncode == 0
