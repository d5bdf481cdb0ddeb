"""Award money: coefficient × base salary on the decision date, rounded up to 10,000 VND (NĐ 152/2025 Điều 49)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thidua.rules.catalogue import AWARD_CODES, SUBJECTS
from thidua.rules.money import money_detail, money_vnd, round_up

# domain-rules §4.14: (award, subject, at 2,340,000, at 2,530,000)
TABLE = [
    ("CSTD_TQ", "individual", 10_530_000, 11_390_000),
    ("CSTD_TINH", "individual", 7_020_000, 7_590_000),
    ("CSTDCS", "individual", 2_340_000, 2_530_000),
    ("LDTT", "individual", 710_000, 760_000),
    ("TTLDXS", "collective", 3_510_000, 3_800_000),
    ("TTLDTT", "collective", 1_880_000, 2_030_000),
    ("CO_CP", "collective", 28_080_000, 30_360_000),
    ("CO_TINH", "collective", 18_720_000, 20_240_000),
    ("BK_TTG", "individual", 8_190_000, 8_860_000),
    ("BK_TTG", "collective", 16_380_000, 17_710_000),
    ("BK_TINH", "individual", 3_510_000, 3_800_000),
    ("BK_TINH", "collective", 7_020_000, 7_590_000),
    ("GIAY_KHEN", "individual", 710_000, 760_000),
    ("GIAY_KHEN", "collective", 1_410_000, 1_520_000),
    ("HCLD_3", "collective", 21_060_000, 22_770_000),
]


@pytest.mark.parametrize("award,subject,at_2340,at_2530", TABLE)
def test_money_table(award, subject, at_2340, at_2530):
    assert money_vnd(award, subject, dt.date(2026, 1, 10)) == at_2340
    assert money_vnd(award, subject, dt.date(2026, 6, 30)) == at_2340
    assert money_vnd(award, subject, dt.date(2026, 7, 1)) == at_2530
    assert money_vnd(award, subject, "2027-05-01") == at_2530


def test_ldtt_is_rounded_up_not_to_the_nearest():
    # 0.3 × 2,340,000 = 702,000, which several secondary sources quote; Điều 49(2) rounds up.
    assert money_vnd("LDTT", "individual", dt.date(2025, 1, 1)) == 710_000


@pytest.mark.parametrize(
    "award,subject",
    [
        ("HCLD_3", "individual"),
        ("LDTT", "collective"),
        ("TTLDTT", "individual"),
        ("CO_TINH", "individual"),
        ("CSTDCS", "collective"),
    ],
)
def test_no_amount_where_the_law_sets_none(award, subject):
    assert money_vnd(award, subject, dt.date(2026, 1, 10)) is None


def test_earlier_base_salaries():
    # 1,800,000 until 30/06/2024 (NĐ 24/2023), 2,340,000 from 01/07/2024 (NĐ 73/2024).
    assert money_vnd("CSTDCS", "individual", dt.date(2024, 6, 30)) == 1_800_000
    assert money_vnd("LDTT", "individual", dt.date(2024, 6, 30)) == 540_000
    assert money_vnd("CSTDCS", "individual", dt.date(2024, 7, 1)) == 2_340_000


def test_no_amount_before_the_2022_law_applies():
    assert money_vnd("CSTDCS", "individual", dt.date(2023, 12, 31)) is None


def test_detail_cites_the_basis():
    detail = money_detail("LDTT", "individual", "2026-01-10")
    assert detail["coefficient"] == "0.3" and detail["base_salary"] == 2_340_000
    assert "Điều 50" in detail["citation"] and "73/2024" in detail["base_salary_citation"]
    assert "Điều 49 khoản 2" in detail["rounding_citation"]
    assert money_detail("LDTT", "individual", "2024-09-01")["unconfirmed"] is True  # NĐ 98/2023 article numbers


@given(
    st.sampled_from(AWARD_CODES),
    st.sampled_from(SUBJECTS),
    st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31)),
)
def test_amount_is_the_smallest_multiple_of_10000_not_below_the_exact_amount(award, subject, on):
    detail = money_detail(award, subject, on)
    if detail is None:
        return
    exact = Fraction(detail["coefficient"]) * detail["base_salary"]
    assert detail["vnd"] % 10_000 == 0
    assert exact <= detail["vnd"] < exact + 10_000


@given(st.fractions(min_value=0, max_value=10**9))
def test_round_up(amount):
    rounded = round_up(amount)
    assert rounded % 10_000 == 0 and amount <= rounded < amount + 10_000
