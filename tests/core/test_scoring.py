"""The scoring core: criteria checks, sheet totals, ranking, bands, quota and the sheet workflow."""

import itertools
from decimal import Decimal

import pytest

from thidua.rules.scoring import (
    DEFAULT_BANDS,
    NO_SHEET_REASON,
    SHEET_EVENTS,
    SHEET_ROLES,
    SHEET_STATES,
    SHEET_TRANSITIONS,
    TIE_BREAKERS,
    Band,
    CriterionSpec,
    RankInput,
    SheetTotals,
    band_for,
    bands_from_json,
    bands_to_json,
    check_score,
    effective_points,
    fmt,
    max_base_points,
    next_sheet_state,
    parse_points,
    rank,
    ranking_as_dict,
    sheet_events_allowed,
    sheet_totals,
    validate_bands,
    validate_criteria,
)
from thidua.rules.text import sort_key
from thidua.rules.workflows import TransitionRefused

D = Decimal


def spec(code, kind="SCORE", max_points="10", parent=None, title=None, evidence=False):
    return CriterionSpec(
        code=code,
        title=title or f"Tiêu chí {code}",
        kind=kind,
        max_points=None if max_points is None else D(max_points),
        parent_code=parent,
        evidence_required=evidence,
    )


# A small realistic set: two criteria groups (60 + 40), a bonus group capped at 5, a deduction group.
SET = [
    spec("1", "GROUP", "60", title="Công tác chuyên môn"),
    spec("1.1", "SCORE", "30", "1"),
    spec("1.2", "SCORE", "30", "1"),
    spec("2", "GROUP", "40", title="Công tác xây dựng Đảng"),
    spec("2.1", "SCORE", "25", "2"),
    spec("2.2", "GROUP", "15", "2"),
    spec("2.2.a", "SCORE", "10", "2.2"),
    spec("2.2.b", "SCORE", "5", "2.2"),
    spec("3", "GROUP", "5", title="Điểm thưởng"),
    spec("3.1", "BONUS", "3", "3"),
    spec("3.2", "BONUS", "3", "3"),
    spec("4", "GROUP", None, title="Điểm trừ"),
    spec("4.1", "DEDUCTION", "10", "4"),
    spec("4.2", "DEDUCTION", "200", "4"),
]
FULL = {"1.1": "30", "1.2": "30", "2.1": "25", "2.2.a": "10", "2.2.b": "5", "3.1": "0", "3.2": "0", "4.1": "0", "4.2": "0"}


def points(**overrides):
    values = dict(FULL)
    values.update({k.replace("_", "."): v for k, v in overrides.items()})
    return {k: (None if v is None else D(v)) for k, v in values.items()}


# --------------------------------------------------------------------------- validate_criteria


def test_the_sample_set_is_valid_and_worth_100():
    assert validate_criteria(SET, complete=True) == []
    assert max_base_points(SET) == D("100")


@pytest.mark.parametrize(
    "specs,expected",
    [
        ([spec("1"), spec("1")], "Mã tiêu chí “1” bị trùng"),
        ([spec("")], "chưa có mã tiêu chí"),
        ([CriterionSpec("1", "  ", "SCORE", D(5))], "chưa có nội dung tiêu chí"),
        ([spec("1", "WEIGHT")], "loại “WEIGHT” không hợp lệ"),
        ([spec("1.1", parent="9")], "nhóm cha “9” không có trong bảng"),
        ([spec("1"), spec("1.1", parent="1")], "“1” là tiêu chí chấm điểm, không phải nhóm tiêu chí"),
        ([spec("1", "GROUP", None, parent="1")], "không thể là nhóm cha của chính nó"),
        ([spec("a", "GROUP", None, parent="b"), spec("b", "GROUP", None, parent="a")], "lồng vòng"),
        ([spec("1", max_points="-1")], "điểm tối đa không được âm (-1)"),
        ([spec("1", max_points=None)], "Tiêu chí “1”: chưa có điểm tối đa (tiêu chí chấm điểm phải có điểm tối đa)"),
        ([spec("1", "BONUS", None)], "điểm thưởng phải có điểm tối đa"),
        ([spec("1", "DEDUCTION", None)], "điểm trừ phải có điểm tối đa"),
        ([spec("1", max_points="2.555")], "tối đa 2 chữ số thập phân"),
        ([spec("1", max_points="10000000")], "điểm tối đa quá lớn"),
        (
            [spec("1", "GROUP", "20"), spec("1.1", "SCORE", "15", "1"), spec("1.2", "SCORE", "10", "1")],
            "Nhóm “1”: tổng điểm tối đa của các tiêu chí con (25) vượt điểm tối đa của nhóm (20)",
        ),
        (
            # a capped sub-group counts for its cap in the parent's sum
            [spec("1", "GROUP", "10"), spec("1.1", "GROUP", "8", "1"), spec("1.1.a", "SCORE", "8", "1.1"), spec("1.2", "SCORE", "2.5", "1")],
            "tổng điểm tối đa của các tiêu chí con (10,5) vượt điểm tối đa của nhóm (10)",
        ),
    ],
)
def test_validate_criteria_problems(specs, expected):
    problems = validate_criteria(specs)
    assert any(expected in p for p in problems), problems


def test_a_cycle_is_reported_once():
    specs = [spec("a", "GROUP", None, parent="b"), spec("b", "GROUP", None, parent="a")]
    assert len([p for p in validate_criteria(specs) if "lồng vòng" in p]) == 1


def test_bonus_items_may_add_up_to_more_than_their_group_cap():
    specs = [spec("T", "GROUP", "5"), spec("T.1", "BONUS", "3", "T"), spec("T.2", "BONUS", "3", "T")]
    assert validate_criteria(specs) == []


def test_complete_wants_criteria_and_no_empty_group():
    assert validate_criteria([spec("1", "GROUP", None)]) == []
    problems = validate_criteria([spec("1", "GROUP", None)], complete=True)
    assert "Bảng tiêu chí chưa có tiêu chí chấm điểm nào." in problems
    assert "Nhóm “1” chưa có tiêu chí con." in problems


def test_zero_max_and_group_without_max_are_allowed():
    assert validate_criteria([spec("1", "GROUP", None), spec("1.1", "SCORE", "0", "1")], complete=True) == []


# --------------------------------------------------------------------------- check_score / parse_points

ITEM = spec("1.2", "SCORE", "10")
DED = spec("4.1", "DEDUCTION", "5")


@pytest.mark.parametrize(
    "value,expected",
    [
        ("8,5", D("8.50")),
        ("8.5", D("8.50")),
        (" 7 ", D("7.00")),
        (7, D("7.00")),
        (D("9.99"), D("9.99")),
        ("0", D("0.00")),  # zero is a valid score
        (0, D("0.00")),
        ("10", D("10.00")),  # exactly the max
        (0.1 + 0.2, D("0.30")),  # a float from a spreadsheet formula: no drift
        (8.5, D("8.50")),
        ("1e1", D("10.00")),
    ],
)
def test_check_score_accepts(value, expected):
    assert check_score(ITEM, value) == (expected, None)


@pytest.mark.parametrize(
    "value,message",
    [
        ("abc", "Tiêu chí 1.2: “abc” không phải là số."),
        ("10,01", "Tiêu chí 1.2: điểm 10,01 vượt mức tối đa 10."),
        ("11", "Tiêu chí 1.2: điểm 11 vượt mức tối đa 10."),
        ("-1", "Tiêu chí 1.2: điểm không được âm (-1)."),
        ("1,234", "Tiêu chí 1.2: điểm chỉ được có tối đa 2 chữ số thập phân (1,234)."),
        ("1.2.3", "Tiêu chí 1.2: “1.2.3” không phải là số."),
        ("NaN", "Tiêu chí 1.2: “NaN” không phải là số."),
        ("Infinity", "Tiêu chí 1.2: “Infinity” không phải là số."),
        (float("nan"), "Tiêu chí 1.2: giá trị không phải là số."),
        (True, "Tiêu chí 1.2: giá trị không phải là số."),
        ("1e9", "Tiêu chí 1.2: điểm 1000000000 quá lớn."),
    ],
)
def test_check_score_refuses_with_vietnamese_message(value, message):
    assert check_score(ITEM, value) == (None, message)


@pytest.mark.parametrize("value", [None, "", "   "])
def test_blank_is_not_filled_and_not_an_error(value):
    assert check_score(ITEM, value) == (None, None)
    assert parse_points(value) == (None, None)


def test_deduction_is_entered_as_positive_points():
    assert check_score(DED, "2") == (D("2.00"), None)
    value, error = check_score(DED, "-2")
    assert value is None and "không ghi dấu âm" in error
    assert check_score(DED, "6") == (None, "Tiêu chí 4.1: điểm 6 vượt mức tối đa 5.")


def test_a_group_is_not_scored_directly():
    group = spec("1", "GROUP", "60")
    assert check_score(group, None) == (None, None)
    value, error = check_score(group, "5")
    assert value is None and "nhóm tiêu chí" in error


# --------------------------------------------------------------------------- sheet_totals


@pytest.mark.parametrize(
    "values,base,bonus,deduction,total,by_group",
    [
        # full marks, nothing else
        (points(), "100", "0", "0", "100", {"1": "60", "2": "40"}),
        # 0.1 + 0.2 is exactly 0.3 (no float drift) — and 0.1 ten times is exactly 1
        (points(**{"1_1": "0.1", "1_2": "0.2", "2_1": "0", "2_2_a": "0", "2_2_b": "0"}), "0.3", "0", "0", "0.3", {"1": "0.3", "2": "0"}),
        # bonus under the group cap
        (points(**{"3_1": "2", "3_2": "2.5"}), "100", "4.5", "0", "104.5", {"1": "60", "2": "40"}),
        # bonus over the group cap 5: counted 5
        (points(**{"3_1": "3", "3_2": "3"}), "100", "5", "0", "105", {"1": "60", "2": "40"}),
        # deductions
        (points(**{"4_1": "7.25"}), "100", "0", "7.25", "92.75", {"1": "60", "2": "40"}),
        # deductions larger than the base: total clamped at 0
        (
            points(**{"1_1": "5", "1_2": "0", "2_1": "0", "2_2_a": "0", "2_2_b": "0", "3_1": "1", "4_1": "10", "4_2": "50"}),
            "5", "1", "60", "0", {"1": "5", "2": "0"},
        ),
        # an item above its max (stale data) is capped at the max
        (points(**{"1_1": "35"}), "100", "0", "0", "100", {"1": "60", "2": "40"}),
        # everything zero is a valid sheet with total 0 (and no clamp note)
        ({k: D(0) for k in FULL}, "0", "0", "0", "0", {"1": "0", "2": "0"}),
    ],
)
def test_sheet_totals(values, base, bonus, deduction, total, by_group):
    totals = sheet_totals(SET, values)
    assert (totals.base, totals.bonus, totals.deduction, totals.total) == (D(base), D(bonus), D(deduction), D(total))
    assert totals.by_group == {k: D(v) for k, v in by_group.items()}
    assert sum(totals.by_group.values(), D(0)) == totals.base
    assert totals.missing == ()


def test_many_small_decimals_add_up_exactly():
    specs = [spec(str(i), "SCORE", "1") for i in range(10)]
    totals = sheet_totals(specs, {str(i): D("0.1") for i in range(10)})
    assert totals.total == D("1.0") and str(totals.total) == "1.0"
    # floats and strings handed in by a careless caller are read exactly, not via binary floats
    totals = sheet_totals(specs, {str(i): 0.1 for i in range(10)})
    assert totals.total == D("1")


def test_bonus_cap_note():
    totals = sheet_totals(SET, points(**{"3_1": "3", "3_2": "3"}))
    assert "Điểm thưởng (nhóm “3”) vượt mức tối đa 5, tính 5." in totals.notes


def test_negative_total_is_clamped_with_a_note():
    totals = sheet_totals(SET, points(**{"1_1": "0", "1_2": "0", "2_1": "0", "2_2_a": "0", "2_2_b": "2", "4_1": "10"}))
    assert totals.total == D(0)
    assert "Tổng điểm âm (-8), tính 0." in totals.notes


def test_item_over_max_note():
    totals = sheet_totals(SET, points(**{"1_1": "35"}))
    assert "Tiêu chí 1.1: điểm 35 vượt mức tối đa 30, tính 30." in totals.notes


def test_group_cap_on_criteria():
    # a (badly built) group whose children exceed it: the group still counts at most its max
    specs = [spec("1", "GROUP", "10"), spec("1.1", "SCORE", "8", "1"), spec("1.2", "SCORE", "8", "1")]
    totals = sheet_totals(specs, {"1.1": D(8), "1.2": D(8)})
    assert totals.base == D(10) and totals.by_group == {"1": D(10)}
    assert "Điểm nhóm “1” vượt mức tối đa 10, tính 10." in totals.notes


def test_nested_group_cap_applies_before_the_parent():
    specs = [
        spec("1", "GROUP", None),
        spec("1.1", "GROUP", "5", "1"),
        spec("1.1.a", "SCORE", "4", "1.1"),
        spec("1.1.b", "SCORE", "4", "1.1"),
        spec("1.2", "SCORE", "3", "1"),
    ]
    totals = sheet_totals(specs, {"1.1.a": D(4), "1.1.b": D(4), "1.2": D(3)})
    assert totals.base == D(8) and totals.by_group == {"1": D(8)}


def test_deduction_group_cap():
    specs = [spec("1", "SCORE", "100"), spec("T", "GROUP", "10"), spec("T.1", "DEDUCTION", "8", "T"), spec("T.2", "DEDUCTION", "8", "T")]
    totals = sheet_totals(specs, {"1": D(100), "T.1": D(8), "T.2": D(8)})
    assert totals.deduction == D(10) and totals.total == D(90)
    assert "Điểm trừ (nhóm “T”) vượt mức tối đa 10, tính 10." in totals.notes


def test_bonus_inside_a_criteria_group_keeps_its_own_cap_and_the_group_caps_the_criteria():
    specs = [spec("1", "GROUP", "10"), spec("1.1", "SCORE", "10", "1"), spec("1.2", "BONUS", "2", "1")]
    totals = sheet_totals(specs, {"1.1": D(10), "1.2": D(2)})
    assert (totals.base, totals.bonus, totals.total) == (D(10), D(2), D(12))
    assert totals.by_group == {"1": D(10)}


def test_top_level_items_are_their_own_group():
    specs = [spec("A", "SCORE", "50"), spec("B", "SCORE", "50"), spec("C", "BONUS", "5")]
    totals = sheet_totals(specs, {"A": D(40), "B": D("45.5"), "C": D(1)})
    assert totals.by_group == {"A": D(40), "B": D("45.5")}
    assert totals.total == D("86.5")


def test_missing_values_are_listed_and_count_zero():
    values = points()
    del values["1.2"]
    values["3.1"] = None
    totals = sheet_totals(SET, values)
    assert totals.missing == ("1.2", "3.1")
    assert totals.base == D(70)


def test_unknown_codes_and_group_values_are_ignored_with_a_note():
    values = points()
    values["9.9"] = D(50)
    values["1"] = D(50)
    totals = sheet_totals(SET, values)
    assert totals.total == D(100)
    assert "Mã “9.9” không có trong bảng tiêu chí: không tính." in totals.notes
    assert "Nhóm “1” không chấm điểm trực tiếp: điểm nhập cho nhóm không tính." in totals.notes


@pytest.mark.parametrize(
    "self_points,cross,final,expected",
    [(1, None, None, 1), (1, 2, None, 2), (1, 2, 3, 3), (1, None, 0, 0), (None, 0, None, 0), (None, None, None, None)],
)
def test_effective_points(self_points, cross, final, expected):
    assert effective_points(self_points, cross, final) == expected


@pytest.mark.parametrize("value,text", [(D("8.50"), "8,5"), (D("10.00"), "10"), (D("0.25"), "0,25"), (D("-0"), "0"), (None, "—"), (3, "3")])
def test_fmt(value, text):
    assert fmt(value) == text


# --------------------------------------------------------------------------- bands


@pytest.mark.parametrize(
    "total,code",
    [
        ("100", "XUAT_SAC"), ("95", "XUAT_SAC"), ("94.99", "TOT"), ("85", "TOT"), ("84.99", "KHA"),
        ("70", "KHA"), ("69.99", "TRUNG_BINH"), ("50", "TRUNG_BINH"), ("49.99", "YEU"), ("0", "YEU"), ("120", "XUAT_SAC"),
    ],
)
def test_default_bands_at_exact_thresholds(total, code):
    assert band_for(D(total)).code == code


def test_default_band_labels():
    assert [b.label for b in DEFAULT_BANDS] == ["Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu"]


def test_configured_bands_in_any_order_and_below_the_lowest():
    bands = (Band("B", "Đạt", D(60)), Band("A", "Tốt", D(80)))
    assert band_for(D(80), bands).label == "Tốt"
    assert band_for(D("79.99"), bands).label == "Đạt"
    assert band_for(D("59.99"), bands) is None
    assert band_for(None, bands) is None


def test_bands_json_round_trip_and_validation():
    assert bands_from_json(bands_to_json(DEFAULT_BANDS)) == DEFAULT_BANDS
    assert bands_from_json([]) == DEFAULT_BANDS
    assert bands_from_json(None) == DEFAULT_BANDS
    assert validate_bands(DEFAULT_BANDS) == []
    problems = validate_bands((Band("A", "Tốt", D(80)), Band("A", "Khá", D(80)), Band("C", "Kém", D(-1))))
    assert "Mức xếp loại “Khá” bị trùng mã." in problems
    assert "Hai mức xếp loại cùng ngưỡng 80 điểm." in problems
    assert "Mức xếp loại “Kém”: điểm tối thiểu phải là số không âm." in problems


# --------------------------------------------------------------------------- rank


def totals(total, bonus="0", deduction="0", base=None):
    total, bonus, deduction = D(total), D(bonus), D(deduction)
    base = D(base) if base is not None else total - bonus + deduction
    return SheetTotals(base=base, bonus=bonus, deduction=deduction, total=total, by_group={}, missing=(), notes=())


def ri(key, total=None, **kw):
    return RankInput(key=key, label=f"Đơn vị {key}", totals=None if total is None else totals(total, **kw))


def ranks(ranking):
    return [(r.key, r.rank) for r in ranking.rows]


@pytest.mark.parametrize(
    "inputs,breakers,expected",
    [
        # plain order
        ([ri("a", "90"), ri("b", "95"), ri("c", "80")], (), [("b", 1), ("a", 2), ("c", 3)]),
        # standard competition ranking 1, 2, 2, 4
        ([ri("a", "99"), ri("b", "90"), ri("c", "90"), ri("d", "80")], (), [("a", 1), ("b", 2), ("c", 2), ("d", 4)]),
        # a tie at the top: 1, 1, 3
        ([ri("a", "90"), ri("b", "90"), ri("c", "80")], (), [("a", 1), ("b", 1), ("c", 3)]),
        # everyone equal
        ([ri("a", "50"), ri("b", "50"), ri("c", "50")], (), [("a", 1), ("b", 1), ("c", 1)]),
        # decimals decide: 90.01 beats 90
        ([ri("a", "90"), ri("b", "90.01")], (), [("b", 1), ("a", 2)]),
        # MORE_BONUS breaks the tie
        ([ri("a", "90", bonus="1"), ri("b", "90", bonus="3")], ("MORE_BONUS",), [("b", 1), ("a", 2)]),
        # FEWER_DEDUCTIONS breaks the tie
        ([ri("a", "90", deduction="1"), ri("b", "90", deduction="3")], ("FEWER_DEDUCTIONS",), [("a", 1), ("b", 2)]),
        # HIGHER_BASE breaks the tie
        ([ri("a", "90", base="88", bonus="2"), ri("b", "90", base="89", bonus="1")], ("HIGHER_BASE",), [("b", 1), ("a", 2)]),
        # the first breaker ties, the second decides
        (
            [ri("a", "90", bonus="2", deduction="2"), ri("b", "90", bonus="2", deduction="1")],
            ("MORE_BONUS", "FEWER_DEDUCTIONS"),
            [("b", 1), ("a", 2)],
        ),
        # the order of breakers matters
        (
            [ri("a", "90", bonus="3", deduction="2"), ri("b", "90", bonus="2", deduction="1")],
            ("FEWER_DEDUCTIONS", "MORE_BONUS"),
            [("b", 1), ("a", 2)],
        ),
        (
            [ri("a", "90", bonus="3", deduction="2"), ri("b", "90", bonus="2", deduction="1")],
            ("MORE_BONUS", "FEWER_DEDUCTIONS"),
            [("a", 1), ("b", 2)],
        ),
        # equal after all breakers: equal rank, the next rank skips
        (
            [ri("a", "90", bonus="2"), ri("b", "90", bonus="2"), ri("c", "90", bonus="1"), ri("d", "95")],
            ("MORE_BONUS", "FEWER_DEDUCTIONS", "HIGHER_BASE"),
            [("d", 1), ("a", 2), ("b", 2), ("c", 4)],
        ),
        # breakers never override the total
        ([ri("a", "91", bonus="0"), ri("b", "90", bonus="10")], ("MORE_BONUS",), [("a", 1), ("b", 2)]),
        # missing sheets come last, unranked
        ([ri("a"), ri("b", "10"), ri("c", "0")], (), [("b", 1), ("c", 2), ("a", None)]),
    ],
)
def test_rank_table(inputs, breakers, expected):
    assert ranks(rank(inputs, tie_breakers=breakers)) == expected


def test_tied_rows_name_each_other_and_say_why():
    ranking = rank([ri("a", "99"), ri("b", "90"), ri("c", "90"), ri("d", "80")])
    b = ranking.row("b")
    assert b.tied_with == ("c",) and ranking.row("c").tied_with == ("b",)
    assert "Đồng hạng 2 với Đơn vị c (bằng tổng điểm)." in b.reasons
    assert ranking.row("a").tied_with == ()


def test_breaker_decision_is_explained_on_both_rows():
    ranking = rank([ri("a", "90", bonus="1"), ri("b", "90", bonus="3")], tie_breakers=["MORE_BONUS"])
    assert "Bằng tổng điểm 90 với Đơn vị a; xếp trên theo “Nhiều điểm thưởng hơn” (3 so với 1)." in ranking.row("b").reasons
    assert "Bằng tổng điểm 90 với Đơn vị b; xếp dưới theo “Nhiều điểm thưởng hơn” (1 so với 3)." in ranking.row("a").reasons
    assert ranking.row("a").tied_with == ()
    assert ranking.explanation[0] == "Xếp theo tổng điểm; bằng điểm thì xét lần lượt: nhiều điểm thưởng hơn; vẫn bằng thì đồng hạng."


def test_equal_after_every_breaker_is_explained():
    ranking = rank([ri("a", "90", bonus="2"), ri("b", "90", bonus="2")], tie_breakers=["MORE_BONUS"])
    assert ranking.row("a").rank == ranking.row("b").rank == 1
    assert "Đồng hạng 1 với Đơn vị b (bằng nhau cả tổng điểm và các tiêu chí phân định)." in ranking.row("a").reasons


def test_missing_sheet_is_not_ranked_with_a_visible_reason():
    ranking = rank([ri("a", "90"), RankInput("b", "Đơn vị b", None), RankInput("c", "Đơn vị c", None, "Phiếu bị trả lại, chưa thẩm định")])
    b, c = ranking.row("b"), ranking.row("c")
    assert (b.rank, b.total, b.band_code, b.within_quota, b.proposed_leader) == (None, None, None, False, False)
    assert b.reasons == (NO_SHEET_REASON,) == ("Chưa có phiếu chấm điểm: không xếp hạng",)
    assert c.reasons == ("Phiếu bị trả lại, chưa thẩm định",)
    assert [r.key for r in ranking.rows] == ["a", "b", "c"]
    assert "2 đơn vị không được xếp hạng (xem ghi chú từng đơn vị)." in ranking.explanation


def test_missing_criteria_and_notes_show_on_the_row():
    t = sheet_totals(SET, {**points(**{"3_1": "3", "3_2": "3"}), "1.2": None})
    row = rank([RankInput("a", "A", t)]).rows[0]
    assert "Còn 1 tiêu chí chưa có điểm (tính 0): 1.2." in row.reasons
    assert "Điểm thưởng (nhóm “3”) vượt mức tối đa 5, tính 5." in row.reasons


def test_leader_unique():
    ranking = rank([ri("a", "90"), ri("b", "95")])
    assert ranking.leader_key == "b" and ranking.leader_tie == ()
    assert [r.proposed_leader for r in ranking.rows] == [True, False]
    assert any("Đơn vị dẫn đầu được đề xuất: Đơn vị b" in line for line in ranking.explanation)


def test_leader_tie_is_left_to_the_block():
    ranking = rank([ri("a", "95"), ri("b", "95"), ri("c", "90")])
    assert ranking.leader_key is None and ranking.leader_tie == ("a", "b")
    assert not any(r.proposed_leader for r in ranking.rows)
    assert "Đồng hạng nhất: khối quyết định đơn vị dẫn đầu." in ranking.row("a").reasons
    assert any("đồng hạng nhất: khối quyết định đơn vị dẫn đầu" in line for line in ranking.explanation)


def test_leader_tie_broken_by_the_configured_rule():
    ranking = rank([ri("a", "95", deduction="1"), ri("b", "95")], tie_breakers=["FEWER_DEDUCTIONS"])
    assert ranking.leader_key == "b" and ranking.leader_tie == ()


def test_no_ranked_unit_no_leader():
    ranking = rank([ri("a"), ri("b")])
    assert ranking.leader_key is None and ranking.leader_tie == ()
    assert "Chưa có đơn vị nào được xếp hạng nên chưa có đơn vị dẫn đầu." in ranking.explanation
    assert rank([]).rows == ()


@pytest.mark.parametrize(
    "quota,inside",
    [
        (None, {"a", "b", "c", "d"}),
        (0, set()),
        (1, {"a"}),
        (2, {"a", "b", "c"}),  # b and c tie at the boundary: both in
        (3, {"a", "b", "c"}),
        (4, {"a", "b", "c", "d"}),
        (10, {"a", "b", "c", "d"}),
    ],
)
def test_quota_with_ties_at_the_boundary(quota, inside):
    ranking = rank([ri("a", "99"), ri("b", "90"), ri("c", "90"), ri("d", "80"), ri("e")], quota=quota)
    assert {r.key for r in ranking.rows if r.within_quota} == inside
    assert ranking.row("e").within_quota is False


def test_quota_boundary_tie_note():
    ranking = rank([ri("a", "99"), ri("b", "90"), ri("c", "90"), ri("d", "80")], quota=2)
    assert "Chỉ tiêu đề nghị 2 đơn vị; có đơn vị đồng hạng tại ranh giới nên 3 đơn vị nằm trong chỉ tiêu." in ranking.explanation
    assert "Đồng hạng tại ranh giới chỉ tiêu 2: được tính trong chỉ tiêu." in ranking.row("b").reasons
    assert not any("ranh giới" in reason for reason in ranking.row("a").reasons)
    plain = rank([ri("a", "99"), ri("b", "90"), ri("c", "80")], quota=2)
    assert "Chỉ tiêu đề nghị: 2 đơn vị." in plain.explanation


def test_bands_on_ranked_rows():
    ranking = rank([ri("a", "95"), ri("b", "84.99"), ri("c", "49.99"), ri("d")])
    assert [(r.key, r.band_code, r.band_label) for r in ranking.rows] == [
        ("a", "XUAT_SAC", "Xuất sắc"), ("b", "KHA", "Khá"), ("c", "YEU", "Yếu"), ("d", None, None),
    ]
    custom = rank([ri("a", "95")], bands=(Band("DAT", "Đạt", D(90)),))
    assert custom.rows[0].band_label == "Đạt"


def test_equal_rows_are_listed_in_vietnamese_alphabetical_order():
    inputs = [RankInput("1", "Ban Tuyên giáo", totals("90")), RankInput("2", "Ban Dân vận", totals("90")), RankInput("3", "Ban Đối ngoại", totals("90"))]
    ranking = rank(inputs, label_sort_key=sort_key)
    assert [r.label for r in ranking.rows] == ["Ban Dân vận", "Ban Đối ngoại", "Ban Tuyên giáo"]


@pytest.mark.parametrize(
    "kwargs,inputs",
    [
        ({"tie_breakers": ["COIN_TOSS"]}, [ri("a", "1")]),
        ({"quota": -1}, [ri("a", "1")]),
        ({}, [ri("a", "1"), ri("a", "2")]),
    ],
)
def test_rank_refuses_bad_configuration(kwargs, inputs):
    with pytest.raises(ValueError):
        rank(inputs, **kwargs)


def test_tie_breaker_labels():
    assert TIE_BREAKERS == {"MORE_BONUS": "Nhiều điểm thưởng hơn", "FEWER_DEDUCTIONS": "Ít điểm trừ hơn", "HIGHER_BASE": "Điểm tiêu chí cao hơn"}


def test_ranking_snapshot_is_json_safe():
    import json

    t = sheet_totals(SET, points(**{"3_1": "1.5"}))
    ranking = rank([RankInput("a", "A", t), ri("b")], quota=1)
    data = json.loads(json.dumps(ranking_as_dict(ranking)))
    assert data["leader_key"] == "a"
    assert D(data["rows"][0]["total"]) == D("101.5")
    assert data["rows"][0]["by_group"] == {"1": "60", "2": "40"}
    assert data["rows"][1]["rank"] is None and data["rows"][1]["reasons"] == [NO_SHEET_REASON]


# --------------------------------------------------------------------------- sheet workflow

SHEET_EXPECTED = {
    ("DRAFT", "submit", "unit"): "SUBMITTED",
    ("SUBMITTED", "cross_check", "reviewer"): "CROSS_CHECKED",
    ("SUBMITTED", "return", "reviewer"): "DRAFT",
    ("CROSS_CHECKED", "appraise", "panel"): "APPRAISED",
    ("CROSS_CHECKED", "return", "panel"): "SUBMITTED",
    ("APPRAISED", "publish", "head"): "PUBLISHED",
    ("APPRAISED", "return", "panel"): "CROSS_CHECKED",
}


def test_sheet_table_matches_the_contract_exactly():
    assert SHEET_TRANSITIONS == SHEET_EXPECTED
    assert list(SHEET_STATES) == ["DRAFT", "SUBMITTED", "CROSS_CHECKED", "APPRAISED", "PUBLISHED"]
    assert SHEET_STATES["DRAFT"] == "Đang tự chấm" and SHEET_STATES["PUBLISHED"] == "Đã công bố"


@pytest.mark.parametrize("state,event,role", list(itertools.product(SHEET_STATES, SHEET_EVENTS, SHEET_ROLES)))
def test_every_sheet_state_event_and_role(state, event, role):
    expected = SHEET_EXPECTED.get((state, event, role))
    if expected is None:
        with pytest.raises(TransitionRefused) as info:
            next_sheet_state(state, event, role=role, reason="Thiếu minh chứng tiêu chí 1.2")
        message = info.value.message
        assert SHEET_STATES[state] in message
        assert message.isascii() is False  # Vietnamese, not a raw code
        assert state not in message and event not in message.split("“")[0]
    else:
        assert next_sheet_state(state, event, role=role, reason="Thiếu minh chứng tiêu chí 1.2") == expected


@pytest.mark.parametrize("state", ["SUBMITTED", "CROSS_CHECKED", "APPRAISED"])
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_return_needs_a_reason(state, reason):
    role = "reviewer" if state == "SUBMITTED" else "panel"
    with pytest.raises(TransitionRefused) as info:
        next_sheet_state(state, "return", role=role, reason=reason)
    assert info.value.message == "Trả lại phiếu phải ghi rõ lý do."


def test_refusal_messages():
    with pytest.raises(TransitionRefused) as info:
        next_sheet_state("DRAFT", "appraise", role="panel")
    assert info.value.message == "Không thể “thẩm định” khi phiếu đang ở trạng thái “Đang tự chấm”."
    with pytest.raises(TransitionRefused) as info:
        next_sheet_state("DRAFT", "submit", role="reviewer")
    assert info.value.message == "Chỉ đơn vị tự chấm mới được “gửi phiếu” phiếu đang ở trạng thái “Đang tự chấm”."
    with pytest.raises(TransitionRefused) as info:
        next_sheet_state("PUBLISHED", "return", role="panel", reason="x")
    assert info.value.message == "Phiếu đã ở trạng thái “Đã công bố”: kết quả đã chốt, không thay đổi được nữa."
    with pytest.raises(TransitionRefused, match="Trạng thái phiếu chấm điểm không hợp lệ"):
        next_sheet_state("LOST", "submit", role="unit")
    with pytest.raises(TransitionRefused, match="Thao tác trên phiếu chấm điểm không hợp lệ"):
        next_sheet_state("DRAFT", "delete", role="unit")


def test_a_person_with_several_roles():
    # the block head's unit may cross-check and sit on the panel
    assert next_sheet_state("SUBMITTED", "cross_check", role={"head", "reviewer", "panel"}) == "CROSS_CHECKED"
    assert next_sheet_state("APPRAISED", "publish", role=("panel", "head")) == "PUBLISHED"
    with pytest.raises(TransitionRefused):
        next_sheet_state("DRAFT", "submit", role=set())
    assert sheet_events_allowed("SUBMITTED", {"reviewer"}) == ["cross_check", "return"]
    assert sheet_events_allowed("APPRAISED", "head") == ["publish"]
    assert sheet_events_allowed("PUBLISHED", {"unit", "reviewer", "panel", "head"}) == []


def test_published_is_final_and_every_state_reaches_it():
    assert not [k for k in SHEET_TRANSITIONS if k[0] == "PUBLISHED"]
    for start in SHEET_STATES:
        seen, frontier = {start}, [start]
        while frontier:
            state = frontier.pop()
            for (from_state, _, _), to_state in SHEET_TRANSITIONS.items():
                if from_state == state and to_state not in seen:
                    seen.add(to_state)
                    frontier.append(to_state)
        assert "PUBLISHED" in seen, start


def test_every_return_goes_back_exactly_one_level():
    order = list(SHEET_STATES)
    for (state, event, _), to_state in SHEET_TRANSITIONS.items():
        step = order.index(to_state) - order.index(state)
        assert step == (-1 if event == "return" else 1)


def test_ranking_snapshot_round_trip():
    from thidua.rules.scoring import ranking_from_dict

    t = sheet_totals(SET, {**points(**{"3_1": "3", "3_2": "3"}), "1.2": None})
    ranking = rank([RankInput("a", "A", t), ri("b", "90"), ri("c", "90"), ri("d")], quota=2, tie_breakers=["MORE_BONUS"])
    again = ranking_from_dict(ranking_as_dict(ranking))
    assert again == ranking
    assert [r.totals for r in again.rows] == [r.totals for r in ranking.rows]


def test_compiled_plan_gives_the_same_totals_and_follows_changes_to_the_list():
    from thidua.rules.scoring import compile_criteria

    values = points(**{"3_1": "3", "3_2": "3", "4_1": "1.5"})
    assert sheet_totals(compile_criteria(SET), values) == sheet_totals(SET, values)
    specs = list(SET)
    assert sheet_totals(specs, values).total == D("103.5")
    specs.append(spec("5", "BONUS", "2"))  # the same list object, edited: no stale cache
    assert sheet_totals(specs, {**values, "5": D(2)}).total == D("105.5")
    specs[0] = spec("1", "GROUP", "50")
    assert sheet_totals(specs, {**values, "5": D(2)}).by_group["1"] == D(50)


@pytest.mark.parametrize(
    "values",
    [
        points(),
        points(**{"3_1": "3", "3_2": "3", "4_1": "7.25"}),
        points(**{"1_1": "0.1", "1_2": "0.2", "2_1": "0", "2_2_a": "0", "2_2_b": "0", "4_1": "10", "4_2": "50"}),
    ],
)
def test_totals_from_bucket_sums_equal_the_item_walk(values):
    """A caller summing items per bucket (one SQL GROUP BY) gets the same totals and group notes."""
    from thidua.rules.scoring import compile_criteria, totals_from_buckets

    plan = compile_criteria(SET)
    slot = {"SCORE": 0, "BONUS": 1, "DEDUCTION": 2}
    kinds = {s.code: s.kind for s in SET}
    buckets = {}
    for code, value in values.items():
        parts = buckets.setdefault(plan.bucket_of[code], [D(0), D(0), D(0)])
        parts[slot[kinds[code]]] += value
    assert plan.bucket_of["2.2.a"] == "2.2" and plan.bucket_of["1.1"] == "1"
    assert totals_from_buckets(plan, buckets) == sheet_totals(SET, values)
    top = [spec("A", "SCORE", "50"), spec("B", "GROUP", "5"), spec("B.1", "BONUS", "4", "B"), spec("B.2", "BONUS", "4", "B")]
    top_plan = compile_criteria(top)
    assert top_plan.bucket_of == {"A": "A", "B.1": "B", "B.2": "B"}
    assert totals_from_buckets(top, {"A": (D(40), 0, 0), "B": (0, D(8), 0)}) == sheet_totals(top, {"A": D(40), "B.1": D(4), "B.2": D(4)})
