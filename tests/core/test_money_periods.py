"""Money per achievement period (NĐ 152/2025 Điều 49 khoản 5–7; domain-rules §4.14).

Titles of different achievement periods are each paid; titles of the same period pay only the
highest; a commendation form is paid besides a title. The period of a title is data (money.json):
one year for LĐTT and CSTĐCS, three for CSTĐ tỉnh (03 lần liên tục CSTĐCS), six for CSTĐ toàn quốc.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thidua.rules.money import MoneyLine, achievement_period, combine_money, money_vnd

ND152 = dt.date(2026, 1, 10)  # base salary 2,340,000
ND98 = dt.date(2025, 3, 1)  # NĐ 98/2023 table, base salary 2,340,000


def _amounts(lines, on, **kwargs):
    result = combine_money(lines, on, **kwargs)
    return {line.award: line.amount_vnd for line in result.lines}, result


@pytest.mark.parametrize("on,year", [(ND152, 2025), (ND98, 2024)])
def test_cstdcs_and_cstd_tinh_of_one_year_are_both_paid(on, year):
    # CSTĐ tỉnh rests on three CSTĐCS years: a different achievement period from CSTĐCS of the year.
    amounts, result = _amounts([MoneyLine("person:1", "individual", "CSTDCS", year), MoneyLine("person:1", "individual", "CSTD_TINH", year)], on)
    assert amounts == {"CSTDCS": 2_340_000, "CSTD_TINH": 7_020_000}
    assert result.total_vnd == 9_360_000
    assert "chi riêng" in result.lines[0].note and f"{year - 2}–{year}" in result.lines[1].note


@pytest.mark.parametrize("on,year,citation", [(ND152, 2025, "152/2025"), (ND98, 2024, "98/2023")])
def test_ldtt_and_cstdcs_of_one_year_share_a_period(on, year, citation):
    amounts, result = _amounts([MoneyLine("person:1", "individual", "LDTT", year), MoneyLine("person:1", "individual", "CSTDCS", year)], on)
    assert amounts == {"LDTT": 0, "CSTDCS": 2_340_000} and result.total_vnd == 2_340_000
    assert "Chiến sĩ thi đua cơ sở" in result.lines[0].note and "cao nhất" in result.lines[0].note
    assert citation in result.lines[0].citation


def test_all_four_individual_titles_of_one_year():
    lines = [MoneyLine("person:1", "individual", code, 2025) for code in ("LDTT", "CSTDCS", "CSTD_TINH", "CSTD_TQ")]
    amounts, result = _amounts(lines, ND152)
    assert amounts == {"LDTT": 0, "CSTDCS": 2_340_000, "CSTD_TINH": 7_020_000, "CSTD_TQ": 10_530_000}


def test_collective_titles_of_one_year_pay_the_highest_and_forms_besides():
    lines = [MoneyLine("unit:3", "collective", code, 2025) for code in ("TTLDTT", "TTLDXS", "CO_TINH", "BK_TINH")]
    amounts, _ = _amounts(lines, ND152)
    assert amounts == {"TTLDTT": 0, "TTLDXS": 0, "CO_TINH": 18_720_000, "BK_TINH": 7_020_000}


def test_an_earlier_cstd_tinh_does_not_withhold_cstdcs():
    # The defect this replaces: CSTĐCS money was withheld whenever CSTĐ tỉnh was paid for the year.
    amounts, _ = _amounts([MoneyLine("person:1", "individual", "CSTDCS", 2025)], ND152, paid_titles={("person:1", 2025): {"CSTD_TINH"}})
    assert amounts == {"CSTDCS": 2_340_000}
    amounts, result = _amounts([MoneyLine("person:1", "individual", "LDTT", 2025)], ND152, paid_titles={("person:1", 2025): {"CSTDCS"}})
    assert amounts == {"LDTT": 0} and "quyết định khác" in result.lines[0].note


def test_other_subjects_and_years_are_apart():
    lines = [
        MoneyLine("person:1", "individual", "CSTDCS", 2025),
        MoneyLine("person:2", "individual", "LDTT", 2025),
        MoneyLine("person:1", "individual", "LDTT", 2024),
    ]
    amounts, result = _amounts(lines, ND152)
    assert [line.amount_vnd for line in result.lines] == [2_340_000, 710_000, 710_000]


def test_periods_are_data():
    assert achievement_period("CSTD_TINH", 2025, ND152)["from"] == 2023
    assert achievement_period("CSTD_TQ", 2025, ND152)["years"] == 6
    assert achievement_period("LDTT", 2025, ND98)["from"] == 2025
    assert achievement_period("BK_TINH", 2025, ND152) is None  # a form, not a title
    assert achievement_period("CSTDCS", 2022, dt.date(2023, 6, 1)) is None  # no money table yet


def test_unknown_amounts_are_counted_not_zero():
    lines = [MoneyLine("person:1", "individual", "HCLD_3", 2025), MoneyLine("person:1", "individual", "CSTDCS", 2025)]
    result = combine_money(lines, ND152)
    assert result.lines[0].amount_vnd is None and "Chưa xác định" in result.lines[0].note
    assert result.total_vnd == 2_340_000 and result.unknown_count == 1 and not result.complete


def test_giay_khen_for_an_individual_is_0_3_rounded_up():
    assert money_vnd("GIAY_KHEN", "individual", ND152) == 710_000  # 702,000 rounded up
    assert money_vnd("GIAY_KHEN", "individual", dt.date(2026, 7, 1)) == 760_000  # 759,000 rounded up
    assert money_vnd("GIAY_KHEN", "individual", ND98) == 710_000


TITLES = {"individual": ["LDTT", "CSTDCS", "CSTD_TINH", "CSTD_TQ"], "collective": ["TTLDTT", "TTLDXS", "CO_TINH", "CO_CP"]}


@given(
    st.sampled_from(["individual", "collective"]),
    st.lists(st.tuples(st.integers(0, 3), st.integers(2024, 2026)), min_size=1, max_size=8, unique=True),
    st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31)),
)
def test_total_is_the_highest_amount_of_each_period(kind, picks, on):
    lines = [MoneyLine("s", kind, TITLES[kind][i], year) for i, year in picks]
    result = combine_money(lines, on)
    per_period: dict = {}
    for line in lines:
        period = achievement_period(line.award, line.year, on)
        key = (period["from"], period["to"])
        per_period[key] = max(per_period.get(key, 0), money_vnd(line.award, kind, on))
    assert result.total_vnd == sum(per_period.values())
    assert all(line.amount_vnd is not None for line in result.lines)
