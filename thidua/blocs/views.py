from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from thidua.blocs import actions, selectors
from thidua.blocs.forms import AddMemberForm, BlocFilterForm, BlocForm, LeadershipForm, OpenYearForm, RemoveMemberForm
from thidua.blocs.models import Bloc, BlocKind, BlocYear, Membership
from thidua.core.access import access, ensure, get_scoped_or_404, provinces_for, scope_of, scoped, units_for
from thidua.core.db import vi_order
from thidua.core.errors import ActionError
from thidua.core.paging import htmx_partial, paginate
from thidua.org import selectors as org_selectors
from thidua.org.models import Unit


def _apply_errors(form, error: ActionError) -> None:
    if error.errors:
        for field, msgs in error.errors.items():
            for msg in msgs:
                form.add_error(field if field in form.fields else None, msg)
    else:
        form.add_error(None, error.message)


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
        "can_manage": scope_of(request.user).can("bloc.manage"),
        "open_form": OpenYearForm(initial={"year": (latest.year + 1) if latest else None, "copy_members": True}),
    }
    return render(request, "blocs/bloc_detail.html", context)


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
            _apply_errors(form, error)
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
            _apply_errors(form, error)
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


def _year_context(request, bloc_year, **forms):
    bloc = bloc_year.bloc
    members = bloc_year.memberships.select_related("unit").order_by(vi_order("unit__name"))
    current_units = Unit.objects.filter(pk__in=bloc_year.memberships.filter(left_on__isnull=True).values("unit_id")).order_by(vi_order("name"))
    candidates = units_for(request.user, "bloc.manage").exclude(pk__in=bloc_year.memberships.values("unit_id")).order_by(vi_order("name"))
    proposal = selectors.leadership_proposal(bloc_year)
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
        "proposal": proposal,
        "proposal_head": units_by_id.get(proposal.head),
        "proposal_deputy": units_by_id.get(proposal.deputy),
        "can_manage": scope_of(request.user).can("bloc.manage"),
        "can_lead": can_lead,
        "add_form": forms.get("add_form") or AddMemberForm(units=candidates),
        "leadership_form": forms.get("leadership_form") or LeadershipForm(members=current_units, initial=initial),
        "remove_form": RemoveMemberForm(),
        "head_term": bloc_year.head_term(),
        "deadlines": [
            {"label": d.get_kind_display(), "due_on": d.due_on, "days_left": (d.due_on - dt.date.today()).days,
             "days_overdue": (dt.date.today() - d.due_on).days}
            for d in bloc_year.deadlines.all()
        ],
    }
    return context


@access("registry.view")
def year_detail(request, uid):
    bloc_year = get_scoped_or_404(request.user, BlocYear.objects.select_related("bloc", "head_unit", "deputy_unit"), uid=uid)
    return render(request, "blocs/year_detail.html", _year_context(request, bloc_year))


@require_POST
@access("bloc.manage")
def member_add(request, uid):
    bloc_year = get_scoped_or_404(request.user, BlocYear.objects.select_related("bloc"), "bloc.manage", uid=uid)
    candidates = units_for(request.user, "bloc.manage").exclude(pk__in=bloc_year.memberships.values("unit_id"))
    form = AddMemberForm(request.POST, units=candidates)
    if form.is_valid():
        try:
            actions.do_add_member(
                actor=request.user, bloc_year=bloc_year, unit=form.cleaned_data["unit"],
                joined_on=form.cleaned_data["joined_on"], reason=form.cleaned_data["reason"],
            )
        except ActionError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"Đã thêm {form.cleaned_data['unit'].name} vào khối năm {bloc_year.year}.")
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
            _apply_errors(form, error)
        else:
            messages.success(request, f"Đã ghi nhận Trưởng khối, Phó Trưởng khối năm {bloc_year.year}.")
            return redirect(reverse("blocs:year_detail", args=[bloc_year.uid]))
    return render(request, "blocs/year_detail.html", _year_context(request, bloc_year, leadership_form=form), status=400)


