"""The result of a vote held before the first rule version in force (issue #19).

thidua has no rule for a meeting dated before 01/01/2024 (thidua/rules/versions.py), so such a
vote is never counted by the tally nor judged against today's thresholds: it is *recorded* as its
minutes say — the counts the minutes give (possibly none), the outcome the meeting declared, the
percentage the block stated (or none) — and every view and document of it carries the marker
"ghi nhận theo biên bản, không áp dụng quy định hiện hành". The result keeps the keys of the
tally's output (results, quorum, threshold, explanation…) so pages, API and the biên bản kiểm
phiếu read it unchanged; `historical: true` and `rule: null` tell it apart.
"""

from __future__ import annotations

from thidua.core.errors import ActionError
from thidua.rules.voting import AWARD_NAMES, percent_string

HISTORICAL_NOTE = "ghi nhận theo biên bản, không áp dụng quy định hiện hành"

# What the meeting declared, per kind of vote.
DECLARED_WORDS = {
    "AWARD": "được hội nghị thống nhất đề nghị",
    "LEADERSHIP": "trúng cử",
    "LEADER_ACCLAMATION": "được suy tôn",
    "QUESTION": "được thông qua",
}


def _vn(value) -> str:
    return str(value).replace(".", ",")


def _count(value, field: str, label: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ActionError(f"{label} phải là số nguyên không âm.", field=field)
    return value


def historical_result(poll, counts: dict, candidates: list[tuple[str, str]]) -> dict:
    """The stored result of a pre-rule vote.

    `counts`: {"council_size": int|None, "present": int|None, "written_opinions": int|None,
    "yes": {candidate id: int} (only those the minutes give), "declared": [candidate id]}.
    `candidates`: (id, label) in ballot order. Raises ActionError (Vietnamese) on bad input."""
    if not isinstance(counts, dict):
        raise ActionError("Số liệu kiểm phiếu không hợp lệ.")
    size = _count(poll.electorate_size or counts.get("council_size"), "council_size", "Tổng số thành viên")
    present = _count(counts.get("present"), "present", "Số thành viên có mặt")
    written = _count(counts.get("written_opinions"), "written_opinions", "Số ý kiến bằng văn bản") or 0
    if size is not None and size < 1:
        raise ActionError("Tổng số thành viên phải từ 1 trở lên (để trống nếu biên bản không ghi).", field="council_size")
    if size is not None and present is not None and present > size:
        raise ActionError(f"Số có mặt ({present}) lớn hơn tổng số thành viên ({size}).", field="present")
    known = {cid for cid, _ in candidates}
    yes = {str(getattr(k, "pk", k)): v for k, v in (counts.get("yes") or {}).items()}
    declared = [str(getattr(c, "pk", c)) for c in (counts.get("declared") or [])]
    if set(yes) - known or set(declared) - known:
        raise ActionError("Kết quả ghi cho người, đơn vị không có trong danh sách bình xét.", field="declared")
    for cid, label in candidates:
        n = _count(yes.get(cid), "yes", f"Số phiếu đồng ý của {label}")
        if n is not None and size is not None and n > size:
            raise ActionError(f"Số phiếu đồng ý của {label} ({n}) lớn hơn tổng số thành viên ({size}).", field="yes")
        yes[cid] = n
    if not declared:
        raise ActionError(
            "Hãy chọn người, đơn vị mà hội nghị đã công bố (trúng cử, được suy tôn, được đề nghị) theo biên bản.", field="declared"
        )
    if len(set(declared)) != len(declared):
        raise ActionError("Mỗi người, đơn vị chỉ chọn một lần.", field="declared")
    limit = 1 if poll.subject in ("LEADERSHIP", "LEADER_ACCLAMATION") or poll.method == "CHOOSE_ONE" else poll.quota
    if limit is not None and len(declared) > limit:
        raise ActionError(f"Cuộc bỏ phiếu này chỉ chọn tối đa {limit}; biên bản công bố {len(declared)}.", field="declared")

    word = DECLARED_WORDS.get(poll.subject, "được chọn")
    results = []
    for cid, label in candidates:
        n = yes[cid]
        chosen = cid in declared
        pct = percent_string(n, size) if n is not None and size else None
        if n is None:
            text = f"{label}: biên bản không ghi số phiếu"
        elif pct is not None:
            text = f"{label}: {n}/{size} phiếu đồng ý ({_vn(pct)}% tổng số thành viên)"
        else:
            text = f"{label}: {n} phiếu đồng ý"
        text += f"; hội nghị công bố {word}." if chosen else "; hội nghị không công bố."
        results.append({"id": cid, "name": label, "yes": n, "percent": pct, "passed": chosen, "selected": chosen, "text": text})

    note = HISTORICAL_NOTE[0].upper() + HISTORICAL_NOTE[1:]
    if present is None:
        quorum_text = f"Số thành viên có mặt: biên bản không ghi ({note})."
    else:
        quorum_text = f"Số thành viên có mặt: {present}" + (f"/{size}" if size else "") + f" ({note})."
    stated = poll.threshold_pct
    if stated is None:
        threshold = {"percent": None, "base": "council_size", "source": "minutes", "citation": poll.citation,
                     "text": f"Biên bản không nêu tỷ lệ đồng ý cần đạt; kết quả theo công bố của hội nghị ({HISTORICAL_NOTE})."}
    else:
        percent = float(stated) if stated != int(stated) else int(stated)
        threshold = {"percent": percent, "base": "council_size", "source": "minutes", "citation": poll.citation,
                     "text": f"Tỷ lệ hội nghị nêu trong biên bản: ít nhất {_vn(percent)}% tổng số thành viên; "
                             f"kết quả theo công bố của hội nghị ({HISTORICAL_NOTE})."}
    award = poll.award_code if poll.subject == "AWARD" and poll.award_code else None
    explanation = [
        f"Ngày {poll.held_on:%d/%m/%Y} chưa có phiên bản quy định bỏ phiếu, kiểm phiếu nào có hiệu lực trong hệ thống: "
        f"{HISTORICAL_NOTE}; hệ thống không xét lại kết quả.",
        quorum_text, threshold["text"], *(row["text"] for row in results),
    ]
    extras = {k: v for k, v in counts.items() if k not in ("yes", "declared", "chair_choice", "candidates") and isinstance(v, (int, str, type(None)))}
    return {
        "kind": "voting",
        "historical": True,
        "note": HISTORICAL_NOTE,
        "decided_on": poll.held_on.isoformat(),
        "award": {"code": award, "name": AWARD_NAMES.get(award, award)} if award else None,
        "rule": None,
        "quorum": {"met": None, "attending": present, "text": quorum_text},
        "threshold": threshold,
        "results": results,
        "tie": None,
        "needs_chair_choice": False,
        "council_size": size,
        "written_opinions": written,
        "quota": poll.quota,
        "explanation": explanation,
        "declared": declared,
        "request": {"decided_on": poll.held_on.isoformat(), "council_size": size, "present": present, "written_opinions": written,
                    "candidates": [{"id": cid, "name": label, "yes": yes[cid]} for cid, label in candidates], "declared": declared},
        "counts": {**extras, "council_size": size, "present": present, "written_opinions": written},
    }
