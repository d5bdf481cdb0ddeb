"""Workflow states and their explicit transition tables (pure data, exhaustively tested).

Each table maps (state, action) → new state. Anything not in a table is refused.
"""

from __future__ import annotations

# Movement lifecycle (Luật Thi đua, khen thưởng 2022, Điều 17; domain-rules.md §6.0):
# kế hoạch → phát động → triển khai → kiểm tra → sơ kết → tổng kết → khen thưởng → lưu trữ.
MOVEMENT_STATES = {
    "PLANNED": "Kế hoạch",
    "LAUNCHED": "Đã phát động",
    "RUNNING": "Đang triển khai",
    "INSPECTED": "Đã kiểm tra",
    "INTERIM_REVIEWED": "Đã sơ kết",
    "SUMMED_UP": "Đã tổng kết",
    "AWARDED": "Đã khen thưởng",
    "ARCHIVED": "Lưu trữ",
}
MOVEMENT_ACTIONS = {
    "launch": "Phát động",
    "implement": "Triển khai",
    "inspect": "Kiểm tra",
    "interim_review": "Sơ kết",
    "resume": "Tiếp tục triển khai",
    "sum_up": "Tổng kết",
    "award": "Khen thưởng",
    "archive": "Lưu trữ",
}
MOVEMENT_TRANSITIONS: dict[tuple[str, str], str] = {
    ("PLANNED", "launch"): "LAUNCHED",
    ("LAUNCHED", "implement"): "RUNNING",
    ("RUNNING", "inspect"): "INSPECTED",
    ("RUNNING", "interim_review"): "INTERIM_REVIEWED",
    ("INSPECTED", "interim_review"): "INTERIM_REVIEWED",
    # A movement spanning several years is reviewed at mid-term (sơ kết) and runs on.
    ("INSPECTED", "resume"): "RUNNING",
    ("INTERIM_REVIEWED", "resume"): "RUNNING",
    ("RUNNING", "sum_up"): "SUMMED_UP",
    ("INSPECTED", "sum_up"): "SUMMED_UP",
    ("INTERIM_REVIEWED", "sum_up"): "SUMMED_UP",
    ("SUMMED_UP", "award"): "AWARDED",
    ("SUMMED_UP", "archive"): "ARCHIVED",
    ("AWARDED", "archive"): "ARCHIVED",
}

# Emulation registration of a member unit (đăng ký thi đua): Chưa gửi → Chờ duyệt →
# Trả lại (with a reason) / Đã duyệt.
REGISTRATION_STATES = {
    "DRAFT": "Chưa gửi",
    "SUBMITTED": "Chờ duyệt",
    "RETURNED": "Trả lại",
    "APPROVED": "Đã duyệt",
}
REGISTRATION_ACTIONS = {
    "submit": "Gửi đăng ký",
    "approve": "Duyệt",
    "return": "Trả lại",
    "reopen": "Mở lại để sửa",
}
REGISTRATION_TRANSITIONS: dict[tuple[str, str], str] = {
    ("DRAFT", "submit"): "SUBMITTED",
    ("RETURNED", "submit"): "SUBMITTED",
    ("SUBMITTED", "approve"): "APPROVED",
    ("SUBMITTED", "return"): "RETURNED",
    # An approved registration can be reopened by the approver (e.g. a unit adds a person).
    ("APPROVED", "reopen"): "RETURNED",
}
REGISTRATION_EDITABLE = frozenset({"DRAFT", "RETURNED"})


class TransitionRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def next_state(table: dict[tuple[str, str], str], states: dict[str, str], actions: dict[str, str], state: str, action: str) -> str:
    """The state after `action`, or TransitionRefused with a Vietnamese reason."""
    try:
        return table[(state, action)]
    except KeyError:
        state_label = states.get(state, state)
        action_label = actions.get(action, action)
        raise TransitionRefused(f"Không thể “{action_label.lower()}” khi đang ở trạng thái “{state_label}”.") from None


def movement_next(state: str, action: str) -> str:
    return next_state(MOVEMENT_TRANSITIONS, MOVEMENT_STATES, MOVEMENT_ACTIONS, state, action)


def registration_next(state: str, action: str) -> str:
    return next_state(REGISTRATION_TRANSITIONS, REGISTRATION_STATES, REGISTRATION_ACTIONS, state, action)


def allowed_actions(table: dict[tuple[str, str], str], state: str) -> list[str]:
    return [action for (from_state, action) in table if from_state == state]
