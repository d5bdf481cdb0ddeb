"""Outcome codes without explanations, for the batch "ai đủ điều kiện" (pure: no Django).

The engine (thidua/rules/eligibility.py) builds every check with its Vietnamese sentence; at
0,3 ms per person that is 30 s for 100,000 people. The batch needs outcome codes first and the
explanations on demand, so this module computes the outcomes of the PLAIN cases directly from
the same rule parameters (the rule version in force, provincial overrides applied), and the
batch sends every other case to the engine itself:

- plain individual: no discipline period, no pending investigation, no initiative or project
  (a person with an initiative or project is plain except for CSTĐCS, CSTĐ tỉnh, CSTĐ toàn quốc);
- every collective is plain here (units carry no discipline or investigation of their own).

With no confirmations given (the batch has no council minutes), a qualitative condition is
"to confirm", never failing; so an award with a route made only of qualitative conditions
(Bằng khen, Huân chương for collectives) is ELIGIBLE in a plain case, and the quantitative
checks decide the rest. Such an ELIGIBLE is shown as "Đủ điều kiện nếu Hội đồng xác nhận"
(batch.awards_awaiting_council, thidua/rules/council.py). tests/db/test_history_batch.py checks
batch == engine, outcomes and shown statuses, on mixed data.
"""

from __future__ import annotations

from thidua.rules.catalogue import COLLECTIVE, RATING_RANK

ELIGIBLE, NOT_ELIGIBLE, HOLD = "ELIGIBLE", "NOT_ELIGIBLE", "HOLD"
GOOD = RATING_RANK["GOOD"]


def params_of(version: dict) -> dict[str, dict]:
    """{award: {param: value}} of a rule version (overrides already applied)."""
    return {code: {name: spec["value"] for name, spec in award["params"].items()} for code, award in version["awards"].items()}


def _at_least_good(rating: str | None) -> bool:
    return rating is not None and RATING_RANK[rating] >= GOOD


def plain_individual_outcomes(
    year: int,
    ratings: dict[int, str],
    titles: dict[int, set[str]],
    forms: dict[str, list[int]],
    params: dict[str, dict],
    awards: list[str],
) -> dict[str, str]:
    """Outcomes of a plain individual case.

    `ratings` and `titles` need the year Y, and for Huân chương Lao động the years of its window;
    `forms` maps a form code to the years it was received as a basis for a higher award (every
    kind but ad hoc and thematic: NĐ 152/2025 Điều 4(3)).
    """
    rating = ratings.get(year)
    good = _at_least_good(rating)
    excellent = rating == "EXCELLENT"
    this_year = titles.get(year, ())
    out: dict[str, str] = {}
    for code in awards:
        if code == "LDTT":
            ok = good and params["LDTT"]["min_months_worked"] <= 12
        elif code == "CSTDCS":
            ok = "LDTT" in this_year and excellent and not params["CSTDCS"]["excellent_and_initiative"]
        elif code in ("CSTD_TINH", "CSTD_TQ"):
            ok = False  # needs a recognised initiative or project (none in a plain case)
        elif code == "GIAY_KHEN":
            ok = good
        elif code in ("BK_TINH", "BK_TTG"):
            ok = True  # routes of qualitative conditions only (Điều 74 i–iii, v; Điều 73(1)(a), (c))
        elif code == "HCLD_3":
            p = params["HCLD_3"]
            window = range(year - p["window_years"] + 1, year + 1)
            limit = window[0] - 1 if p["window_after_bk_ttg"] else year
            bk_ttg = forms.get("BK_TTG")
            ok = (
                bool(bk_ttg)
                and min(bk_ttg) <= limit
                and all(_at_least_good(ratings.get(y)) for y in window)
                and sum(1 for y in window if ratings.get(y) == "EXCELLENT") >= p["min_excellent_in_window"]
                and sum(1 for y in window if "CSTDCS" in titles.get(y, ())) >= p["min_cstdcs_in_window"]
            )
        else:  # an award for collectives only
            ok = False
        out[code] = ELIGIBLE if ok else NOT_ELIGIBLE
    return out


def plain_collective_outcomes(
    year: int,
    ratings: dict[int, str],
    figures: dict | None,
    params: dict[str, dict],
    awards: list[str],
    bloc_leading: bool = False,
) -> dict[str, str]:
    """Outcomes of a collective: `figures` are the member counts of `year` (member_figures())."""
    rating = ratings.get(year)
    good = _at_least_good(rating)
    figures = figures or {}
    head = figures.get("headcount") or 0
    ldtt = figures.get("ldtt_members") or 0
    out: dict[str, str] = {}
    for code in awards:
        if code == "TTLDTT":
            ok = good and head > 0 and ldtt * 100 >= params["TTLDTT"]["ldtt_ratio_percent"] * head and not figures.get(
                "members_disciplined"
            )
        elif code == "TTLDXS":
            p = params["TTLDXS"]
            ok = (
                rating == "EXCELLENT"
                and not figures.get("members_failed")
                and head > 0
                and ldtt * 100 >= p["ldtt_ratio_percent"] * head
                and (figures.get("cstdcs_members") or 0) >= p["min_cstdcs_members"]
                and not (p["no_member_disciplined"] and figures.get("members_disciplined"))
            )
        elif code in ("CO_TINH", "CO_CP"):
            ok = bloc_leading
        elif code == "GIAY_KHEN":
            ok = good
        elif code in ("BK_TINH", "BK_TTG", "HCLD_3"):
            ok = True  # a route of qualitative conditions only
        else:  # an award for individuals only
            ok = False
        out[code] = ELIGIBLE if ok else NOT_ELIGIBLE
    return out


def apply_discipline(outcomes: dict[str, str], year: int, blocked_through: int | None, params: dict[str, dict]) -> None:
    """A discipline period alone (NĐ 152/2025 Điều 4(4)): achievements count only after it.

    Year Y blocked: every award fails its discipline check. A blocked year inside the Huân
    chương window fails that window. Streak awards are refused anyway without an initiative.
    """
    if blocked_through is None:
        return
    if blocked_through >= year:
        for code in outcomes:
            outcomes[code] = NOT_ELIGIBLE
    elif "HCLD_3" in outcomes and blocked_through >= year - params["HCLD_3"]["window_years"] + 1:
        outcomes["HCLD_3"] = NOT_ELIGIBLE


def apply_hold(outcomes: dict[str, str]) -> None:
    """An open investigation alone: what would be eligible waits (HOLD); a failing check still fails."""
    for code, value in outcomes.items():
        if value == ELIGIBLE:
            outcomes[code] = HOLD


def awards_an_initiative_can_change(year: int, titles: dict[int, set[str]], work_years: list[int], awards: list[str]) -> list[str]:
    """The awards whose plain outcome an initiative or project may change (the engine decides them).

    CSTĐCS: a work of year Y is a basis; CSTĐ tỉnh: needs CSTĐCS in Y to start its streak; CSTĐ
    toàn quốc: needs CSTĐ tỉnh in Y to start its chain. Otherwise the plain outcome stands.
    """
    this_year = titles.get(year, ())
    result = []
    if "CSTDCS" in awards and year in work_years:
        result.append("CSTDCS")
    if "CSTD_TINH" in awards and "CSTDCS" in this_year:
        result.append("CSTD_TINH")
    if "CSTD_TQ" in awards and "CSTD_TINH" in this_year:
        result.append("CSTD_TQ")
    return result


def plain_outcomes(subject: str, year: int, **kwargs) -> dict[str, str]:
    if subject == COLLECTIVE:
        return plain_collective_outcomes(year, **kwargs)
    return plain_individual_outcomes(year, **kwargs)
