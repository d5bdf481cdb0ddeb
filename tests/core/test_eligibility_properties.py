"""Properties of the eligibility engine over generated histories (Hypothesis, pure, no DB)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thidua.rules.catalogue import CONFIRMATIONS, awards_for
from thidua.rules.eligibility import evaluate_eligibility

YEARS = range(2016, 2026)
RATINGS = st.sampled_from([None, "FAILED", "COMPLETED", "GOOD", "EXCELLENT", "EXCELLENT"])
INITIATIVE = st.fixed_dictionaries(
    {
        "scope": st.sampled_from(["BASE", "PROVINCE", "NATIONAL"]),
        "recognized": st.booleans(),
        "used_for": st.sampled_from([None, None, "CSTDCS", "BK_TINH", "CSTD_TINH"]),
    }
)
AWARD_RECEIVED = st.one_of(
    st.sampled_from(["BK_TINH", "BK_TTG", "GIAY_KHEN"]),
    st.fixed_dictionaries(
        {"code": st.sampled_from(["BK_TINH", "BK_TTG"]), "type": st.sampled_from(["MERIT", "AD_HOC", "MOVEMENT"])}
    ),
)


@st.composite
def year_entry(draw, year: int, subject: str):
    titles = ["LDTT", "CSTDCS", "CSTD_TINH"] if subject == "individual" else ["TTLDTT", "TTLDXS", "CO_TINH", "CO_CP"]
    record = {
        "year": year,
        "rating": draw(RATINGS),
        "titles": draw(st.lists(st.sampled_from(titles), unique=True, max_size=3)),
        "awards": draw(st.lists(AWARD_RECEIVED, max_size=1)),
        "initiatives": draw(st.lists(INITIATIVE, max_size=2)),
        "discipline": None,
        "pending_investigation": draw(st.sampled_from([False] * 12 + [True])),
    }
    if draw(st.integers(0, 15)) == 0:
        record["discipline"] = draw(st.sampled_from(["KHIEN_TRACH", "CANH_CAO"]))
        record["discipline_until"] = f"{year}-12-31"
    if subject == "collective":
        headcount = draw(st.integers(1, 40))
        record.update(
            headcount=headcount,
            ldtt_members=draw(st.integers(0, headcount)),
            cstdcs_members=draw(st.integers(0, min(2, headcount))),
            members_failed=draw(st.sampled_from([0, 0, 1])),
            members_disciplined=draw(st.sampled_from([0, 0, 1])),
            bloc_leading=draw(st.booleans()),
        )
    return record


@st.composite
def cases(draw):
    subject = draw(st.sampled_from(["individual", "collective"]))
    years = draw(st.lists(st.sampled_from(list(YEARS)), unique=True, min_size=1, max_size=10))
    history = [draw(year_entry(year, subject)) for year in sorted(years)]
    confirmations = draw(st.dictionaries(st.sampled_from(sorted(CONFIRMATIONS)), st.booleans()))
    return {
        "kind": "eligibility",
        "decided_on": "2026-01-10",
        "province": None,
        "subject": subject,
        "year": 2025,
        "awards": [],
        "history": history,
        "collective": None,
        "confirmations": confirmations,
    }


def outcomes(body) -> dict[str, str]:
    return {r["award"]: r["outcome"] for r in evaluate_eligibility(body)["results"]}


PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(cases(), st.randoms(use_true_random=False))
def test_outcome_does_not_depend_on_history_order(body, rnd):
    shuffled = dict(body, history=list(body["history"]))
    rnd.shuffle(shuffled["history"])
    assert evaluate_eligibility(shuffled) == evaluate_eligibility(body)


@PROPERTY
@given(cases(), st.sampled_from(list(YEARS)))
def test_adding_a_failing_year_never_makes_an_award_eligible(body, year):
    if any(record["year"] == year for record in body["history"]):
        return
    before = outcomes(body)
    worse = dict(body, history=body["history"] + [{"year": year, "rating": "FAILED", "titles": [], "awards": []}])
    after = outcomes(worse)
    for award, outcome in before.items():
        if outcome == "NOT_ELIGIBLE":
            assert after[award] == "NOT_ELIGIBLE", award


@PROPERTY
@given(cases())
def test_a_missing_confirmation_never_refuses(body):
    confirmed = outcomes(dict(body, confirmations={key: True for key in CONFIRMATIONS}))
    unconfirmed = outcomes(dict(body, confirmations={}))
    for award in awards_for(body["subject"]):
        if unconfirmed[award] == "NOT_ELIGIBLE":
            assert confirmed[award] == "NOT_ELIGIBLE", award


@PROPERTY
@given(cases())
def test_an_open_investigation_holds_what_would_be_eligible(body):
    before = outcomes(body)
    held = dict(
        body,
        history=[
            dict(record, pending_investigation=True) if i == 0 else record for i, record in enumerate(body["history"])
        ],
    )
    after = outcomes(held)
    for award, outcome in before.items():
        if outcome == "ELIGIBLE":
            assert after[award] == "HOLD", award


@PROPERTY
@given(st.integers(1, 200), st.data())
def test_ttldtt_ratio_is_exact_and_monotone(headcount, data):
    members = data.draw(st.integers(0, headcount))
    body = {
        "kind": "eligibility",
        "decided_on": "2026-01-10",
        "subject": "collective",
        "year": 2025,
        "awards": ["TTLDTT"],
        "history": [{"year": 2025, "rating": "GOOD", "headcount": headcount, "ldtt_members": members}],
        "confirmations": {},
    }
    (result,) = evaluate_eligibility(body)["results"]
    assert (result["outcome"] == "ELIGIBLE") == (members * 100 >= 70 * headcount)
    if members < headcount:
        body["history"][0]["ldtt_members"] = members + 1
        if result["outcome"] == "ELIGIBLE":
            assert evaluate_eligibility(body)["results"][0]["outcome"] == "ELIGIBLE"
