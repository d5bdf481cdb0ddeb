"""Award proposals (hồ sơ đề nghị khen thưởng): the workflow table, quotas and the money of a decision.

Pure data and functions, no Django. The actions layer maps the workflow roles to permissions:

- ``proposer`` (đơn vị, khối đề nghị): "proposal.edit" on the proposing unit or block;
- ``receiver`` (cơ quan thường trực tiếp nhận hồ sơ) and ``appraiser`` (thẩm định): "proposal.review";
- ``decider`` (cấp có thẩm quyền quyết định): "decision.issue".

States: nháp → đã gửi → tiếp nhận → thẩm định → trình → quyết định, with trả lại (a reason,
back to the proposer, who edits and sends again) and không đủ điều kiện (a reason, final).
"""

from __future__ import annotations

import datetime as dt

from thidua.rules.catalogue import AWARD_NAMES
from thidua.rules.money import MoneyLine, MoneyResult, combine_money  # noqa: F401  (MoneyLine is re-exported)
from thidua.rules.workflows import TransitionRefused

PROPOSAL_STATES = {
    "DRAFT": "Nháp",
    "SUBMITTED": "Đã gửi",
    "RECEIVED": "Đã tiếp nhận",
    "APPRAISING": "Đang thẩm định",
    "PRESENTED": "Đã trình",
    "DECIDED": "Đã có quyết định",
    "RETURNED": "Trả lại",
    "REJECTED": "Không đủ điều kiện",
}
PROPOSAL_EVENTS = {
    "submit": "Gửi hồ sơ",
    "withdraw": "Rút lại để sửa",
    "receive": "Tiếp nhận",
    "appraise": "Bắt đầu thẩm định",
    "present": "Trình cấp có thẩm quyền",
    "decide": "Ban hành quyết định",
    "return": "Trả lại",
    "reject": "Không đủ điều kiện",
}
ROLES = {
    "proposer": "đơn vị, khối đề nghị",
    "receiver": "cơ quan tiếp nhận hồ sơ",
    "appraiser": "bộ phận thẩm định",
    "decider": "cấp có thẩm quyền quyết định",
}
PROPOSER, RECEIVER, APPRAISER, DECIDER = "proposer", "receiver", "appraiser", "decider"

# (state, event) → (new state, roles that may fire it). Anything absent is refused.
PROPOSAL_TRANSITIONS: dict[tuple[str, str], tuple[str, frozenset[str]]] = {
    ("DRAFT", "submit"): ("SUBMITTED", frozenset({PROPOSER})),
    ("RETURNED", "submit"): ("SUBMITTED", frozenset({PROPOSER})),
    # Before the receiving body takes it, the proposer may take the dossier back to fix it.
    ("SUBMITTED", "withdraw"): ("DRAFT", frozenset({PROPOSER})),
    ("SUBMITTED", "receive"): ("RECEIVED", frozenset({RECEIVER})),
    ("SUBMITTED", "return"): ("RETURNED", frozenset({RECEIVER})),
    ("RECEIVED", "appraise"): ("APPRAISING", frozenset({APPRAISER})),
    ("RECEIVED", "return"): ("RETURNED", frozenset({RECEIVER, APPRAISER})),
    ("RECEIVED", "reject"): ("REJECTED", frozenset({APPRAISER})),
    ("APPRAISING", "present"): ("PRESENTED", frozenset({APPRAISER})),
    ("APPRAISING", "return"): ("RETURNED", frozenset({APPRAISER})),
    ("APPRAISING", "reject"): ("REJECTED", frozenset({APPRAISER})),
    ("PRESENTED", "decide"): ("DECIDED", frozenset({DECIDER})),
    ("PRESENTED", "return"): ("RETURNED", frozenset({DECIDER})),
    ("PRESENTED", "reject"): ("REJECTED", frozenset({DECIDER})),
}
REASON_REQUIRED = frozenset({"return", "reject"})
EDITABLE_STATES = frozenset({"DRAFT", "RETURNED"})
FINAL_STATES = frozenset({"DECIDED", "REJECTED"})


def proposal_next(state: str, event: str, roles) -> str:
    """The state after ``event`` fired by someone holding ``roles``, or TransitionRefused (Vietnamese)."""
    state_label = PROPOSAL_STATES.get(state, state)
    event_label = PROPOSAL_EVENTS.get(event, event)
    entry = PROPOSAL_TRANSITIONS.get((state, event))
    if entry is None:
        raise TransitionRefused(f"Không thể “{event_label.lower()}” khi hồ sơ đang ở trạng thái “{state_label}”.")
    new_state, allowed = entry
    if not set(roles) & allowed:
        who = ", ".join(ROLES[r] for r in sorted(allowed))
        raise TransitionRefused(f"Chỉ {who} mới được “{event_label.lower()}” hồ sơ ở trạng thái “{state_label}”.")
    return new_state


def allowed_events(state: str, roles) -> list[str]:
    """Events ``roles`` may fire in ``state``, in table order."""
    held = set(roles)
    return [event for (from_state, event), (_, allowed) in PROPOSAL_TRANSITIONS.items() if from_state == state and held & allowed]


# --------------------------------------------------------------------------- levels and quotas

LEVELS = {
    "UNIT": "Cấp cơ sở (thủ trưởng đơn vị, Chủ tịch UBND cấp xã)",
    "PROVINCE": "Cấp tỉnh (Chủ tịch UBND tỉnh)",
    "CENTRAL": "Cấp Nhà nước (Thủ tướng Chính phủ, Chủ tịch nước)",
}
# Who decides each award (domain-rules.md §3.1–§3.4; Luật Thi đua, khen thưởng 2022 Điều 80; NĐ 129/2025 Điều 59).
AWARD_LEVEL = {
    "LDTT": "UNIT", "CSTDCS": "UNIT", "TTLDTT": "UNIT", "GIAY_KHEN": "UNIT",
    "CSTD_TINH": "PROVINCE", "TTLDXS": "PROVINCE", "CO_TINH": "PROVINCE", "BK_TINH": "PROVINCE",
    "CSTD_TQ": "CENTRAL", "CO_CP": "CENTRAL", "BK_TTG": "CENTRAL", "HCLD_3": "CENTRAL",
}

# Awards a unit head (thủ trưởng đơn vị) decides inside the unit: the unit holds its own bình xét
# and issues the quyết định công nhận itself. Everything else goes to the province or higher.
UNIT_HEAD_AWARDS = {
    "LDTT": "Luật Thi đua, khen thưởng 2022, Điều 80 khoản 1–4; Nghị định 129/2025/NĐ-CP, Điều 59",
    "CSTDCS": "Luật Thi đua, khen thưởng 2022, Điều 80 khoản 1, 4; Nghị định 129/2025/NĐ-CP, Điều 59",
    "TTLDTT": "Luật Thi đua, khen thưởng 2022, Điều 80; Nghị định 129/2025/NĐ-CP, Điều 59",
    "GIAY_KHEN": "Luật Thi đua, khen thưởng 2022, Điều 75 và Điều 80 khoản 4",
}
UNIT_HEAD_CITATION = "Luật Thi đua, khen thưởng 2022, Điều 75, Điều 80; Nghị định 129/2025/NĐ-CP, Điều 59"


def unit_head_refusal(level: str, awards) -> str | None:
    """Why a unit head may NOT receive, appraise and decide a dossier (None when they may).

    A unit head decides only a dossier at unit level ("UNIT") whose every award is in
    UNIT_HEAD_AWARDS; any other award belongs to the province or the State.
    """
    if level != "UNIT":
        return f"Hồ sơ gửi {LEVELS.get(level, level).split(' (')[0].lower()}, không do thủ trưởng đơn vị quyết định."
    outside = [a for a in dict.fromkeys(awards) if a not in UNIT_HEAD_AWARDS]
    if outside:
        names = ", ".join(AWARD_NAMES.get(a, a) for a in outside)
        return f"Thủ trưởng đơn vị không có thẩm quyền quyết định {names} ({UNIT_HEAD_CITATION})."
    return None


# Proposal quotas the rules fix. Only the provincial flag has one: a block proposes its leading
# unit only, one per block and year (domain-rules.md §4.7, §6.7: the flag goes to the leading unit
# of its khối/cụm, Luật Điều 26 khoản 1; more than one flag per large block is UNCONFIRMED, default
# 01). Other caps (Cờ thi đua của Chính phủ, Bằng khen) are UNCONFIRMED, so no quota is applied.
BLOC_QUOTAS = {
    "CO_TINH": {"max": 1, "citation": "Luật Thi đua, khen thưởng 2022, Điều 26 khoản 1: Cờ thi đua tặng tập thể dẫn đầu khối, cụm; mỗi khối đề nghị 01 đơn vị dẫn đầu (số cờ mỗi khối chưa xác nhận, mặc định 01)"},
}


def quota_for(award: str, *, by_bloc: bool) -> dict | None:
    """The per-proposer quota for ``award`` ({"max", "citation"}) or None when the rules set none."""
    if by_bloc:
        return BLOC_QUOTAS.get(award)
    return None


def quota_blocker(award: str, *, by_bloc: bool, already: int, in_this: int) -> dict | None:
    """A blocker when the proposals of one block for ``award`` exceed its quota."""
    quota = quota_for(award, by_bloc=by_bloc)
    if quota is None or already + in_this <= quota["max"]:
        return None
    return {
        "code": "quota",
        "kind": "BLOCK",
        "text": (
            f"Vượt số lượng được đề nghị {AWARD_NAMES[award]}: tối đa {quota['max']:02d} trong năm, "
            f"hồ sơ này đề nghị {in_this:02d}" + (f" và khối đã đề nghị {already:02d} ở hồ sơ khác." if already else ".")
        ),
        "citation": quota["citation"],
    }


# --------------------------------------------------------------------------- award money of a decision


def decision_money(lines: list[MoneyLine], decided_on: dt.date, *, paid_titles: dict[tuple[str, int], set[str]] | None = None) -> MoneyResult:
    """Money per recipient line and the total, for a decision dated ``decided_on``.

    The one rule for decisions, proposal totals and the what-if door: thidua.rules.money.combine_money
    (amounts by the base salary on the decision date; one payment per achievement period, the
    highest title; forms besides titles; None where the law sets no amount).
    """
    return combine_money(lines, decided_on, paid_titles=paid_titles)


UNKNOWN_AMOUNT_TEXT = "chưa xác định"


def vnd(amount: int | None) -> str:
    """12.340.000 (Vietnamese thousands separator); an unknown amount (None) is "chưa xác định", never 0."""
    if amount is None:
        return UNKNOWN_AMOUNT_TEXT
    return f"{amount:,}".replace(",", ".")


def money_total_text(total: int, unknown: int) -> str:
    """A total in words for pages and documents: "7.020.000 đồng", "chưa xác định", or the known part
    and how many amounts are still unknown."""
    if unknown and not total:
        return UNKNOWN_AMOUNT_TEXT
    text = f"{vnd(total)} đồng"
    if unknown:
        text += f" (chưa gồm {unknown} trường hợp chưa xác định mức tiền thưởng)"
    return text
