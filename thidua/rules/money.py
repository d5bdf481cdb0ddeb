"""Award money (tiền thưởng) by decision date, award and subject kind.

NĐ 152/2025/NĐ-CP Chương VII Mục 2 (domain-rules §4.14):

- Basis: the base salary (mức lương cơ sở) in force on the date of the award decision (Art. 49(1)):
  1,800,000 VND from 01/07/2023 (NĐ 24/2023), 2,340,000 from 01/07/2024 (NĐ 73/2024),
  2,530,000 from 01/07/2026 (NĐ 161/2026).
- Amount = coefficient × base salary, rounded UP to the next 10,000 VND (Art. 49(2)); exact
  arithmetic, so LĐTT 0.3 × 2,340,000 = 702,000 → 710,000.
- Coefficients: Art. 50 (titles), 51 (orders), 54 (certificates of merit); see money.json.
  Where the law sets no amount for the subject kind the answer is None: Giấy khen and Huân
  chương Lao động hạng Ba for individuals are UNCONFIRMED; individual titles have no collective
  amount and the other way round.
- Decisions dated 01/01/2024–30/06/2025 use the same coefficients, labelled as the NĐ 98/2023
  table (its article numbers are UNCONFIRMED). Dates with no table or no base salary give None.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from thidua.rules.versions import base_salary, money_data, money_table, parse_date

STEP_VND = 10_000


def round_up(amount: Fraction | int, step: int = STEP_VND) -> int:
    """Round a non-negative amount up to the next multiple of ``step`` (exact)."""
    amount = Fraction(amount)
    return int(-((-amount) // step) * step)


def money_detail(award: str, subject: str, decided_on: dt.date | str) -> dict | None:
    """The award money with its basis, or None where no amount is set for this subject.

    Returns ``{"vnd", "coefficient", "base_salary", "citation", "base_salary_citation",
    "rounding_citation", "unconfirmed"}``.
    """
    on = parse_date(decided_on)
    if on is None:
        raise ValueError("decided_on must be a date")
    table = money_table(on)
    salary = base_salary(on)
    if table is None or salary is None:
        return None
    row = table["awards"].get(award)
    if row is None or row.get(subject) is None:
        return None
    coefficient = Fraction(row[subject])
    return {
        "vnd": round_up(coefficient * salary["vnd"], money_data()["rounding"]["step_vnd"]),
        "coefficient": row[subject],
        "base_salary": salary["vnd"],
        "citation": row["citation"],
        "base_salary_citation": salary["citation"],
        "rounding_citation": table["rounding_citation"],
        "unconfirmed": row.get("evidence") == "UNCONFIRMED",
    }


def money_vnd(award: str, subject: str, decided_on: dt.date | str) -> int | None:
    """Award money in VND for ``award`` given to a ``subject`` ("individual"/"collective") on ``decided_on``.

    None where the law sets no amount (e.g. Giấy khen or HCLĐ hạng Ba for an individual).
    """
    detail = money_detail(award, subject, decided_on)
    return None if detail is None else detail["vnd"]
