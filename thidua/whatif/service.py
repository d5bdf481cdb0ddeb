"""The one function both doors of the what-if contract call (whatif-api.md).

`evaluate_one(request)` validates the request's `kind`, resolves its `province` code against the
province registry data in force on `decided_on`, loads that province's regulation packs (its own
TĐKT regulations: parameters and citations, thidua/rules/packs.py) and dispatches
to the pure core (`thidua.rules.eligibility.evaluate_eligibility`, `thidua.rules.voting.tally`).
A malformed request gives `{"error": {"code", "message", "field"}}` instead of a result.
`evaluate_many(obj)` does the same for one request or a list of them.

It needs no migrated database: provinces come from thidua/org/data/provinces.json (the file the
registry is loaded from) and packs from registered sources that tolerate a missing table.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from functools import lru_cache
from pathlib import Path
from typing import Callable

from django.db import DatabaseError

from thidua.rules.errors import WhatIfError
from thidua.rules.packs import entry_rows

logger = logging.getLogger(__name__)

KINDS = {"eligibility": "điều kiện khen thưởng", "voting": "kiểm phiếu"}
PROVINCES_FILE = Path(__file__).resolve().parent.parent / "org" / "data" / "provinces.json"

INTERNAL_ERROR = "internal_error"


def error_result(code: str, message: str, field: str | None = None) -> dict:
    return {"error": {"code": code, "message": message, "field": field}}


def is_error(result) -> bool:
    return isinstance(result, dict) and "error" in result and isinstance(result["error"], dict)


# --------------------------------------------------------------------------- provinces


@lru_cache(maxsize=1)
def _province_rows() -> tuple[dict, ...]:
    doc = json.loads(PROVINCES_FILE.read_text(encoding="utf-8"))
    rows = []
    for row in doc["provinces"]:
        rows.append(
            {
                "code": row["code"],
                "name": row["name"],
                "valid_from": dt.date.fromisoformat(row["valid_from"]) if row["valid_from"] else None,
                "valid_to": dt.date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
                "merged_into": tuple(row["merged_into"]) if row["merged_into"] else None,
            }
        )
    return tuple(rows)


def _in_force(row: dict, on: dt.date) -> bool:
    return (row["valid_from"] is None or row["valid_from"] <= on) and (row["valid_to"] is None or on <= row["valid_to"])


def _vn(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _decided_on(request: dict) -> dt.date:
    value = request.get("decided_on")
    if not isinstance(value, str) or not value:
        raise WhatIfError(
            "invalid_field", "Thiếu ngày quyết định (decided_on), dạng YYYY-MM-DD, ví dụ 2026-01-05.", "decided_on"
        )
    try:
        if len(value) != 10:
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise WhatIfError(
            "invalid_field",
            f"Ngày quyết định (decided_on) “{value}” không hợp lệ: cần dạng YYYY-MM-DD, ví dụ 2026-01-05.",
            "decided_on",
        ) from None


def resolve_province(code, on: dt.date) -> dict:
    """The province with official `code` in force on `on`, as {"code", "name"}.

    Raises WhatIfError(unknown_province) for an unknown code or one not in force on that date,
    naming the successor when the province was merged.
    """
    if isinstance(code, bool) or not isinstance(code, str) or not code.strip():
        raise WhatIfError(
            "invalid_field", "Mã tỉnh, thành phố (province) phải là chuỗi mã hành chính, ví dụ “01”, hoặc null.", "province"
        )
    code = code.strip()
    rows = [r for r in _province_rows() if r["code"] == code]
    for row in rows:
        if _in_force(row, on):
            return {"code": row["code"], "name": row["name"]}
    if not rows:
        raise WhatIfError(
            "unknown_province", f"Không có tỉnh, thành phố mã “{code}” trong danh mục hành chính.", "province"
        )
    ended = sorted((r for r in rows if r["valid_to"] is not None and r["valid_to"] < on), key=lambda r: r["valid_to"])
    if ended:
        row = ended[-1]
        message = f"Mã tỉnh “{code}” ({row['name']}) không còn hiệu lực từ ngày {_vn(row['valid_to'] + dt.timedelta(days=1))}"
        successor = _successor(row, on)
        if successor:
            message += f"; tỉnh đã được sắp xếp vào {successor['name']} (mã {successor['code']}), hãy dùng mã {successor['code']}."
        else:
            message += "."
        raise WhatIfError("unknown_province", message, "province")
    row = min(rows, key=lambda r: r["valid_from"] or dt.date.min)
    raise WhatIfError(
        "unknown_province",
        f"Mã tỉnh “{code}” ({row['name']}) chưa có hiệu lực vào ngày {_vn(on)} (có hiệu lực từ ngày {_vn(row['valid_from'])}).",
        "province",
    )


def _successor(row: dict, on: dt.date) -> dict | None:
    """Follow `merged_into` to the province in force on `on` (or the last one known)."""
    seen = set()
    current = row
    while current["merged_into"] and current["merged_into"] not in seen:
        seen.add(current["merged_into"])
        code, name = current["merged_into"]
        nxt = next((r for r in _province_rows() if r["code"] == code and r["name"] == name), None)
        if nxt is None:
            return None
        current = nxt
        if _in_force(current, on):
            break
    return None if current is row else {"code": current["code"], "name": current["name"]}


# --------------------------------------------------------------------------- provincial regulation packs

# Callables province_code -> list of packs (the shape of thidua/rules/packs.py) that supply a
# province's own regulations; the app that stores them registers its loader (AppConfig.ready()).
PACK_SOURCES: list[Callable[[str], list[dict]]] = []


def register_pack_source(source: Callable[[str], list[dict]]) -> None:
    if source not in PACK_SOURCES:
        PACK_SOURCES.append(source)


def load_packs(province_code: str | None) -> list[dict]:
    """The regulation packs of a province (every date: the core picks those in force).

    Returns [] without a province or a registered source; a source whose tables are not reachable
    is logged and skipped (the command line runs without a migrated database).
    """
    if not province_code:
        return []
    packs: list[dict] = []
    for source in PACK_SOURCES:
        try:
            packs.extend(source(province_code))
        except DatabaseError:
            logger.warning("provincial regulation packs unavailable (database not ready) for %s", province_code)
    return packs


def load_overrides(province_code: str | None, rule: str) -> list[dict]:
    """The parameters a province's packs set on top of the national ``rule`` ("eligibility" or
    "voting"), as the bare rows the pure functions read: {"rule": award code or "*", "param",
    "value", "effective_from", "effective_to", "citation"} (params: thidua/rules/versions.py for
    eligibility, thidua/rules/voting.py for voting)."""
    return entry_rows(load_packs(province_code), rule)


# --------------------------------------------------------------------------- evaluation


def _dispatch(kind: str, request: dict, packs: list[dict]) -> dict:
    if kind == "voting":
        from thidua.rules.voting import tally

        return tally(request, overrides=entry_rows(packs, "voting"))
    from thidua.rules.eligibility import evaluate_eligibility

    return evaluate_eligibility(request, packs=packs)


def evaluate_one(request, *, expected_kind: str | None = None) -> dict:
    """Evaluate one what-if request; a malformed one gives {"error": {...}} in place of the result.

    `expected_kind` is set by the HTTP endpoints: the request's `kind` may then be omitted, and a
    different `kind` is an error.
    """
    try:
        if not isinstance(request, dict):
            raise WhatIfError(
                "invalid_field", "Mỗi yêu cầu phải là một đối tượng JSON có trường “kind”.", None
            )
        kind = request.get("kind")
        if kind is None and expected_kind is not None:
            kind = expected_kind
            request = {**request, "kind": kind}
        if kind is None:
            raise WhatIfError(
                "invalid_field",
                "Thiếu loại yêu cầu (kind): “eligibility” (điều kiện khen thưởng) hoặc “voting” (kiểm phiếu).",
                "kind",
            )
        if not isinstance(kind, str) or kind not in KINDS:
            raise WhatIfError(
                "invalid_field",
                f"Loại yêu cầu (kind) “{kind}” không hợp lệ: chỉ nhận “eligibility” (điều kiện khen thưởng) "
                "hoặc “voting” (kiểm phiếu).",
                "kind",
            )
        if expected_kind is not None and kind != expected_kind:
            raise WhatIfError(
                "invalid_field",
                f"Địa chỉ này chỉ tính {KINDS[expected_kind]} (kind “{expected_kind}”), yêu cầu lại ghi kind “{kind}”.",
                "kind",
            )
        province = None
        if request.get("province") is not None:
            province = resolve_province(request["province"], _decided_on(request))
        packs = load_packs(province["code"] if province else None)
        result = dict(_dispatch(kind, request, packs))
        result.setdefault("kind", kind)
        if province is not None:
            result["province"] = province
        return result
    except WhatIfError as exc:
        return error_result(exc.code, exc.message, exc.field)
    except Exception:  # a defect, not the caller's fault: report it without a stack trace
        logger.exception("what-if evaluation failed")
        return error_result(
            INTERNAL_ERROR,
            "Hệ thống gặp lỗi khi tính yêu cầu này nên chưa có kết quả. Hãy báo quản trị viên để kiểm tra.",
            None,
        )


def evaluate_many(obj) -> tuple[list[dict] | dict, bool]:
    """Evaluate one request object or a list of them: (results in the same shape, all well-formed)."""
    if isinstance(obj, list):
        results = [evaluate_one(item) for item in obj]
        return results, not any(is_error(r) for r in results)
    result = evaluate_one(obj)
    return result, not is_error(result)
