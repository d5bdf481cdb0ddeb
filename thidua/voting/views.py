"""Pages of councils and polls. Thin: form → action → redirect with a message."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from thidua.blocs.models import Bloc, Meeting
from thidua.core.access import access, ensure, get_scoped_or_404, provinces_for, scope_of, scoped, units_for
from thidua.core.errors import ActionError
from thidua.core.forms import apply_action_error
from thidua.core.paging import paginate
from thidua.org.models import Unit
from thidua.rules import voting as voting_rules
from thidua.voting import actions, selectors
from thidua.voting.forms import (
    BallotForm,
    CandidateForm,
    ChairChoiceForm,
    CouncilForm,
    CouncilMemberForm,
    PollForm,
    RecordResultForm,
    WrittenOpinionForm,
)
from thidua.voting.historical import DECLARED_WORDS
from thidua.voting.models import (
    Candidate,
    Council,
    CouncilMember,
    Electorate,
    Method,
    Mode,
    ParticipationKind,
    Poll,
    PollState,
    Subject,
    Voter,
)


def _allowed(user, action: str, **target) -> bool:
    try:
        ensure(user, action, **target)
    except ActionError:
        return False
    return True


def _poll_or_404(user, uid) -> Poll:
    poll = selectors.visible_polls(user).select_related("council", "meeting", "bloc_year__bloc", "province").filter(uid=uid).first()
    if poll is None:
        raise Http404("Không tìm thấy")
    return poll


def _vn(value) -> str:
    text = str(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


# --------------------------------------------------------------------------- home and councils


@access("registry.view")
def home(request):
    scope = scope_of(request.user)
    polls = selectors.visible_polls(request.user).select_related("council", "meeting__bloc_year__bloc").order_by("-held_on", "-pk")
    state = request.GET.get("tinh-trang", "")
    if state in PollState.values:
        polls = polls.filter(state=state)
    context = {
        "to_vote": selectors.polls_to_vote(request.user),
        "page_obj": paginate(request, polls),
        "states": PollState.choices,
        "state": state,
        "can_manage_polls": scope.can("poll.manage"),
        "can_manage_councils": scope.can("council.manage"),
    }
    return render(request, "voting/home.html", context)


@access("registry.view")
def council_list(request):
    context = {"page_obj": paginate(request, selectors.councils_for(request.user)), "can_manage": scope_of(request.user).can("council.manage")}
    return render(request, "voting/council_list.html", context)


def _council_form(request, instance=None):
    units = units_for(request.user, "council.manage").order_by("name")
    blocs = scoped(request.user, Bloc, "council.manage").filter(ended_on__isnull=True).order_by("name")
    initial = {"version": instance.version} if instance else None
    return CouncilForm(request.POST or None, instance=instance, units=units, blocs=blocs, initial=initial)


@access("council.manage")
def council_create(request):
    form = _council_form(request)
    province = provinces_for(request.user, "council.manage").order_by("name").first()
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        target = province or (data.get("unit").province if data.get("unit") else data.get("bloc").province if data.get("bloc") else None)
        try:
            if target is None:
                raise ActionError("Hãy chọn đơn vị hoặc khối của hội đồng.", field="unit")
            council = actions.do_create_council(actor=request.user, province=target, data=data)
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, f"Đã lập {council.name}. Hãy thêm thành viên hội đồng.")
            return redirect("voting:council_detail", uid=council.uid)
    return render(request, "voting/council_form.html", {"form": form, "creating": True})


@access("council.manage")
def council_edit(request, uid):
    council = get_scoped_or_404(request.user, Council, "council.manage", uid=uid)
    form = _council_form(request, instance=council)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            actions.do_update_council(
                actor=request.user, council=Council.objects.get(pk=council.pk), data=data, expected_version=form.cleaned_data.get("version") or 0
            )
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, "Đã lưu thông tin hội đồng.")
            return redirect("voting:council_detail", uid=council.uid)
    return render(request, "voting/council_form.html", {"form": form, "council": council})


@access("registry.view")
def council_detail(request, uid):
    council = get_scoped_or_404(request.user, Council.objects.select_related("unit", "bloc"), uid=uid)
    can_manage = _allowed(request.user, "council.manage", **actions._scope_kwargs(council))
    members = council.members.select_related("user").order_by("role", "full_name", "pk")
    context = {
        "council": council,
        "members": members,
        "can_manage": can_manage,
        "can_poll": _allowed(request.user, "poll.manage", **actions._scope_kwargs(council)),
        "member_form": CouncilMemberForm() if can_manage else None,
        "polls": council.polls.order_by("-held_on", "-pk")[:20],
    }
    return render(request, "voting/council_detail.html", context)


@access("council.manage")
def member_add(request, uid):
    council = get_scoped_or_404(request.user, Council, "council.manage", uid=uid)
    form = CouncilMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "account")}
        data["user"] = form.cleaned_data.get("account")
        try:
            member = actions.do_add_council_member(actor=request.user, council=council, data=data)
        except ActionError as error:
            apply_action_error(form, error, {"user": "account"})
        else:
            messages.success(request, f"Đã thêm {member.full_name} vào hội đồng.")
            return redirect("voting:council_detail", uid=council.uid)
    return render(request, "voting/member_form.html", {"form": form, "council": council, "creating": True})


@access("council.manage")
def member_edit(request, uid):
    member = get_scoped_or_404(request.user, CouncilMember.objects.select_related("council", "user"), "council.manage", uid=uid)
    form = CouncilMemberForm(request.POST or None, instance=member, initial={"version": member.version})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "account")}
        data["user"] = form.cleaned_data.get("account")
        try:
            actions.do_update_council_member(
                actor=request.user, member=CouncilMember.objects.get(pk=member.pk), data=data,
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except ActionError as error:
            apply_action_error(form, error, {"user": "account"})
        else:
            messages.success(request, f"Đã lưu thông tin {member.full_name}.")
            return redirect("voting:council_detail", uid=member.council.uid)
    return render(request, "voting/member_form.html", {"form": form, "council": member.council, "member": member})


# --------------------------------------------------------------------------- polls


@access("poll.manage")
def poll_create(request):
    meeting = None
    meeting_uid = request.GET.get("hoi-nghi") or request.POST.get("hoi-nghi")
    if meeting_uid:
        meeting = get_scoped_or_404(request.user, Meeting.objects.select_related("bloc_year__bloc"), "poll.manage", uid=meeting_uid)
    councils = scoped(request.user, Council, "poll.manage").order_by("name")
    units = None
    initial = {"method": Method.APPROVE_EACH, "mode": Mode.E_BALLOT, "electorate": Electorate.COUNCIL, "subject": Subject.AWARD}
    council_uid = request.GET.get("hoi-dong")
    if council_uid:
        initial["council"] = councils.filter(uid=council_uid).first()
    if meeting is not None:
        units = Unit.objects.filter(bloc_memberships__bloc_year=meeting.bloc_year, bloc_memberships__left_on__isnull=True).order_by("name")
        initial.update({"electorate": Electorate.BLOCK_UNITS, "subject": Subject.LEADER_ACCLAMATION, "method": Method.CHOOSE_ONE})
        if voting_rules.version_on(meeting.held_on) is None:
            # Held before any rule version: only its recorded result can be entered (issue #19).
            initial["mode"] = Mode.EXTERNAL
    form = PollForm(request.POST or None, councils=councils, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("candidate_units", "candidate_names")}
        data["meeting"] = meeting
        data["office"] = data.get("office") or ""
        data["award_code"] = data.get("award_code") or ""
        try:
            poll = actions.do_create_poll(actor=request.user, data=data, candidates=form.candidates())
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, f"Đã lập cuộc bỏ phiếu “{poll.title}”.")
            return redirect("voting:poll_detail", uid=poll.uid)
    historical = meeting is not None and voting_rules.version_on(meeting.held_on) is None
    return render(request, "voting/poll_form.html", {"form": form, "meeting": meeting, "historical": historical})


def _result_rows(poll: Poll) -> list[dict]:
    result = poll.result or {}
    threshold = result.get("threshold") or {}
    base = result.get("council_size") or poll.electorate_size
    rows = []
    if result.get("historical"):
        # Recorded as the minutes say: figures where given, the declared outcome, no arithmetic.
        for r in result.get("results", []):
            rows.append({
                "name": r.get("name") or r["id"], "yes": "—" if r["yes"] is None else r["yes"], "base": base or "—",
                "percent": "—" if r.get("percent") is None else _vn(r["percent"]), "selected": r["selected"],
                "outcome": DECLARED_WORDS.get(poll.subject, "được chọn").capitalize(),
            })
        return rows
    for r in result.get("results", []):
        rows.append({
            "name": r.get("name") or r["id"],
            "yes": r["yes"],
            "base": base,
            "percent": str(r["percent"]).replace(".", ","),
            "threshold": _vn(threshold.get("percent", "")),
            "needed": threshold.get("votes_needed"),
            "passed": r["passed"],
            "selected": r["selected"],
            "in_tie": bool(result.get("tie") and r["id"] in result["tie"]["ids"]),
            "arithmetic": f"{r['yes']} × 100 = {r['yes'] * 100} {'≥' if r['passed'] else '<'} "
                          f"{_vn(threshold.get('percent', ''))} × {base} = {_vn(Decimal(str(threshold.get('percent', 0))) * base)}",
        })
    return rows


def _rule_from(version: str) -> str:
    """The rule version's start date as dd/mm/yyyy (the version is its ISO start date)."""
    try:
        return dt.date.fromisoformat(version).strftime("%d/%m/%Y")
    except ValueError:
        return ""


def _counting_url(poll: Poll) -> str | None:
    """The counting app's page for paper ballots, or for a vote held elsewhere (with its minutes)."""
    try:
        if poll.mode == Mode.EXTERNAL:
            return reverse("counting:external", args=[poll.uid])
        return reverse("counting:poll", args=[poll.uid])
    except NoReverseMatch:
        return None


@access("registry.view")
def poll_detail(request, uid):
    poll = _poll_or_404(request.user, uid)
    target = actions._scope_kwargs(poll)
    can_manage = _allowed(request.user, "poll.manage", **target)
    can_count = _allowed(request.user, "poll.count", **target)
    voter = selectors.voter_of(poll, request.user)
    candidates = list(poll.candidates.all())
    context = {
        "poll": poll,
        "candidates": candidates,
        "can_manage": can_manage,
        "can_count": can_count,
        "voter": voter,
        "has_voted": bool(voter and voter.participations.exists()),
        "electorate": selectors.electorate(poll) if poll.state != PollState.DRAFT else [],
        "participation_count": selectors.participation_count(poll),
        "result_rows": _result_rows(poll),
        "threshold_pct": "" if poll.threshold_pct is None else _vn(poll.threshold_pct),
        "rule_from": _rule_from(poll.rule_version),
        "candidate_form": CandidateForm() if can_manage and poll.state == PollState.DRAFT else None,
        "counting_url": _counting_url(poll) if poll.mode in (Mode.PAPER, Mode.EXTERNAL) else None,
        "tie_form": None,
    }
    result = poll.result or {}
    if result.get("tie"):
        # Women first at equal merit (NĐ 152/2025 Điều 4 khoản 6): genders and the rule beside the tie.
        context["equal_merit"] = selectors.tie_equal_merit(poll)
    if can_manage and result.get("needs_chair_choice"):
        context["tie_form"] = ChairChoiceForm(tied=_tied_choices(poll, context["equal_merit"]), initial={"version": poll.version})
    return render(request, "voting/poll_detail.html", context)


def _tied_choices(poll: Poll, merit: dict) -> list[tuple[str, str]]:
    """The chair's choices, each with the candidate's gender and whether the rule prefers it."""
    names = {str(c.pk): c.label for c in poll.candidates.all()}
    info = {str(r["id"]): r for r in merit.get("candidates", [])}
    choices = []
    for cid in (poll.result or {})["tie"]["ids"]:
        row = info.get(str(cid))
        label = names.get(str(cid), str(cid))
        if row:
            label += f" ({row['gender']}{' — được ưu tiên' if row['preferred'] else ''})"
        choices.append((str(cid), label))
    return choices


@require_POST
@access("poll.manage")
def candidate_add(request, uid):
    poll = _poll_or_404(request.user, uid)
    form = CandidateForm(request.POST)
    if form.is_valid():
        try:
            candidate = actions.do_add_candidate(actor=request.user, poll=poll, data={"label": form.cleaned_data["label"]})
        except ActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Đã thêm “{candidate.label}”.")
    else:
        messages.error(request, "Hãy nhập tên người, đơn vị được bình xét.")
    return redirect("voting:poll_detail", uid=poll.uid)


@require_POST
@access("poll.manage")
def candidate_remove(request, uid):
    candidate = get_scoped_or_404(request.user, Candidate.objects.select_related("poll"), "poll.manage", uid=uid)
    try:
        actions.do_remove_candidate(actor=request.user, candidate=candidate)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã bỏ “{candidate.label}” khỏi danh sách.")
    return redirect("voting:poll_detail", uid=candidate.poll.uid)


def _version(request) -> int:
    try:
        return int(request.POST.get("version", "0"))
    except ValueError:
        return 0


@require_POST
@access("poll.manage")
def poll_open(request, uid):
    poll = _poll_or_404(request.user, uid)
    try:
        actions.do_open_poll(actor=request.user, poll=poll, expected_version=_version(request))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã mở bỏ phiếu: {poll.electorate_size} người có quyền bỏ phiếu.")
    return redirect("voting:poll_detail", uid=poll.uid)


@require_POST
@access("poll.manage")
def poll_close(request, uid):
    poll = _poll_or_404(request.user, uid)
    try:
        poll = actions.do_close_poll(actor=request.user, poll=poll, expected_version=_version(request))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        if poll.state == PollState.RESULT:
            messages.success(request, "Đã đóng bỏ phiếu và kiểm phiếu tự động.")
        else:
            messages.success(request, "Đã đóng bỏ phiếu; hãy nhập kết quả kiểm phiếu.")
    return redirect("voting:poll_detail", uid=poll.uid)


@require_POST
@access("poll.manage")
def poll_attendance(request, uid):
    poll = _poll_or_404(request.user, uid)
    voter = Voter.objects.filter(poll=poll, uid=request.POST.get("voter")).first()
    if voter is None:
        raise Http404("Không tìm thấy")
    try:
        actions.do_set_attendance(actor=request.user, poll=poll, voter=voter, is_present=request.POST.get("present") == "1")
    except ActionError as error:
        messages.error(request, error.message)
    return redirect("voting:poll_detail", uid=poll.uid)


@require_POST
@access("poll.manage")
def poll_tie(request, uid):
    poll = _poll_or_404(request.user, uid)
    result = poll.result or {}
    if not result.get("needs_chair_choice"):
        messages.error(request, "Không có trường hợp bằng phiếu cần Chủ tịch hội đồng quyết định.")
        return redirect("voting:poll_detail", uid=poll.uid)
    form = ChairChoiceForm(request.POST, tied=_tied_choices(poll, selectors.tie_equal_merit(poll)))
    if form.is_valid():
        try:
            actions.do_resolve_tie(actor=request.user, poll=poll, chair_choice=form.cleaned_data["chosen"], expected_version=form.cleaned_data["version"])
        except ActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Đã ghi lựa chọn của Chủ tịch hội đồng và kiểm lại kết quả.")
    else:
        messages.error(request, "Hãy chọn người, đơn vị theo quyết định của Chủ tịch hội đồng.")
    return redirect("voting:poll_detail", uid=poll.uid)


@access("poll.vote")
def ballot(request, uid):
    """The voter's secret ballot: fill in, review, confirm. Phone-friendly, one form.

    Every answer of this flow is the same, byte for byte in length, and the same status and
    redirect, whatever the voter chose (docs/ballot-secrecy.md): the choices travel in POST bodies
    only, as fixed-length values, and the review page marks the chosen option by moving one
    emphasis between options rather than printing texts of different lengths."""
    poll = _poll_or_404(request.user, uid)
    voter = selectors.voter_of(poll, request.user)
    candidates = list(poll.candidates.all())
    context = {"poll": poll, "voter": voter, "candidates": candidates}
    if voter is None:
        context["refusal"] = "Bạn không có tên trong danh sách người bỏ phiếu của cuộc bỏ phiếu này."
        return render(request, "voting/ballot.html", context)
    if voter.participations.exists():
        return render(request, "voting/ballot_done.html", context)
    if poll.state != PollState.OPEN or poll.mode != Mode.E_BALLOT:
        context["refusal"] = (
            "Cuộc bỏ phiếu chưa mở." if poll.state == PollState.DRAFT
            else "Cuộc bỏ phiếu không bỏ phiếu điện tử." if poll.mode != Mode.E_BALLOT
            else "Cuộc bỏ phiếu đã đóng."
        )
        return render(request, "voting/ballot.html", context)
    form = BallotForm(request.POST if request.method == "POST" else None, poll=poll, candidates=candidates)
    if request.method == "POST" and request.POST.get("step") == "edit":
        # Back from the review: the marks are kept for editing.
        form.is_valid()
        context["form"] = form
        return render(request, "voting/ballot.html", context)
    if request.method == "POST" and form.is_valid():
        approved = form.approved()
        if request.POST.get("step") == "confirm":
            try:
                actions.do_cast_ballot(actor=request.user, poll=poll, approved=approved)
            except ActionError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "Phiếu của bạn đã được ghi nhận.")
                return redirect("voting:ballot", uid=poll.uid)
        else:
            # Review step: the voter sees their own marks once more before sending.
            approved_set = set(approved)
            review = [{"label": c.label, "chosen": c.pk in approved_set} for c in candidates]
            if poll.method == Method.CHOOSE_ONE:
                review.append({"label": "Phiếu trắng (không chọn ai)", "chosen": not approved_set})
            context.update({"form": form, "review": review, "carried": form.carried()})
            return render(request, "voting/ballot_confirm.html", context)
    context["form"] = form
    return render(request, "voting/ballot.html", context)


@access("poll.manage")
def written_opinion(request, uid):
    poll = _poll_or_404(request.user, uid)
    if not _allowed(request.user, "poll.manage", **actions._scope_kwargs(poll)):
        raise Http404("Không tìm thấy")
    candidates = list(poll.candidates.all())
    voters = Voter.objects.filter(poll=poll, is_present=False).exclude(participations__isnull=False).order_by("label")
    form = WrittenOpinionForm(request.POST or None, poll=poll, candidates=candidates, voters=voters)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_enter_written_opinion(actor=request.user, poll=poll, voter=form.cleaned_data["voter"], approved=form.approved())
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, f"Đã ghi ý kiến bằng văn bản của {form.cleaned_data['voter'].label}.")
            return redirect("voting:poll_detail", uid=poll.uid)
    written = poll.participations.filter(kind=ParticipationKind.WRITTEN_OPINION).select_related("voter")
    return render(request, "voting/written_opinion.html", {"poll": poll, "form": form, "written": written, "open": poll.state == PollState.OPEN})


@access("poll.count")
def record_result(request, uid):
    """Counts of a show of hands (biểu quyết) or of a vote held outside the system."""
    poll = _poll_or_404(request.user, uid)
    if not _allowed(request.user, "poll.count", **actions._scope_kwargs(poll)):
        raise Http404("Không tìm thấy")
    if poll.mode not in (Mode.SHOW_OF_HANDS, Mode.EXTERNAL):
        messages.error(request, "Cuộc bỏ phiếu này được kiểm phiếu theo hình thức khác.")
        return redirect("voting:poll_detail", uid=poll.uid)
    candidates = list(poll.candidates.all())
    form = RecordResultForm(request.POST or None, poll=poll, candidates=candidates, initial={"version": poll.version})
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_record_result(
                actor=request.user, poll=poll, counts=form.counts(), source=poll.mode, expected_version=form.cleaned_data["version"]
            )
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, "Đã ghi kết quả và kiểm phiếu theo quy định.")
            return redirect("voting:poll_detail", uid=poll.uid)
    return render(request, "voting/record_result.html", {"poll": poll, "form": form})
