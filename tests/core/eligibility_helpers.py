"""Builders for eligibility requests used by the tests in tests/core/test_eligibility*.py."""

from __future__ import annotations

from thidua.rules.eligibility import evaluate_eligibility


def entry(year: int, rating: str | None = None, titles=(), awards=(), **extra) -> dict:
    record = {
        "year": year,
        "rating": rating,
        "titles": list(titles),
        "awards": list(awards),
        "initiatives": [],
        "discipline": None,
        "pending_investigation": False,
    }
    record.update(extra)
    return record


def request(
    award: str | None,
    history: list[dict],
    *,
    subject: str = "individual",
    year: int = 2025,
    decided_on: str = "2026-01-10",
    confirmations: dict | None = None,
    province=None,
) -> dict:
    return {
        "kind": "eligibility",
        "decided_on": decided_on,
        "province": province,
        "subject": subject,
        "year": year,
        "awards": [award] if award else [],
        "history": history,
        "collective": None,
        "confirmations": confirmations or {},
    }


def evaluate(award: str, history: list[dict], overrides=None, **kwargs) -> dict:
    """The single result for ``award``."""
    (result,) = evaluate_eligibility(request(award, history, **kwargs), overrides=overrides)["results"]
    return result


def failing(result: dict) -> set[str]:
    return {check["code"] for check in result["checks"] if check["passed"] is False}


def route_failing(result: dict, route: str) -> set[str]:
    return {c["code"] for c in result["checks"] if c.get("route") == route and c["passed"] is False}


ALL_TRUE = {
    key: True
    for key in (
        "solidarity",
        "exemplary",
        "movement_effective",
        "targets_exceeded",
        "party_orgs_strong",
        "outstanding",
        "exceptional_achievement",
    )
}
ALL_FALSE = {key: False for key in ALL_TRUE}
