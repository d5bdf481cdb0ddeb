"""Does an eligibility result rest on the data, or on conditions only the council can confirm?

The engine (thidua/rules/eligibility.py) answers ELIGIBLE when no check fails: a qualitative
condition nobody has confirmed yet ("tiêu biểu xuất sắc", "nội bộ đoàn kết", "gương mẫu"…) is
``passed: null`` and never fails (whatif-api.md). That keeps the contract, but it means a person
with no history at all is ELIGIBLE for Bằng khen của Thủ tướng through Điều 73 khoản 1 điểm a
(a route made of qualitative conditions only). Shown as a plain green "Đủ điều kiện" it reads as
if the data had decided it. It has not: the council has. This module tells the two apart, from
the result alone (pure: no Django, no database):

- ``ELIGIBLE``: at least one route with no failing check, no pending hold, and every check passed
  — the data (and the confirmations already recorded) decide it;
- ``ELIGIBLE_IF_CONFIRMED``: ELIGIBLE, but every open route still waits on a qualitative condition;
- ``HOLD`` and ``NOT_ELIGIBLE`` as the engine says.
"""

from __future__ import annotations

from thidua.rules.catalogue import CONFIRMATIONS

ELIGIBLE, ELIGIBLE_IF_CONFIRMED, HOLD, NOT_ELIGIBLE = "ELIGIBLE", "ELIGIBLE_IF_CONFIRMED", "HOLD", "NOT_ELIGIBLE"
STATUS_LABELS = {
    ELIGIBLE: "Đủ điều kiện",
    ELIGIBLE_IF_CONFIRMED: "Đủ điều kiện nếu Hội đồng xác nhận",
    HOLD: "Tạm hoãn xét",
    NOT_ELIGIBLE: "Chưa đủ điều kiện",
}
# The CSS class of each status's badge (static/css/app.css); one colour per status.
STATUS_BADGES = {ELIGIBLE: "ok", ELIGIBLE_IF_CONFIRMED: "council", HOLD: "hold", NOT_ELIGIBLE: "off"}


def _routes(checks: list[dict]) -> dict:
    groups: dict = {}
    for check in checks:
        groups.setdefault(check.get("route"), []).append(check)
    return groups


def open_routes(result: dict) -> list[list[dict]]:
    """The routes (lists of checks) with no failing check and no pending hold."""
    return [
        checks
        for checks in _routes(result.get("checks") or []).values()
        if not any(c.get("passed") is False for c in checks) and not any(c.get("hold") for c in checks)
    ]


def status(result: dict) -> str:
    """ELIGIBLE, ELIGIBLE_IF_CONFIRMED, HOLD or NOT_ELIGIBLE for one engine result."""
    outcome = result.get("outcome")
    if outcome != ELIGIBLE:
        return outcome
    if any(all(c.get("passed") is True for c in checks) for checks in open_routes(result)):
        return ELIGIBLE
    return ELIGIBLE_IF_CONFIRMED


def awaited(result: dict) -> list[str]:
    """The qualitative conditions (keys) the council still has to confirm on the open routes
    (none once one route is decided: the other routes are no longer needed)."""
    keys: list[str] = []
    routes = open_routes(result)
    if any(all(c.get("passed") is True for c in checks) for checks in routes):
        return keys
    for checks in routes:
        for check in checks:
            if check.get("passed") is None:
                for key in check.get("confirmations") or [check.get("confirmation")]:
                    if key and key not in keys:
                        keys.append(key)
    return keys


def confirmation_keys(result: dict) -> list[str]:
    """Every qualitative condition the award's checks ask about (confirmed or not), in order."""
    keys: list[str] = []
    for check in result.get("checks") or []:
        for key in check.get("confirmations") or [check.get("confirmation")]:
            if key and key in CONFIRMATIONS and key not in keys:
                keys.append(key)
    return keys


def every_route_asks_council(result: dict) -> bool:
    """True when each route of the award holds at least one qualitative condition.

    With no confirmation given (the batch "ai đủ điều kiện"), such an award is at best
    ELIGIBLE_IF_CONFIRMED; the structure of the checks does not depend on the data.
    """
    groups = _routes(result.get("checks") or [])
    return bool(groups) and all(any(c.get("confirmation") or c.get("confirmations") for c in checks) for checks in groups.values())
