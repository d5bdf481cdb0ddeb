"""Where a block year stands (giai đoạn của năm thi đua), from the state of its parts. Pure.

A block year goes: đăng ký thi đua → ký kết giao ước → chấm điểm → bình xét (bỏ phiếu) → đề nghị
khen thưởng → quyết định. The stage shown is the furthest step that has started; the text says
what is done and what is not, so an officer reading the workbench knows what comes next.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

# Registration states that count as "registered" (the unit has sent it).
SENT = frozenset({"SUBMITTED", "APPROVED"})
# Proposal states after the dossier has left the proposer.
PROPOSAL_SENT = frozenset({"SUBMITTED", "RECEIVED", "APPRAISING", "PRESENTED", "DECIDED", "REJECTED"})

STAGES = (
    ("REGISTRATION", "Đăng ký thi đua"),
    ("COVENANT", "Ký kết giao ước thi đua"),
    ("SCORING", "Chấm điểm thi đua"),
    ("VOTING", "Bình xét, bỏ phiếu"),
    ("PROPOSALS", "Đề nghị khen thưởng"),
    ("DECIDED", "Đã có quyết định khen thưởng"),
)
STAGE_NAMES = dict(STAGES)
STAGE_ORDER = {code: i for i, (code, _) in enumerate(STAGES)}


@dataclass(frozen=True)
class Stage:
    code: str
    label: str
    detail: str

    @property
    def step(self) -> int:
        """1-based position of the stage among STAGES (for "bước 3/6")."""
        return STAGE_ORDER[self.code] + 1


def stage_of(
    *,
    members: int,
    registrations: Mapping[str, int],
    covenant_state: str | None,
    round_state: str | None,
    sheets: Mapping[str, int],
    polls: Mapping[str, int],
    proposals: Mapping[str, int],
) -> Stage:
    """The stage of one block year. Mappings are state → count; absent keys count 0."""
    sent = sum(n for s, n in registrations.items() if s in SENT)
    if proposals.get("DECIDED"):
        decided = proposals["DECIDED"]
        return Stage("DECIDED", STAGE_NAMES["DECIDED"], f"{decided} hồ sơ đề nghị đã có quyết định")
    sent_proposals = sum(n for s, n in proposals.items() if s in PROPOSAL_SENT)
    if sent_proposals:
        return Stage("PROPOSALS", STAGE_NAMES["PROPOSALS"], f"{sent_proposals} hồ sơ đã gửi, chờ xét duyệt")
    if proposals:
        return Stage("PROPOSALS", STAGE_NAMES["PROPOSALS"], "Đang lập hồ sơ đề nghị, chưa gửi")
    if polls:
        done = polls.get("RESULT", 0)
        total = sum(polls.values())
        return Stage("VOTING", STAGE_NAMES["VOTING"], f"{done}/{total} cuộc bỏ phiếu đã có kết quả")
    if round_state is not None:
        total = sum(sheets.values())
        if round_state == "PUBLISHED":
            return Stage("SCORING", STAGE_NAMES["SCORING"], "Đã công bố kết quả chấm điểm")
        appraised = sheets.get("APPRAISED", 0) + sheets.get("PUBLISHED", 0)
        submitted = total - sheets.get("DRAFT", 0)
        return Stage("SCORING", STAGE_NAMES["SCORING"], f"{submitted}/{total} phiếu đã gửi, {appraised}/{total} đã thẩm định")
    if covenant_state is not None:
        label = {"DRAFT": "Giao ước đang soạn", "CONFIRMING": "Đang lấy xác nhận giao ước", "SIGNED": "Đã ký kết giao ước"}
        return Stage("COVENANT", STAGE_NAMES["COVENANT"], label.get(covenant_state, covenant_state))
    if members == 0:
        return Stage("REGISTRATION", STAGE_NAMES["REGISTRATION"], "Khối chưa có đơn vị thành viên")
    return Stage("REGISTRATION", STAGE_NAMES["REGISTRATION"], f"{sent}/{members} đơn vị đã gửi đăng ký")
