"""Vote tally of an emulation–commendation council (hội đồng thi đua, khen thưởng) or a khối's own vote.

`tally(request)` takes the voting request of whatif-api.md and returns the response of that
contract: quorum, threshold, one result per candidate, the tie at the cut-off and the number of
invalid ballots, plus Vietnamese explanations a council secretary can paste into the minutes.
It is pure: no Django, no database, no clock. Real polls of the `voting` app call it too.

Rules (domain-rules.md §5; ND98 = Nghị định 98/2023/NĐ-CP):

- Threshold: yes votes must reach `percent` of the BASE, which is the whole council
  (`council_size`), not those present: `yes * 100 >= percent * council_size`, in exact
  arithmetic (ND98 Art. 30(7): 90% for Anh hùng, CSTĐ toàn quốc, CSTĐ tỉnh; 80% for CSTĐCS,
  Cờ thi đua tỉnh, Cờ thi đua Chính phủ). The rule version in force on `decided_on` gives the
  percent (thidua/rules/data/voting_*.json); the NĐ 152/2025 version carries ND98's numbers as
  UNCONFIRMED defaults.
- Awards the law does not put to a mandatory ballot (LĐTT, TTLĐTT, TTLĐXS, Giấy khen, Bằng khen,
  Huân chương…) have no legal threshold: the request must give `threshold_percent` (the share the
  council decided to apply), otherwise the answer is an `invalid_field` error on
  `threshold_percent`. For an award that has a legal threshold, `threshold_percent` may only raise it.
- Count mode: each candidate carries `yes`. Ballot mode: `ballots` lists the approved ids of each
  ballot; a ballot approving more than `quota` candidates is invalid and counts for no one; a blank
  ballot is valid and counts as "not agree" for everyone.
- Selection: passed candidates, highest count first, up to `quota` (no quota: every passed
  candidate). When a tie at the cut-off leaves more candidates than the places left, the tie is
  reported; `chair_choice` (ids among the tied, at most the places left) resolves it; without it the
  tied candidates are not selected.
- Quorum: `required = ceil(share * council_size)` with the share of the rule version (default 2/3,
  UNCONFIRMED); `attending = present`. Anh hùng sessions need ≥ 90 % of the members present
  (`quorum_by_award`; ND98 Art. 47, carried into the NĐ 152/2025 version as UNCONFIRMED). A meeting
  without quorum still reports the counts, with `met: false` and nobody selected.
- `percent` per candidate is `yes / council_size` as a string with two decimals, rounded half up,
  for display only.
- Validation (each an `invalid_field` error naming the field path, Vietnamese message): whole
  non-negative numbers; present ≤ council_size; written_opinions ≤ council_size − present; a yes
  count ≤ council_size and ≤ present + written_opinions when the latter is given (the same bound for
  the number of ballots); quota ≥ 1 or null (no limit); candidate ids unique, strings or integers;
  ballots name only listed candidates, each at most once; chair_choice only when there is an
  unresolved tie, only tied ids, at most the places left. Unknown award → `unknown_award`; a date
  before the first rule version → `no_rule_version`.

Provincial overrides (rows of a province's own regulation, already filtered to that province; the
same row shape as the eligibility overrides of thidua/rules/versions.py) may only make the rules
stricter::

    {"rule": "CO_TINH" | "*", "param": "vote_threshold_percent" | "quorum_percent", "value": 80,
     "effective_from": "2025-12-15" | None, "effective_to": None | "…",
     "citation": "QĐ 86/2025/QĐ-UBND tỉnh Bắc Ninh, Điều 8 khoản 4"}

`rule` is the award code the row applies to, or "*" for every award (and for a vote without an
award). A row outside its dates, for another award or with another param is ignored.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import ROUND_CEILING, Decimal
from fractions import Fraction
from pathlib import Path

from thidua.rules.catalogue import AWARD_NAMES as CATALOGUE_NAMES
from thidua.rules.errors import WhatIfError

DATA_DIR = Path(__file__).parent / "data"

# The award codes of whatif-api.md (thidua/rules/catalogue.py), plus the two Anh hùng titles whose
# ballots ND98 Art. 30(7) also rules (90%); they are voting-only codes, not evaluated for eligibility.
AWARD_NAMES = {
    **CATALOGUE_NAMES,
    "AHLD": "Anh hùng Lao động",
    "AHLLVT": "Anh hùng Lực lượng vũ trang nhân dân",
}

_MISSING = object()


# --------------------------------------------------------------------------- rule versions


def _load_versions() -> list[dict]:
    versions = []
    for path in sorted(DATA_DIR.glob("voting_*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        doc["_from"] = dt.date.fromisoformat(doc["effective_from"])
        doc["_to"] = dt.date.fromisoformat(doc["effective_to"]) if doc.get("effective_to") else None
        versions.append(doc)
    versions.sort(key=lambda v: v["_from"])
    return versions


VERSIONS: list[dict] = _load_versions()


def version_on(day: dt.date) -> dict | None:
    """The voting rule version in force on `day`, or None."""
    for version in VERSIONS:
        if version["_from"] <= day and (version["_to"] is None or day <= version["_to"]):
            return version
    return None


def rule_info(version: dict) -> dict:
    return {
        "id": version["id"],
        "version": version["version"],
        "effective_from": version["effective_from"],
        "effective_to": version.get("effective_to"),
        "citations": list(version["citations"]),
        "evidence": version.get("evidence"),
        "confirmed": bool(version.get("confirmed")),
        "note": version.get("note", ""),
    }


# --------------------------------------------------------------------------- formatting


def vn_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def percent_string(yes: int, base: int) -> str:
    """yes / base as a percentage with two decimals, rounded half up ("93.33")."""
    hundredths = (yes * 10000 * 2 + base) // (2 * base)
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def _vn_number(value) -> str:
    """A number or a "93.33" string in Vietnamese notation (decimal comma)."""
    return str(value).replace(".", ",")


def _percent_value(p: Decimal):
    """A Decimal percent as JSON: an int when whole, else a float (display only)."""
    return int(p) if p == p.to_integral_value() else float(p)


def _share_text(share: Fraction) -> str:
    pct = share * 100
    if pct.denominator == 1:
        return f"{pct.numerator}%"
    return f"{share.numerator}/{share.denominator}"


def _label(candidate: dict) -> str:
    name = candidate.get("name")
    return f"{name} ({candidate['id']})" if name else str(candidate["id"])


# --------------------------------------------------------------------------- validation


def _invalid(field: str | None, message: str) -> WhatIfError:
    return WhatIfError("invalid_field", message, field)


def _int(value, field: str, label: str, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _invalid(field, f"{label} ({field}) phải là một số nguyên.")
    if value < minimum:
        if minimum == 0:
            raise _invalid(field, f"{label} ({field}) không được là số âm.")
        raise _invalid(field, f"{label} ({field}) phải từ {minimum} trở lên.")
    return value


def _candidate_id(value, field: str):
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _invalid(field, f"Mã người/đơn vị được bình xét ({field}) phải là chuỗi ký tự hoặc số nguyên.")
    if isinstance(value, str) and not value.strip():
        raise _invalid(field, f"Mã người/đơn vị được bình xét ({field}) không được để trống.")
    return value


def _date(request: dict) -> dt.date:
    value = request.get("decided_on", _MISSING)
    if value is _MISSING or value is None:
        raise _invalid("decided_on", "Thiếu ngày quyết định (decided_on), dạng YYYY-MM-DD, ví dụ 2026-01-05.")
    if not isinstance(value, str):
        raise _invalid("decided_on", "Ngày quyết định (decided_on) phải là chuỗi dạng YYYY-MM-DD, ví dụ 2026-01-05.")
    try:
        if len(value) != 10:
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _invalid(
            "decided_on", f"Ngày quyết định (decided_on) “{value}” không hợp lệ: cần dạng YYYY-MM-DD, ví dụ 2026-01-05."
        ) from None


def _percent(value, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _invalid(field, f"Tỷ lệ đồng ý ({field}) phải là một số phần trăm, ví dụ 80.")
    pct = Decimal(str(value))
    if not pct.is_finite() or pct <= 0 or pct > 100:
        raise _invalid(field, f"Tỷ lệ đồng ý ({field}) phải lớn hơn 0 và không quá 100 (%).")
    if pct != pct.quantize(Decimal("0.01")):
        raise _invalid(field, f"Tỷ lệ đồng ý ({field}) chỉ được có tối đa hai chữ số thập phân.")
    return pct


def _parse(request) -> dict:
    if not isinstance(request, dict):
        raise _invalid(None, "Yêu cầu kiểm phiếu phải là một đối tượng JSON.")
    decided_on = _date(request)

    award = request.get("award")
    if award is not None:
        if not isinstance(award, str):
            raise _invalid("award", "Mã danh hiệu, hình thức khen thưởng (award) phải là chuỗi, ví dụ “CSTDCS”.")
        if award not in AWARD_NAMES:
            raise WhatIfError("unknown_award", f"Không có danh hiệu, hình thức khen thưởng mã “{award}”.", "award")

    threshold_percent = request.get("threshold_percent")
    if threshold_percent is not None:
        threshold_percent = _percent(threshold_percent, "threshold_percent")

    if "council_size" not in request or request["council_size"] is None:
        raise _invalid("council_size", "Thiếu tổng số thành viên hội đồng (council_size).")
    council_size = _int(request["council_size"], "council_size", "Tổng số thành viên hội đồng", minimum=1)
    if "present" not in request or request["present"] is None:
        raise _invalid("present", "Thiếu số thành viên có mặt (present).")
    present = _int(request["present"], "present", "Số thành viên có mặt")
    if present > council_size:
        raise _invalid(
            "present", f"Số thành viên có mặt ({present}) không được lớn hơn tổng số thành viên hội đồng ({council_size})."
        )
    written = request.get("written_opinions")
    if written is not None:
        written = _int(written, "written_opinions", "Số ý kiến bằng văn bản")
        if written > council_size - present:
            raise _invalid(
                "written_opinions",
                f"Số ý kiến bằng văn bản ({written}) không được lớn hơn số thành viên vắng mặt "
                f"({council_size - present} = {council_size} − {present}).",
            )
    quota = request.get("quota")
    if quota is not None:
        quota = _int(quota, "quota", "Số lượng được đề nghị (chỉ tiêu)", minimum=1)

    raw_candidates = request.get("candidates")
    if not isinstance(raw_candidates, list):
        raise _invalid("candidates", "Thiếu danh sách người/đơn vị được bình xét (candidates).")
    if not raw_candidates:
        raise _invalid("candidates", "Danh sách người/đơn vị được bình xét (candidates) không được để trống.")

    ballots = request.get("ballots")
    ballot_mode = ballots is not None
    voters = council_size if written is None else present + written

    candidates: list[dict] = []
    seen: dict = {}
    for i, raw in enumerate(raw_candidates):
        field = f"candidates[{i}]"
        if not isinstance(raw, dict):
            raise _invalid(field, f"Mỗi người/đơn vị được bình xét ({field}) phải là một đối tượng có “id”.")
        cid = _candidate_id(raw.get("id"), f"{field}.id")
        if cid in seen:
            raise _invalid(f"{field}.id", f"Mã “{cid}” bị trùng: đã có ở candidates[{seen[cid]}].")
        seen[cid] = i
        name = raw.get("name")
        if name is not None and not isinstance(name, str):
            raise _invalid(f"{field}.name", f"Tên ({field}.name) phải là chuỗi ký tự.")
        candidate = {"id": cid, "name": " ".join(name.split()) if name else None}
        yes = raw.get("yes")
        if ballot_mode:
            if yes is not None:
                raise _invalid(
                    f"{field}.yes",
                    "Đã gửi danh sách phiếu (ballots) thì không nhập số phiếu đồng ý (yes): số phiếu được đếm từ các phiếu.",
                )
        else:
            if yes is None:
                raise _invalid(
                    f"{field}.yes",
                    f"Thiếu số phiếu đồng ý ({field}.yes); hoặc gửi danh sách phiếu (ballots) để hệ thống đếm.",
                )
            yes = _int(yes, f"{field}.yes", "Số phiếu đồng ý")
            if yes > council_size:
                raise _invalid(
                    f"{field}.yes",
                    f"Số phiếu đồng ý của “{cid}” ({yes}) không được lớn hơn tổng số thành viên hội đồng ({council_size}).",
                )
            if yes > voters:
                raise _invalid(
                    f"{field}.yes",
                    f"Số phiếu đồng ý của “{cid}” ({yes}) lớn hơn số người bỏ phiếu: {present} có mặt "
                    f"và {written} ý kiến bằng văn bản.",
                )
            candidate["yes"] = yes
        candidates.append(candidate)

    parsed_ballots: list[list] = []
    if ballot_mode:
        if not isinstance(ballots, list):
            raise _invalid("ballots", "Danh sách phiếu (ballots) phải là một danh sách, mỗi phiếu là danh sách mã được đồng ý.")
        if len(ballots) > council_size:
            raise _invalid(
                "ballots",
                f"Số phiếu ({len(ballots)}) lớn hơn tổng số thành viên hội đồng ({council_size}): mỗi thành viên chỉ có một phiếu.",
            )
        if len(ballots) > voters:
            raise _invalid(
                "ballots",
                f"Số phiếu ({len(ballots)}) lớn hơn số người bỏ phiếu: {present} có mặt và {written} ý kiến bằng văn bản.",
            )
        for i, ballot in enumerate(ballots):
            if not isinstance(ballot, list):
                raise _invalid(f"ballots[{i}]", f"Phiếu ballots[{i}] phải là danh sách mã được đồng ý (phiếu trắng là []).")
            marks = []
            for j, cid in enumerate(ballot):
                field = f"ballots[{i}][{j}]"
                _candidate_id(cid, field)
                if cid not in seen:
                    raise _invalid(field, f"Phiếu ballots[{i}] ghi mã “{cid}” không có trong danh sách được bình xét.")
                if cid in marks:
                    raise _invalid(field, f"Phiếu ballots[{i}] ghi mã “{cid}” hai lần.")
                marks.append(cid)
            parsed_ballots.append(marks)

    chair_choice = request.get("chair_choice")
    if chair_choice is None:
        chair_choice = []
    if not isinstance(chair_choice, list):
        raise _invalid("chair_choice", "Lựa chọn của Chủ tịch hội đồng (chair_choice) phải là danh sách mã.")
    for i, cid in enumerate(chair_choice):
        _candidate_id(cid, f"chair_choice[{i}]")
        if chair_choice.index(cid) != i:
            raise _invalid(f"chair_choice[{i}]", f"Mã “{cid}” bị ghi hai lần trong lựa chọn của Chủ tịch hội đồng.")

    return {
        "decided_on": decided_on,
        "award": award,
        "threshold_percent": threshold_percent,
        "council_size": council_size,
        "present": present,
        "written_opinions": written,
        "quota": quota,
        "candidates": candidates,
        "ballot_mode": ballot_mode,
        "ballots": parsed_ballots,
        "chair_choice": chair_choice,
    }


# --------------------------------------------------------------------------- overrides


OVERRIDE_PARAMS = ("vote_threshold_percent", "quorum_percent")


def _override_date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _overrides_in_force(overrides, day: dt.date, award: str | None) -> list[dict]:
    chosen = []
    for override in overrides or []:
        if override.get("param") not in OVERRIDE_PARAMS or override.get("value") is None:
            continue
        if override.get("rule", "*") not in ("*", award):
            continue
        start = _override_date(override.get("effective_from"))
        end = _override_date(override.get("effective_to"))
        if (start and day < start) or (end and day > end):
            continue
        chosen.append(override)
    return chosen


# --------------------------------------------------------------------------- threshold and quorum


def _threshold(req: dict, version: dict, overrides: list[dict]) -> dict:
    award = req["award"]
    requested = req["threshold_percent"]
    legal = version["thresholds"].get(award) if award else None
    percent: Decimal | None = None
    citation = ""
    source = ""
    if legal is not None:
        percent = Decimal(legal["percent"])
        citation = legal["citation"]
        source = "rule"
    for override in overrides:
        if override["param"] != "vote_threshold_percent":
            continue
        value = Decimal(str(override["value"]))
        if percent is None or value > percent:
            percent = value
            citation = override.get("citation") or "Quy định của tỉnh"
            source = "province"
    if requested is not None:
        if percent is not None and requested < percent:
            raise _invalid(
                "threshold_percent",
                f"Tỷ lệ đồng ý {_vn_number(_percent_value(requested))}% thấp hơn mức tối thiểu "
                f"{_vn_number(_percent_value(percent))}% khi xét {AWARD_NAMES[award]} ({citation}).",
            )
        if percent is None or requested > percent:
            base_citation = citation
            percent = requested
            source = "request"
            citation = "Tỷ lệ đồng ý do hội đồng, khối thi đua quyết định áp dụng"
            if base_citation:
                citation += f"; mức tối thiểu theo {base_citation}"
    if percent is None:
        if award is None:
            message = (
                "Cần chọn danh hiệu, hình thức khen thưởng (award) hoặc nhập tỷ lệ đồng ý "
                "(threshold_percent, ví dụ 80) để kiểm phiếu."
            )
        else:
            message = (
                f"Pháp luật không quy định bắt buộc bỏ phiếu với tỷ lệ cố định khi xét {AWARD_NAMES[award]}; "
                "hãy nhập tỷ lệ đồng ý mà hội đồng áp dụng (threshold_percent, ví dụ 50)."
            )
        raise _invalid("threshold_percent", message)
    base = req["council_size"]
    votes_needed = int((percent * base / 100).to_integral_value(rounding=ROUND_CEILING))
    return {
        "percent": _percent_value(percent),
        "base": "council_size",
        "base_size": base,
        "votes_needed": votes_needed,
        "citation": citation,
        "source": source,
        # The law requires a ballot for this award (its result goes into the dossier).
        "ballot_required": legal is not None,
        "text": (
            f"Ngưỡng: ít nhất {_vn_number(_percent_value(percent))}% {version['base_text']}, tức ít nhất "
            f"{votes_needed}/{base} phiếu đồng ý; căn cứ: {citation}."
        ),
        "_exact": percent,
    }


def _quorum(req: dict, version: dict, overrides: list[dict]) -> dict:
    rule = version["quorum"]
    share = Fraction(rule["numerator"], rule["denominator"])
    citation = rule["citation"]
    reason = ""
    # Some awards need more members present than the meeting's quorum (Anh hùng: 90 %).
    special = version.get("quorum_by_award", {}).get(req["award"]) if req["award"] else None
    if special is not None and Fraction(special["numerator"], special["denominator"]) > share:
        share = Fraction(special["numerator"], special["denominator"])
        citation = special["citation"]
        reason = f"phiên họp xét {AWARD_NAMES[req['award']]} phải có ít nhất {_share_text(share)} thành viên dự họp"
    for override in overrides:
        if override["param"] != "quorum_percent":
            continue
        candidate = Fraction(Decimal(str(override["value"]))) / 100
        if candidate > share:
            share = candidate
            citation = override.get("citation") or "Quy định của tỉnh"
            reason = ""
    council = req["council_size"]
    # ceil(share * council) in integers
    required = -((-share.numerator * council) // share.denominator)
    attending = req["present"]
    met = attending >= required
    basis = f"{_share_text(share)} tổng số thành viên" + (f"; {reason}, {citation}" if reason else "")
    text = f"Có mặt {attending}/{council} thành viên; cần ít nhất {required} thành viên ({basis}): "
    if met:
        text += "đủ điều kiện tiến hành bình xét."
    else:
        text += "không đủ số thành viên dự họp, kết quả bỏ phiếu chỉ để tham khảo, không ai được chọn."
    return {
        "met": met,
        "required": required,
        "attending": attending,
        "text": text,
        "share": _share_text(share),
        "citation": citation,
        "reason": reason,
    }


# --------------------------------------------------------------------------- counting and selection


def _count(req: dict) -> tuple[dict, dict]:
    """Yes counts per candidate id, and the ballot statistics."""
    counts = {c["id"]: 0 for c in req["candidates"]}
    if not req["ballot_mode"]:
        for c in req["candidates"]:
            counts[c["id"]] = c["yes"]
        return counts, {"mode": "count", "ballots": None, "valid_ballots": None, "blank_ballots": None, "invalid_ballots": 0}
    quota = req["quota"]
    invalid = blank = 0
    for ballot in req["ballots"]:
        if quota is not None and len(ballot) > quota:
            invalid += 1
            continue
        if not ballot:
            blank += 1
        for cid in ballot:
            counts[cid] += 1
    total = len(req["ballots"])
    return counts, {
        "mode": "ballots",
        "ballots": total,
        "valid_ballots": total - invalid,
        "blank_ballots": blank,
        "invalid_ballots": invalid,
    }


def _select(req: dict, passed_ids: list, counts: dict) -> tuple[set, dict | None]:
    """The ids selected within the quota and the tie at the cut-off (None when there is none)."""
    quota = req["quota"]
    chair_choice = req["chair_choice"]
    if quota is None or len(passed_ids) <= quota:
        if chair_choice:
            raise _invalid(
                "chair_choice",
                "Không có trường hợp bằng phiếu ở vị trí cuối của chỉ tiêu nên không cần lựa chọn của Chủ tịch hội đồng (chair_choice).",
            )
        return set(passed_ids), None
    ordered = sorted(passed_ids, key=lambda cid: -counts[cid])
    cutoff = counts[ordered[quota - 1]]
    above = [cid for cid in passed_ids if counts[cid] > cutoff]
    at_cutoff = [cid for cid in passed_ids if counts[cid] == cutoff]
    places_left = quota - len(above)
    if len(above) + len(at_cutoff) <= quota:  # cannot happen: the cut-off is the quota-th count
        return set(above) | set(at_cutoff), None
    tie = {"ids": at_cutoff, "resolved_by": None, "places_left": places_left, "yes": cutoff}
    if not chair_choice:
        return set(above), tie
    for i, cid in enumerate(chair_choice):
        if cid not in at_cutoff:
            raise _invalid(
                f"chair_choice[{i}]",
                f"Chủ tịch hội đồng chỉ chọn trong số bằng phiếu ở vị trí cuối ({', '.join(map(str, at_cutoff))}); "
                f"“{cid}” không thuộc số đó.",
            )
    if len(chair_choice) > places_left:
        raise _invalid(
            "chair_choice",
            f"Chủ tịch hội đồng chọn {len(chair_choice)} người/đơn vị nhưng chỉ còn {places_left} suất trong chỉ tiêu.",
        )
    tie["resolved_by"] = "chair"
    tie["chosen"] = list(chair_choice)
    return set(above) | set(chair_choice), tie


def tally(request: dict, *, overrides: list[dict] | None = None) -> dict:
    """Count a council vote per whatif-api.md ("Voting"). Raises WhatIfError on a malformed request."""
    req = _parse(request)
    version = version_on(req["decided_on"])
    if version is None:
        first = VERSIONS[0]["_from"] if VERSIONS else None
        raise WhatIfError(
            "no_rule_version",
            f"Chưa có quy định về bỏ phiếu, kiểm phiếu có hiệu lực vào ngày {vn_date(req['decided_on'])}"
            + (f" (hệ thống có quy định từ ngày {vn_date(first)})." if first else "."),
            "decided_on",
        )
    in_force = _overrides_in_force(overrides, req["decided_on"], req["award"])
    threshold = _threshold(req, version, in_force)
    quorum = _quorum(req, version, in_force)
    counts, stats = _count(req)

    exact = threshold.pop("_exact")
    base = req["council_size"]
    passed_ids = [c["id"] for c in req["candidates"] if counts[c["id"]] * 100 >= exact * base]
    selected_ids, tie = _select(req, passed_ids, counts)
    if not quorum["met"]:
        selected_ids = set()
    needs_chair_choice = bool(tie and tie["resolved_by"] is None and quorum["met"])

    by_id = {c["id"]: c for c in req["candidates"]}
    results = []
    for c in req["candidates"]:
        yes = counts[c["id"]]
        pct = percent_string(yes, base)
        passed = c["id"] in passed_ids
        selected = c["id"] in selected_ids
        in_tie = bool(tie and c["id"] in tie["ids"])
        text = f"{_label(c)}: {yes}/{base} phiếu đồng ý ({_vn_number(pct)}% tổng số thành viên), "
        if passed:
            text += f"đạt ngưỡng {_vn_number(threshold['percent'])}%"
        else:
            text += f"không đạt ngưỡng {_vn_number(threshold['percent'])}% (cần ít nhất {threshold['votes_needed']} phiếu)"
        if selected:
            text += "; được chọn."
        elif not passed:
            text += "."
        elif not quorum["met"]:
            text += "; không được chọn vì hội nghị không đủ số thành viên dự họp."
        elif in_tie and tie["resolved_by"] is None:
            text += "; bằng phiếu ở vị trí cuối của chỉ tiêu, chờ Chủ tịch hội đồng quyết định."
        elif in_tie:
            text += "; bằng phiếu ở vị trí cuối, Chủ tịch hội đồng không chọn."
        else:
            text += "; ngoài chỉ tiêu."
        row = {"id": c["id"], "yes": yes, "percent": pct, "passed": passed, "selected": selected, "text": text}
        if c["name"]:
            row["name"] = c["name"]
        results.append(row)

    tie_out = None
    if tie is not None:
        names = ", ".join(_label(by_id[cid]) for cid in tie["ids"])
        if tie["resolved_by"] == "chair":
            chosen = ", ".join(_label(by_id[cid]) for cid in tie["chosen"])
            tie_text = (
                f"{names} cùng {tie['yes']} phiếu ở vị trí cuối, còn {tie['places_left']} suất; "
                f"Chủ tịch hội đồng chọn {chosen}."
            )
        else:
            tie_text = (
                f"{names} cùng {tie['yes']} phiếu ở vị trí cuối nhưng chỉ còn {tie['places_left']} suất: "
                "cần Chủ tịch hội đồng quyết định (chair_choice)."
            )
        tie_out = {
            "ids": tie["ids"],
            "resolved_by": tie["resolved_by"],
            "places_left": tie["places_left"],
            "yes": tie["yes"],
            "text": tie_text,
        }

    explanation = [quorum["text"], threshold["text"]]
    if stats["mode"] == "ballots":
        explanation.append(
            f"Tổng số phiếu: {stats['ballots']}; hợp lệ {stats['valid_ballots']} (trong đó {stats['blank_ballots']} phiếu trắng, "
            f"tính là không đồng ý); không hợp lệ {stats['invalid_ballots']} (đồng ý quá {req['quota']} người/đơn vị, "
            "không tính cho ai)."
            if req["quota"] is not None
            else f"Tổng số phiếu: {stats['ballots']}; {stats['blank_ballots']} phiếu trắng, tính là không đồng ý."
        )
    if req["written_opinions"]:
        explanation.append(
            f"Số phiếu đồng ý đã gồm {req['written_opinions']} ý kiến bằng văn bản của thành viên vắng mặt."
        )
    explanation.extend(row["text"] for row in results)
    if tie_out:
        explanation.append(tie_out["text"])

    return {
        "kind": "voting",
        "decided_on": req["decided_on"].isoformat(),
        "award": {"code": req["award"], "name": AWARD_NAMES[req["award"]]} if req["award"] else None,
        "rule": rule_info(version),
        "quorum": quorum,
        "threshold": threshold,
        "results": results,
        "tie": tie_out,
        "needs_chair_choice": needs_chair_choice,
        "invalid_ballots": stats["invalid_ballots"],
        "counting": stats,
        "council_size": base,
        "written_opinions": req["written_opinions"],
        "quota": req["quota"],
        "explanation": explanation,
    }


# --------------------------------------------------------------------------- equal merit: women first


def _load_equal_merit() -> list[dict]:
    doc = json.loads((DATA_DIR / "equal_merit.json").read_text(encoding="utf-8"))
    versions = []
    for version in doc["versions"]:
        versions.append({
            **version,
            "_from": dt.date.fromisoformat(version["effective_from"]),
            "_to": dt.date.fromisoformat(version["effective_to"]) if version.get("effective_to") else None,
        })
    return sorted(versions, key=lambda v: v["_from"])


EQUAL_MERIT: list[dict] = _load_equal_merit()


def equal_merit(tied: list[dict], decided_on: dt.date) -> dict:
    """What the chair sees when candidates tie at the cut-off of the quota (NĐ 152/2025 Điều 4 khoản 6).

    `tied`: the tied candidates, each ``{"id", "name", "female": bool | None}`` for a person, or
    ``{"id", "name", "women": int, "members": int}`` for a collective (its women among its
    people). Returns each candidate's gender (or share of women), whether the rule prefers it, the
    rule with its citation, and one sentence for the chair and the minutes. The chair still
    decides (chair_choice); this only shows the rule the choice should follow.
    """
    rule = next((v for v in EQUAL_MERIT if v["_from"] <= decided_on and (v["_to"] is None or decided_on <= v["_to"])), None)
    in_force = bool(rule and rule.get("women_first"))
    percent = (rule or {}).get("collective_women_percent", 70)
    rows = []
    for c in tied:
        name = c.get("name") or str(c["id"])
        if "members" in c or "women" in c:
            women, members = int(c.get("women") or 0), int(c.get("members") or 0)
            preferred = members > 0 and women * 100 >= percent * members
            gender = f"tỷ lệ nữ {percent_string(women, members).replace('.', ',')}% ({women}/{members} người)" if members else "chưa có danh sách người của tập thể"
        else:
            female = c.get("female")
            preferred = female is True
            gender = {True: "nữ", False: "nam"}.get(female, "chưa ghi giới tính")
        rows.append({"id": c["id"], "name": name, "gender": gender, "preferred": in_force and preferred})
    preferred = [r for r in rows if r["preferred"]]
    if rule is None:
        text = f"Chưa có quy định về ưu tiên khi bằng thành tích có hiệu lực vào ngày {vn_date(decided_on)}."
        return {"in_force": False, "rule": None, "citation": "", "candidates": rows, "preferred_ids": [], "text": text}
    genders = "; ".join(f"{r['name']}: {r['gender']}" for r in rows)
    if not in_force:
        text = f"{genders}. {rule['text']} ({rule['citation']})."
    elif preferred and len(preferred) < len(rows):
        text = (
            f"{genders}. {rule['text']} ({rule['citation']}): ưu tiên "
            + ", ".join(r["name"] for r in preferred) + "; Chủ tịch hội đồng quyết định."
        )
    else:
        which = "đều thuộc diện được ưu tiên" if preferred else "không ai thuộc diện được ưu tiên"
        text = f"{genders}. {rule['text']} ({rule['citation']}); các trường hợp bằng phiếu {which}, Chủ tịch hội đồng quyết định."
    return {
        "in_force": in_force,
        "rule": rule["text"],
        "citation": rule["citation"],
        "evidence": rule.get("evidence"),
        "candidates": rows,
        "preferred_ids": [r["id"] for r in preferred],
        "text": text,
    }
