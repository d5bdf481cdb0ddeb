"""Every award code, for each subject kind it applies to, is implemented under both decree versions.

For each (award, subject) a history that meets the criteria must come out ELIGIBLE, and the same
history with its assessment year rated FAILED and no titles must not — under NĐ 98/2023
(decided in 2024) and under NĐ 152/2025 (decided in 2026).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.eligibility_helpers import ALL_TRUE, entry, evaluate
from thidua.rules.catalogue import AWARD_CODES, AWARD_SUBJECTS


def good_individual(y: int) -> list[dict]:
    """CSTĐCS every year, a BK tỉnh and a BK TTg long before, CSTĐ tỉnh three years apart."""
    history = []
    for year in range(y - 9, y + 1):
        titles = ["LDTT", "CSTDCS"] + (["CSTD_TINH"] if year in (y - 3, y) else [])
        awards = {y - 9: ["BK_TINH"], y - 8: ["BK_TTG"]}.get(year, [])
        initiatives = [{"scope": "NATIONAL", "recognized": True}] if year == y else []
        history.append(entry(year, "EXCELLENT", titles, awards, initiatives=initiatives))
    return history


def good_collective(y: int) -> list[dict]:
    history = []
    for year in range(y - 9, y + 1):
        titles = ["TTLDTT", "TTLDXS"] + (["CO_TINH"] if year == y - 2 else [])
        awards = {y - 9: ["BK_TINH"], y - 8: ["BK_TTG"]}.get(year, [])
        history.append(
            entry(
                year,
                "EXCELLENT",
                titles,
                awards,
                headcount=20,
                ldtt_members=18,
                cstdcs_members=3,
                members_failed=0,
                members_disciplined=0,
                bloc_leading=True,
            )
        )
    return history


CASES = [(award, subject) for award in AWARD_CODES for subject in AWARD_SUBJECTS[award]]
VERSIONS = [("2024-10-01", 2023, "2024-01-01"), ("2026-03-01", 2025, "2025-07-01")]


@pytest.mark.parametrize("decided_on,year,version", VERSIONS, ids=["ND98", "ND152"])
@pytest.mark.parametrize("award,subject", CASES, ids=[f"{a}-{s}" for a, s in CASES])
def test_award_is_implemented(award, subject, decided_on, year, version):
    history = good_individual(year) if subject == "individual" else good_collective(year)
    # Routes made only of qualitative conditions are ruled out, so the computed route must carry it.
    confirmations = dict(
        ALL_TRUE, outstanding=award in ("CSTD_TINH", "CO_CP", "GIAY_KHEN"), exceptional_achievement=False
    )
    result = evaluate(award, history, subject=subject, year=year, decided_on=decided_on, confirmations=confirmations)
    assert result["outcome"] == "ELIGIBLE", [c for c in result["checks"] if c["passed"] is not True]
    assert result["rule"]["version"] == version
    assert result["needs_confirmation"] == []

    worse = [r for r in history if r["year"] != year] + [entry(year, "FAILED")]
    result = evaluate(award, worse, subject=subject, year=year, decided_on=decided_on, confirmations=confirmations)
    assert result["outcome"] == "NOT_ELIGIBLE"
    assert any(c["passed"] is False for c in result["checks"])


def test_pure_core_does_not_import_django():
    root = Path(__file__).resolve().parents[2]
    code = (
        "import sys, thidua.rules.eligibility, thidua.rules.money, thidua.rules.versions; "
        "sys.exit(any(m.split('.')[0] == 'django' for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0
