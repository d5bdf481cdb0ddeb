"""Provincial regulation packs: a province's own TĐKT regulation as dated data (pure, no Django).

A pack is one document of one province (e.g. Bắc Ninh QĐ 86/2025/QĐ-UBND, issued 03/12/2025, in
force 15/12/2025). It binds that province only, from its effective date (domain-rules §4, "Whose
text binds whom"). It holds:

- ``number`` ("86/2025/QĐ-UBND"), ``title``, ``issued_on``, ``effective_from``, ``effective_to``
  (last day, None = open), ``province`` (as cited: "tỉnh Bắc Ninh"), ``province_code``;
- ``citations``: the article of the pack that spells out each award's standard
  (``{"TTLDTT": "Điều 4 khoản 2"}``): a result for that award cites it beside the Law;
- ``entries``: the parameters it sets, each ``{"family": "eligibility" | "voting", "rule", "param",
  "value", "article", "effective_from", "effective_to"}`` (dates None = the pack's own).

The engine reads packs as data: :func:`entry_rows` flattens the entries in force into the
override rows of thidua/rules/versions.py and thidua/rules/voting.py (each citing the pack and its
article), and :func:`cite` adds the pack's citation to an eligibility result. The database side
(thidua/awards) stores packs and their entries and turns them into this shape; shipped packs
(thidua/rules/data/packs/*.json) are loaded into it by a data migration.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache
from pathlib import Path

from thidua.rules.catalogue import AWARD_CODES, AWARD_NAMES
from thidua.rules.versions import in_force, parse_date

PACKS_DIR = Path(__file__).parent / "data" / "packs"
FIRST_DAY = dt.date(2024, 1, 1)  # Luật Thi đua, khen thưởng 2022 in force
NUMBER_RE = re.compile(r"^\d{1,6}(/\d{4})?/[A-ZĐ]{2,}(-[A-ZĐ0-9]+)*$")
ARTICLE_RE = re.compile(r"^Điều \d+")
# Checks that state a principle of the decree, not the award's own standard: never re-cited.
PRINCIPLE_CHECKS = frozenset({"discipline", "pending_investigation", "subject_kind"})


class PackInvalid(ValueError):
    """A pack (or one of its fields) that cannot be stored; ``message`` is Vietnamese."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _d(value) -> str:
    day = parse_date(value)
    return day.strftime("%d/%m/%Y") if day else ""


def short_citation(pack: dict) -> str:
    """How a check cites the pack: "QĐ 86/2025/QĐ-UBND tỉnh Bắc Ninh"."""
    number = pack["number"]
    if NUMBER_RE.match(number):
        return f"QĐ {number} {pack['province']}" if "/QĐ-" in number else f"{number} {pack['province']}"
    return number  # a pack migrated from a free-text citation keeps it as written


def label(pack: dict) -> str:
    """How a result names the pack: "theo Quy định ban hành kèm theo Quyết định 86/2025/QĐ-UBND
    ngày 03/12/2025 của tỉnh Bắc Ninh"."""
    if not NUMBER_RE.match(pack["number"]) or not pack.get("issued_on"):
        return f"theo Quy định của {pack['province']} ({pack['number']})"
    doc = "Quyết định " if "/QĐ-" in pack["number"] else "văn bản "
    return f"theo Quy định ban hành kèm theo {doc}{pack['number']} ngày {_d(pack['issued_on'])} của {pack['province']}"


def article_citation(pack: dict, article: str | None) -> str:
    return f"{short_citation(pack)}, {article}" if article else short_citation(pack)


def _clip(entry: dict, pack: dict) -> tuple[str | None, str | None]:
    """An entry's dates inside its pack's: (first day, last day or None), ISO strings."""
    start = max(filter(None, [parse_date(entry.get("effective_from")), parse_date(pack.get("effective_from"))]))
    ends = [d for d in (parse_date(entry.get("effective_to")), parse_date(pack.get("effective_to"))) if d]
    end = min(ends) if ends else None
    return start.isoformat(), end.isoformat() if end else None


def entry_rows(packs: list[dict] | None, family: str) -> list[dict]:
    """The override rows of ``family`` set by ``packs`` (their dates clipped to the pack's)."""
    rows = []
    for pack in packs or []:
        for entry in pack.get("entries", []):
            if entry.get("family", "eligibility") != family:
                continue
            start, end = _clip(entry, pack)
            if end is not None and end < start:
                continue  # withdrawn before it applied
            rows.append(
                {
                    "rule": entry["rule"],
                    "param": entry["param"],
                    "value": entry["value"],
                    "effective_from": start,
                    "effective_to": end,
                    "citation": article_citation(pack, entry.get("article")),
                    "pack": short_citation(pack),
                }
            )
    return rows


def provincial(packs: list[dict] | None, code: str, on: dt.date) -> list[dict]:
    """The packs in force on ``on`` that speak of award ``code`` (a citation or an entry in force)."""
    found = []
    for pack in packs or []:
        if not in_force(pack, on):
            continue
        article = (pack.get("citations") or {}).get(code)
        sets = any(r["rule"] == code and in_force(r, on) for r in entry_rows([pack], "eligibility"))
        if article or sets:
            found.append(
                {
                    "number": pack["number"],
                    "title": pack.get("title", ""),
                    "province": pack["province"],
                    "effective_from": pack["effective_from"],
                    "citation": article_citation(pack, article),
                    "text": label(pack),
                }
            )
    return found


def cite(result: dict, packs: list[dict] | None, on: dt.date) -> dict:
    """An eligibility result with the province's packs in force cited beside the Law.

    ``rule.citations`` gains each pack's article, ``rule.provincial`` says "theo Quy định … của
    tỉnh …", and each check of the award's own standard cites the article after the Law's.
    """
    mine = provincial(packs, result["award"], on)
    if not mine or any(c["code"] == "subject_kind" for c in result["checks"]):
        return result
    extra = "; ".join(p["citation"] for p in mine)
    rule = dict(result["rule"], citations=list(result["rule"]["citations"]) + [p["citation"] for p in mine], provincial=mine)
    checks = [{**c, "citation": f"{c['citation']}; {extra}"} if _own_standard(c) else c for c in result["checks"]]
    return {**result, "rule": rule, "checks": checks}


def _own_standard(check: dict) -> bool:
    """False for a check the pack does not speak to: a principle of the decree, or a national
    default still UNCONFIRMED (unless the pack itself set its value)."""
    if check["code"] in PRINCIPLE_CHECKS:
        return False
    return not (check.get("unconfirmed") and not check.get("override"))


# --------------------------------------------------------------------------- validation


def validate_pack(pack: dict, *, province_from: dt.date | None = None, province_to: dt.date | None = None) -> dict:
    """The pack's own fields checked and normalised (dates as ``date``); PackInvalid otherwise.

    Entries are checked one by one with thidua/rules/registry.py ``validate_entry``.
    """
    number = " ".join(str(pack.get("number") or "").split())
    if not number:
        raise PackInvalid("Hãy nhập số, ký hiệu văn bản của tỉnh, ví dụ 86/2025/QĐ-UBND.", "number")
    if not NUMBER_RE.match(number):
        raise PackInvalid(
            f"Số, ký hiệu “{number}” không đúng dạng số/năm/ký hiệu, ví dụ 86/2025/QĐ-UBND (Nghị định 30/2020/NĐ-CP).",
            "number",
        )
    title = " ".join(str(pack.get("title") or "").split())
    if not title:
        raise PackInvalid("Hãy nhập trích yếu của văn bản, ví dụ “Quy định về công tác thi đua, khen thưởng”.", "title")
    issued, start, end = (parse_date(pack.get(k)) for k in ("issued_on", "effective_from", "effective_to"))
    if issued is None:
        raise PackInvalid("Hãy nhập ngày ban hành văn bản (ngày/tháng/năm).", "issued_on")
    if start is None:
        raise PackInvalid("Hãy nhập ngày văn bản có hiệu lực (ngày/tháng/năm).", "effective_from")
    if start < issued:
        raise PackInvalid(
            f"Ngày có hiệu lực {_d(start)} không được trước ngày ban hành {_d(issued)}.", "effective_from"
        )
    if start < FIRST_DAY:
        raise PackInvalid(
            f"Văn bản chỉ được áp dụng từ {_d(FIRST_DAY)} (ngày Luật Thi đua, khen thưởng 2022 có hiệu lực).",
            "effective_from",
        )
    if pack.get("effective_to") and end is None:
        raise PackInvalid("Ngày hết hiệu lực phải có dạng ngày/tháng/năm.", "effective_to")
    if end is not None and end < start:
        raise PackInvalid("Ngày hết hiệu lực không được trước ngày có hiệu lực.", "effective_to")
    if province_from is not None and start < province_from:
        raise PackInvalid(
            f"{pack.get('province') or 'Tỉnh'} có hiệu lực từ ngày {_d(province_from)}; văn bản của tỉnh chỉ áp dụng từ ngày đó.",
            "effective_from",
        )
    if province_to is not None and start > province_to:
        raise PackInvalid(f"Tỉnh chỉ còn hiệu lực đến ngày {_d(province_to)}; hãy nhập văn bản cho tỉnh hiện nay.", "effective_from")
    citations = {}
    for code, article in (pack.get("citations") or {}).items():
        article = " ".join(str(article or "").split())
        if not article:
            continue
        if code not in AWARD_CODES:
            raise PackInvalid(f"Không có danh hiệu, hình thức khen thưởng mã “{code}” để ghi căn cứ.", "citations")
        if not ARTICLE_RE.match(article):
            raise PackInvalid(
                f"Căn cứ của {AWARD_NAMES[code]} phải ghi điều, khoản của văn bản, ví dụ “Điều 4 khoản 2”, không nhận “{article}”.",
                f"cite_{code}",
            )
        citations[code] = article
    return {**pack, "number": number, "title": title, "issued_on": issued, "effective_from": start, "effective_to": end,
            "citations": citations}


def check_article(article: str | None) -> str:
    """The article of a pack that sets an entry ("Điều 4 khoản 2 điểm b"); PackInvalid otherwise."""
    article = " ".join(str(article or "").split())
    if not article:
        raise PackInvalid("Hãy ghi điều, khoản của văn bản quy định tham số này, ví dụ “Điều 4 khoản 2 điểm b”.", "article")
    if not ARTICLE_RE.match(article):
        raise PackInvalid(f"Điều, khoản phải bắt đầu bằng “Điều”, ví dụ “Điều 4 khoản 2 điểm b”, không nhận “{article}”.", "article")
    return article


# --------------------------------------------------------------------------- shipped packs


@lru_cache(maxsize=1)
def shipped_packs() -> tuple[dict, ...]:
    """The packs shipped as data (thidua/rules/data/packs/*.json), each with its ``key``."""
    packs = []
    for path in sorted(PACKS_DIR.glob("*.json")):
        pack = json.loads(path.read_text(encoding="utf-8"))
        packs.append({**pack, "key": path.stem})
    return tuple(packs)


def shipped_for(province_code: str | None) -> list[dict]:
    return [p for p in shipped_packs() if province_code and p["province_code"] == province_code]
