"""/api/v1 for the live conference of a block meeting (issue #18): its live state and check-in.

Stable shapes (issue #18): `GET /meetings/{uid}/live` and `POST /meetings/{uid}/check-in`. Thin:
the scoped fetch answers 404 outside the caller's scope, thidua.blocs.actions.do_check_in does the
write (and refuses an account that represents no member unit, 403), thidua.blocs.conference reads.
The live state carries the poll's turnout only; its result once the poll is counted."""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

import datetime as dt
from typing import Any, Dict, Optional
from uuid import UUID

from ninja import Field, Router, Schema

from thidua.api.auth import requires
from thidua.api.registry import ERRORS, _user
from thidua.blocs import actions, conference
from thidua.blocs.models import Meeting
from thidua.core.access import get_scoped_or_404
from thidua.core.errors import ActionError

TAG = "Hội nghị trực tiếp"

router = Router(tags=[TAG])

WRITE_ERRORS = {**ERRORS, 409: ERRORS[422]}


class LiveItemOut(Schema):
    kind: str
    title: str


class LivePollOut(Schema):
    uid: UUID
    state: str
    cast: int = Field(description="Số người, đơn vị đã bỏ phiếu (không bao giờ là nội dung phiếu)")
    electorate: int
    result: Optional[Dict[str, Any]] = Field(description="Kết quả kiểm phiếu; null cho tới khi đóng và kiểm phiếu")


class MeetingLiveOut(Schema):
    item: Optional[LiveItemOut]
    present: int
    electorate: int
    quorum_met: bool
    poll: Optional[LivePollOut]


class MeetingCheckInIn(Schema):
    unit: Optional[UUID] = Field(None, description="Chỉ thư ký (Trưởng khối, cán bộ TĐKT tỉnh): đơn vị cần điểm danh; bỏ trống: đơn vị của tài khoản đang gọi")


class MeetingCheckInOut(MeetingLiveOut):
    unit: UUID
    unit_name: str
    checked_in_at: Optional[dt.datetime]
    method: str


def _meeting(user, uid: UUID) -> Meeting:
    return get_scoped_or_404(user, Meeting.objects.select_related("bloc_year__bloc", "province"), uid=uid)


@router.get("/meetings/{uid}/live", response={200: MeetingLiveOut, **ERRORS}, summary="Hội nghị đang diễn ra: nội dung, điểm danh, số đã bỏ phiếu, kết quả")
@requires("registry.view")
def live(request, uid: UUID):
    return conference.live_json(conference.live_state(_meeting(_user(request), uid), with_extras=False))


@router.post("/meetings/{uid}/check-in", response={200: MeetingCheckInOut, **WRITE_ERRORS},
             summary="Điểm danh: đơn vị của tài khoản đang gọi, hoặc thư ký điểm danh một đơn vị (gọi lại: trả lời như cũ)")
@requires("poll.vote")
def check_in(request, uid: UUID, payload: MeetingCheckInIn = None):
    user = _user(request)
    meeting = _meeting(user, uid)
    unit = None
    if payload is not None and payload.unit is not None:
        unit = conference.member_units(meeting).filter(uid=payload.unit).first()
        if unit is None:
            raise ActionError("Không phải đơn vị thành viên của khối tại hội nghị này (khách mời không điểm danh).", field="unit")
    attendance, _ = actions.do_check_in(actor=user, meeting=meeting, unit=unit)
    out = conference.live_json(conference.live_state(meeting, with_extras=False))
    out.update(unit=attendance.unit.uid, unit_name=attendance.unit.name, checked_in_at=attendance.checked_in_at, method=attendance.method)
    return out
