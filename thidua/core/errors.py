"""Errors the actions layer raises. Messages are Vietnamese and shown to users as they are."""

from __future__ import annotations


class ActionError(Exception):
    """Bad input or a refused operation; nothing was written."""

    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors = errors or ({field: [message]} if field else {})


class ConcurrentEditError(ActionError):
    code = "conflict"

    def __init__(self, message: str = "Đã có người sửa bản ghi này trong lúc bạn đang sửa. Hãy tải lại trang, xem thay đổi rồi nhập lại."):
        super().__init__(message)


class NotPermitted(ActionError):
    code = "forbidden"

    def __init__(self, message: str = "Bạn không có quyền thực hiện thao tác này."):
        super().__init__(message)


class StateConflict(ActionError):
    """The request is valid but clashes with the state of the data: a duplicate (a second ballot,
    a username already taken) or an operation the object's state no longer allows (a vote after
    the close). The API answers 409; the pages show the message like any other refusal."""

    code = "state_conflict"
