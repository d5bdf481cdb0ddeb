"""Rule versions: which national rule set, base salary and money table are in force on a date.

Data files (thidua/rules/data/):

- ``eligibility_nd98_2023.json``: Nghị định 98/2023/NĐ-CP, in force 01/01/2024–30/06/2025.
- ``eligibility_nd152_2025.json``: Nghị định 152/2025/NĐ-CP, in force from 01/07/2025 (Art. 59).
- ``money.json``: base salary history (NĐ 24/2023: 1,800,000 from 01/07/2023; NĐ 73/2024:
  2,340,000 from 01/07/2024; NĐ 161/2026: 2,530,000 from 01/07/2026) and the award-money
  coefficient tables per decree version.

Awards are judged by the rules in force on the decision date (domain-rules §0.2). A date with no
version in force (before 01/01/2024) has no answer: callers raise ``no_rule_version``.

Provincial overrides are plain dict rows ``{"rule", "param", "value", "effective_from",
"effective_to", "citation"}`` already filtered to one province; a row applies when its dates cover
the decision date (``effective_to`` inclusive, None = open). ``rule`` is an award code, or ``"*"``
for a parameter common to every award. The parameters that can be overridden are listed by
:func:`override_params` (and in thidua/rules/eligibility.py's docstring).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
ELIGIBILITY_FILES = ("eligibility_nd98_2023.json", "eligibility_nd152_2025.json")


def parse_date(value) -> dt.date | None:
    """A date from ``date`` or an ISO ``YYYY-MM-DD`` string; None when it is neither."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()) if len(value.strip()) == 10 else None
        except ValueError:
            return None
    return None


@lru_cache(maxsize=256)
def _iso(value: str) -> dt.date:
    parsed = parse_date(value)
    if parsed is None:
        raise ValueError(f"bad date {value!r} in rule data")
    return parsed


def _bound(value) -> dt.date | None:
    if not value:
        return None
    return value if isinstance(value, dt.date) else _iso(value)


def in_force(row: dict, on: dt.date) -> bool:
    """True when a row with ``effective_from``/``effective_to`` (ISO strings, dates or None) covers ``on``."""
    start, end = _bound(row.get("effective_from")), _bound(row.get("effective_to"))
    return (start is None or start <= on) and (end is None or on <= end)


def _load(name: str) -> dict:
    with open(DATA_DIR / name, encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=1)
def eligibility_versions() -> tuple[dict, ...]:
    """Every national eligibility rule version, oldest first."""
    versions = [_load(name) for name in ELIGIBILITY_FILES]
    return tuple(sorted(versions, key=lambda v: v["effective_from"]))


def eligibility_version(on: dt.date) -> dict | None:
    """The national eligibility rule set in force on ``on``, or None.

    The dict is shared and must not be changed: :func:`apply_overrides` returns a changed copy.
    """
    for version in eligibility_versions():
        if in_force(version, on):
            return version
    return None


@lru_cache(maxsize=1)
def money_data() -> dict:
    return _load("money.json")


def base_salary(on: dt.date) -> dict | None:
    """The base-salary row (``vnd``, ``citation``) in force on ``on``, or None before the first one."""
    for row in money_data()["base_salary"]:
        if in_force(row, on):
            return row
    return None


def money_table(on: dt.date) -> dict | None:
    """The award-money coefficient table of the decree version in force on ``on``, or None."""
    for table in money_data()["coefficients"]:
        if in_force(table, on):
            return table
    return None


def override_params() -> list[dict]:
    """Every overridable parameter: ``{"rule", "param", "default", "type", "unconfirmed", "note"}``.

    Taken from the newest national version; the HTTP/admin side can validate override rows with it.
    """
    latest = eligibility_versions()[-1]
    rows = []
    for name, spec in latest["common_params"].items():
        rows.append(_param_row("*", name, spec))
    for code, award in latest["awards"].items():
        for name, spec in award["params"].items():
            rows.append(_param_row(code, name, spec))
    return rows


def _param_row(rule: str, name: str, spec: dict) -> dict:
    return {
        "rule": rule,
        "param": name,
        "default": spec["value"],
        "type": type(spec["value"]).__name__,
        "unconfirmed": spec.get("unconfirmed", False),
        "note": spec.get("note") or spec.get("citation", ""),
    }


def coerce_param(default, value, name: str = "param"):
    """``value`` converted to the type of ``default`` (bool or non-negative int), or ValueError.

    Override rows may come from a database column holding text ("75", "true") or a number (75.0).
    """
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "1", "có"):
            return True
        if text in ("false", "0", "không"):
            return False
        raise ValueError(f"override {name} needs true or false, got {value!r}")
    number = None
    if not isinstance(value, bool):  # True is an int in Python, never a count
        try:
            number = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            number = None
    if number is None or not number.is_finite() or number != number.to_integral_value() or number < 0:
        raise ValueError(f"override {name} needs a non-negative whole number, got {value!r}")
    return int(number)


def apply_overrides(version: dict, overrides: list[dict] | None, on: dt.date) -> tuple[dict, list[dict]]:
    """The version with the provincial override rows in force on ``on`` applied, and the rows applied.

    ``version`` itself is left unchanged (only the parameter tables that change are copied). Rows
    for other rules (``"voting"``) are skipped. A row naming an unknown parameter of an award, or
    carrying a value that cannot be read as the parameter's type, raises ValueError: override rows
    are configuration, checked when saved (see :func:`override_params`, :func:`coerce_param`).
    """
    # Rows of other rule families (e.g. "voting") may share the province's list: they are not ours.
    rows = [
        row
        for row in overrides or []
        if (row.get("rule") == "*" or row.get("rule") in version["awards"]) and in_force(row, on)
    ]
    if not rows:
        return version, []
    version = dict(version, common_params=copy.deepcopy(version["common_params"]), awards=dict(version["awards"]))
    applied = []
    for row in rows:
        rule, name, value = row.get("rule"), row.get("param"), row.get("value")
        if rule == "*":
            params = version["common_params"]
        else:
            award = version["awards"][rule] = dict(version["awards"][rule])
            params = award["params"] = copy.deepcopy(award["params"])
        if name not in params:
            raise ValueError(f"unknown override param {rule}.{name}")
        value = coerce_param(params[name]["value"], value, f"{rule}.{name}")
        params[name] = dict(
            params[name], value=value, unconfirmed=False, override_citation=row.get("citation") or "quy định của tỉnh"
        )
        applied.append(
            {
                "rule": rule,
                "param": name,
                "value": value,
                "citation": row.get("citation"),
                "effective_from": row.get("effective_from"),
                "effective_to": row.get("effective_to"),
            }
        )
    return version, applied
