"""The live conference of a block (issue #18): reads shared by the secretary's page, the projector
screen, the live API and the minutes. Writes are in thidua/blocs/actions.py (`do_*`).

Check-in tokens. The projector shows a QR code whose URL carries a token
`<window>-<generation>-<signature>`: `window` counts half-lifetimes since the epoch (the screen
shows a new code every CONFERENCE_CHECKIN_TOKEN_SECONDS / 2 seconds), `generation` is how many
tokens of the meeting were used so far (a used code is replaced at once), the signature is an
HMAC of the meeting and both numbers under the server's secret. Nothing is stored until a token
is used; its use is stored (CheckInTokenUse, unique digest), so each token checks in once. A token
is accepted for CONFERENCE_CHECKIN_TOKEN_SECONDS from the start of its window.

Secrecy. Nothing here reads a ballot. Before a poll's result the live state holds the number of
participations only; the result (the tally's explanation: quorum, threshold, arithmetic, citation)
appears once the poll is counted, as the minutes print it (`result_lines`).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils.crypto import constant_time_compare, salted_hmac

from thidua.blocs.models import AgendaItem, AgendaState, BlocYear, CheckInTokenUse, Meeting, MeetingAttendance

TOKEN_SALT = "thidua.blocs.conference.checkin"


# ---------------------------------------------------------------- check-in tokens


def token_seconds() -> int:
    return max(2, int(getattr(settings, "CONFERENCE_CHECKIN_TOKEN_SECONDS", 60)))


def _window_seconds() -> int:
    return max(1, token_seconds() // 2)


def _signature(meeting: Meeting, window: int, generation: int) -> str:
    return salted_hmac(TOKEN_SALT, f"{meeting.uid}:{window}:{generation}", algorithm="sha256").hexdigest()[:32]


def used_count(meeting: Meeting) -> int:
    return CheckInTokenUse.objects.filter(meeting=meeting).count()


def current_token(meeting: Meeting, now: float | None = None, generation: int | None = None) -> str:
    window = int((now if now is not None else time.time()) // _window_seconds())
    generation = used_count(meeting) if generation is None else generation
    return f"{window}-{generation}-{_signature(meeting, window, generation)}"


def token_digest(meeting: Meeting, token: str) -> str:
    return hashlib.sha256(f"{meeting.uid}:{token}".encode()).hexdigest()


class TokenProblem(Exception):
    """Why a token is refused, in Vietnamese."""


def check_token(meeting: Meeting, token: str, now: float | None = None) -> None:
    """Raise TokenProblem unless `token` is a genuine, unexpired token of `meeting` (use is
    checked by the caller, inside its transaction)."""
    parts = (token or "").split("-")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit() or len(parts[0]) > 12 or len(parts[1]) > 9:
        raise TokenProblem("Mã điểm danh không hợp lệ. Hãy quét lại mã QR đang hiện trên màn hình hội nghị.")
    window, generation = int(parts[0]), int(parts[1])
    if not constant_time_compare(parts[2], _signature(meeting, window, generation)):
        raise TokenProblem("Mã điểm danh không hợp lệ. Hãy quét lại mã QR đang hiện trên màn hình hội nghị.")
    now = time.time() if now is None else now
    issued = window * _window_seconds()
    if now >= issued + token_seconds() or now < issued - 5:
        raise TokenProblem(
            f"Mã điểm danh đã hết hạn (mỗi mã chỉ dùng được trong {token_seconds()} giây). "
            "Hãy quét mã QR mới đang hiện trên màn hình hội nghị."
        )


def qr_svg(url: str) -> str:
    """The QR code of `url` as inline SVG (no style attributes: CSP-clean)."""
    import io

    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=8, border=2, xmldecl=False, svgns=True, svgclass="qr", lineclass=None,
                                    title="Mã QR điểm danh")
    return buffer.getvalue().decode()


# ---------------------------------------------------------------- electorate, attendance, quorum


def member_units(meeting: Meeting):
    """The units with a vote at the meeting: the block year's members on the meeting's date."""
    from thidua.org.models import Unit

    ids = meeting.bloc_year.memberships.filter(Q(left_on__isnull=True) | Q(left_on__gt=meeting.held_on)).values("unit_id")
    return Unit.objects.filter(pk__in=ids)


def units_represented_by(meeting: Meeting, user) -> list:
    """The member units `user` speaks for: its own unit grants (leader or TĐKT officer) valid on the
    meeting's date, and the units whose vote it casts in the meeting's open polls."""
    from thidua.accounts.models import Grant, Role, ScopeKind
    from thidua.voting.models import PollState, Voter

    if user is None or not getattr(user, "is_authenticated", False):
        return []
    day = meeting.held_on
    granted = (
        Grant.objects.filter(user=user, scope_kind=ScopeKind.UNIT, role__in=[Role.UNIT_LEADER, Role.UNIT_OFFICER], valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .values("unit_id")
    )
    delegated = Voter.objects.filter(poll__meeting=meeting, poll__state=PollState.OPEN, user=user, unit__isnull=False).values("unit_id")
    return list(member_units(meeting).filter(Q(pk__in=granted) | Q(pk__in=delegated)).order_by("name", "pk"))


def quorum(meeting: Meeting, present: int, electorate: int, poll=None) -> dict:
    """Whether `present` of `electorate` meets the quorum of the rule version in force on the
    meeting's (or the live poll's) date, through the same pure tally as every count."""
    from thidua.rules import voting as voting_rules
    from thidua.rules.errors import WhatIfError
    from thidua.whatif.service import load_overrides

    award = poll.award_code if poll is not None and poll.subject == "AWARD" and poll.award_code else None
    day = poll.held_on if poll is not None else meeting.held_on
    request = {
        "decided_on": day.isoformat(), "award": award, "threshold_percent": 50.0, "council_size": max(electorate, 1),
        "present": min(present, max(electorate, 1)), "candidates": [{"id": "x", "yes": 0}],
    }
    try:
        result = voting_rules.tally(request, overrides=load_overrides(meeting.province.code, "voting"))
    except WhatIfError:
        return {
            "met": False, "required": None,
            "text": f"Có mặt {present}/{electorate} đơn vị; ngày {day:%d/%m/%Y} chưa có quy định về số thành viên dự họp trong hệ thống.",
        }
    q = result["quorum"]
    text = q["text"].replace("thành viên", "đơn vị thành viên", 2) if electorate else q["text"]
    return {"met": bool(q["met"]) and electorate > 0, "required": q.get("required"), "text": text}


# ---------------------------------------------------------------- result text (projector and minutes)


def result_lines(poll) -> list[str]:
    """The result of a counted poll as the minutes state it: the tally's explanation (quorum,
    threshold and its citation, ballots, each candidate's arithmetic, a tie) and what it changed."""
    result = poll.result or {}
    lines = list(result.get("explanation") or [])
    lines += list(result.get("consequences") or [])
    return lines


# ---------------------------------------------------------------- the live state


@dataclass
class LiveState:
    meeting: Meeting
    items: list
    live: AgendaItem | None
    present: int
    electorate: int
    attendance: list
    absent: list
    guests: list[str]
    quorum: dict
    poll: object | None = None
    cast: int = 0
    poll_electorate: int = 0
    result: list[str] = field(default_factory=list)
    ranking: list[dict] = field(default_factory=list)
    leader: str = ""
    next_head: str = ""
    next_deputy: str = ""
    ended: bool = False

    @property
    def poll_counted(self) -> bool:
        return self.poll is not None and self.poll.state == "RESULT"


def live_key(meeting: Meeting, extra: str = "") -> str:
    """The screen's ETag from a handful of cheap reads (no rendering, no tally): the meeting's and
    the agenda's versions and states, the attendance, the live poll's state, version and number of
    participations, next year's leadership and the published ranking. Counts and versions only,
    never a ballot: it changes the same way whatever anyone chose."""
    from django.db.models import Count, Max

    from thidua.scoring.models import ScoringRound
    from thidua.voting.models import Participation, Poll

    version = Meeting.objects.filter(pk=meeting.pk).values_list("version", flat=True).first()
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position", "pk").values_list("pk", "version", "state", "poll_id"))
    attendance = MeetingAttendance.objects.filter(meeting=meeting).aggregate(n=Count("pk"), v=Max("updated_at"), last=Max("pk"))
    live_poll = next((poll_id for _, _, state, poll_id in items if state == AgendaState.LIVE and poll_id), None)
    poll = Poll.objects.filter(pk=live_poll).values_list("state", "version").first() if live_poll else None
    cast = Participation.objects.filter(poll_id=live_poll).count() if live_poll else 0
    years = list(BlocYear.objects.filter(bloc_id=meeting.bloc_year.bloc_id, year__in=[meeting.bloc_year.year, meeting.bloc_year.year + 1])
                 .order_by("year").values_list("year", "version"))
    ranking = ScoringRound.objects.filter(bloc_year_id=meeting.bloc_year_id).aggregate(v=Max("version"), n=Count("pk"))
    parts = [meeting.pk, version, items, sorted(attendance.items()), live_poll, poll, cast, years, sorted(ranking.items()), extra]
    return '"' + hashlib.sha256(repr(parts).encode()).hexdigest()[:32] + '"'


def _ranking(bloc_year: BlocYear) -> tuple[list[dict], str]:
    from thidua.scoring.models import RoundState, ScoringRound

    round_ = (
        ScoringRound.objects.filter(bloc_year=bloc_year, state=RoundState.PUBLISHED).select_related("confirmed_leader").order_by("-pk").first()
    )
    if round_ is None:
        return [], ""
    rows = []
    totals = [r.get("total") for r in (round_.ranking_snapshot or {}).get("rows", []) if isinstance(r.get("total"), (int, float))]
    top = max(totals) if totals else 0
    for r in (round_.ranking_snapshot or {}).get("rows", [])[:20]:
        total = r.get("total")
        width = int(round(600 * total / top)) if isinstance(total, (int, float)) and top > 0 else 0
        rows.append({"rank": r.get("rank") or "", "label": r.get("label", ""), "total": str(total).replace(".", ",") if total is not None else "—",
                     "band": r.get("band_label") or "", "width": max(width, 0)})
    leader = round_.confirmed_leader.name if round_.confirmed_leader_id else ""
    return rows, leader


def live_state(meeting: Meeting, *, with_extras: bool = True) -> LiveState:
    """What is happening at the meeting now: agenda, attendance and quorum, the live poll's turnout
    (its result once counted), and for the screen the ranking, the leader and next year's head."""
    from thidua.voting import selectors as voting_selectors

    items = list(AgendaItem.objects.filter(meeting=meeting).select_related("poll").order_by("position", "pk"))
    live = next((i for i in items if i.state == AgendaState.LIVE), None)
    members = list(member_units(meeting).values_list("pk", "name"))
    member_ids = {pk for pk, _ in members}
    attendance = [a for a in MeetingAttendance.objects.filter(meeting=meeting).select_related("unit").order_by("checked_in_at", "unit__name", "pk")
                  if a.unit_id in member_ids]
    present_ids = {a.unit_id for a in attendance}
    absent = sorted(name for pk, name in members if pk not in present_ids)
    poll = live.poll if live is not None and live.poll_id else None
    state = LiveState(
        meeting=meeting, items=items, live=live, present=len(attendance), electorate=len(members), attendance=attendance, absent=absent,
        guests=[g.strip() for g in (meeting.guests or "").splitlines() if g.strip()], quorum=quorum(meeting, len(attendance), len(members), poll),
        poll=poll, ended=bool(items) and all(i.state == AgendaState.DONE for i in items),
    )
    if poll is not None:
        state.cast = voting_selectors.participation_count(poll) if poll.state != "DRAFT" else 0
        state.poll_electorate = poll.electorate_size or len(members)
        if poll.state == "RESULT":
            state.result = result_lines(poll)
    if with_extras:
        state.ranking, state.leader = _ranking(meeting.bloc_year)
        following = BlocYear.objects.filter(bloc_id=meeting.bloc_year.bloc_id, year=meeting.bloc_year.year + 1).select_related(
            "head_unit", "deputy_unit"
        ).first()
        if following is not None:
            state.next_head = following.head_unit.name if following.head_unit_id else ""
            state.next_deputy = following.deputy_unit.name if following.deputy_unit_id else ""
    return state


def live_json(state: LiveState) -> dict:
    """The stable shape of GET /api/v1/meetings/{uid}/live (issue #18)."""
    poll = state.poll
    return {
        "item": {"kind": state.live.kind, "title": state.live.title} if state.live is not None else None,
        "present": state.present,
        "electorate": state.electorate,
        "quorum_met": bool(state.quorum["met"]),
        "poll": None if poll is None else {
            "uid": poll.uid, "state": poll.state, "cast": state.cast, "electorate": state.poll_electorate,
            "result": poll.result if poll.state == "RESULT" else None,
        },
    }
