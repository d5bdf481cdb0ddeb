"""Properties of the vote tally that must hold for every well-formed request (Hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from thidua.rules.errors import WhatIfError
from thidua.rules.voting import tally

AWARDS = ["CSTDCS", "CSTD_TINH", "CSTD_TQ", "CO_TINH", "CO_CP"]


@st.composite
def count_requests(draw):
    council = draw(st.integers(min_value=1, max_value=40))
    present = draw(st.integers(min_value=0, max_value=council))
    written = draw(st.integers(min_value=0, max_value=council - present))
    voters = present + written
    n = draw(st.integers(min_value=1, max_value=8))
    candidates = [{"id": f"c{i}", "yes": draw(st.integers(min_value=0, max_value=voters))} for i in range(n)]
    return {
        "kind": "voting",
        "decided_on": draw(st.sampled_from(["2024-05-01", "2025-06-30", "2025-07-01", "2026-03-15"])),
        "award": draw(st.sampled_from(AWARDS)),
        "council_size": council,
        "present": present,
        "written_opinions": written,
        "quota": draw(st.one_of(st.none(), st.integers(min_value=1, max_value=n))),
        "candidates": candidates,
        "ballots": None,
        "chair_choice": [],
    }


@settings(max_examples=300, deadline=None)
@given(count_requests())
def test_selection_invariants(request):
    result = tally(request)
    council = request["council_size"]
    percent = result["threshold"]["percent"]
    needed = result["threshold"]["votes_needed"]
    # votes_needed is the smallest whole count reaching the share of the whole council.
    assert needed * 100 >= percent * council
    assert (needed - 1) * 100 < percent * council
    rows = result["results"]
    assert [r["id"] for r in rows] == [c["id"] for c in request["candidates"]]
    for row in rows:
        assert row["passed"] == (row["yes"] >= needed)
        assert not row["selected"] or row["passed"]
    selected = [r for r in rows if r["selected"]]
    if request["quota"] is not None:
        assert len(selected) <= request["quota"]
    if not result["quorum"]["met"]:
        assert not selected
    assert result["quorum"]["met"] == (request["present"] * 3 >= council * 2)
    # Nobody left out outranks someone selected.
    if selected:
        lowest = min(r["yes"] for r in selected)
        assert all(r["yes"] <= lowest for r in rows if r["passed"] and not r["selected"])
    # A tie is reported exactly when passed candidates were left out at the cut-off count.
    if result["tie"] is not None:
        assert result["tie"]["resolved_by"] is None
        assert len({next(r["yes"] for r in rows if r["id"] == i) for i in result["tie"]["ids"]}) == 1


@st.composite
def ballot_requests(draw):
    council = draw(st.integers(min_value=1, max_value=20))
    n = draw(st.integers(min_value=1, max_value=5))
    ids = [f"c{i}" for i in range(n)]
    quota = draw(st.integers(min_value=1, max_value=n))
    ballots = draw(st.lists(st.lists(st.sampled_from(ids), unique=True), max_size=council))
    return {
        "kind": "voting",
        "decided_on": "2026-01-05",
        "award": draw(st.sampled_from(AWARDS)),
        "council_size": council,
        "present": council,
        "written_opinions": 0,
        "quota": quota,
        "candidates": [{"id": i} for i in ids],
        "ballots": ballots,
    }


@settings(max_examples=300, deadline=None)
@given(ballot_requests())
def test_ballot_counts_ignore_over_quota_ballots(request):
    result = tally(request)
    quota = request["quota"]
    valid = [b for b in request["ballots"] if len(b) <= quota]
    assert result["invalid_ballots"] == len(request["ballots"]) - len(valid)
    for row in result["results"]:
        assert row["yes"] == sum(row["id"] in b for b in valid)


@settings(max_examples=200, deadline=None)
@given(count_requests(), st.integers(min_value=1, max_value=5))
def test_more_members_present_than_the_council_is_refused_not_answered(request, extra):
    request["present"] = request["council_size"] + extra
    try:
        tally(request)
    except WhatIfError as error:
        assert (error.code, error.field) == ("invalid_field", "present")
    else:  # pragma: no cover - the assertion explains the failure
        raise AssertionError("a meeting with more members present than the council was accepted")
