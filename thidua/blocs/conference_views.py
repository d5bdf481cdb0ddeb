"""Pages of the live conference (issue #18): the secretary's control page, the QR check-in a
member opens on a phone, and the projector screen (a read-only link, no sign-in).

Thin: every write is a `do_*` of thidua/blocs/actions.py (or thidua/voting/actions.py for the
poll), every read starts from the access helper; the screen is reached by its secret only."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from thidua.blocs import actions, conference
from thidua.blocs.models import POLL_KINDS, AgendaItem, AgendaKind, AgendaState, Covenant, Meeting, ScreenLink
from thidua.core.access import access, get_scoped_or_404, public, scope_of, signed_in
from thidua.core.db import vi_order
from thidua.core.errors import ActionError
from thidua.org.models import Unit

LEAD = "bloc.lead"


def _meeting(user, uid, action: str = LEAD) -> Meeting:
    return get_scoped_or_404(user, Meeting.objects.select_related("bloc_year__bloc", "province"), action, uid=uid)


def _item(user, uid) -> AgendaItem:
    item = AgendaItem.objects.select_related("meeting__bloc_year__bloc", "poll").filter(uid=uid).first()
    if item is None:
        raise Http404("Không tìm thấy")
    _meeting(user, item.meeting.uid)
    return item


def _back(meeting: Meeting):
    return redirect(reverse("blocs:conference", args=[meeting.uid]))


def _version(request) -> int:
    try:
        return int(request.POST.get("version") or 0)
    except ValueError:
        return 0


def checkin_url(request, meeting: Meeting, token: str | None = None) -> str:
    token = token or conference.current_token(meeting)
    return request.build_absolute_uri(reverse("blocs:checkin_qr", args=[meeting.uid])) + f"?t={token}"


@access(LEAD)
def conference_page(request, uid):
    meeting = _meeting(request.user, uid)
    state = conference.live_state(meeting, with_extras=False)
    from thidua.voting.models import Poll

    listed = {i.poll_id for i in state.items if i.poll_id}
    context = {
        "meeting": meeting, "bloc_year": meeting.bloc_year, "bloc": meeting.bloc_year.bloc, "state": state,
        "kinds": AgendaKind.choices, "poll_kinds": [k.value for k in POLL_KINDS],
        "free_polls": Poll.objects.filter(meeting=meeting).exclude(pk__in=listed).order_by("created_at"),
        "covenants": Covenant.objects.filter(bloc_year=meeting.bloc_year),
        "members": conference.member_units(meeting).order_by(vi_order("name"), "pk"),
        "present_ids": {a.unit_id for a in state.attendance},
        "next_item": next((i for i in state.items if i.state == AgendaState.WAITING), None),
        "links": meeting.screen_links.order_by("created_at", "pk"),
        "new_screen_url": request.session.pop(f"screen-{meeting.uid}", None),
        "can_vote_manage": scope_of(request.user).can("poll.manage"),
    }
    return render(request, "blocs/conference.html", context)


@require_POST
@access(LEAD)
def agenda_add(request, uid):
    meeting = _meeting(request.user, uid)
    from thidua.voting.models import Poll

    data = {"kind": request.POST.get("kind", ""), "title": request.POST.get("title", "")}
    if request.POST.get("poll"):
        data["poll"] = Poll.objects.filter(meeting=meeting, uid=request.POST["poll"]).first()
    if request.POST.get("covenant"):
        data["covenant"] = Covenant.objects.filter(bloc_year=meeting.bloc_year, uid=request.POST["covenant"]).first()
    try:
        actions.do_add_agenda_item(actor=request.user, meeting=meeting, data=data)
    except (ActionError, ValueError) as error:
        messages.error(request, getattr(error, "message", "Dữ liệu không hợp lệ."))
    else:
        messages.success(request, "Đã thêm nội dung vào chương trình hội nghị.")
    return _back(meeting)


@require_POST
@access(LEAD)
def agenda_live(request, uid):
    """Make an item live (the next one by default), or end the agenda."""
    meeting = _meeting(request.user, uid)
    target = request.POST.get("item", "")
    item = None
    if target != "end":
        item = AgendaItem.objects.filter(meeting=meeting, uid=target).first() if target else None
        if item is None:
            messages.error(request, "Hãy chọn nội dung cần chuyển tới.")
            return _back(meeting)
    try:
        actions.do_set_live_item(actor=request.user, meeting=meeting, item=item, expected_version=_version(request))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đang tiến hành: {item.title}." if item else "Đã kết thúc chương trình hội nghị; hãy sinh biên bản.")
    return _back(meeting)


@require_POST
@access(LEAD)
def agenda_conclusion(request, uid):
    item = _item(request.user, uid)
    try:
        actions.do_update_agenda_item(
            actor=request.user, item=item, data={"conclusion": request.POST.get("conclusion", "")}, expected_version=_version(request)
        )
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Đã ghi kết luận của hội nghị.")
    return _back(item.meeting)


@require_POST
@access(LEAD)
def agenda_remove(request, uid):
    item = _item(request.user, uid)
    try:
        actions.do_remove_agenda_item(actor=request.user, item=item)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Đã bỏ nội dung khỏi chương trình.")
    return _back(item.meeting)


@require_POST
@access(LEAD)
def agenda_poll(request, uid):
    """Open or close the poll of the live item, from the agenda (thidua.voting.actions)."""
    from thidua.voting import actions as voting_actions
    from thidua.voting.models import Poll

    item = _item(request.user, uid)
    if item.poll_id is None or item.state != AgendaState.LIVE:
        messages.error(request, "Chỉ mở, đóng bỏ phiếu của nội dung đang tiến hành có gắn cuộc bỏ phiếu.")
        return _back(item.meeting)
    poll = Poll.objects.get(pk=item.poll_id)
    try:
        if request.POST.get("do") == "close":
            poll = voting_actions.do_close_poll(actor=request.user, poll=poll, expected_version=poll.version)
            messages.success(request, "Đã đóng bỏ phiếu và kiểm phiếu." if poll.state == "RESULT" else "Đã đóng bỏ phiếu; hãy nhập kết quả kiểm phiếu.")
        else:
            poll = voting_actions.do_open_poll(actor=request.user, poll=poll, expected_version=poll.version)
            messages.success(request, f"Đã mở bỏ phiếu: {poll.electorate_size} đơn vị có quyền bỏ phiếu.")
    except ActionError as error:
        messages.error(request, error.message)
    return _back(item.meeting)


@require_POST
@access(LEAD)
def secretary_check_in(request, uid):
    meeting = _meeting(request.user, uid)
    unit = conference.member_units(meeting).filter(uid=request.POST.get("unit") or None).first() if request.POST.get("unit") else None
    if unit is None:
        messages.error(request, "Hãy chọn đơn vị thành viên cần điểm danh (khách mời không điểm danh).")
        return _back(meeting)
    try:
        _, created = actions.do_check_in(actor=request.user, meeting=meeting, unit=unit)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã điểm danh {unit.name}." if created else f"{unit.name} đã điểm danh trước đó.")
    return _back(meeting)


@require_POST
@access(LEAD)
def screen_create(request, uid):
    meeting = _meeting(request.user, uid)
    try:
        _, secret = actions.do_create_screen_link(actor=request.user, meeting=meeting, label=request.POST.get("label", ""))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        # Shown once on the next page; only its digest is stored.
        request.session[f"screen-{meeting.uid}"] = request.build_absolute_uri(reverse("blocs:screen", args=[secret]))
        messages.success(request, "Đã tạo đường dẫn màn hình; hãy mở nó trên máy chiếu (đường dẫn chỉ hiện một lần).")
    return _back(meeting)


@require_POST
@access(LEAD)
def screen_revoke(request, uid):
    link = ScreenLink.objects.select_related("meeting").filter(uid=uid).first()
    if link is None:
        raise Http404("Không tìm thấy")
    meeting = _meeting(request.user, link.meeting.uid)
    try:
        actions.do_revoke_screen_link(actor=request.user, link=link)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã thu hồi đường dẫn màn hình “{link.label}”.")
    return _back(meeting)


@signed_in
def checkin_qr(request, uid):
    """The URL in the projector's QR code: opened on a member's phone while signed in, it checks
    that member's unit in (the token is single-use and short-lived)."""
    meeting = Meeting.objects.select_related("bloc_year__bloc", "province").filter(uid=uid).first()
    if meeting is None:
        raise Http404("Không tìm thấy")
    # Refusals are answered as a page (200) with the reason: the phone shows it, nothing is written.
    context = {"meeting": meeting, "error": None, "attendance": None, "created": False, "polls": []}
    try:
        attendance, created = actions.do_check_in(actor=request.user, meeting=meeting, token=request.GET.get("t", ""))
    except ActionError as error:
        context["error"] = error.message
    else:
        from thidua.voting import selectors as voting_selectors

        context.update(attendance=attendance, created=created,
                       polls=voting_selectors.polls_to_vote(request.user).filter(meeting=meeting))
    return render(request, "blocs/conference_checkin.html", context)


# ---------------------------------------------------------------- the projector screen


def _screen_link(secret: str) -> ScreenLink | None:
    digest = hashlib.sha256((secret or "").encode()).hexdigest()
    return ScreenLink.objects.select_related("meeting__bloc_year__bloc", "meeting__province").filter(digest=digest).first()


def _revoked(link: ScreenLink | None, *, polling: bool = False) -> HttpResponse | None:
    """The Vietnamese answer to a wrong or revoked link: 404 / 410, or 286 to the screen's own
    htmx polling (htmx shows the message and stops polling)."""
    if link is None:
        return render_screen_message("Đường dẫn màn hình không đúng. Hãy hỏi thư ký hội nghị đường dẫn mới.", status=286 if polling else 404)
    if link.revoked_at is not None:
        from django.utils import timezone

        return render_screen_message(
            f"Đường dẫn màn hình này đã bị thư ký hội nghị thu hồi lúc {timezone.localtime(link.revoked_at):%H:%M ngày %d/%m/%Y}. "
            "Hãy hỏi thư ký hội nghị đường dẫn mới.", status=286 if polling else 410,
        )
    return None


def render_screen_message(message: str, status: int) -> HttpResponse:
    return HttpResponse(render_to_string("blocs/screen_message.html", {"message": message}), status=status)


@public
def screen(request, secret):
    link = _screen_link(secret)
    refused = _revoked(link)
    if refused is not None:
        return refused
    return render(request, "blocs/screen.html", {"meeting": link.meeting, "secret": secret, "link": link})


@public
def screen_live(request, secret):
    """The live fragment the screen polls each second. ETag from the live state; a matching
    If-None-Match is answered 304 without rendering. Its size depends on counts and states, never
    on what anyone chose."""
    link = _screen_link(secret)
    refused = _revoked(link, polling=bool(getattr(request, "htmx", False)))
    if refused is not None:
        return refused
    meeting = link.meeting
    token = conference.current_token(meeting)
    etag = conference.live_key(meeting, extra=token)
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    state = conference.live_state(meeting)
    show_qr = not state.ended
    context = {"meeting": meeting, "state": state, "qr": conference.qr_svg(checkin_url(request, meeting, token)) if show_qr else "",
               "token_seconds": conference.token_seconds()}
    response = render(request, "blocs/_screen_live.html", context)
    response["ETag"] = etag
    return response
