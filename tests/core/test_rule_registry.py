"""The rule registry (thidua/rules/registry.py) and the law's catalogue (thidua/rules/catalogue.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from thidua.rules import registry
from thidua.rules.catalogue import (
    AWARD_CODES,
    AWARD_NAMES,
    AWARD_SUBJECTS,
    CATALOGUE,
    EMULATION_TITLES,
    FORM,
    TITLE,
)
from thidua.rules.eligibility import evaluate_eligibility
from thidua.rules.errors import WhatIfError
from thidua.rules.versions import eligibility_versions, override_params


def test_catalogue_holds_every_evaluated_code_with_the_same_name_subjects_and_kind():
    by_code = {e["code"]: e for e in CATALOGUE}
    assert len(by_code) == len(CATALOGUE), "duplicate codes in CATALOGUE"
    assert {c for c, e in by_code.items() if e["has_rule"]} == set(AWARD_CODES)
    for code in AWARD_CODES:
        entry = by_code[code]
        assert entry["name"] == AWARD_NAMES[code]
        assert entry["subjects"] == AWARD_SUBJECTS[code]
        assert (entry["kind"] == TITLE) == (code in EMULATION_TITLES), code


def test_entries_without_a_rule_are_manual_with_a_reason_never_a_fake_rule():
    manual = [e for e in CATALOGUE if not e["has_rule"]]
    assert {"HCLD_1", "HCLD_2", "AHLD", "GD_VH"} <= {e["code"] for e in manual}
    for entry in manual:
        assert entry["manual_reason"], entry["code"]
        with pytest.raises(WhatIfError) as refused:
            evaluate_eligibility(
                {"kind": "eligibility", "decided_on": "2026-01-10", "subject": "individual", "year": 2025,
                 "awards": [entry["code"]], "history": []}
            )
        assert refused.value.code == "unknown_award"


def test_titles_and_forms_are_kept_apart():
    kinds = {e["code"]: e["kind"] for e in CATALOGUE}
    assert kinds["AHLD"] == FORM and kinds["HCLD_3"] == FORM and kinds["BK_TINH"] == FORM
    assert kinds["LDTT"] == TITLE and kinds["CO_CP"] == TITLE and kinds["GD_VH"] == TITLE
    for entry in CATALOGUE:
        assert entry["categories"] and entry["authority"] and entry["citation"], entry["code"]


@pytest.mark.parametrize("key", [v["version"] for v in eligibility_versions()])
def test_every_check_param_and_principle_of_the_data_reads_in_vietnamese(key):
    for code in AWARD_CODES:
        rule = registry.award_rule(code, key)
        assert rule is not None
        for check in rule["checks"]:
            assert check["code"] in registry.CHECK_LABELS or (code, check["code"]) in registry.AWARD_CHECK_LABELS, (code, check["code"])
            assert "{" not in check["text"] and not check["text"].isascii(), (code, check["text"])
        for param in rule["params"] + rule["common_params"]:
            assert (param["rule"], param["name"]) in registry.PARAM_LABELS, (code, param["name"])
        for principle in rule["principles"]:
            assert principle["code"] in registry.PRINCIPLE_LABELS


def test_both_decree_versions_are_present_with_their_dates():
    versions = registry.eligibility_versions()
    assert [(v["decree"], v["effective_from"], v["effective_to"]) for v in versions] == [
        ("Nghị định 98/2023/NĐ-CP", "2024-01-01", "2025-06-30"),
        ("Nghị định 152/2025/NĐ-CP", "2025-07-01", None),
    ]
    assert registry.version_key_on(dt.date(2025, 6, 30)) == "2024-01-01"
    assert registry.version_key_on(dt.date(2025, 7, 1)) == "2025-07-01"
    assert registry.version_key_on(dt.date(2023, 12, 31)) is None
    assert "31/12/2023" in registry.no_version_message(dt.date(2023, 12, 31))
    assert len(registry.rule_index()) == 2 * len(AWARD_CODES)


def test_unconfirmed_points_are_settings_with_their_documented_default():
    rule = registry.award_rule("BK_TTG", "2025-07-01")
    unconfirmed = {p["name"]: p["value"] for p in rule["unconfirmed_params"]}
    assert unconfirmed["window_after_bk_tinh"] is True and unconfirmed["initiative_reuse_between_titles"] is False
    assert any(r["unconfirmed"] for r in rule["routes"])
    assert not {p["name"] for p in rule["params"] if not p["unconfirmed"]} & set(unconfirmed)


def test_overrides_change_the_values_and_the_conditions_that_quote_them_only_in_force():
    rows = [{"rule": "TTLDTT", "param": "ldtt_ratio_percent", "value": "75", "effective_from": "2027-01-01",
             "effective_to": None, "citation": "QĐ tỉnh"}]
    after = registry.award_rule("TTLDTT", "2025-07-01", overrides=rows, on=dt.date(2027, 1, 1))
    before = registry.award_rule("TTLDTT", "2025-07-01", overrides=rows, on=dt.date(2026, 12, 31))
    assert after["params"][0]["value"] == 75 and after["params"][0]["override"]["citation"] == "QĐ tỉnh"
    assert before["params"][0]["value"] == 70 and before["params"][0]["override"] is None
    ratio = next(c for c in after["checks"] if c["code"] == "ldtt_ratio")
    assert "75%" in ratio["text"]


def test_override_targets_are_exactly_the_overridable_params_of_the_engine():
    engine = {(row["rule"], row["param"]) for row in override_params()}
    ours = {(t["rule"], t["param"]) for t in registry.override_targets("eligibility")}
    assert ours == engine
    voting = {(t["rule"], t["param"]) for t in registry.override_targets("voting")}
    assert ("*", "quorum_percent") in voting and ("CSTD_TINH", "vote_threshold_percent") in voting


@pytest.mark.parametrize(
    ("family", "rule", "param", "value", "stored"),
    [
        ("eligibility", "TTLDTT", "ldtt_ratio_percent", "75", "75"),
        ("eligibility", "TTLDTT", "ldtt_ratio_percent", 75.0, "75"),
        ("eligibility", "CSTD_TINH", "window_reuse", "có", "true"),
        ("eligibility", "*", "initiative_reuse_between_titles", False, "false"),
        ("eligibility", "LDTT", "min_months_worked", "10", "10"),
        ("voting", "CO_TINH", "vote_threshold_percent", "85", "85"),
        ("voting", "*", "vote_threshold_percent", "50", "50"),
        ("voting", "*", "quorum_percent", "80,5", "80.5"),
        ("voting", "LDTT", "vote_threshold_percent", "50", "50"),
    ],
)
def test_valid_overrides_are_stored_in_canonical_text(family, rule, param, value, stored):
    assert registry.validate_override(family, rule, param, value, on=dt.date(2027, 1, 1)) == stored


@pytest.mark.parametrize(
    ("family", "rule", "param", "value", "field", "words"),
    [
        ("eligibility", "TTLDTT", "ldtt_ratio_percent", "75.5", "value", "số nguyên"),
        ("eligibility", "TTLDTT", "ldtt_ratio_percent", True, "value", "số nguyên"),
        ("eligibility", "TTLDTT", "ldtt_ratio_percent", "0", "value", "từ 1 đến 100"),
        ("eligibility", "LDTT", "min_months_worked", "13", "value", "từ 0 đến 12"),
        ("eligibility", "CSTD_TINH", "cstdcs_streak_years", "0", "value", "từ 1 đến 10"),
        ("eligibility", "TTLDTT", "min_cstdcs_members", "1", "param", "không có tham số"),
        ("eligibility", "HCLD_1", "window_years", "5", "rule", "Không có quy định"),
        ("eligibility", "TTLDTT", "ldtt_ratio_percent", " ", "value", "Hãy nhập"),
        ("voting", "CSTD_TINH", "vote_threshold_percent", "85", "value", "chặt hơn"),
        ("voting", "*", "quorum_percent", "50", "value", "chặt hơn"),
        ("voting", "*", "quorum_percent", "101", "value", "không quá 100"),
        ("voting", "*", "quorum_percent", "70.123", "value", "hai chữ số"),
        ("voting", "CO_TINH", "quorum_percent", "80", "param", "không có tham số"),
        ("money", "*", "x", "1", "family", "loại quy định"),
    ],
)
def test_invalid_overrides_are_refused_in_vietnamese(family, rule, param, value, field, words):
    with pytest.raises(registry.OverrideInvalid) as refused:
        registry.validate_override(family, rule, param, value)
    assert refused.value.field == field and words in refused.value.message


def test_voting_rules_show_thresholds_quorum_and_the_unconfirmed_flag():
    old, new = (registry.voting_rule(v["key"]) for v in registry.voting_versions())
    assert old["confirmed"] and not new["confirmed"]
    assert {t["code"]: t["percent"] for t in new["thresholds"]}["CSTD_TINH"] == 90
    assert new["quorum_text"].startswith("2/3") and new["quorum_unconfirmed"]


def test_registry_is_pure():
    import subprocess
    import sys
    from pathlib import Path

    code = "import sys, thidua.rules.registry, thidua.rules.catalogue; sys.exit(any(m.split('.')[0] == 'django' for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2], check=False).returncode == 0


def test_the_rule_history_says_what_changed_from_the_previous_decree():
    assert registry.version_changes("TTLDTT", "2024-01-01") == []
    notes = registry.version_changes("TTLDTT", "2025-07-01")
    assert any("Nghị định 98/2023/NĐ-CP" in n and "Nghị định 152/2025/NĐ-CP, Điều 4 khoản 4" in n for n in notes)
    assert all(not n.isascii() for n in notes)
