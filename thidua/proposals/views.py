"""Pages of award proposals (hồ sơ đề nghị khen thưởng) and decisions (quyết định khen thưởng)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from thidua.blocs.models import Meeting, MeetingKind
from thidua.core.access import access, ensure, get_scoped_or_404, provinces_for, scope_of, scoped, units_for
from thidua.core.db import vi_order
from thidua.core.errors import ActionError
from thidua.core.forms import apply_action_error
from thidua.core.paging import htmx_partial, paginate
from thidua.documents.models import IssuedDocument
from thidua.org import selectors as org_selectors
from thidua.org.models import Person, Province, Unit
from thidua.proposals import actions
from thidua.proposals.money import proposal_money
from thidua.proposals.forms import (
    CONFIRMATION_LABELS,
    AmountForm,
    AppraiseForm,
    AttachmentForm,
    DecisionForm,
    ItemEditForm,
    ItemForm,
    ProposalCreateForm,
    ProposalFilterForm,
    ProposalForm,
    ReasonForm,
    RecipientFormSet,
    RevokeForm,
    VoteForm,
)
from thidua.proposals.models import Appraisal, Decision, DecisionKind, DecisionRecipient, Proposal, ProposalAttachment, ProposalItem
from thidua.rules import council
from thidua.awards.selectors import award_label
from thidua.rules.catalogue import AWARD_NAMES, AWARD_SUBJECTS
from thidua.rules.proposals import EDITABLE_STATES, PROPOSAL_EVENTS, REASON_REQUIRED, ROLES, UNIT_HEAD_AWARDS, allowed_events, money_total_text, vnd


def _version(request) -> int:
    value = request.POST.get("version") or ""
    return int(value) if value.isdigit() else -1


def _roles(user, proposal) -> set[str]:
    return actions._roles_for(user, proposal, set(ROLES))


def _can(user, action: str, **target) -> bool:
    try:
        ensure(user, action, **target)
    except ActionError:
        return False
    return True


def _meetings_for(user):
    """Year-end meetings of the blocks the user may propose for (tổng kết, bình xét)."""
    qs = scoped(user, Meeting, "proposal.edit").filter(kind__in=[MeetingKind.ANNUAL_REVIEW, MeetingKind.DELIBERATION])
    scope = scope_of(user)
    if not scope.is_admin:
        # A member unit's officer sees its blocks' meetings, but only the block head proposes for the block.
        qs = qs.filter(Q(province_id__in=scope.province_ids_for("proposal.edit") or set()) | Q(bloc_year__bloc_id__in=scope.bloc_ids_for("proposal.edit")))
    return qs.select_related("bloc_year__bloc").order_by("-held_on")


# ---------------------------------------------------------------- proposals

def _batch_awards(proposal) -> list[tuple[str, str]]:
    """Awards the "add staff" form offers: the unit head's own first, then every other catalogue award
    for individuals the province sees (coded or manual, its own awards of other issuers), issue #19."""
    from thidua.awards.selectors import catalogue_award_choices

    head = [(code, AWARD_NAMES[code]) for code in UNIT_HEAD_AWARDS if "individual" in AWARD_SUBJECTS[code]]
    seen = {code for code, _ in head}
    return head + [(code, name) for code, name in catalogue_award_choices("individual", proposal.province) if code not in seen]


# Order of an item's blockers on the dossier page: what stops it first.
BLOCKER_ORDER = {"BLOCK": 0, "HOLD": 1, "MANUAL": 2}


@access("registry.view")
def proposal_list(request):
    form = ProposalFilterForm(request.GET or None)
    qs = scoped(request.user, Proposal).select_related("proposer_unit", "bloc_year__bloc").annotate(item_count=Count("items"))
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("state"):
        qs = qs.filter(state=data["state"])
    if data.get("year"):
        qs = qs.filter(year=data["year"])
    if data.get("q"):
        qs = org_selectors.search(qs, data["q"])
    page = paginate(request, qs.order_by("-year", "-created_at"))
    context = {"form": form, "page_obj": page, "can_create": scope_of(request.user).can("proposal.edit"),
               "can_decide": scope_of(request.user).can("decision.issue")}
    return render(request, "proposals/_proposal_table.html" if htmx_partial(request) else "proposals/proposal_list.html", context)


@access("proposal.edit")
def proposal_create(request):
    units = units_for(request.user, "proposal.edit").order_by(vi_order("name"))
    meetings = _meetings_for(request.user)
    form = ProposalCreateForm(request.POST or None, units=units, meetings=meetings, initial={"level": "PROVINCE"})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "proposer_unit", "meeting")}
        if data.get("year") is None:
            data.pop("year")
        try:
            proposal = actions.do_create_proposal(
                actor=request.user, data=data, proposer_unit=form.cleaned_data.get("proposer_unit"), meeting=form.cleaned_data.get("meeting"),
            )
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, "Đã lập hồ sơ đề nghị. Hãy thêm cá nhân, tập thể được đề nghị.")
            return redirect(reverse("proposals:proposal_detail", args=[proposal.uid]))
    return render(request, "proposals/proposal_form.html", {"form": form, "creating": True})


@require_POST
@access("proposal.edit")
def proposal_from_poll(request, uid):
    """The button on a poll's page: its selected candidates become a draft award dossier."""
    from thidua.voting.models import Poll

    poll = get_scoped_or_404(request.user, Poll.objects.select_related("council__unit", "meeting__bloc_year__bloc"), "proposal.edit", uid=uid)
    try:
        proposal = actions.do_create_proposal_from_poll(actor=request.user, poll=poll)
    except ActionError as error:
        messages.error(request, error.message)
        return redirect(reverse("voting:poll_detail", args=[poll.uid]))
    messages.success(request, f"Đã lập hồ sơ đề nghị từ kết quả bỏ phiếu với {proposal.items.count()} trường hợp được chọn. Hãy kiểm tra rồi gửi.")
    return redirect(reverse("proposals:proposal_detail", args=[proposal.uid]))


@access("proposal.edit")
def proposal_edit(request, uid):
    proposal = get_scoped_or_404(request.user, Proposal, "proposal.edit", uid=uid)
    form = ProposalForm(request.POST or None, instance=proposal, initial={"version": proposal.version})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            actions.do_update_proposal(actor=request.user, proposal=Proposal.objects.get(pk=proposal.pk), data=data, expected_version=_version(request))
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, "Đã lưu hồ sơ.")
            return redirect(reverse("proposals:proposal_detail", args=[proposal.uid]))
    return render(request, "proposals/proposal_form.html", {"form": form, "creating": False, "proposal": proposal})


def _item_choices(proposal):
    if proposal.proposer_unit_id:
        units = Unit.objects.filter(Q(pk=proposal.proposer_unit_id) | Q(parent_id=proposal.proposer_unit_id), ended_on__isnull=True)
    else:
        units = Unit.objects.filter(pk__in=proposal.bloc_year.memberships.values("unit_id"))
    people = Person.objects.filter(unit__in=units).select_related("unit")
    return people.order_by(vi_order("given_name"), vi_order("full_name")), units.order_by(vi_order("name"))


def _documents(proposal, items) -> dict:
    keys = [str(proposal.uid)] + [str(i.uid) for i in items]
    return {d.source_key: d for d in IssuedDocument.objects.filter(source_key__in=keys, kind__in=["PROPOSAL_SUBMISSION", "ACHIEVEMENT_REPORT"])}


@access("registry.view")
def proposal_detail(request, uid):
    proposal = get_scoped_or_404(
        request.user, Proposal.objects.select_related("proposer_unit", "bloc_year__bloc", "bloc_year__head_unit", "meeting", "province"), uid=uid
    )
    items = list(
        proposal.items.select_related("person__unit", "unit", "hold_overridden_by")
        .prefetch_related("recipients__decision", "council_confirmations").order_by("pk")
    )
    roles = _roles(request.user, proposal)
    can_edit = proposal.state in EDITABLE_STATES and "proposer" in roles
    documents = _documents(proposal, items)
    # A block's dossier is read by every member; link only to the records this user may open.
    seen_people = set(scoped(request.user, Person.objects.filter(pk__in=[i.person_id for i in items if i.person_id])).values_list("pk", flat=True))
    seen_units = set(scoped(request.user, Unit.objects.filter(pk__in=[i.unit_id for i in items if i.unit_id])).values_list("pk", flat=True))
    today = dt.date.today()
    for item in items:
        item.history_visible = item.person_id in seen_people if item.person_id else item.unit_id in seen_units
        item.report_document = documents.get(str(item.uid))
        item.is_blocked = bool(item.blocking())
        item.holds = [b for b in item.blockers or [] if b.get("kind") in ("HOLD", "MANUAL")]
        item.decision_rows = item.recipients.all()  # prefetched: no query per row on lists of hundreds
        # "Đủ điều kiện nếu Hội đồng xác nhận" is not the green of a result the data decides.
        item.status = council.status(item.eligibility) if (item.eligibility or {}).get("outcome") else None
        item.status_label = council.STATUS_LABELS.get(item.status, "")
        item.status_badge = council.STATUS_BADGES.get(item.status, "")
        # One outcome, one colour, the blocker first (issue #19): a blocking "Vướng" (no registration,
        # a vote short of its threshold…) wins over the standards' "Đủ điều kiện".
        item.blockers = sorted(item.blockers or [], key=lambda b: BLOCKER_ORDER.get(b.get("kind"), len(BLOCKER_ORDER)))
        kinds = {b.get("kind") for b in item.blocking()}
        if "BLOCK" in kinds and item.status != council.NOT_ELIGIBLE:
            item.status, item.status_label, item.status_badge = "BLOCKED", "Vướng, chưa thể đề nghị", "off"
        elif "HOLD" in kinds and item.status in (council.ELIGIBLE, council.ELIGIBLE_IF_CONFIRMED):
            item.status = council.HOLD
            item.status_label, item.status_badge = council.STATUS_LABELS[council.HOLD], council.STATUS_BADGES[council.HOLD]
        item.council_rows = list(item.council_confirmations.all())
    # Expected money: one payment per achievement period across the items (NĐ 152/2025 Điều 49).
    money, money_lines = proposal_money(proposal, items, today)
    for item in items:
        line = money_lines.get(item.pk)
        item.money_text = "" if line is None else (
            "chưa xác định (pháp luật chưa quy định mức; mức do cơ quan ban hành quyết định)" if line.amount_vnd is None
            else f"không chi — {line.note}" if line.amount_vnd == 0 else f"{vnd(line.amount_vnd)} đồng"
        )
    people, units = _item_choices(proposal) if can_edit else (Person.objects.none(), Unit.objects.none())
    events = [(e, PROPOSAL_EVENTS[e]) for e in allowed_events(proposal.state, roles) if e != "decide"]
    context = {
        "proposal": proposal,
        "items": items,
        "roles": roles,
        "can_edit": can_edit,
        "can_review": bool(roles & {"receiver", "appraiser"}),
        "can_decide": "decider" in roles,
        "can_check": bool(roles & {"proposer", "appraiser"}) and proposal.state not in ("DECIDED", "REJECTED"),
        "can_vote": (can_edit or ("appraiser" in roles and proposal.state in ("RECEIVED", "APPRAISING"))),
        "can_attach": proposal.state not in ("DECIDED", "REJECTED") and (can_edit or bool(roles & {"receiver", "appraiser"})),
        "appraising": proposal.state == "APPRAISING" and "appraiser" in roles,
        "events": events,
        "reason_events": REASON_REQUIRED,
        "item_form": ItemForm(people=people, units=units, province=proposal.province),
        "attachment_form": AttachmentForm(),
        "submission_document": documents.get(str(proposal.uid)),
        "can_generate": "proposer" in roles,
        "history": proposal.events.order_by("created_at", "pk"),
        "attachments": proposal.attachments.order_by("created_at"),
        "decisions": proposal.decisions.all(),
        "confirmation_labels": CONFIRMATION_LABELS,
        "blocked_count": sum(1 for i in items if i.is_blocked),
        "money_total_text": money_total_text(money.total_vnd, money.unknown_count) if money.lines else "",
        "money_on": today,
        # A unit's own year-end bình xét: add every eligible staff member at once.
        "batch_awards": _batch_awards(proposal) if can_edit and proposal.proposer_unit_id else [],
        "unit_decides": proposal.proposer_unit_id is not None and actions.unit_authority_refusal(proposal, [i.award for i in items]) is None,
    }
    return render(request, "proposals/proposal_detail.html", context)


def _back(proposal):
    return redirect(reverse("proposals:proposal_detail", args=[proposal.uid]))


@require_POST
@access("proposal.edit")
def item_add(request, uid):
    proposal = get_scoped_or_404(request.user, Proposal, "proposal.edit", uid=uid)
    people, units = _item_choices(proposal)
    form = ItemForm(request.POST, people=people, units=units, province=proposal.province)
    if not form.is_valid():
        messages.error(request, "Chưa thêm được: " + " ".join(e for errs in form.errors.values() for e in errs))
        return _back(proposal)
    try:
        item = actions.do_add_item(actor=request.user, proposal=proposal, data=form.cleaned_data)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        if item.blocking():
            messages.warning(request, f"Đã thêm {item}; còn {len(item.blocking())} vướng mắc, xem giải thích bên dưới.")
        else:
            messages.success(request, f"Đã thêm {item}.")
    return _back(proposal)


@require_POST
@access("proposal.edit")
def item_add_eligible(request, uid):
    """Add every staff member of the proposing unit eligible for the chosen award in the dossier's year."""
    proposal = get_scoped_or_404(request.user, Proposal.objects.select_related("proposer_unit"), "proposal.edit", uid=uid)
    award = request.POST.get("award") or ""
    try:
        added = actions.do_add_eligible_people(actor=request.user, proposal=proposal, award=award)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        blocked = sum(1 for item in added if item.blocking())
        waiting = sum(1 for item in added if council.status(item.eligibility or {}) == council.ELIGIBLE_IF_CONFIRMED)
        name = award_label(added[0].award, proposal.province)
        manual = [b for b in added[0].blockers or [] if b.get("kind") == "MANUAL"]
        if manual:
            messages.success(request, f"Đã thêm {len(added)} cán bộ để thẩm định thủ công {name} năm {proposal.year}: {manual[0]['text']} "
                                      "Bỏ những người không được đề nghị trước khi gửi hồ sơ.")
            return _back(proposal)
        text = f"Đã thêm {len(added)} cán bộ đủ điều kiện {name} năm {proposal.year}."
        if waiting:
            text += f" {waiting} trường hợp chỉ đủ điều kiện nếu Hội đồng xác nhận các tiêu chuẩn định tính (ghi theo biên bản họp)."
        if blocked:
            text += f" {blocked} trường hợp còn vướng mắc, xem giải thích bên dưới."
        messages.success(request, text)
    return _back(proposal)


@require_POST
@access("proposal.review")
def proposal_approve_unblocked(request, uid):
    proposal = get_scoped_or_404(request.user, Proposal, "proposal.review", uid=uid)
    try:
        count = actions.do_approve_unblocked(actor=request.user, proposal=proposal, expected_version=_version(request))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã ghi “Đề nghị khen thưởng” cho {count} trường hợp không có vướng mắc.")
    return _back(proposal)


@access("proposal.edit")
def item_edit(request, uid):
    item = get_scoped_or_404(request.user, ProposalItem.objects.select_related("proposal", "person", "unit"), "proposal.edit", uid=uid)
    initial = {"version": item.version, "achievements": item.achievements}
    for key, value in (item.confirmations or {}).items():
        initial[f"confirm_{key}"] = "yes" if value else "no"
    form = ItemEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_item(
                actor=request.user, item=item, data={"achievements": form.cleaned_data["achievements"], "confirmations": form.confirmations()},
                expected_version=form.cleaned_data["version"],
            )
            actions.do_check_proposal(actor=request.user, proposal=item.proposal)
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, f"Đã lưu {item} và kiểm tra lại điều kiện.")
            return _back(item.proposal)
    return render(request, "proposals/item_form.html", {"form": form, "item": item, "proposal": item.proposal})


@require_POST
@access("proposal.edit")
def item_remove(request, uid):
    item = get_scoped_or_404(request.user, ProposalItem.objects.select_related("proposal"), "proposal.edit", uid=uid)
    proposal = item.proposal
    try:
        actions.do_remove_item(actor=request.user, item=item)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Đã bỏ trường hợp khỏi hồ sơ.")
    return _back(proposal)


@require_POST
@access("registry.view")
def item_vote(request, uid):
    item = get_scoped_or_404(request.user, ProposalItem.objects.select_related("proposal"), uid=uid)
    form = VoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Kết quả bỏ phiếu chưa hợp lệ: " + " ".join(e for errs in form.errors.values() for e in errs))
        return _back(item.proposal)
    data = form.cleaned_data
    try:
        actions.do_record_vote(
            actor=request.user, item=item, members_total=data["members_total"], present=data["present"], yes=data["yes"],
            held_on=data.get("held_on"), expected_version=data["version"],
        )
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã ghi kết quả bỏ phiếu cho {item}.")
    return _back(item.proposal)


@require_POST
@access("proposal.review")
def item_appraise(request, uid):
    item = get_scoped_or_404(request.user, ProposalItem.objects.select_related("proposal"), "proposal.review", uid=uid)
    form = AppraiseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Hãy chọn kết quả thẩm định.")
        return _back(item.proposal)
    try:
        actions.do_appraise_item(
            actor=request.user, item=item, appraisal=form.cleaned_data["appraisal"], note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        )
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã ghi kết quả thẩm định: {item}.")
    return _back(item.proposal)


@require_POST
@access("decision.issue")
def item_override_hold(request, uid):
    item = get_scoped_or_404(request.user, ProposalItem.objects.select_related("proposal"), "decision.issue", uid=uid)
    form = ReasonForm(request.POST)
    try:
        actions.do_override_hold(actor=request.user, item=item, reason=form.data.get("reason", ""), expected_version=_version(request))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã ghi lý do vẫn xét: {item}.")
    return _back(item.proposal)


@require_POST
@access("registry.view")
def proposal_check(request, uid):
    proposal = get_scoped_or_404(request.user, Proposal, uid=uid)
    try:
        proposal = actions.do_check_proposal(actor=request.user, proposal=proposal)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        blocked = sum(1 for i in proposal.items.all() if i.blocking())
        if blocked:
            messages.warning(request, f"Đã kiểm tra lại: còn {blocked} trường hợp vướng mắc (xem giải thích từng trường hợp).")
        else:
            messages.success(request, "Đã kiểm tra lại: không còn vướng mắc nào chặn hồ sơ.")
    return _back(proposal)


@require_POST
@access("registry.view")
def proposal_transition(request, uid):
    proposal = get_scoped_or_404(request.user, Proposal, uid=uid)
    event = request.POST.get("event", "")
    if event not in PROPOSAL_EVENTS:
        messages.error(request, "Thao tác không hợp lệ.")
        return _back(proposal)
    try:
        proposal = actions.do_transition(
            actor=request.user, proposal=proposal, event=event, expected_version=_version(request), reason=request.POST.get("reason", ""),
        )
    except ActionError as error:
        messages.error(request, error.message)
        if event == "submit":
            # Keep the page's explanations in step with what refused the dossier.
            try:
                actions.do_check_proposal(actor=request.user, proposal=Proposal.objects.get(pk=proposal.pk))
            except ActionError:
                pass
    else:
        messages.success(request, f"Hồ sơ đã chuyển sang trạng thái “{proposal.get_state_display()}”.")
    return _back(proposal)


@require_POST
@access("registry.view")
def attachment_add(request, uid):
    proposal = get_scoped_or_404(request.user, Proposal, uid=uid)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Chưa tải lên được: " + " ".join(e for errs in form.errors.values() for e in errs))
        return _back(proposal)
    try:
        actions.do_add_attachment(
            actor=request.user, proposal=proposal, upload=form.cleaned_data["file"], kind=form.cleaned_data["kind"],
            description=form.cleaned_data["description"],
        )
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Đã thêm tệp vào hồ sơ.")
    return _back(proposal)


@access("registry.view")
def attachment_download(request, uid):
    attachment = get_scoped_or_404(request.user, ProposalAttachment, uid=uid)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name)


@require_POST
@access("registry.view")
def document_generate(request, uid):
    """Generate the tờ trình of a proposal, or (with `item`) the báo cáo thành tích of one subject."""
    from thidua.documents.actions import do_generate_document

    proposal = get_scoped_or_404(request.user, Proposal.objects.select_related("proposer_unit", "bloc_year__bloc", "bloc_year__head_unit", "meeting", "province"), uid=uid)
    item_uid = request.POST.get("item")
    try:
        if item_uid:
            item = get_scoped_or_404(request.user, ProposalItem.objects.filter(proposal=proposal), uid=item_uid)
            do_generate_document(actor=request.user, kind_code="ACHIEVEMENT_REPORT", source=item)
            messages.success(request, f"Đã sinh báo cáo thành tích: {item}.")
        else:
            do_generate_document(actor=request.user, kind_code="PROPOSAL_SUBMISSION", source=proposal)
            messages.success(request, "Đã sinh tờ trình đề nghị khen thưởng.")
    except ActionError as error:
        messages.error(request, error.message)
    return _back(proposal)


# ---------------------------------------------------------------- decisions


def _issuer_units(user):
    return units_for(user, "decision.issue").select_related("province").order_by(vi_order("name"), "province__name")


@access("decision.issue")
def decision_issue(request, uid):
    proposal = get_scoped_or_404(request.user, Proposal.objects.select_related("proposer_unit", "bloc_year__bloc"), "decision.issue", uid=uid)
    approved = list(proposal.items.filter(appraisal=Appraisal.APPROVED).select_related("person__unit", "unit"))
    form = DecisionForm(request.POST or None, units=_issuer_units(request.user), initial={"version": proposal.version, "level": proposal.level})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        data["kind"] = DecisionKind.EXTERNAL if request.POST.get("external") else DecisionKind.INTERNAL
        try:
            decision = actions.do_issue_decision(actor=request.user, proposal=proposal, data=data, expected_version=_version(request))
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, f"Đã ghi quyết định số {decision.reference}; khen thưởng đã vào hồ sơ thành tích.")
            return redirect(reverse("proposals:decision_detail", args=[decision.uid]))
    context = {"form": form, "proposal": proposal, "approved": approved, "external": False, "ready": proposal.state == "PRESENTED"}
    return render(request, "proposals/decision_form.html", context)


@access("registry.view")
def decision_list(request):
    form = ProposalFilterForm(request.GET or None)
    qs = scoped(request.user, Decision).select_related("proposal").annotate(recipient_count=Count("recipients", distinct=True))
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("year"):
        qs = qs.filter(issued_on__year=data["year"])
    if data.get("q"):
        qs = org_selectors.search(qs, data["q"])
    page = paginate(request, qs.order_by("-issued_on", "-pk"))
    # Recording a higher authority's decision is the province's (a unit leader decides only its own unit's dossiers).
    can_record = provinces_for(request.user, "decision.issue").exists()
    return render(request, "proposals/decision_list.html", {"form": form, "page_obj": page, "can_decide": can_record})


@access("registry.view")
def decision_detail(request, uid):
    decision = get_scoped_or_404(request.user, Decision.objects.select_related("issuer_unit", "proposal", "province"), uid=uid)
    recipients = decision.recipients.select_related("person", "unit", "owner_unit").order_by("award", "pk")
    can_decide = _can(request.user, "decision.issue", province=decision.province_id)
    from thidua.proposals.documents import decision_permission

    action, target = decision_permission(decision)
    can_generate = _can(request.user, action, **target)
    document = IssuedDocument.objects.filter(kind="AWARD_DECISION", source_key=str(decision.uid)).first()
    page = paginate(request, recipients, per_page=200)
    context = {
        "decision": decision, "page_obj": page, "can_decide": can_decide, "document": document, "can_generate": can_generate,
        "revoke_form": RevokeForm(initial={"version": decision.version}),
        "live_count": recipients.filter(revoked_on__isnull=True).count(),
        # Amounts the law does not set: the officer enters what the issuing body decided.
        "amount_rows": [r for r in recipients.filter(Q(amount_vnd__isnull=True) | Q(amount_entered_by_officer=True)) if r.amount_editable]
        if can_decide and not decision.revoked_on else [],
    }
    return render(request, "proposals/decision_detail.html", context)


@require_POST
@access("decision.issue")
def recipient_amount(request, uid):
    recipient = get_scoped_or_404(request.user, DecisionRecipient.objects.select_related("decision", "person", "unit"), "decision.issue", uid=uid)
    back = redirect(reverse("proposals:decision_detail", args=[recipient.decision.uid]) + "#tien-thuong-chua-xac-dinh")
    form = AmountForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Chưa ghi được tiền thưởng: " + " ".join(e for errs in form.errors.values() for e in errs))
        return back
    try:
        actions.do_set_recipient_amount(
            actor=request.user, recipient=recipient, amount_vnd=form.cleaned_data["amount"], note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        )
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã ghi tiền thưởng của {recipient.subject_name}: {recipient.amount_text}.")
    return back


@require_POST
@access("decision.issue")
def decision_document(request, uid):
    from thidua.documents.actions import do_generate_document

    decision = get_scoped_or_404(request.user, Decision, "decision.issue", uid=uid)
    try:
        do_generate_document(actor=request.user, kind_code="AWARD_DECISION", source=decision)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Đã sinh quyết định khen thưởng và danh sách kèm theo.")
    return redirect(reverse("proposals:decision_detail", args=[decision.uid]))


@require_POST
@access("decision.issue")
def decision_revoke(request, uid):
    decision = get_scoped_or_404(request.user, Decision, "decision.issue", uid=uid)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Chưa hủy được: " + " ".join(e for errs in form.errors.values() for e in errs))
        return redirect(reverse("proposals:decision_detail", args=[decision.uid]))
    chosen = [int(v) for v in request.POST.getlist("recipient") if v.isdigit()]
    try:
        actions.do_revoke_decision(
            actor=request.user, decision=decision, reason=form.cleaned_data["reason"], revoked_on=form.cleaned_data["revoked_on"],
            expected_version=form.cleaned_data["version"], recipient_ids=chosen or None,
        )
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Đã hủy khen thưởng; bản ghi được giữ lại cùng lý do.")
    return redirect(reverse("proposals:decision_detail", args=[decision.uid]))


@access("decision.issue")
def decision_external(request):
    """Record a decision of a higher authority (e.g. Quyết định 770/QĐ-TTg) with its list."""
    allowed = list(provinces_for(request.user, "decision.issue").order_by("name"))
    if not allowed:
        raise PermissionDenied("Bạn không có quyền ghi nhận quyết định của tỉnh nào.")
    province = allowed[0] if len(allowed) == 1 else None
    # Every province the user records for, with the provinces merged into them (issue #19 point 5).
    lineage = {p.pk for p in allowed}
    frontier = list(lineage)
    while frontier:
        frontier = [pk for pk in Province.objects.filter(merged_into_id__in=frontier).values_list("pk", flat=True) if pk not in lineage]
        lineage.update(frontier)
    units = Unit.objects.filter(province_id__in=lineage).select_related("province").order_by(vi_order("name"), "province__name")
    people = Person.objects.filter(province_id__in=lineage).select_related("unit__province").order_by(vi_order("given_name"), vi_order("full_name"))
    form = DecisionForm(request.POST or None, units=_issuer_units(request.user), external=True, initial={"level": "CENTRAL"})
    formset = RecipientFormSet(request.POST or None, form_kwargs={"people": people, "units": units}, prefix="rows")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        rows = [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.is_blank()]
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        province = actions.external_decision_province(request.user, issuer_unit=data.get("issuer_unit"), rows=rows)
        try:
            decision = actions.do_record_external_decision(actor=request.user, province=province, data=data, recipients=rows)
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, f"Đã ghi nhận quyết định số {decision.reference}; khen thưởng đã vào hồ sơ thành tích.")
            return redirect(reverse("proposals:decision_detail", args=[decision.uid]))
    return render(request, "proposals/decision_form.html", {"form": form, "formset": formset, "external": True, "province": province})

