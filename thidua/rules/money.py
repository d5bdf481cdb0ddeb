"""Award money (tiền thưởng) by decision date, award and subject kind.

NĐ 152/2025/NĐ-CP Chương VII Mục 2 (domain-rules §4.14):

- Basis: the base salary (mức lương cơ sở) in force on the date of the award decision (Art. 49(1)):
  1,800,000 VND from 01/07/2023 (NĐ 24/2023), 2,340,000 from 01/07/2024 (NĐ 73/2024),
  2,530,000 from 01/07/2026 (NĐ 161/2026).
- Amount = coefficient × base salary, rounded UP to the next 10,000 VND (Art. 49(2)); exact
  arithmetic, so LĐTT 0.3 × 2,340,000 = 702,000 → 710,000.
- Coefficients: Art. 50 (titles), 51 (orders), 54 (certificates of merit); see money.json.
  Giấy khen for an individual is 0.3 × (domain-rules §4.14 [D]: every form of Art. 54 pays a
  collective twice the individual). Where the law sets no amount for the subject kind the answer
  is None ("chưa xác định", never 0): Huân chương Lao động hạng Ba for individuals is UNCONFIRMED;
  individual titles have no collective amount and the other way round.
- Several titles at once (Art. 49(5)–(7)): titles of different achievement periods are each paid;
  titles of the same period pay only the highest; a commendation form is paid besides a title.
  The achievement period of a title is data (money.json ``same_period.achievement_periods``): the
  years it rests on, ending at its year — one year for LĐTT, CSTĐCS and the collective titles,
  three for CSTĐ tỉnh (03 lần liên tục CSTĐCS), six for CSTĐ toàn quốc (02 lần CSTĐ tỉnh). So
  CSTĐCS 2025 and CSTĐ tỉnh 2025 are both paid; LĐTT 2025 and CSTĐCS 2025 share a period and only
  CSTĐCS is paid. :func:`combine_money` applies it to the lines of a decision, a proposal or a
  what-if request.
- Decisions dated 01/01/2024–30/06/2025 use the same coefficients and the same principle, labelled
  as the NĐ 98/2023 table (its article numbers are UNCONFIRMED). Dates with no table or no base
  salary give None.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache

from thidua.rules.catalogue import AWARD_NAMES
from thidua.rules.versions import base_salary, money_data, money_table, parse_date

STEP_VND = 10_000


def round_up(amount: Fraction | int, step: int = STEP_VND) -> int:
    """Round a non-negative amount up to the next multiple of ``step`` (exact)."""
    amount = Fraction(amount)
    return int(-((-amount) // step) * step)


def money_detail(award: str, subject: str, decided_on: dt.date | str, year: int | None = None) -> dict | None:
    """The award money with its basis, or None where no amount is set for this subject.

    Returns ``{"vnd", "coefficient", "base_salary", "citation", "base_salary_citation",
    "rounding_citation", "unconfirmed"}``, plus ``"period"`` (:func:`achievement_period`) for an
    emulation title when ``year`` is given.
    """
    on = parse_date(decided_on)
    if on is None:
        raise ValueError("decided_on must be a date")
    cached = _detail(award, subject, on)
    if cached is None:
        return None
    detail = dict(cached)
    period = achievement_period(award, year, on) if year is not None else None
    if period is not None:
        detail["period"] = period
    return detail


@lru_cache(maxsize=4096)
def _detail(award: str, subject: str, on: dt.date) -> dict | None:
    # Cached: the batch eligibility of a province asks the same few (award, kind, date) many times.
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


# --------------------------------------------------------------------------- achievement periods

UNKNOWN_NOTE = (
    "Chưa xác định: pháp luật chưa quy định (hoặc chưa xác minh) mức tiền thưởng cho trường hợp này; "
    "nhập mức do cơ quan ban hành quyết định."
)


@lru_cache(maxsize=256)
def _same_period_rule(on: dt.date) -> dict | None:
    table = money_table(on)
    return table.get("same_period") if table else None


def achievement_period(award: str, year: int, decided_on: dt.date | str) -> dict | None:
    """The years an emulation title of ``year`` rests on, under the money table of ``decided_on``.

    ``{"from", "to", "years", "rests_on", "citation", "text"}``; None for a commendation form (it
    is paid besides any title) or a date with no money table.
    """
    period = _period(award, year, parse_date(decided_on))
    return dict(period) if period is not None else None


@lru_cache(maxsize=4096)
def _period(award: str, year: int, on: dt.date) -> dict | None:
    rule = _same_period_rule(on)
    spec = (rule or {}).get("achievement_periods", {}).get(award)
    if spec is None:
        return None
    start = year - spec["years"] + 1
    text = f"năm {year}" if start == year else f"{start}–{year} ({spec['rests_on']})"
    return {"from": start, "to": year, "years": spec["years"], "rests_on": spec["rests_on"], "citation": spec["citation"], "text": text}


def _rank(rule: dict, kind: str, award: str) -> int:
    order = rule["title_order"].get(kind, [])
    return order.index(award) if award in order else len(order)


@dataclass
class MoneyLine:
    """One award of one subject. In: subject/kind/award/year; out: amount, note, citation.

    ``amount_vnd`` None means unknown (the law sets no amount: "chưa xác định"); 0 means known and
    not paid (a higher title of the same achievement period is paid instead).
    """

    subject: str  # a stable key of the subject, e.g. "person:12"
    subject_kind: str  # "individual" | "collective"
    award: str
    year: int
    amount_vnd: int | None = None
    note: str = ""
    citation: str = ""
    period: dict | None = None


@dataclass
class MoneyResult:
    lines: list[MoneyLine] = field(default_factory=list)
    total_vnd: int = 0  # the sum of the known amounts
    unknown_count: int = 0  # lines whose amount the law does not set

    @property
    def complete(self) -> bool:
        return self.unknown_count == 0


def _vnd_text(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def combine_money(
    lines: list[MoneyLine], decided_on: dt.date | str, *, paid_titles: dict[tuple[str, int], set[str]] | None = None
) -> MoneyResult:
    """Money per line and the total, for awards given together on ``decided_on``.

    - Each amount is coefficient × base salary in force on ``decided_on``, rounded up to the next
      10,000 VND (:func:`money_detail`); None with a Vietnamese note where the law sets none.
    - Titles of one subject with the same achievement period: only the highest is paid, the
      others get 0 and say why; titles of different periods and commendation forms are each paid
      (NĐ 152/2025 Điều 49 khoản 5–7; for earlier dates the NĐ 98/2023 table).
    - ``paid_titles`` maps (subject, year) to titles already paid by earlier decisions: a title no
      higher than one already paid for the same period is not paid again.
    """
    on = parse_date(decided_on)
    rule = _same_period_rule(on)
    result = MoneyResult()
    keyed: list[tuple | None] = []
    best: dict[tuple, tuple[int, int]] = {}
    for index, line in enumerate(lines):
        period = achievement_period(line.award, line.year, on) if rule else None
        key = (line.subject, period["from"], period["to"]) if period else None
        keyed.append(key)
        if key is not None:
            rank = (_rank(rule, line.subject_kind, line.award), index)
            if key not in best or rank < best[key]:
                best[key] = rank
    earlier: dict[tuple, set[str]] = {}
    for (subject, year), awards in (paid_titles or {}).items():
        for award in awards:
            period = achievement_period(award, year, on) if rule else None
            if period:
                earlier.setdefault((subject, period["from"], period["to"]), set()).add(award)
    for index, line in enumerate(lines):
        out = MoneyLine(line.subject, line.subject_kind, line.award, line.year)
        key = keyed[index]
        detail = money_detail(line.award, line.subject_kind, on, line.year)
        if detail is None:
            out.note = UNKNOWN_NOTE
            result.unknown_count += 1
            result.lines.append(out)
            continue
        out.citation = detail["citation"]
        out.period = detail.get("period")
        if key is not None:
            kind = line.subject_kind
            rank = _rank(rule, kind, line.award)
            winner = lines[best[key][1]]
            before = sorted((a for a in earlier.get(key, ()) if _rank(rule, kind, a) <= rank), key=lambda a: _rank(rule, kind, a))
            if best[key][1] != index or before:
                higher = before[0] if before else winner.award
                where = " đã được chi tiền thưởng ở quyết định khác" if before else ""
                out.amount_vnd = 0
                out.note = (
                    f"Không chi tiền thưởng {AWARD_NAMES[line.award]}: cùng thời gian đạt thành tích "
                    f"({out.period['text']}) với {AWARD_NAMES[higher]}{where}; chỉ chi mức của danh hiệu cao nhất."
                )
                out.citation = rule["citation"]
                result.lines.append(out)
                continue
        out.amount_vnd = detail["vnd"]
        coefficient = detail["coefficient"].replace(".", ",")
        out.note = f"{coefficient} × mức lương cơ sở {_vnd_text(detail['base_salary'])} đồng, làm tròn lên hàng chục nghìn đồng."
        others = [lines[i].award for i, k in enumerate(keyed) if k is not None and key is not None and k[0] == key[0] and k != key]
        if others:
            # Another title of this subject rests on other years: each is paid (Art. 49).
            span = f"{out.period['from']}–{out.period['to']}" if out.period["years"] > 1 else f"năm {line.year}"
            names = ", ".join(dict.fromkeys(AWARD_NAMES[a] for a in others))
            out.note += f" Thời gian đạt thành tích ({span}) khác {names}: chi riêng."
        result.lines.append(out)
        result.total_vnd += out.amount_vnd
    return result
