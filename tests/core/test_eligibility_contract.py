"""The eligibility contract of whatif-api.md: shape, versions, errors, overrides, every award."""

from __future__ import annotations

import json

import pytest

from tests.core.eligibility_helpers import ALL_TRUE, entry, evaluate, request
from thidua.rules import eligibility
from thidua.rules.catalogue import AWARD_CODES, AWARD_SUBJECTS, awards_for
from thidua.rules.eligibility import WhatIfError, evaluate_eligibility
from thidua.rules.money import money_vnd
from thidua.rules.versions import override_params

EXAMPLE_REQUEST = json.loads("""
{
  "kind": "eligibility",
  "decided_on": "2026-01-10",
  "province": null,
  "subject": "individual",
  "year": 2025,
  "awards": ["CSTDCS", "CSTD_TINH"],
  "history": [
    {"year": 2025, "rating": "EXCELLENT", "titles": ["LDTT"], "awards": [],
     "initiatives": [{"scope": "PROVINCE", "recognized": true}],
     "discipline": null, "pending_investigation": false}
  ],
  "collective": null,
  "confirmations": {}
}
""")

EXAMPLE_RESULT = json.loads("""
    {
      "award": "CSTDCS",
      "outcome": "ELIGIBLE",
      "rule": {"id": "CSTDCS", "version": "2025-07-01", "effective_from": "2025-07-01",
               "citations": ["Luật Thi đua, khen thưởng 2022, Điều 23", "Nghị định 152/2025/NĐ-CP"]},
      "checks": [
        {"code": "ldtt_same_year", "passed": true,
         "text": "Đạt danh hiệu Lao động tiên tiến năm 2025", "citation": "Điều 23 khoản 1"}
      ],
      "needs_confirmation": [],
      "money_vnd": 2340000
    }
""")


def test_the_example_of_the_contract():
    response = evaluate_eligibility(EXAMPLE_REQUEST)
    assert [r["award"] for r in response["results"]] == ["CSTDCS", "CSTD_TINH"]
    result = response["results"][0]
    for key in ("award", "outcome", "needs_confirmation", "money_vnd"):
        assert result[key] == EXAMPLE_RESULT[key]
    for key, value in EXAMPLE_RESULT["rule"].items():
        assert result["rule"][key] == value
    (expected_check,) = EXAMPLE_RESULT["checks"]
    check = result["checks"][0]
    assert {k: check[k] for k in expected_check} == expected_check
    # The same person has one CSTĐCS year only: no CSTĐ tỉnh yet.
    assert response["results"][1]["outcome"] == "NOT_ELIGIBLE"
    assert json.loads(json.dumps(response, ensure_ascii=False)) == response


def test_the_example_decided_under_the_older_decree():
    body = dict(EXAMPLE_REQUEST, decided_on="2024-03-01")
    result = evaluate_eligibility(body)["results"][0]
    assert result["outcome"] == "ELIGIBLE"
    assert result["rule"]["version"] == "2024-01-01"
    assert result["rule"]["citations"] == ["Luật Thi đua, khen thưởng 2022, Điều 23", "Nghị định 98/2023/NĐ-CP"]
    assert result["money_vnd"] == 1_800_000  # base salary of NĐ 24/2023 until 30/06/2024


def test_every_award_has_an_evaluator_and_rule_data():
    assert set(eligibility.EVALUATORS) == set(AWARD_CODES)


@pytest.mark.parametrize(
    "decided_on,version,decree",
    [
        ("2024-06-15", "2024-01-01", "Nghị định 98/2023/NĐ-CP"),
        ("2026-03-01", "2025-07-01", "Nghị định 152/2025/NĐ-CP"),
    ],
)
@pytest.mark.parametrize("award", AWARD_CODES)
def test_every_award_evaluates_under_both_decrees(award, decided_on, version, decree):
    for subject in AWARD_SUBJECTS[award]:
        history = [entry(y, "EXCELLENT", ["LDTT"], headcount=10, ldtt_members=8) for y in range(2018, 2024)]
        result = evaluate(award, history, subject=subject, year=2023, decided_on=decided_on, confirmations=ALL_TRUE)
        assert result["award"] == award
        assert result["outcome"] in {"ELIGIBLE", "NOT_ELIGIBLE", "HOLD"}
        assert result["rule"]["id"] == award
        assert result["rule"]["version"] == version == result["rule"]["effective_from"]
        assert decree in result["rule"]["citations"]
        assert len(result["checks"]) >= 3
        for check in result["checks"]:
            assert check["code"] and check["text"] and check["citation"]
            assert check["passed"] in (True, False, None)
            assert "subject_kind" != check["code"]
        if award in eligibility.ROUTED:
            assert all(check.get("route") for check in result["checks"])
        expected = money_vnd(award, subject, decided_on) if result["outcome"] != "NOT_ELIGIBLE" else None
        assert result["money_vnd"] == expected


def test_awards_omitted_means_every_award_of_the_subject_in_catalogue_order():
    for subject in ("individual", "collective"):
        response = evaluate_eligibility(request(None, [entry(2025, "GOOD")], subject=subject))
        assert [r["award"] for r in response["results"]] == awards_for(subject)
    assert awards_for("individual") == [
        "LDTT",
        "CSTDCS",
        "CSTD_TINH",
        "CSTD_TQ",
        "GIAY_KHEN",
        "BK_TINH",
        "BK_TTG",
        "HCLD_3",
    ]
    assert awards_for("collective") == [
        "TTLDTT",
        "TTLDXS",
        "CO_TINH",
        "CO_CP",
        "GIAY_KHEN",
        "BK_TINH",
        "BK_TTG",
        "HCLD_3",
    ]


def test_results_follow_request_order():
    body = request(None, [entry(2025, "GOOD")])
    body["awards"] = ["HCLD_3", "LDTT", "GIAY_KHEN"]
    assert [r["award"] for r in evaluate_eligibility(body)["results"]] == ["HCLD_3", "LDTT", "GIAY_KHEN"]


@pytest.mark.parametrize("award,subject", [("TTLDTT", "individual"), ("LDTT", "collective"), ("CO_CP", "individual")])
def test_award_for_the_other_subject_kind_is_not_eligible_with_a_reason(award, subject):
    result = evaluate(award, [entry(2025, "EXCELLENT")], subject=subject)
    assert result["outcome"] == "NOT_ELIGIBLE"
    (check,) = result["checks"]
    assert check["code"] == "subject_kind" and check["passed"] is False
    assert "chỉ xét tặng cho" in check["text"]
    assert result["money_vnd"] is None


def test_money_follows_the_base_salary_of_the_decision_date():
    before = evaluate("LDTT", [entry(2025, "GOOD")], decided_on="2026-06-30")
    after = evaluate("LDTT", [entry(2025, "GOOD")], decided_on="2026-07-01")
    assert (before["money_vnd"], after["money_vnd"]) == (710_000, 760_000)
    assert evaluate("GIAY_KHEN", [entry(2025, "GOOD")])["money_vnd"] == 710_000  # 0.3 × base (domain-rules §4.14)
    assert evaluate("GIAY_KHEN", [entry(2025, "GOOD")], subject="collective")["money_vnd"] == 1_410_000
    assert evaluate("HCLD_3", [entry(2025, "GOOD")], subject="collective")["money_vnd"] == 21_060_000


@pytest.mark.parametrize(
    "decided_on,version",
    [
        ("2024-01-01", "2024-01-01"),
        ("2025-06-30", "2024-01-01"),
        ("2025-07-01", "2025-07-01"),
        ("2030-01-01", "2025-07-01"),
    ],
)
def test_rule_version_by_decision_date(decided_on, version):
    year = int(decided_on[:4]) - 1
    result = evaluate("LDTT", [entry(year, "GOOD")], year=year, decided_on=decided_on)
    assert result["rule"]["version"] == version


def error_of(body, **kwargs) -> WhatIfError:
    with pytest.raises(WhatIfError) as caught:
        evaluate_eligibility(body, **kwargs)
    assert caught.value.message and caught.value.message[0].isupper()
    return caught.value


def with_(**changes):
    body = request("LDTT", [entry(2025, "GOOD")])
    for key, value in changes.items():
        if value is KeyError:
            body.pop(key)
        else:
            body[key] = value
    return body


@pytest.mark.parametrize(
    "changes,code,field",
    [
        ({"decided_on": "2023-12-31", "year": 2023}, "no_rule_version", "decided_on"),
        ({"decided_on": "2020-05-01", "year": 2019}, "no_rule_version", "decided_on"),
        ({"decided_on": "2023-06-30"}, "no_rule_version", "decided_on"),
        ({"awards": ["LDTT", "NOPE"]}, "unknown_award", "awards[1]"),
        ({"decided_on": KeyError}, "invalid_field", "decided_on"),
        ({"decided_on": "10/01/2026"}, "invalid_field", "decided_on"),
        ({"decided_on": "2026-02-30"}, "invalid_field", "decided_on"),
        ({"subject": "household"}, "invalid_field", "subject"),
        ({"subject": KeyError}, "invalid_field", "subject"),
        ({"year": "2025"}, "invalid_field", "year"),
        ({"year": True}, "invalid_field", "year"),
        ({"year": KeyError}, "invalid_field", "year"),
        ({"year": 1800}, "invalid_field", "year"),
        ({"awards": "LDTT"}, "invalid_field", "awards"),
        ({"history": {"year": 2025}}, "invalid_field", "history"),
        ({"history": [{"rating": "GOOD"}]}, "invalid_field", "history[0].year"),
        ({"history": [entry(2025, "BRILLIANT")]}, "invalid_field", "history[0].rating"),
        ({"history": [entry(2025, "GOOD", discipline="SCOLDED")]}, "invalid_field", "history[0].discipline"),
        (
            {"history": [entry(2025, "GOOD", discipline="CANH_CAO", discipline_until="soon")]},
            "invalid_field",
            "history[0].discipline_until",
        ),
        (
            {"history": [entry(2025, "GOOD", initiatives=[{"scope": "GALAXY", "recognized": True}])]},
            "invalid_field",
            "history[0].initiatives[0].scope",
        ),
        (
            {"history": [entry(2025, "GOOD", pending_investigation="no")]},
            "invalid_field",
            "history[0].pending_investigation",
        ),
        ({"history": [entry(2025, "GOOD"), entry(2025, "EXCELLENT")]}, "invalid_field", "history[1].year"),
        ({"history": [entry(2025, "GOOD", headcount=5, ldtt_members=6)]}, "invalid_field", "history[0].ldtt_members"),
        ({"history": [entry(2025, "GOOD", headcount=-1)]}, "invalid_field", "history[0].headcount"),
        ({"confirmations": {"charisma": True}}, "invalid_field", "confirmations.charisma"),
        ({"confirmations": {"solidarity": "yes"}}, "invalid_field", "confirmations.solidarity"),
        ({"confirmations": []}, "invalid_field", "confirmations"),
        ({"kind": "voting"}, "invalid_field", "kind"),
        ({"province": 12}, "invalid_field", "province"),
    ],
)
def test_malformed_requests(changes, code, field):
    error = error_of(with_(**changes))
    assert (error.code, error.field) == (code, field)
    assert error.as_dict() == {"error": {"code": code, "message": error.message, "field": field}}


def test_request_must_be_an_object():
    assert error_of([1, 2]).code == "invalid_field"


TTLDTT_OVERRIDE = [
    {
        "rule": "TTLDTT",
        "param": "ldtt_ratio_percent",
        "value": 75,
        "effective_from": "2027-01-01",
        "effective_to": None,
        "citation": "QĐ 12/2026/QĐ-UBND tỉnh X",
    }
]


@pytest.mark.parametrize(
    "decided_on,year,with_overrides,outcome",
    [
        ("2026-12-31", 2026, True, "ELIGIBLE"),
        ("2027-01-01", 2026, True, "NOT_ELIGIBLE"),
        ("2027-03-01", 2026, True, "NOT_ELIGIBLE"),
        ("2027-03-01", 2026, False, "ELIGIBLE"),
        ("2026-12-31", 2026, False, "ELIGIBLE"),
    ],
)
def test_provincial_override_of_the_ttldtt_ratio(decided_on, year, with_overrides, outcome):
    history = [entry(year, "GOOD", headcount=100, ldtt_members=72)]
    result = evaluate(
        "TTLDTT",
        history,
        subject="collective",
        year=year,
        decided_on=decided_on,
        province="01",
        overrides=TTLDTT_OVERRIDE if with_overrides else None,
    )
    assert result["outcome"] == outcome
    ratio = next(c for c in result["checks"] if c["code"] == "ldtt_ratio")
    if outcome == "NOT_ELIGIBLE":
        assert ratio["passed"] is False and "75%" in ratio["text"] and "QĐ 12/2026/QĐ-UBND tỉnh X" in ratio["text"]
        assert result["rule"]["overrides"][0]["value"] == 75
    else:
        assert ratio["passed"] is True and "70%" in ratio["text"]
        assert "overrides" not in result["rule"]


def test_override_with_an_end_date_stops_applying():
    rows = [dict(TTLDTT_OVERRIDE[0], effective_to="2027-06-30")]
    history = [entry(2027, "GOOD", headcount=100, ldtt_members=72)]
    inside = evaluate("TTLDTT", history, subject="collective", year=2027, decided_on="2027-06-30", overrides=rows)
    outside = evaluate("TTLDTT", history, subject="collective", year=2027, decided_on="2027-07-01", overrides=rows)
    assert (inside["outcome"], outside["outcome"]) == ("NOT_ELIGIBLE", "ELIGIBLE")


@pytest.mark.parametrize(
    "row",
    [
        {"rule": "TTLDTT", "param": "nope", "value": 75},
        {"rule": "TTLDTT", "param": "ldtt_ratio_percent", "value": "bảy mươi"},
        {"rule": "TTLDTT", "param": "ldtt_ratio_percent", "value": 72.5},
        {"rule": "TTLDTT", "param": "ldtt_ratio_percent", "value": -1},
        {"rule": "TTLDTT", "param": "ldtt_ratio_percent", "value": True},
        {"rule": "BK_TTG", "param": "window_after_bk_tinh", "value": "maybe"},
    ],
)
def test_bad_override_rows_are_refused(row):
    with pytest.raises(ValueError):
        evaluate("TTLDTT", [entry(2025, "GOOD")], subject="collective", overrides=[row])


@pytest.mark.parametrize("value", [75, "75", 75.0, " 75 "])
def test_override_values_stored_as_text_or_numbers_are_read(value):
    row = dict(TTLDTT_OVERRIDE[0], value=value)
    history = [entry(2027, "GOOD", headcount=100, ldtt_members=72)]
    result = evaluate("TTLDTT", history, subject="collective", year=2027, decided_on="2027-02-01", overrides=[row])
    assert result["outcome"] == "NOT_ELIGIBLE"
    assert result["rule"]["overrides"][0]["value"] == 75


def test_override_rows_of_other_rules_are_ignored():
    rows = [{"rule": "voting", "param": "threshold_percent", "value": 95, "effective_from": None}]
    history = [entry(2025, "GOOD", headcount=100, ldtt_members=70)]
    result = evaluate("TTLDTT", history, subject="collective", overrides=rows)
    assert result["outcome"] == "ELIGIBLE" and "overrides" not in result["rule"]


def test_override_params_list_every_unconfirmed_default():
    rows = {(r["rule"], r["param"]): r for r in override_params()}
    assert rows[("TTLDTT", "ldtt_ratio_percent")]["default"] == 70
    assert rows[("CSTD_TINH", "window_reuse")]["unconfirmed"] is True
    assert rows[("BK_TTG", "window_after_bk_tinh")]["default"] is True
    assert rows[("*", "initiative_reuse_between_titles")]["default"] is False


def test_routed_award_is_eligible_when_one_route_has_no_failing_check():
    result = evaluate(
        "BK_TTG", [entry(2025, "GOOD")], confirmations={"outstanding": True, "exceptional_achievement": False}
    )
    assert result["outcome"] == "ELIGIBLE"
    routes = {c["route"] for c in result["checks"] if c["passed"] is False}
    assert routes == {"73.1.b", "73.1.c"}


def test_pending_investigation_holds_a_routed_award():
    history = [entry(2025, "GOOD", pending_investigation=True)]
    assert evaluate("BK_TTG", history, confirmations={"outstanding": True})["outcome"] == "HOLD"
    assert (
        evaluate("BK_TTG", history, confirmations={"outstanding": False, "exceptional_achievement": False})["outcome"]
        == "NOT_ELIGIBLE"
    )


def test_hold_check_is_not_a_confirmation_to_collect():
    result = evaluate("LDTT", [entry(2025, "GOOD", pending_investigation=True)], confirmations={"solidarity": True})
    assert result["outcome"] == "HOLD"
    assert result["needs_confirmation"] == []
    hold = next(c for c in result["checks"] if c["code"] == "pending_investigation")
    assert hold["passed"] is None and hold["hold"] is True and "tạm hoãn" in hold["text"]


def test_every_text_is_a_vietnamese_sentence_with_the_year():
    response = evaluate_eligibility(request(None, [entry(2025, "GOOD", ["LDTT"])]))
    for result in response["results"]:
        for check in result["checks"]:
            assert check["text"][0].isupper()
            assert "2025" in check["text"] or check["code"] == "pending_investigation"
            assert "_" not in check["text"]  # no raw codes


def test_rule_versions_are_contiguous_and_carry_the_same_rules():
    import datetime as dt

    from thidua.rules.versions import eligibility_versions

    old, new = eligibility_versions()
    assert (old["effective_from"], old["effective_to"], new["effective_from"], new["effective_to"]) == (
        "2024-01-01",
        "2025-06-30",
        "2025-07-01",
        None,
    )
    assert dt.date.fromisoformat(old["effective_to"]) + dt.timedelta(days=1) == dt.date.fromisoformat(
        new["effective_from"]
    )
    assert list(old["awards"]) == list(new["awards"]) == list(AWARD_CODES)
    for code in AWARD_CODES:
        for part in ("checks", "params", "routes"):
            assert old["awards"][code].get(part, {}).keys() == new["awards"][code].get(part, {}).keys(), (code, part)
        for check in new["awards"][code]["checks"].values():
            assert check["citation"] and check["evidence"] in {"L", "P", "S", "H", "UNCONFIRMED"}
    assert "Nghị định 98/2023/NĐ-CP" in old["awards"]["LDTT"]["citations"]
    assert "Nghị định 152/2025/NĐ-CP" in new["awards"]["LDTT"]["citations"]
