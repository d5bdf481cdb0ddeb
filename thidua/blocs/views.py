from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from thidua.blocs import actions, selectors
from thidua.blocs.forms import AddMemberForm, BlocFilterForm, BlocForm, LeadershipForm, OpenYearForm, RemoveMemberForm
from thidua.blocs.models import Bloc, BlocKind, BlocYear, Meeting, Membership
from thidua.core.access import access, ensure, get_scoped_or_404, provinces_for, scope_of, scoped, units_for
from thidua.core.db import vi_order
from thidua.core.errors import ActionError
from thidua.core.forms import apply_action_error
from thidua.core.paging import htmx_partial, paginate
from thidua.org import selectors as org_selectors
from thidua.org.models import Province, Unit


def _can_lead(user, bloc: Bloc) -> bool:
    try:
        ensure(user, "bloc.lead", province=bloc.province_id, bloc=bloc)
    except ActionError:
        return False
    return True


@access("registry.view")
def bloc_list(request):
    form = BlocFilterForm(request.GET or None)
    qs = scoped(request.user, Bloc).filter(ended_on__isnull=True).select_related("province", "parent")
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    if data.get("q"):
        qs = org_selectors.search(qs, data["q"])
    qs = qs.annotate(year_count=Count("years", distinct=True)).order_by(vi_order("name"), "pk")
    page = paginate(request, qs)
    latest = {}
    for bloc_year in BlocYear.objects.filter(bloc__in=[b.pk for b in page]).select_related("head_unit").order_by("bloc_id", "-year"):
        latest.setdefault(bloc_year.bloc_id, bloc_year)
    for bloc in page:
        bloc.latest_year = latest.get(bloc.pk)
    context = {"form": form, "page_obj": page, "can_manage": scope_of(request.user).can("bloc.manage")}
    template = "blocs/_bloc_table.html" if htmx_partial(request) else "blocs/bloc_list.html"
    return render(request, template, context)


@access("registry.view")
def bloc_detail(request, uid):
    bloc = get_scoped_or_404(request.user, Bloc.objects.select_related("province", "parent"), uid=uid)
    columns = selectors.years_side_by_side(bloc)
    latest = BlocYear.objects.filter(bloc=bloc).order_by("-year").first()
    context = {
        "bloc": bloc,
        "columns": columns,
        "children": bloc.children.filter(ended_on__isnull=True).order_by(vi_order("name")),
        "rotation": bloc.rotation.select_related("unit"),
        "rotation_rows": _rotation_rows(bloc, latest),
        "movements": bloc.movements.order_by("-start_date"),
        "can_manage": scope_of(request.user).can("bloc.manage"),
        "open_form": OpenYearForm(initial={"year": (latest.year + 1) if latest else None, "copy_members": True}),
    }
    return render(request, "blocs/bloc_detail.html", context)


def _rotation_rows(bloc, latest_year):
    """Members of the latest year with their current rotation number, for the rotation form."""
    if latest_year is None:
        return []
    positions = dict(bloc.rotation.values_list("unit_id", "position"))
    members = latest_year.memberships.filter(left_on__isnull=True).select_related("unit").order_by(vi_order("unit__name"))
    return [{"unit": m.unit, "position": positions.get(m.unit_id)} for m in members]


@access("bloc.manage")
def bloc_create(request):
    provinces = provinces_for(request.user, "bloc.manage")
    province = provinces.order_by("name").first()
    parents = scoped(request.user, Bloc, "bloc.manage").filter(kind=BlocKind.KHOI, ended_on__isnull=True).order_by(vi_order("name"))
    form = BlocForm(request.POST or None, parent_choices=parents)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            bloc = actions.do_create_bloc(actor=request.user, province=province, data=data)
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, f"Đã thêm {bloc.get_kind_display().lower()} “{bloc.name}”. Hãy mở năm thi đua và thêm đơn vị thành viên.")
            return redirect(reverse("blocs:bloc_detail", args=[bloc.uid]))
    return render(request, "blocs/bloc_form.html", {"form": form, "province": province, "creating": True})


@access("bloc.manage")
def bloc_edit(request, uid):
    bloc = get_scoped_or_404(request.user, Bloc, "bloc.manage", uid=uid)
    parents = scoped(request.user, Bloc, "bloc.manage").filter(kind=BlocKind.KHOI, ended_on__isnull=True).exclude(pk=bloc.pk)
    form = BlocForm(request.POST or None, instance=bloc, parent_choices=parents.order_by(vi_order("name")), initial={"version": bloc.version})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            actions.do_update_bloc(actor=request.user, bloc=Bloc.objects.get(pk=bloc.pk), data=data, expected_version=form.cleaned_data.get("version") or 0)
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, "Đã lưu thông tin khối.")
            return redirect(reverse("blocs:bloc_detail", args=[bloc.uid]))
    return render(request, "blocs/bloc_form.html", {"form": form, "bloc": bloc, "creating": False})


@require_POST
@access("bloc.manage")
def year_open(request, uid):
    bloc = get_scoped_or_404(request.user, Bloc, "bloc.manage", uid=uid)
    form = OpenYearForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Năm không hợp lệ: " + "; ".join(e for errs in form.errors.values() for e in errs))
        return redirect(reverse("blocs:bloc_detail", args=[bloc.uid]))
    try:
        bloc_year, notes = actions.do_open_year(
            actor=request.user, bloc=bloc, year=form.cleaned_data["year"], copy_members=form.cleaned_data["copy_members"]
        )
    except ActionError as error:
        messages.error(request, error.message)
        return redirect(reverse("blocs:bloc_detail", args=[bloc.uid]))
    messages.success(request, f"Đã mở năm thi đua {bloc_year.year}.")
    for note in notes:
        messages.info(request, note)
    return redirect(reverse("blocs:year_detail", args=[bloc_year.uid]))


def _member_candidates(user, bloc_year):
    """Units this user may add to the year: of the block's province (or the provinces merged into
    it), not yet members, still active on 01/01 of the year."""
    province = Province.objects.get(pk=bloc_year.province_id)
    return (
        units_for(user, "bloc.manage")
        .filter(province_id__in=province.lineage_ids())
        .exclude(pk__in=bloc_year.memberships.values("unit_id"))
        .exclude(ended_on__lt=dt.date(bloc_year.year, 1, 1))
        .order_by(vi_order("name"), "pk")
    )


def _year_context(request, bloc_year, **forms):
    bloc = bloc_year.bloc
    members = bloc_year.memberships.select_related("unit").order_by(vi_order("unit__name"))
    current_units = Unit.objects.filter(pk__in=bloc_year.memberships.filter(left_on__isnull=True).values("unit_id")).order_by(vi_order("name"))
    candidates = _member_candidates(request.user, bloc_year)
    proposal = selectors.leadership_proposal(bloc_year)
    done = selectors.deadline_done(bloc_year)
    units_by_id = {u.pk: u for u in current_units}
    can_lead = _can_lead(request.user, bloc)
    initial = {
        "version": bloc_year.version,
        "head_unit": bloc_year.head_unit_id or proposal.head,
        "deputy_unit": bloc_year.deputy_unit_id or proposal.deputy,
        "selected_by": bloc_year.head_selected_by or bloc.head_selection,
        "decided_on": bloc_year.head_decided_on,
        "note": bloc_year.head_decision_note,
    }
    context = {
        "bloc": bloc,
        "bloc_year": bloc_year,
        "members": members,
        # Member units the user may open (others are shown as names, never as a link to a 404).
        "visible_unit_ids": set(scoped(request.user, Unit.objects.filter(pk__in=bloc_year.memberships.values("unit_id"))).values_list("pk", flat=True)),
        "proposal": proposal,
        "proposal_head": units_by_id.get(proposal.head),
        "proposal_deputy": units_by_id.get(proposal.deputy),
        "can_manage": scope_of(request.user).can("bloc.manage"),
        "can_lead": can_lead,
        "add_form": forms.get("add_form") or AddMemberForm(units=candidates),
        "leadership_form": forms.get("leadership_form") or LeadershipForm(members=current_units, initial=initial),
        "remove_form": RemoveMemberForm(),
        "head_term": bloc_year.head_term(),
        "meetings": bloc_year.meetings.all(),
        # The meeting (often of the year before) where this year's head was elected (issue #19).
        "decided_at": bloc_year.head_decided_on and Meeting.objects.filter(
            bloc_year__bloc=bloc, held_on=bloc_year.head_decided_on
        ).select_related("bloc_year").order_by("pk").first(),
        "deadlines": [
            {"label": d.get_kind_display(), "kind": d.kind, "due_on": d.due_on, "days_left": (d.due_on - dt.date.today()).days,
             "days_overdue": (dt.date.today() - d.due_on).days, "done": done.get(d.kind),
             # A year long closed is history: no day count of an overdue step (issue #19).
             "closed": bloc_year.year < dt.date.today().year - 1}
            for d in bloc_year.deadlines.all()
        ],
    }
    # Scoring (thidua.scoring, issue #5): the round's link, and each member's points and rank/band
    # once the results are visible to this person.
    from thidua.scoring.views import year_results

    scoring = year_results(request.user, bloc_year)
    if scoring and scoring["visible"]:
        context["members"] = list(members)
        for m in context["members"]:
            m.scoring = scoring["by_unit"].get(str(m.unit.uid))
    context["scoring"] = scoring
    return context


@access("registry.view")
def year_detail(request, uid):
    bloc_year = get_scoped_or_404(request.user, BlocYear.objects.select_related("bloc", "head_unit", "deputy_unit"), uid=uid)
    return render(request, "blocs/year_detail.html", _year_context(request, bloc_year))


@require_POST
@access("bloc.manage")
def member_add(request, uid):
    bloc_year = get_scoped_or_404(request.user, BlocYear.objects.select_related("bloc"), "bloc.manage", uid=uid)
    form = AddMemberForm(request.POST, units=_member_candidates(request.user, bloc_year))
    if form.is_valid():
        try:
            added = actions.do_add_members(
                actor=request.user, bloc_year=bloc_year, units=list(form.cleaned_data["units"]),
                joined_on=form.cleaned_data["joined_on"], reason=form.cleaned_data["reason"],
            )
        except ActionError as error:
            apply_action_error(form, error)
        else:
            names = ", ".join(m.unit.name for m in added)
            messages.success(request, f"Đã thêm {len(added)} đơn vị vào khối năm {bloc_year.year}: {names}.")
            return redirect(reverse("blocs:year_detail", args=[bloc_year.uid]))
    return render(request, "blocs/year_detail.html", _year_context(request, bloc_year, add_form=form), status=400)


@require_POST
@access("bloc.manage")
def member_remove(request, uid):
    membership = get_scoped_or_404(request.user, Membership.objects.select_related("bloc_year", "unit"), "bloc.manage", uid=uid)
    form = RemoveMemberForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Hãy nhập ngày rời khối (ngày/tháng/năm) và lý do.")
    else:
        try:
            actions.do_remove_member(actor=request.user, membership=membership, left_on=form.cleaned_data["left_on"], reason=form.cleaned_data["reason"])
        except ActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{membership.unit.name} đã rời khối từ ngày {form.cleaned_data['left_on']:%d/%m/%Y}.")
    return redirect(reverse("blocs:year_detail", args=[membership.bloc_year.uid]))


@require_POST
@access("registry.view")
def leadership_set(request, uid):
    bloc_year = get_scoped_or_404(request.user, BlocYear.objects.select_related("bloc"), uid=uid)
    if not _can_lead(request.user, bloc_year.bloc):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Chỉ Trưởng khối hoặc cán bộ TĐKT tỉnh mới được ghi nhận Trưởng khối, Phó Trưởng khối.")
    members = Unit.objects.filter(pk__in=bloc_year.memberships.filter(left_on__isnull=True).values("unit_id"))
    form = LeadershipForm(request.POST, members=members)
    if form.is_valid():
        try:
            actions.do_set_leadership(
                actor=request.user, bloc_year=bloc_year, head_unit=form.cleaned_data["head_unit"],
                deputy_unit=form.cleaned_data["deputy_unit"], selected_by=form.cleaned_data["selected_by"],
                decided_on=form.cleaned_data["decided_on"], note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
            )
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, f"Đã ghi nhận Trưởng khối, Phó Trưởng khối năm {bloc_year.year}.")
            return redirect(reverse("blocs:year_detail", args=[bloc_year.uid]))
    return render(request, "blocs/year_detail.html", _year_context(request, bloc_year, leadership_form=form), status=400)




# ---------------------------------------------------------------- covenant


def _covenant_context(request, bloc_year, covenant, **forms_):
    from thidua.blocs.forms import ConfirmCommitmentForm, CovenantForm, SignCovenantForm
    from thidua.documents.models import IssuedDocument

    can_lead = _can_lead(request.user, bloc_year.bloc)
    own_units = scope_of(request.user).unit_ids_for("registration.edit")
    commitments = list(covenant.commitments.select_related("unit").order_by(vi_order("unit__name"))) if covenant else []
    document = IssuedDocument.objects.filter(kind="COVENANT", source_key=str(covenant.uid)).first() if covenant else None
    return {
        "bloc": bloc_year.bloc,
        "bloc_year": bloc_year,
        "covenant": covenant,
        "commitments": commitments,
        "can_lead": can_lead,
        "confirmable": {c.pk for c in commitments if c.unit_id in own_units and c.confirmed_at is None},
        "form": forms_.get("form") or CovenantForm(
            initial={"version": covenant.version, "content": covenant.content, "place": covenant.place} if covenant
            else {"place": bloc_year.province.name}
        ),
        "confirm_form": ConfirmCommitmentForm(),
        "sign_form": SignCovenantForm(initial={"version": covenant.version} if covenant else {}),
        "document": document,
        "can_generate": can_lead,
        "all_confirmed": bool(commitments) and all(c.confirmed_at for c in commitments),
    }


@access("registry.view")
def covenant_page(request, uid):
    from thidua.blocs.forms import CovenantForm
    from thidua.blocs.models import Covenant

    bloc_year = get_scoped_or_404(request.user, BlocYear.objects.select_related("bloc", "province", "head_unit"), uid=uid)
    covenant = Covenant.objects.filter(bloc_year=bloc_year).first()
    if request.method == "POST":
        if not _can_lead(request.user, bloc_year.bloc):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied("Chỉ Trưởng khối hoặc cán bộ TĐKT tỉnh mới soạn giao ước.")
        form = CovenantForm(request.POST)
        if form.is_valid():
            targets = {}
            for key, value in request.POST.items():
                if key.startswith("targets-") and key[8:].isdigit():
                    targets[int(key[8:])] = value
            try:
                if covenant is None:
                    covenant = actions.do_draft_covenant(
                        actor=request.user, bloc_year=bloc_year, content=form.cleaned_data["content"], place=form.cleaned_data["place"]
                    )
                    messages.success(request, "Đã lập dự thảo giao ước. Hãy nhập chỉ tiêu, cam kết của từng đơn vị.")
                else:
                    actions.do_update_covenant(
                        actor=request.user, covenant=covenant, content=form.cleaned_data["content"], place=form.cleaned_data["place"],
                        targets=targets, expected_version=form.cleaned_data.get("version") or 0,
                    )
                    messages.success(request, "Đã lưu giao ước.")
            except ActionError as error:
                apply_action_error(form, error)
            else:
                return redirect(reverse("blocs:covenant", args=[bloc_year.uid]))
        return render(request, "blocs/covenant.html", _covenant_context(request, bloc_year, covenant, form=form), status=400)
    return render(request, "blocs/covenant.html", _covenant_context(request, bloc_year, covenant))


def _covenant_step(request, uid, step):
    from thidua.blocs.models import Covenant

    covenant = get_scoped_or_404(request.user, Covenant.objects.select_related("bloc_year__bloc"), uid=uid)
    version = int(request.POST["version"]) if request.POST.get("version", "").isdigit() else -1
    try:
        step(covenant, version)
    except ActionError as error:
        messages.error(request, error.message)
    return redirect(reverse("blocs:covenant", args=[covenant.bloc_year.uid]))


@require_POST
@access("registry.view")
def covenant_open(request, uid):
    def step(covenant, version):
        actions.do_open_covenant(actor=request.user, covenant=covenant, expected_version=version)
        messages.success(request, "Đã gửi giao ước để các đơn vị xác nhận.")

    return _covenant_step(request, uid, step)


@require_POST
@access("registry.view")
def covenant_sign(request, uid):
    from thidua.blocs.forms import SignCovenantForm

    def step(covenant, version):
        form = SignCovenantForm(request.POST)
        if not form.is_valid():
            raise ActionError("Hãy nhập ngày ký kết theo dạng ngày/tháng/năm.")
        actions.do_sign_covenant(actor=request.user, covenant=covenant, signed_on=form.cleaned_data["signed_on"], expected_version=version)
        messages.success(request, "Giao ước đã được ký kết.")

    return _covenant_step(request, uid, step)


@require_POST
@access("registry.view")
def covenant_generate(request, uid):
    from thidua.documents.actions import do_generate_document

    def step(covenant, version):
        do_generate_document(actor=request.user, kind_code="COVENANT", source=covenant)
        messages.success(request, "Đã sinh văn bản giao ước (DOCX).")

    return _covenant_step(request, uid, step)


@require_POST
@access("registration.edit")
def commitment_confirm(request, uid):
    from thidua.blocs.forms import ConfirmCommitmentForm
    from thidua.blocs.models import CovenantCommitment

    commitment = get_scoped_or_404(request.user, CovenantCommitment.objects.select_related("covenant__bloc_year", "unit"), "registration.edit", uid=uid)
    form = ConfirmCommitmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Hãy nhập họ tên và chức vụ người ký.")
    else:
        try:
            actions.do_confirm_commitment(
                actor=request.user, commitment=commitment, signer_name=form.cleaned_data["signer_name"], signer_title=form.cleaned_data["signer_title"]
            )
        except ActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{commitment.unit.name} đã xác nhận giao ước.")
    return redirect(reverse("blocs:covenant", args=[commitment.covenant.bloc_year.uid]))


# ---------------------------------------------------------------- meetings


def _meeting_form(request, bloc_year, meeting=None):
    from thidua.blocs.forms import MeetingForm

    members = Unit.objects.filter(pk__in=bloc_year.memberships.values("unit_id")).order_by(vi_order("name"))
    initial = None
    if meeting is not None:
        initial = {
            "version": meeting.version, "kind": meeting.kind, "held_on": meeting.held_on, "place": meeting.place,
            "chair": meeting.chair, "guests": meeting.guests, "minutes": meeting.minutes,
            "attending": list(meeting.attendance.values_list("unit_id", flat=True)),
        }
    return MeetingForm(request.POST or None, members=members, initial=initial)


@access("registry.view")
def meeting_create(request, uid):
    bloc_year = get_scoped_or_404(request.user, BlocYear.objects.select_related("bloc"), uid=uid)
    if not _can_lead(request.user, bloc_year.bloc):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Chỉ Trưởng khối hoặc cán bộ TĐKT tỉnh mới ghi nhận hội nghị của khối.")
    form = _meeting_form(request, bloc_year)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "attending")}
        try:
            meeting = actions.do_record_meeting(actor=request.user, bloc_year=bloc_year, data=data, attending=list(form.cleaned_data["attending"]))
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, f"Đã ghi nhận {meeting.get_kind_display().lower()} ngày {meeting.held_on:%d/%m/%Y}.")
            return redirect(reverse("blocs:year_detail", args=[bloc_year.uid]))
    return render(request, "blocs/meeting_form.html", {"form": form, "bloc_year": bloc_year, "bloc": bloc_year.bloc, "meeting": None})


@access("registry.view")
def meeting_detail(request, uid):
    meeting = get_scoped_or_404(request.user, Meeting.objects.select_related("bloc_year__bloc"), uid=uid)
    bloc_year = meeting.bloc_year
    can_lead = _can_lead(request.user, bloc_year.bloc)
    form = _meeting_form(request, bloc_year, meeting) if can_lead else None
    if request.method == "POST":
        if not can_lead:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied("Chỉ Trưởng khối hoặc cán bộ TĐKT tỉnh mới sửa hội nghị của khối.")
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "attending")}
            try:
                actions.do_update_meeting(
                    actor=request.user, meeting=Meeting.objects.get(pk=meeting.pk), data=data,
                    attending=list(form.cleaned_data["attending"]), expected_version=form.cleaned_data.get("version") or 0,
                )
            except ActionError as error:
                apply_action_error(form, error)
            else:
                messages.success(request, "Đã lưu hội nghị.")
                return redirect(reverse("blocs:meeting_detail", args=[meeting.uid]))
    context = {
        "meeting": meeting, "bloc_year": bloc_year, "bloc": bloc_year.bloc, "form": form,
        "attendance": meeting.attendance.select_related("unit").order_by(vi_order("unit__name")),
        # Votes held at this meeting (bình xét, suy tôn; thidua.voting).
        "polls": meeting.polls.order_by("created_at"),
        "can_manage_polls": scope_of(request.user).can("poll.manage"),
        "document": _minutes_document(meeting),
        # The next year whose head this meeting elected: each page shows where the decision is.
        "elected_year": BlocYear.objects.filter(bloc=bloc_year.bloc, year__gte=bloc_year.year, head_decided_on=meeting.held_on)
        .order_by("year").first(),
        "can_generate": can_lead,
    }
    return render(request, "blocs/meeting_form.html", context)


def _minutes_document(meeting):
    from thidua.documents.models import IssuedDocument

    return IssuedDocument.objects.filter(kind="MEETING_MINUTES", source_key=str(meeting.uid)).first()


@require_POST
@access("registry.view")
def meeting_minutes_generate(request, uid):
    """Generate (or re-generate while a draft) the biên bản hội nghị (DOCX); the head unit issues it."""
    from thidua.documents.actions import do_generate_document

    meeting = get_scoped_or_404(request.user, Meeting.objects.select_related("bloc_year__bloc", "bloc_year__head_unit"), uid=uid)
    try:
        do_generate_document(actor=request.user, kind_code="MEETING_MINUTES", source=meeting)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Đã sinh biên bản hội nghị (DOCX).")
    return redirect(reverse("blocs:meeting_detail", args=[meeting.uid]))


# ---------------------------------------------------------------- review reports


@access("registry.view")
def report_page(request, uid, kind):
    from thidua.blocs.forms import ReportForm
    from thidua.blocs.models import BlocReport, ReportKind
    from thidua.documents.models import IssuedDocument

    if kind not in ("so-ket", "tong-ket"):
        raise Http404("Không tìm thấy")
    report_kind = ReportKind.INTERIM if kind == "so-ket" else ReportKind.ANNUAL
    bloc_year = get_scoped_or_404(request.user, BlocYear.objects.select_related("bloc", "head_unit"), uid=uid)
    report = BlocReport.objects.filter(bloc_year=bloc_year, kind=report_kind).first()
    can_lead = _can_lead(request.user, bloc_year.bloc)
    initial = {"version": report.version, **{k: getattr(report, k) for k in actions.REPORT_SECTIONS}} if report else {}
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not can_lead:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied("Chỉ Trưởng khối hoặc cán bộ TĐKT tỉnh mới soạn báo cáo của khối.")
        if form.is_valid():
            try:
                report = actions.do_save_report(
                    actor=request.user, bloc_year=bloc_year, kind=report_kind,
                    sections={k: form.cleaned_data[k] for k in actions.REPORT_SECTIONS}, expected_version=form.cleaned_data.get("version"),
                )
                if request.POST.get("generate"):
                    from thidua.documents.actions import do_generate_document

                    do_generate_document(actor=request.user, kind_code="BLOC_REPORT", source=report)
                    messages.success(request, "Đã lưu và sinh văn bản báo cáo (DOCX).")
                else:
                    messages.success(request, "Đã lưu báo cáo.")
            except ActionError as error:
                apply_action_error(form, error)
            else:
                return redirect(reverse("blocs:report", args=[bloc_year.uid, kind]))
    document = IssuedDocument.objects.filter(kind="BLOC_REPORT", source_key=str(report.uid)).first() if report else None
    context = {
        "bloc_year": bloc_year, "bloc": bloc_year.bloc, "report": report, "form": form, "can_lead": can_lead,
        "kind_label": ReportKind(report_kind).label, "document": document, "can_generate": can_lead,
    }
    return render(request, "blocs/report.html", context)


# ---------------------------------------------------------------- rotation order and calendar


@require_POST
@access("bloc.manage")
def rotation_set(request, uid):
    """The rotation order comes as one number per member unit (blank = not in the rotation)."""
    bloc = get_scoped_or_404(request.user, Bloc, "bloc.manage", uid=uid)
    ranked = []
    for key, value in request.POST.items():
        if key.startswith("order-") and value.strip():
            if not value.strip().isdigit():
                messages.error(request, "Thứ tự luân phiên phải là số nguyên dương.")
                return redirect(reverse("blocs:bloc_detail", args=[bloc.uid]))
            ranked.append((int(value), key[6:]))
    ranked.sort()
    if len({n for n, _ in ranked}) != len(ranked):
        messages.error(request, "Hai đơn vị không được cùng một số thứ tự.")
        return redirect(reverse("blocs:bloc_detail", args=[bloc.uid]))
    units = []
    for _, unit_uid in ranked:
        unit = Unit.objects.filter(uid=unit_uid).first() if len(unit_uid) == 36 else None
        if unit is None:
            messages.error(request, "Đơn vị trong thứ tự luân phiên không hợp lệ.")
            return redirect(reverse("blocs:bloc_detail", args=[bloc.uid]))
        units.append(unit)
    try:
        actions.do_set_rotation(actor=request.user, bloc=bloc, units=units)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Đã lưu thứ tự luân phiên Trưởng khối." if units else "Đã xóa thứ tự luân phiên.")
    return redirect(reverse("blocs:bloc_detail", args=[bloc.uid]))


@require_POST
@access("registry.view")
def deadline_set(request, uid):
    from thidua.blocs.forms import DeadlineForm

    bloc_year = get_scoped_or_404(request.user, BlocYear.objects.select_related("bloc"), uid=uid)
    form = DeadlineForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Hạn không hợp lệ: hãy nhập ngày theo dạng ngày/tháng/năm.")
    else:
        try:
            deadline = actions.do_set_deadline(
                actor=request.user, bloc_year=bloc_year, kind=form.cleaned_data["kind"], due_on=form.cleaned_data["due_on"]
            )
        except ActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Đã đặt hạn “{deadline.get_kind_display()}” là {deadline.due_on:%d/%m/%Y}.")
    return redirect(reverse("blocs:year_detail", args=[bloc_year.uid]))


@access("bloc.manage")
def deadline_defaults(request):
    """The province's default calendar for new block years."""
    from thidua.blocs.models import DEFAULT_DEADLINES, DeadlineDefault, DeadlineKind

    province = provinces_for(request.user, "bloc.manage").order_by("name").first()
    if province is None:
        raise Http404("Không tìm thấy")
    current = {d.kind: (d.month, d.day) for d in DeadlineDefault.objects.filter(province=province)}
    rows = []
    for kind in DeadlineKind:
        month, day = current.get(kind.value, DEFAULT_DEADLINES[kind.value])
        rows.append({"kind": kind.value, "label": kind.label, "value": f"{day:02d}/{month:02d}", "custom": kind.value in current})
    if request.method == "POST":
        parsed = {}
        for row in rows:
            text = (request.POST.get(row["kind"]) or "").strip()
            parts = text.split("/")
            if len(parts) != 2 or not all(p.isdigit() for p in parts):
                messages.error(request, f"“{row['label']}”: nhập theo dạng ngày/tháng, ví dụ 31/03.")
                return redirect(reverse("blocs:deadline_defaults"))
            parsed[row["kind"]] = (int(parts[1]), int(parts[0]))
        try:
            actions.do_set_deadline_defaults(actor=request.user, province=province, defaults=parsed)
        except ActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Đã lưu lịch mặc định; các khối mở năm mới sẽ dùng lịch này.")
        return redirect(reverse("blocs:deadline_defaults"))
    return render(request, "blocs/deadline_defaults.html", {"rows": rows, "province": province})
