"""Proposing next year's head and deputy of a block (Trưởng khối / Phó Trưởng khối).

Practice (HD 1122/BTĐKT-VI 2011, HD 2746/HD-BTĐKT 2015 [S][H]; seed articles): the head and the
deputy are chosen by the member units at the year-end meeting, in rotation; this year's deputy
usually heads the block next year (An Giang: deputy 2023 Trường Chính trị Tôn Đức Thắng became
head 2024). The rotation order and whether a unit may head twice running are UNCONFIRMED and are
the block's own settings. The system only proposes; the meeting decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Hashable, Sequence

UnitId = Hashable


@dataclass(frozen=True)
class PastTerm:
    year: int
    head: UnitId | None
    deputy: UnitId | None


@dataclass
class Proposal:
    head: UnitId | None
    deputy: UnitId | None
    reasons: list[str] = field(default_factory=list)


def _last_served(unit: UnitId, history: Sequence[PastTerm]) -> int:
    years = [t.year for t in history if t.head == unit]
    return max(years) if years else -1


def propose_leadership(
    *,
    year: int,
    members: Sequence[UnitId],
    rotation: Sequence[UnitId],
    history: Sequence[PastTerm],
    no_consecutive_head: bool = True,
    names: dict[UnitId, str] | None = None,
) -> Proposal:
    """Propose the head and deputy for `year` from the members of that year.

    `members` is in the block's display order; `rotation` is the block's rotation order (may be
    empty); `history` holds earlier years' heads and deputies.
    """
    names = names or {}

    def label(unit: UnitId) -> str:
        return names.get(unit, str(unit))

    member_set = list(dict.fromkeys(members))
    if len(member_set) < 2:
        return Proposal(None, None, ["Khối cần ít nhất 2 đơn vị thành viên để chọn Trưởng khối và Phó Trưởng khối."])
    previous = max((t for t in history if t.year < year), key=lambda t: t.year, default=None)
    last_head = previous.head if previous and previous.year == year - 1 else None
    reasons: list[str] = []

    # Candidates in rotation order (rotation first, then members the rotation does not list),
    # starting after last year's head.
    ordered = [u for u in rotation if u in member_set] + [u for u in member_set if u not in rotation]
    if not rotation:
        # Without a rotation order, those who have gone longest without heading come first.
        ordered = sorted(member_set, key=lambda u: (_last_served(u, history), member_set.index(u)))
    elif last_head in ordered:
        i = ordered.index(last_head)
        ordered = ordered[i + 1 :] + ordered[: i + 1]

    def allowed(unit: UnitId) -> bool:
        return not (no_consecutive_head and unit == last_head)

    head = None
    if previous and previous.year == year - 1 and previous.deputy in member_set and allowed(previous.deputy):
        head = previous.deputy
        reasons.append(f"{label(head)} là Phó Trưởng khối năm {year - 1}, theo thông lệ luân phiên giữ vai trò Trưởng khối năm {year}.")
    else:
        for unit in ordered:
            if allowed(unit):
                head = unit
                break
        if head is not None:
            if rotation:
                reasons.append(f"{label(head)} là đơn vị kế tiếp theo thứ tự luân phiên của khối.")
            else:
                served = _last_served(head, history)
                reasons.append(
                    f"{label(head)} chưa từng giữ vai trò Trưởng khối."
                    if served < 0
                    else f"{label(head)} đã lâu nhất chưa giữ vai trò Trưởng khối (lần gần nhất năm {served})."
                )
    if last_head is not None and no_consecutive_head:
        reasons.append(f"{label(last_head)} vừa làm Trưởng khối năm {year - 1} nên không đề xuất làm tiếp năm {year}.")

    deputy = None
    if head is not None:
        after_head = ordered
        if head in ordered and rotation:
            i = ordered.index(head)
            after_head = ordered[i + 1 :] + ordered[:i]
        for unit in after_head:
            if unit != head:
                deputy = unit
                break
        if deputy is not None:
            reasons.append(f"{label(deputy)} được đề xuất làm Phó Trưởng khối (kế tiếp theo thứ tự).")
    return Proposal(head, deputy, reasons)
