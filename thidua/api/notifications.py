"""/api/v1/notifications: my notifications (the bell), mark read, my choices of kinds.

Only ever the caller's own notifications: another user's answers 404 like a missing one."""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

import datetime as dt
from functools import wraps
from typing import Any, Dict, List, Literal, Optional
from uuid import UUID

from ninja import Field, Query, Router, Schema

from thidua.api.errors import ReferenceNotFound
from thidua.api.registry import ErrorOut, PageParams, _page, _user
from thidua.core.errors import NotPermitted
from thidua.notifications import actions, selectors
from thidua.notifications.models import Notification, NotificationKind

router = Router(tags=["Thông báo"])
ERRORS: Dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
KindCode = Literal[tuple(NotificationKind.values)]  # type: ignore[valid-type]


def signed_in_api(func):
    """Every signed-in account (even one whose grants ended) reads its own notifications."""

    @wraps(func)
    def wrapper(request, *args, **kwargs):
        user = _user(request)
        if user is None or not getattr(user, "is_authenticated", False):
            raise NotPermitted()
        return func(request, *args, **kwargs)

    wrapper.thidua_action = "signed_in"
    return wrapper


class NotificationOut(Schema):
    uid: UUID
    kind: str
    kind_label: str
    title: str
    body: str
    link: str
    created_at: dt.datetime
    read_at: Optional[dt.datetime]


class NotificationPage(Schema):
    count: int
    unread: int
    limit: int
    offset: int
    items: List[NotificationOut]


class ReadAllOut(Schema):
    marked: int


class PreferenceOut(Schema):
    kind: str
    label: str
    in_app: bool
    email: bool


class PreferenceIn(Schema):
    kind: KindCode
    in_app: bool = Field(description="Hiện trong ứng dụng (chuông)")
    email: bool = Field(description="Gửi thư điện tử (khi tài khoản có địa chỉ thư)")


def note_out(note: Notification) -> dict:
    return {"uid": note.uid, "kind": note.kind, "kind_label": note.get_kind_display(), "title": note.title, "body": note.body,
            "link": note.link, "created_at": note.created_at, "read_at": note.read_at}


@router.get("/notifications", response={200: NotificationPage, **ERRORS}, summary="Thông báo của tôi (mới nhất trước)")
@signed_in_api
def list_notifications(request, params: Query[PageParams], unread: bool = False):
    user = _user(request)
    page = _page(selectors.my_notifications(user, unread_only=unread), params, note_out)
    return {**page, "unread": selectors.unread_count(user)}


@router.post("/notifications/read-all", response={200: ReadAllOut, **ERRORS}, summary="Đánh dấu mọi thông báo của tôi là đã đọc")
@signed_in_api
def read_all(request):
    return {"marked": actions.do_mark_all_notifications_read(actor=_user(request))}


@router.post("/notifications/{uid}/read", response={200: NotificationOut, **ERRORS}, summary="Đánh dấu một thông báo là đã đọc")
@signed_in_api
def read_one(request, uid: UUID):
    user = _user(request)
    note = selectors.my_notifications(user).filter(uid=uid).first()
    if note is None:
        raise ReferenceNotFound("Không tìm thấy thông báo.")
    if note.read_at is None:
        note = actions.do_mark_notification_read(actor=user, notification=note)
    return note_out(note)


@router.get("/notifications/preferences", response={200: List[PreferenceOut], **ERRORS}, summary="Loại thông báo tôi nhận")
@signed_in_api
def get_preferences(request):
    return selectors.my_preferences(_user(request))


@router.put("/notifications/preferences", response={200: List[PreferenceOut], **ERRORS},
            summary="Chọn loại thông báo nhận (trong ứng dụng, thư điện tử); loại không gửi giữ nguyên")
@signed_in_api
def set_preferences(request, payload: List[PreferenceIn]):
    user = _user(request)
    actions.do_set_notification_preferences(actor=user, choices={p.kind: {"in_app": p.in_app, "email": p.email} for p in payload})
    return selectors.my_preferences(user)
