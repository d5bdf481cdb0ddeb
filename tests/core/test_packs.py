"""National results cite national texts; a province's own regulation (a pack) is cited, and its
parameters applied, only for that province and only from its effective date (domain-rules §4,
"Whose text binds whom"). Pure core: packs are passed in as data."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from thidua.history import fast
from thidua.rules import packs, registry
from thidua.rules.catalogue import AWARD_CODES, awards_for
from thidua.rules.eligibility import evaluate_eligibility
from thidua.rules.versions import apply_overrides, eligibility_version, eligibility_versions
from thidua.rules.voting import tally

BN86 = packs.shipped_for("24")
# One date under each decree version, and the days around Bắc Ninh's regulation coming into force.
ND98_DAY, ND152_DAY = "2025-03-01", "2026-01-10"


def collective(decided_on: str, province: str | None, **year) -> dict:
    entry = {"year": 2025, "rating": "EXCELLENT", "titles": ["TTLDXS"], "headcount": 20, "ldtt_members": 14,
             "cstdcs_members": 2, "members_failed": 0, "members_disciplined": 0, "bloc_leading": True}
    entry.update(year)
    return {"kind": "eligibility", "decided_on": decided_on, "province": province, "subject": "collective", "year": 2025,
            "awards": [], "history": [entry, {"year": 2024, "rating": "EXCELLENT", "titles": ["TTLDXS"]}], "confirmations": {}}


def individual(decided_on: str, province: str | None) -> dict:
    history = [{"year": y, "rating": "EXCELLENT", "titles": ["LDTT", "CSTDCS"], "awards": []} for y in (2023, 2024, 2025)]
    return {"kind": "eligibility", "decided_on": decided_on, "province": province, "subject": "individual", "year": 2025,
            "awards": [], "history": history, "confirmations": {}}


def text_of(result) -> str:
    return json.dumps(result, ensure_ascii=False)


def test_the_shipped_bac_ninh_pack_says_what_domain_rules_say():
    (pack,) = BN86
    assert (pack["number"], pack["issued_on"], pack["effective_from"]) == ("86/2025/QĐ-UBND", "2025-12-03", "2025-12-15")
    assert pack["citations"]["TTLDTT"] == "Điều 4 khoản 2" and pack["citations"]["BK_TINH"] == "Điều 3 khoản 3"
    entries = {(e["rule"], e["param"]): (e["value"], e["article"]) for e in pack["entries"]}
    assert entries[("TTLDTT", "ldtt_ratio_percent")] == (70, "Điều 4 khoản 2 điểm b")
    assert entries[("*", "quorum_percent")] == (80, "Điều 8 khoản 4 điểm b")
    # Valid as any pack an officer enters: dates, articles, and every value within what the Law allows.
    clean = packs.validate_pack(pack)
    assert clean["effective_from"] == dt.date(2025, 12, 15)
    for entry in pack["entries"]:
        registry.validate_override(entry["family"], entry["rule"], entry["param"], entry["value"], on=clean["effective_from"])
        packs.check_article(entry["article"])


@pytest.mark.parametrize("day", [ND98_DAY, ND152_DAY])
def test_national_results_cite_only_national_texts(day):
    """Without a province's pack no result names any province's regulation, in either decree version."""
    decree = "Nghị định 98/2023/NĐ-CP" if day == ND98_DAY else "Nghị định 152/2025/NĐ-CP"
    for request in (collective(day, None), individual(day, None)):
        results = evaluate_eligibility(request)["results"]
        assert "Bắc Ninh" not in text_of(results) and "86/2025" not in text_of(results)
        for result in results:
            assert decree in result["rule"]["citations"] and "provincial" not in result["rule"]
            assert any(c.startswith("Luật Thi đua, khen thưởng 2022") for c in result["rule"]["citations"])
    for version in eligibility_versions():
        assert "Bắc Ninh" not in json.dumps(version, ensure_ascii=False)
        for code in AWARD_CODES:
            rule = registry.award_rule(code, version["version"])
            assert "Bắc Ninh" not in text_of(rule)


def test_bac_ninh_before_its_regulation_is_in_force_gets_the_national_answer():
    for request in (collective("2025-12-14", "24"), individual("2025-12-14", "24")):
        with_pack = evaluate_eligibility(request, packs=BN86)
        assert with_pack == evaluate_eligibility(request)
        assert "86/2025" not in text_of(with_pack)


def test_bac_ninh_from_its_effective_date_cites_its_regulation_with_its_parameters_applied():
    request = collective("2025-12-15", "24")
    results = {r["award"]: r for r in evaluate_eligibility(request, packs=BN86)["results"]}
    label = "theo Quy định ban hành kèm theo Quyết định 86/2025/QĐ-UBND ngày 03/12/2025 của tỉnh Bắc Ninh"
    for code, article in BN86[0]["citations"].items():
        if code not in results:
            continue  # an award for individuals
        rule = results[code]["rule"]
        assert rule["provincial"][0]["text"] == label
        assert f"QĐ 86/2025/QĐ-UBND tỉnh Bắc Ninh, {article}" in rule["citations"]
        assert rule["citations"][0].startswith("Luật Thi đua, khen thưởng 2022")  # the Law stays first
    ttldtt = results["TTLDTT"]
    assert ttldtt["rule"]["overrides"][0]["citation"] == "QĐ 86/2025/QĐ-UBND tỉnh Bắc Ninh, Điều 4 khoản 2 điểm b"
    ratio = next(c for c in ttldtt["checks"] if c["code"] == "ldtt_ratio")
    assert ratio["passed"] is True and "(theo QĐ 86/2025/QĐ-UBND tỉnh Bắc Ninh, Điều 4 khoản 2 điểm b)" in ratio["text"]
    assert ratio["citation"] == "Điều 28; QĐ 86/2025/QĐ-UBND tỉnh Bắc Ninh, Điều 4 khoản 2"
    discipline = next(c for c in ttldtt["checks"] if c["code"] == "discipline")
    assert "86/2025" not in discipline["citation"]  # a principle of the decree, not of the province
    # Awards the regulation does not speak to keep national citations.
    assert "provincial" not in results["BK_TTG"]["rule"] and "86/2025" not in text_of(results["BK_TTG"])
    # Its quorum for award sessions (80 % of members present) applies from the same day only.
    vote = {"kind": "voting", "decided_on": "2025-12-15", "award": "CO_TINH", "council_size": 15, "present": 11,
            "written_opinions": 2, "quota": 1, "candidates": [{"id": "A", "yes": 13}]}
    after = tally(vote, overrides=packs.entry_rows(BN86, "voting"))
    before = tally({**vote, "decided_on": "2025-12-14"}, overrides=packs.entry_rows(BN86, "voting"))
    assert after["quorum"]["met"] is False and after["quorum"]["required"] == 12
    assert after["quorum"]["citation"] == "QĐ 86/2025/QĐ-UBND tỉnh Bắc Ninh, Điều 8 khoản 4 điểm b"
    assert before["quorum"]["met"] is True and "86/2025" not in text_of(before)


def test_an_ended_pack_stops_on_its_last_day():
    ended = [{**BN86[0], "effective_to": "2026-06-30"}]
    assert "86/2025" in text_of(evaluate_eligibility(collective("2026-06-30", "24"), packs=ended))
    assert "86/2025" not in text_of(evaluate_eligibility(collective("2026-07-01", "24"), packs=ended))
    rows = packs.entry_rows(ended, "eligibility")
    assert {r["effective_to"] for r in rows} == {"2026-06-30"}


@pytest.mark.parametrize("day", [ND98_DAY, ND152_DAY])
def test_ttldxs_needs_no_member_disciplined_by_an_unconfirmed_default(day):
    clean = {r["award"]: r for r in evaluate_eligibility({**collective(day, None), "awards": ["TTLDXS"]})["results"]}
    assert clean["TTLDXS"]["outcome"] == "ELIGIBLE"
    request = {**collective(day, None, members_disciplined=1), "awards": ["TTLDXS", "TTLDTT"]}
    results = {r["award"]: r for r in evaluate_eligibility(request)["results"]}
    check = next(c for c in results["TTLDXS"]["checks"] if c["code"] == "members_discipline")
    assert results["TTLDXS"]["outcome"] == "NOT_ELIGIBLE" and check["passed"] is False
    assert check["unconfirmed"] is True and "chưa được xác minh" in check["text"] and check["citation"].startswith("Điều 27")
    assert results["TTLDTT"]["outcome"] == "NOT_ELIGIBLE"
    # A province that settles the point otherwise: the check is gone, the title is decided on the rest.
    off = [{"rule": "TTLDXS", "param": "no_member_disciplined", "value": "false", "effective_from": "2024-01-01",
            "citation": "QĐ 5/2026/QĐ-UBND tỉnh Quảng Ninh, Điều 3"}]
    settled = evaluate_eligibility({**request, "awards": ["TTLDXS"]}, overrides=off)["results"][0]
    assert settled["outcome"] == "ELIGIBLE" and "members_discipline" not in {c["code"] for c in settled["checks"]}
    # The batch's fast path decides the same.
    on = dt.date.fromisoformat(day)
    params = fast.params_of(eligibility_version(on))
    figures = {"headcount": 20, "ldtt_members": 14, "cstdcs_members": 2, "members_disciplined": 1}
    assert fast.plain_collective_outcomes(2025, {2025: "EXCELLENT"}, figures, params, ["TTLDXS"])["TTLDXS"] == "NOT_ELIGIBLE"
    params_off = fast.params_of(apply_overrides(eligibility_version(on), off, on)[0])
    assert fast.plain_collective_outcomes(2025, {2025: "EXCELLENT"}, figures, params_off, ["TTLDXS"])["TTLDXS"] == "ELIGIBLE"


@pytest.mark.parametrize("key", [v["version"] for v in eligibility_versions()])
def test_the_registry_shows_the_ttldxs_discipline_parameter_as_unconfirmed(key):
    rule = registry.award_rule("TTLDXS", key)
    param = next(p for p in rule["params"] if p["name"] == "no_member_disciplined")
    assert param["value"] is True and param["unconfirmed"] and param in rule["unconfirmed_params"]
    assert param["label"] == "Không có cá nhân bị kỷ luật từ cảnh cáo trở lên trong năm"
    check = next(c for c in rule["checks"] if c["code"] == "members_discipline")
    assert check["unconfirmed"] and check in rule["unconfirmed_checks"]
    assert next(r for r in registry.rule_index() if r["code"] == "TTLDXS" and r["key"] == key)["unconfirmed"] >= 2


def test_the_registry_page_of_a_province_lists_its_pack_only_from_its_date():
    on, before = dt.date(2026, 1, 10), dt.date(2025, 12, 14)
    rule = registry.award_rule("TTLDTT", "2025-07-01", packs=BN86, on=on)
    assert rule["provincial"][0]["citation"] == "QĐ 86/2025/QĐ-UBND tỉnh Bắc Ninh, Điều 4 khoản 2"
    assert rule["params"][0]["override"]["citation"].endswith("Điều 4 khoản 2 điểm b")
    assert registry.award_rule("TTLDTT", "2025-07-01", packs=BN86, on=before)["provincial"] == []


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"number": "số 86"}, "number", "không đúng dạng"),
        ({"title": ""}, "title", "trích yếu"),
        ({"issued_on": None}, "issued_on", "ngày ban hành"),
        ({"effective_from": "2025-12-01"}, "effective_from", "không được trước ngày ban hành 03/12/2025"),
        ({"effective_to": "2025-12-01"}, "effective_to", "không được trước ngày có hiệu lực"),
        ({"citations": {"TTLDTT": "4.2"}}, "cite_TTLDTT", "phải ghi điều, khoản"),
        ({"citations": {"XYZ": "Điều 1"}}, "citations", "Không có danh hiệu"),
    ],
)
def test_pack_validation_refuses_in_vietnamese(change, field, words):
    with pytest.raises(packs.PackInvalid) as refused:
        packs.validate_pack({**BN86[0], **change})
    assert refused.value.field == field and words in refused.value.message


def test_entries_stay_within_what_the_law_allows():
    with pytest.raises(registry.OverrideInvalid, match="chặt hơn Luật.*tối thiểu là 70, không nhận 65"):
        registry.validate_override("eligibility", "TTLDTT", "ldtt_ratio_percent", "65", on=dt.date(2026, 1, 1))
    assert registry.validate_override("eligibility", "TTLDTT", "ldtt_ratio_percent", "75", on=dt.date(2026, 1, 1)) == "75"
    # An UNCONFIRMED default is the province's to settle, either way.
    assert registry.validate_override("eligibility", "TTLDXS", "no_member_disciplined", "không") == "false"
    assert registry.validate_override("eligibility", "LDTT", "min_months_worked", "10") == "10"
    with pytest.raises(packs.PackInvalid, match="bắt đầu bằng “Điều”"):
        packs.check_article("khoản 2")


def test_every_award_a_subject_can_receive_is_evaluated_with_the_pack():
    """The pack adds citations and parameters, never removes a result or changes an outcome here."""
    for subject, request in (("collective", collective("2026-01-10", "24")), ("individual", individual("2026-01-10", "24"))):
        national = evaluate_eligibility(request)["results"]
        provincial = evaluate_eligibility(request, packs=BN86)["results"]
        assert [r["award"] for r in provincial] == awards_for(subject) == [r["award"] for r in national]
        assert [r["outcome"] for r in provincial] == [r["outcome"] for r in national]
