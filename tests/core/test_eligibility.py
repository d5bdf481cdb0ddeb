"""Eligibility rules per award, as tables of cases (domain-rules §4; whatif-api.md "Eligibility")."""

from __future__ import annotations

import pytest

from tests.core.eligibility_helpers import ALL_TRUE, entry, evaluate, failing, route_failing


def ini(scope="BASE", recognized=True, **extra):
    return {"scope": scope, "recognized": recognized, **extra}


def unit(year, rating="GOOD", headcount=10, ldtt=7, **extra):
    return entry(year, rating, headcount=headcount, ldtt_members=ldtt, **extra)


# --------------------------------------------------------------------------- individual titles

LDTT_CASES = [
    ("good rating", [entry(2025, "GOOD")], {}, "ELIGIBLE", set()),
    ("excellent rating", [entry(2025, "EXCELLENT")], {"solidarity": True}, "ELIGIBLE", set()),
    ("only completed", [entry(2025, "COMPLETED")], {}, "NOT_ELIGIBLE", {"rating_at_least_good"}),
    ("failed", [entry(2025, "FAILED")], {}, "NOT_ELIGIBLE", {"rating_at_least_good"}),
    ("no record for the year", [entry(2024, "EXCELLENT")], {}, "NOT_ELIGIBLE", {"rating_at_least_good"}),
    ("solidarity confirmed false", [entry(2025, "GOOD")], {"solidarity": False}, "NOT_ELIGIBLE", {"solidarity"}),
    ("investigation open", [entry(2025, "GOOD", pending_investigation=True)], {}, "HOLD", set()),
    (
        "failing check wins over investigation",
        [entry(2025, "COMPLETED", pending_investigation=True)],
        {},
        "NOT_ELIGIBLE",
        {"rating_at_least_good"},
    ),
    ("discipline considered", [entry(2025, "GOOD", discipline_pending=True)], {}, "HOLD", set()),
    ("reprimanded in the year", [entry(2025, "GOOD", discipline="KHIEN_TRACH")], {}, "NOT_ELIGIBLE", {"discipline"}),
    (
        "discipline ended the year before",
        [entry(2024, "GOOD", discipline="CANH_CAO", discipline_until="2024-12-31"), entry(2025, "GOOD")],
        {},
        "ELIGIBLE",
        set(),
    ),
    (
        "discipline runs into the year",
        [entry(2024, "GOOD", discipline="CANH_CAO", discipline_until="2025-06-30"), entry(2025, "GOOD")],
        {},
        "NOT_ELIGIBLE",
        {"discipline"},
    ),
]


@pytest.mark.parametrize("label,history,confirmations,outcome,fails", LDTT_CASES, ids=[c[0] for c in LDTT_CASES])
def test_ldtt(label, history, confirmations, outcome, fails):
    result = evaluate("LDTT", history, confirmations=confirmations)
    assert result["outcome"] == outcome
    assert failing(result) == fails


def test_ldtt_unconfirmed_solidarity_is_listed_not_refused():
    result = evaluate("LDTT", [entry(2025, "GOOD")])
    assert result["needs_confirmation"] == ["solidarity"]
    solidarity = next(c for c in result["checks"] if c["code"] == "solidarity")
    assert solidarity["passed"] is None


CSTDCS_CASES = [
    ("LĐTT and excellent", [entry(2025, "EXCELLENT", ["LDTT"])], "ELIGIBLE", set()),
    ("LĐTT, good and a recognised initiative", [entry(2025, "GOOD", ["LDTT"], initiatives=[ini()])], "ELIGIBLE", set()),
    (
        "LĐTT, good and an accepted project",
        [entry(2025, "GOOD", ["LDTT"], projects=[{"scope": "BASE", "accepted": True}])],
        "ELIGIBLE",
        set(),
    ),
    ("CSTT counts as LĐTT", [entry(2025, "EXCELLENT", ["CSTT"])], "ELIGIBLE", set()),
    (
        "initiative not recognised",
        [entry(2025, "GOOD", ["LDTT"], initiatives=[ini(recognized=False)])],
        "NOT_ELIGIBLE",
        {"achievement_basis"},
    ),
    (
        "initiative already used for a certificate of merit",
        [entry(2025, "GOOD", ["LDTT"], initiatives=[ini(id="SK1", used_for="BK_TINH")])],
        "NOT_ELIGIBLE",
        {"achievement_basis"},
    ),
    (
        "initiative marked for this title",
        [entry(2025, "GOOD", ["LDTT"], initiatives=[ini(used_for="CSTDCS")])],
        "ELIGIBLE",
        set(),
    ),
    (
        "initiative of the previous year",
        [entry(2024, "GOOD", initiatives=[ini()]), entry(2025, "GOOD", ["LDTT"])],
        "NOT_ELIGIBLE",
        {"achievement_basis"},
    ),
    ("excellent without LĐTT", [entry(2025, "EXCELLENT")], "NOT_ELIGIBLE", {"ldtt_same_year"}),
    ("LĐTT and good only", [entry(2025, "GOOD", ["LDTT"])], "NOT_ELIGIBLE", {"achievement_basis"}),
]


@pytest.mark.parametrize("label,history,outcome,fails", CSTDCS_CASES, ids=[c[0] for c in CSTDCS_CASES])
def test_cstdcs(label, history, outcome, fails):
    result = evaluate("CSTDCS", history)
    assert result["outcome"] == outcome
    assert failing(result) == fails
    assert result["needs_confirmation"] == []


def cstdcs_years(*years, initiative_year=2025, scope="PROVINCE", **initiative):
    return [
        entry(
            y, "EXCELLENT", ["LDTT", "CSTDCS"], initiatives=[ini(scope, **initiative)] if y == initiative_year else []
        )
        for y in years
    ]


CSTD_TINH_CASES = [
    ("three consecutive CSTĐCS and a provincial initiative", cstdcs_years(2023, 2024, 2025), {}, "ELIGIBLE", set()),
    (
        "national initiative is wider than provincial",
        cstdcs_years(2023, 2024, 2025, scope="NATIONAL"),
        {},
        "ELIGIBLE",
        set(),
    ),
    ("initiative earlier in the run", cstdcs_years(2023, 2024, 2025, initiative_year=2023), {}, "ELIGIBLE", set()),
    ("only two years", cstdcs_years(2024, 2025), {}, "NOT_ELIGIBLE", {"cstdcs_streak"}),
    ("gap year breaks the streak", cstdcs_years(2022, 2023, 2025), {}, "NOT_ELIGIBLE", {"cstdcs_streak"}),
    (
        "gap year 2024 present but without the title",
        cstdcs_years(2022, 2023, 2025) + [entry(2024, "GOOD", ["LDTT"])],
        {},
        "NOT_ELIGIBLE",
        {"cstdcs_streak"},
    ),
    (
        "grassroots initiative only",
        cstdcs_years(2023, 2024, 2025, scope="BASE"),
        {},
        "NOT_ELIGIBLE",
        {"initiative_province"},
    ),
    (
        "initiative used for a commendation form",
        cstdcs_years(2023, 2024, 2025, used_for="BK_TINH"),
        {},
        "NOT_ELIGIBLE",
        {"initiative_province"},
    ),
    (
        "initiative used for CSTĐCS is not reused by default",
        cstdcs_years(2023, 2024, 2025, used_for="CSTDCS"),
        {},
        "NOT_ELIGIBLE",
        {"initiative_province"},
    ),
    ("not outstanding", cstdcs_years(2023, 2024, 2025), {"outstanding": False}, "NOT_ELIGIBLE", {"outstanding"}),
    (
        "a long run without an earlier CSTĐ tỉnh",
        cstdcs_years(2020, 2021, 2022, 2023, 2024, 2025) + [],
        {},
        "ELIGIBLE",
        set(),
    ),
    (
        "discipline restarts the streak",
        [entry(2023, "EXCELLENT", ["LDTT", "CSTDCS"], discipline="KHIEN_TRACH", discipline_until="2023-12-31")]
        + cstdcs_years(2024, 2025),
        {},
        "NOT_ELIGIBLE",
        {"cstdcs_streak"},
    ),
]


@pytest.mark.parametrize(
    "label,history,confirmations,outcome,fails", CSTD_TINH_CASES, ids=[c[0] for c in CSTD_TINH_CASES]
)
def test_cstd_tinh(label, history, confirmations, outcome, fails):
    result = evaluate("CSTD_TINH", history, confirmations=confirmations)
    assert result["outcome"] == outcome
    assert failing(result) == fails


def with_title(history, year, title):
    for record in history:
        if record["year"] == year:
            record["titles"].append(title)
    return history


def test_cstd_tinh_windows_do_not_overlap_by_default():
    # CSTĐCS 2021–2025 and a CSTĐ tỉnh for 2023: only 2024 and 2025 are left.
    history = with_title(cstdcs_years(2021, 2022, 2023, 2024, 2025), 2023, "CSTD_TINH")
    result = evaluate("CSTD_TINH", history)
    assert result["outcome"] == "NOT_ELIGIBLE"
    streak = next(c for c in result["checks"] if c["code"] == "cstdcs_streak")
    assert streak["unconfirmed"] is True
    assert "2023" in streak["text"] and "không tính lại" in streak["text"]


def test_cstd_tinh_six_years_make_a_second_title():
    history = with_title(cstdcs_years(2020, 2021, 2022, 2023, 2024, 2025), 2022, "CSTD_TINH")
    assert evaluate("CSTD_TINH", history)["outcome"] == "ELIGIBLE"


def test_cstd_tinh_overlap_allowed_by_province_override():
    history = with_title(cstdcs_years(2021, 2022, 2023, 2024, 2025), 2023, "CSTD_TINH")
    override = [
        {
            "rule": "CSTD_TINH",
            "param": "window_reuse",
            "value": True,
            "effective_from": "2025-01-01",
            "effective_to": None,
            "citation": "QĐ 1/2025/QĐ-UBND tỉnh X",
        }
    ]
    result = evaluate("CSTD_TINH", history, overrides=override)
    assert result["outcome"] == "ELIGIBLE"
    assert result["rule"]["overrides"][0]["param"] == "window_reuse"


def test_initiative_reuse_between_titles_can_be_allowed_by_a_province():
    history = cstdcs_years(2023, 2024, 2025, used_for="CSTDCS")
    override = [
        {
            "rule": "*",
            "param": "initiative_reuse_between_titles",
            "value": True,
            "effective_from": None,
            "effective_to": None,
            "citation": "QĐ 2/2025/QĐ-UBND tỉnh X",
        }
    ]
    assert evaluate("CSTD_TINH", history, overrides=override)["outcome"] == "ELIGIBLE"
    # ...but never from a title to a commendation form.
    history = cstdcs_years(2023, 2024, 2025, used_for="BK_TINH")
    assert evaluate("CSTD_TINH", history, overrides=override)["outcome"] == "NOT_ELIGIBLE"


def cstd_tinh_years(*years, scope="NATIONAL"):
    return [
        entry(y, "EXCELLENT", ["LDTT", "CSTDCS", "CSTD_TINH"], initiatives=[ini(scope)] if y == 2025 else [])
        for y in years
    ]


CSTD_TQ_CASES = [
    ("two consecutive CSTĐ tỉnh and a national initiative", cstd_tinh_years(2024, 2025), "ELIGIBLE", set()),
    ("not consecutive", cstd_tinh_years(2023, 2025), "NOT_ELIGIBLE", {"cstd_tinh_streak"}),
    (
        "provincial initiative only",
        cstd_tinh_years(2024, 2025, scope="PROVINCE"),
        "NOT_ELIGIBLE",
        {"initiative_national"},
    ),
    ("one CSTĐ tỉnh", cstd_tinh_years(2025), "NOT_ELIGIBLE", {"cstd_tinh_streak"}),
    (
        "three years apart with CSTĐCS between",
        cstd_tinh_years(2022, 2025) + cstdcs_years(2023, 2024, initiative_year=0),
        "ELIGIBLE",
        set(),
    ),
    (
        "three years apart with a gap between",
        cstd_tinh_years(2022, 2025) + cstdcs_years(2024, initiative_year=0),
        "NOT_ELIGIBLE",
        {"cstd_tinh_streak"},
    ),
    (
        "four years apart",
        cstd_tinh_years(2021, 2025) + cstdcs_years(2022, 2023, 2024, initiative_year=0),
        "NOT_ELIGIBLE",
        {"cstd_tinh_streak"},
    ),
    (
        "national initiative in the first CSTĐ tỉnh year counts",
        [
            entry(2024, "EXCELLENT", ["LDTT", "CSTDCS", "CSTD_TINH"], initiatives=[ini("NATIONAL")]),
            entry(2025, "EXCELLENT", ["LDTT", "CSTDCS", "CSTD_TINH"]),
        ],
        "ELIGIBLE",
        set(),
    ),
]


@pytest.mark.parametrize("label,history,outcome,fails", CSTD_TQ_CASES, ids=[c[0] for c in CSTD_TQ_CASES])
def test_cstd_tq(label, history, outcome, fails):
    result = evaluate("CSTD_TQ", history)
    assert result["outcome"] == outcome
    assert failing(result) == fails


def test_cstd_tq_across_windows_is_flagged_as_a_reading():
    history = cstd_tinh_years(2022, 2025) + cstdcs_years(2023, 2024, initiative_year=0)
    check = next(c for c in evaluate("CSTD_TQ", history)["checks"] if c["code"] == "cstd_tinh_streak")
    assert check["unconfirmed"] is True and "2022, 2025" in check["text"]
    plain = next(
        c for c in evaluate("CSTD_TQ", cstd_tinh_years(2024, 2025))["checks"] if c["code"] == "cstd_tinh_streak"
    )
    assert "unconfirmed" not in plain


def test_suspended_year_does_not_break_a_streak_until_the_outcome():
    history = cstdcs_years(2023, 2025) + [entry(2024, None, pending_investigation=True)]
    result = evaluate("CSTD_TINH", history)
    assert result["outcome"] == "HOLD"
    streak = next(c for c in result["checks"] if c["code"] == "cstdcs_streak")
    assert streak["passed"] is None and streak["hold"] is True


# --------------------------------------------------------------------------- collective titles

TTLDTT_CASES = [
    ("exactly 70 %", [unit(2025, ldtt=7)], {}, "ELIGIBLE", set()),
    ("69 of 100", [unit(2025, headcount=100, ldtt=69)], {}, "NOT_ELIGIBLE", {"ldtt_ratio"}),
    ("2 of 3 is 66.67 %", [unit(2025, headcount=3, ldtt=2)], {}, "NOT_ELIGIBLE", {"ldtt_ratio"}),
    ("7 of 9 is 77.78 %", [unit(2025, headcount=9, ldtt=7)], {}, "ELIGIBLE", set()),
    ("excellent collective", [unit(2025, "EXCELLENT", ldtt=10)], ALL_TRUE, "ELIGIBLE", set()),
    ("only completed", [unit(2025, "COMPLETED")], {}, "NOT_ELIGIBLE", {"rating_at_least_good"}),
    ("member warned", [unit(2025, members_disciplined=1)], {}, "NOT_ELIGIBLE", {"members_discipline"}),
    ("movement not effective", [unit(2025)], {"movement_effective": False}, "NOT_ELIGIBLE", {"movement_effective"}),
    ("no headcount", [entry(2025, "GOOD", ldtt_members=7)], {}, "NOT_ELIGIBLE", {"ldtt_ratio"}),
]


@pytest.mark.parametrize("label,history,confirmations,outcome,fails", TTLDTT_CASES, ids=[c[0] for c in TTLDTT_CASES])
def test_ttldtt(label, history, confirmations, outcome, fails):
    result = evaluate("TTLDTT", history, subject="collective", confirmations=confirmations)
    assert result["outcome"] == outcome
    assert failing(result) == fails


def test_ttldtt_ratio_text_gives_the_numbers():
    result = evaluate("TTLDTT", [unit(2025, headcount=3, ldtt=2)], subject="collective")
    ratio = next(c for c in result["checks"] if c["code"] == "ldtt_ratio")
    assert "2/3" in ratio["text"] and "66,67%" in ratio["text"] and "70%" in ratio["text"]
    assert result["needs_confirmation"] == ["movement_effective", "solidarity"]


TTLDXS_CASES = [
    ("all criteria", [unit(2025, "EXCELLENT", ldtt=8, cstdcs_members=1, members_failed=0)], "ELIGIBLE", set()),
    ("good is not enough", [unit(2025, "GOOD", ldtt=8, cstdcs_members=1)], "NOT_ELIGIBLE", {"rating_excellent"}),
    (
        "a member failed",
        [unit(2025, "EXCELLENT", ldtt=8, cstdcs_members=1, members_failed=1)],
        "NOT_ELIGIBLE",
        {"members_all_completed"},
    ),
    ("no CSTĐCS member", [unit(2025, "EXCELLENT", ldtt=8)], "NOT_ELIGIBLE", {"member_cstdcs"}),
    ("60 % LĐTT", [unit(2025, "EXCELLENT", ldtt=6, cstdcs_members=1)], "NOT_ELIGIBLE", {"ldtt_ratio"}),
]


@pytest.mark.parametrize("label,history,outcome,fails", TTLDXS_CASES, ids=[c[0] for c in TTLDXS_CASES])
def test_ttldxs(label, history, outcome, fails):
    result = evaluate("TTLDXS", history, subject="collective")
    assert result["outcome"] == outcome
    assert failing(result) == fails


CO_TINH_CASES = [
    ("leading unit", [unit(2025, "EXCELLENT", bloc_leading=True)], {}, "ELIGIBLE", set()),
    ("not the leading unit", [unit(2025, "EXCELLENT")], {}, "NOT_ELIGIBLE", {"bloc_leading"}),
    (
        "targets not exceeded",
        [unit(2025, "EXCELLENT", bloc_leading=True)],
        {"targets_exceeded": False},
        "NOT_ELIGIBLE",
        {"targets_exceeded"},
    ),
    (
        "party organisations weak",
        [unit(2025, "EXCELLENT", bloc_leading=True)],
        {"party_orgs_strong": False},
        "NOT_ELIGIBLE",
        {"party_orgs_strong"},
    ),
]


@pytest.mark.parametrize("label,history,confirmations,outcome,fails", CO_TINH_CASES, ids=[c[0] for c in CO_TINH_CASES])
def test_co_tinh(label, history, confirmations, outcome, fails):
    result = evaluate("CO_TINH", history, subject="collective", confirmations=confirmations)
    assert result["outcome"] == outcome
    assert failing(result) == fails


def test_co_tinh_lists_the_qualitative_conditions():
    result = evaluate("CO_TINH", [unit(2025, bloc_leading=True)], subject="collective")
    assert result["needs_confirmation"] == ["targets_exceeded", "solidarity", "party_orgs_strong"]


CO_CP_CASES = [
    ("leading and selected", [unit(2025, "EXCELLENT", bloc_leading=True)], ALL_TRUE, "ELIGIBLE"),
    (
        "leading, not selected, provincial bloc",
        [unit(2025, "EXCELLENT", bloc_leading=True)],
        {"outstanding": False},
        "NOT_ELIGIBLE",
    ),
    (
        "leading a central bloc",
        [unit(2025, "EXCELLENT", bloc_leading=True, bloc_central=True)],
        {"outstanding": False},
        "ELIGIBLE",
    ),
    ("not leading", [unit(2025, "EXCELLENT")], ALL_TRUE, "NOT_ELIGIBLE"),
]


@pytest.mark.parametrize("label,history,confirmations,outcome", CO_CP_CASES, ids=[c[0] for c in CO_CP_CASES])
def test_co_cp(label, history, confirmations, outcome):
    result = evaluate("CO_CP", history, subject="collective", confirmations=confirmations)
    assert result["outcome"] == outcome
    assert {c["route"] for c in result["checks"]} == {"25.1", "25.2"}


# --------------------------------------------------------------------------- commendation forms

GIAY_KHEN_CASES = [
    ("individual, good", "individual", [entry(2025, "GOOD")], {}, "ELIGIBLE", set()),
    ("individual, completed", "individual", [entry(2025, "COMPLETED")], {}, "NOT_ELIGIBLE", {"rating_at_least_good"}),
    (
        "neither movement nor achievement",
        "individual",
        [entry(2025, "GOOD")],
        {"outstanding": False, "exceptional_achievement": False},
        "NOT_ELIGIBLE",
        {"movement_or_achievement"},
    ),
    (
        "achievement confirmed",
        "individual",
        [entry(2025, "GOOD")],
        {"outstanding": False, "exceptional_achievement": True},
        "ELIGIBLE",
        set(),
    ),
    ("collective not united", "collective", [unit(2025)], {"solidarity": False}, "NOT_ELIGIBLE", {"solidarity"}),
    ("collective not exemplary", "collective", [unit(2025)], {"exemplary": False}, "NOT_ELIGIBLE", {"exemplary"}),
]


@pytest.mark.parametrize(
    "label,subject,history,confirmations,outcome,fails", GIAY_KHEN_CASES, ids=[c[0] for c in GIAY_KHEN_CASES]
)
def test_giay_khen(label, subject, history, confirmations, outcome, fails):
    result = evaluate("GIAY_KHEN", history, subject=subject, confirmations=confirmations)
    assert result["outcome"] == outcome
    assert failing(result) == fails


def test_giay_khen_one_of_two_alternatives_to_confirm():
    result = evaluate("GIAY_KHEN", [entry(2025, "GOOD")], confirmations={"outstanding": False})
    assert result["outcome"] == "ELIGIBLE"
    assert result["needs_confirmation"] == ["exemplary", "exceptional_achievement"]


NO_QUALITATIVE = {"outstanding": False, "exceptional_achievement": False}

BK_TINH_INDIVIDUAL_CASES = [
    ("nothing to show", [entry(2025, "GOOD")], NO_QUALITATIVE, "NOT_ELIGIBLE"),
    (
        "two consecutive CSTĐCS",
        [entry(y, "GOOD", ["LDTT", "CSTDCS"]) for y in (2024, 2025)],
        NO_QUALITATIVE,
        "ELIGIBLE",
    ),
    (
        "two excellent years with two initiatives",
        [entry(2024, "EXCELLENT", initiatives=[ini()]), entry(2025, "EXCELLENT", initiatives=[ini()])],
        NO_QUALITATIVE,
        "ELIGIBLE",
    ),
    (
        "two excellent years with one initiative",
        [entry(2024, "EXCELLENT"), entry(2025, "EXCELLENT", initiatives=[ini()])],
        NO_QUALITATIVE,
        "NOT_ELIGIBLE",
    ),
    (
        "initiatives already used for titles",
        [entry(2024, "EXCELLENT", initiatives=[ini(used_for="CSTDCS")]), entry(2025, "EXCELLENT", initiatives=[ini()])],
        NO_QUALITATIVE,
        "NOT_ELIGIBLE",
    ),
    ("CSTĐCS with a gap", [entry(y, "GOOD", ["LDTT", "CSTDCS"]) for y in (2023, 2025)], NO_QUALITATIVE, "NOT_ELIGIBLE"),
    ("outstanding in a provincial movement", [entry(2025, "GOOD")], {"outstanding": True}, "ELIGIBLE"),
    (
        "not exemplary",
        [entry(y, "GOOD", ["LDTT", "CSTDCS"]) for y in (2024, 2025)],
        {"exemplary": False},
        "NOT_ELIGIBLE",
    ),
    ("only qualitative routes left unconfirmed", [entry(2025, "GOOD")], {}, "ELIGIBLE"),
]


@pytest.mark.parametrize(
    "label,history,confirmations,outcome", BK_TINH_INDIVIDUAL_CASES, ids=[c[0] for c in BK_TINH_INDIVIDUAL_CASES]
)
def test_bk_tinh_individual(label, history, confirmations, outcome):
    result = evaluate("BK_TINH", history, confirmations=confirmations)
    assert result["outcome"] == outcome
    assert {c["route"] for c in result["checks"]} == {"i", "ii", "iii", "iv", "v"}


BK_TINH_COLLECTIVE_CASES = [
    (
        "excellent then TTLĐXS",
        [unit(2024, "EXCELLENT"), unit(2025, "GOOD", titles=["TTLDXS"])],
        NO_QUALITATIVE,
        "ELIGIBLE",
    ),
    ("one excellent year", [unit(2024, "GOOD"), unit(2025, "EXCELLENT")], NO_QUALITATIVE, "NOT_ELIGIBLE"),
    (
        "movement not effective",
        [unit(2024, "EXCELLENT"), unit(2025, "EXCELLENT")],
        {**NO_QUALITATIVE, "movement_effective": False},
        "NOT_ELIGIBLE",
    ),
    ("not united", [unit(2024, "EXCELLENT"), unit(2025, "EXCELLENT")], {"solidarity": False}, "NOT_ELIGIBLE"),
]


@pytest.mark.parametrize(
    "label,history,confirmations,outcome", BK_TINH_COLLECTIVE_CASES, ids=[c[0] for c in BK_TINH_COLLECTIVE_CASES]
)
def test_bk_tinh_collective(label, history, confirmations, outcome):
    result = evaluate("BK_TINH", history, subject="collective", confirmations=confirmations)
    assert result["outcome"] == outcome
    assert {c["route"] for c in result["checks"]} == {"i", "ii", "iii", "iv"}


def bk_ttg_history(bk_year=2019, bk_type=None, ratings=None, cstdcs=(2021, 2023, 2025), prior="BK_TINH"):
    ratings = ratings or {y: "GOOD" for y in range(2021, 2026)}
    history = []
    for y in range(2015, 2026):
        rating = ratings.get(y, "GOOD" if y < 2021 else None)
        titles = ["LDTT"] + (["CSTDCS"] if y in cstdcs else [])
        awards = []
        if y == bk_year:
            awards = [{"code": prior, "type": bk_type} if bk_type else prior]
        if rating is not None or awards:
            history.append(entry(y, rating, titles if rating else [], awards))
    return history


BK_TTG_CASES = [
    ("BK tỉnh 2019 then five good years with three CSTĐCS", bk_ttg_history(), "ELIGIBLE", set()),
    ("BK tỉnh inside the five years", bk_ttg_history(bk_year=2022), "NOT_ELIGIBLE", {"bk_tinh_before"}),
    ("ad hoc BK tỉnh is no basis", bk_ttg_history(bk_type="AD_HOC"), "NOT_ELIGIBLE", {"bk_tinh_before"}),
    ("thematic BK tỉnh is no basis", bk_ttg_history(bk_type="MOVEMENT"), "NOT_ELIGIBLE", {"bk_tinh_before"}),
    ("merit object form counts", bk_ttg_history(bk_type="MERIT"), "ELIGIBLE", set()),
    ("only two CSTĐCS", bk_ttg_history(cstdcs=(2021, 2025)), "NOT_ELIGIBLE", {"cstdcs_in_window"}),
    (
        "a completed year in the window",
        bk_ttg_history(ratings={2021: "GOOD", 2022: "GOOD", 2023: "COMPLETED", 2024: "GOOD", 2025: "GOOD"}),
        "NOT_ELIGIBLE",
        {"rating_good_window"},
    ),
    ("no BK tỉnh", bk_ttg_history(bk_year=None), "NOT_ELIGIBLE", {"bk_tinh_before"}),
]


@pytest.mark.parametrize("label,history,outcome,fails", BK_TTG_CASES, ids=[c[0] for c in BK_TTG_CASES])
def test_bk_ttg_individual_route_b(label, history, outcome, fails):
    result = evaluate("BK_TTG", history, confirmations=NO_QUALITATIVE)
    assert result["outcome"] == outcome
    assert route_failing(result, "73.1.b") == fails
    assert route_failing(result, "73.1.a") == {"outstanding"}
    assert route_failing(result, "73.1.c") == {"exceptional_achievement"}


def test_bk_ttg_missing_year_in_window_breaks_it():
    history = [r for r in bk_ttg_history() if r["year"] != 2024]
    result = evaluate("BK_TTG", history, confirmations=NO_QUALITATIVE)
    assert result["outcome"] == "NOT_ELIGIBLE"
    window = next(c for c in result["checks"] if c["code"] == "rating_good_window")
    assert "2024" in window["text"]


def test_bk_ttg_window_after_bk_tinh_is_an_unconfirmed_default():
    result = evaluate("BK_TTG", bk_ttg_history(bk_year=2022), confirmations=NO_QUALITATIVE)
    check = next(c for c in result["checks"] if c["code"] == "bk_tinh_before")
    assert check["unconfirmed"] is True
    override = [
        {
            "rule": "BK_TTG",
            "param": "window_after_bk_tinh",
            "value": False,
            "effective_from": "2025-01-01",
            "effective_to": None,
            "citation": "QĐ 3/2025/QĐ-UBND tỉnh X",
        }
    ]
    result = evaluate("BK_TTG", bk_ttg_history(bk_year=2022), confirmations=NO_QUALITATIVE, overrides=override)
    assert result["outcome"] == "ELIGIBLE"
    check = next(c for c in result["checks"] if c["code"] == "bk_tinh_before")
    assert "unconfirmed" not in check and "QĐ 3/2025/QĐ-UBND tỉnh X" in check["text"]


def test_bk_ttg_qualitative_route_eligible_when_confirmed():
    result = evaluate("BK_TTG", [entry(2025, "GOOD")], confirmations={"exemplary": True, "outstanding": True})
    assert result["outcome"] == "ELIGIBLE"
    assert route_failing(result, "73.1.a") == set()


def hcld_history(**kwargs):
    history = bk_ttg_history(prior="BK_TTG", **kwargs)
    for record in history:
        if record["year"] == 2024:
            record["rating"] = "EXCELLENT"
    return history


HCLD_CASES = [
    ("BK TTg then five good years, one excellent, three CSTĐCS", hcld_history(), "ELIGIBLE", set()),
    ("BK tỉnh is not BK TTg", bk_ttg_history(), "NOT_ELIGIBLE", {"bk_ttg_before", "excellent_in_window"}),
    ("no excellent year", bk_ttg_history(prior="BK_TTG"), "NOT_ELIGIBLE", {"excellent_in_window"}),
    ("ad hoc BK TTg", hcld_history(bk_type="AD_HOC"), "NOT_ELIGIBLE", {"bk_ttg_before"}),
    ("two CSTĐCS", hcld_history(cstdcs=(2023, 2025)), "NOT_ELIGIBLE", {"cstdcs_in_window"}),
]


@pytest.mark.parametrize("label,history,outcome,fails", HCLD_CASES, ids=[c[0] for c in HCLD_CASES])
def test_hcld_3_individual(label, history, outcome, fails):
    result = evaluate("HCLD_3", history)
    assert result["outcome"] == outcome
    assert failing(result) == fails
    assert {c["route"] for c in result["checks"]} == {"44.1.e"}


def flag_history(prior, flag_title="CO_TINH"):
    history = [unit(2019, "EXCELLENT", awards=[prior])]
    for y in range(2021, 2026):
        history.append(unit(y, "EXCELLENT", titles=["TTLDXS"] + ([flag_title] if y == 2023 else [])))
    return history


@pytest.mark.parametrize(
    "award,prior,outcome",
    [
        ("BK_TTG", "BK_TINH", "ELIGIBLE"),
        ("BK_TTG", "GIAY_KHEN", "NOT_ELIGIBLE"),
        ("HCLD_3", "BK_TTG", "ELIGIBLE"),
        ("HCLD_3", "BK_TINH", "NOT_ELIGIBLE"),
    ],
)
def test_collective_high_forms_use_unconfirmed_defaults(award, prior, outcome):
    result = evaluate(award, flag_history(prior), subject="collective", confirmations=NO_QUALITATIVE)
    assert result["outcome"] == outcome
    assert all(
        c.get("unconfirmed") for c in result["checks"] if c["code"] not in ("discipline", "pending_investigation")
    )


def test_collective_bk_ttg_needs_a_provincial_flag_in_the_window():
    history = flag_history("BK_TINH", flag_title="TTLDTT")
    result = evaluate("BK_TTG", history, subject="collective", confirmations=NO_QUALITATIVE)
    assert result["outcome"] == "NOT_ELIGIBLE"
    assert route_failing(result, "73.2.b") == {"co_tinh_in_window"}


LDTT_EXCLUSIONS = [
    {
        "rule": "LDTT",
        "param": "min_months_worked",
        "value": 10,
        "effective_from": None,
        "effective_to": None,
        "citation": "QĐ 4/2025/QĐ-UBND tỉnh X",
    },
    {
        "rule": "LDTT",
        "param": "max_absence_days",
        "value": 40,
        "effective_from": None,
        "effective_to": None,
        "citation": "QĐ 4/2025/QĐ-UBND tỉnh X",
    },
]


@pytest.mark.parametrize(
    "record,overrides,outcome,fails",
    [
        (entry(2025, "GOOD", months_worked=6), None, "ELIGIBLE", set()),
        (entry(2025, "GOOD", months_worked=6), LDTT_EXCLUSIONS, "NOT_ELIGIBLE", {"service_time"}),
        (entry(2025, "GOOD", months_worked=10, absence_days=39), LDTT_EXCLUSIONS, "ELIGIBLE", set()),
        (entry(2025, "GOOD", absence_days=40), LDTT_EXCLUSIONS, "NOT_ELIGIBLE", {"absence"}),
        (entry(2025, "GOOD"), LDTT_EXCLUSIONS, "ELIGIBLE", set()),
    ],
)
def test_ldtt_old_exclusions_only_when_the_province_sets_them(record, overrides, outcome, fails):
    result = evaluate("LDTT", [record], overrides=overrides)
    assert result["outcome"] == outcome
    assert failing(result) == fails
    codes = {c["code"] for c in result["checks"]}
    assert ("service_time" in codes) == bool(overrides)


DRAFT_AMENDMENT = [
    {
        "rule": "CSTDCS",
        "param": "excellent_and_initiative",
        "value": True,
        "effective_from": None,
        "effective_to": None,
        "citation": "Luật sửa đổi (giả định)",
    }
]


@pytest.mark.parametrize(
    "record,outcome",
    [
        (entry(2025, "EXCELLENT", ["LDTT"]), "NOT_ELIGIBLE"),
        (entry(2025, "GOOD", ["LDTT"], initiatives=[ini()]), "NOT_ELIGIBLE"),
        (entry(2025, "EXCELLENT", ["LDTT"], initiatives=[ini()]), "ELIGIBLE"),
    ],
)
def test_cstdcs_under_the_draft_amendment_needs_both(record, outcome):
    assert evaluate("CSTDCS", [record], overrides=DRAFT_AMENDMENT)["outcome"] == outcome
