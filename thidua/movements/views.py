from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from thidua.blocs.models import Bloc, BlocYear, DeadlineKind
from thidua.core.access import access, ensure, get_scoped_or_404, provinces_for, scope_of, scoped
from thidua.core.db import vi_order
from thidua.core.errors import ActionError
from thidua.core.forms import apply_action_error
from thidua.core.exports import export_response
from thidua.core.paging import htmx_partial, paginate
from thidua.movements import actions
from thidua.movements.forms import MovementFilterForm, MovementForm, RegistrationItemFormSet, RegistrationTargetsForm, ReturnForm
from thidua.movements.models import Movement, Registration
from thidua.movements.selectors import rollup
from thidua.org import selectors as org_selectors
from thidua.org.models import Person, Unit
from thidua.awards.selectors import award_label, catalogue_award_choices
from thidua.rules.catalogue import AWARD_CODES, AWARD_NAMES
from thidua.rules.workflows import MOVEMENT_ACTIONS, MOVEMENT_STATES, MOVEMENT_TRANSITIONS, REGISTRATION_EDITABLE, allowed_actions


def _allowed(user, action: str, **target) -> bool:
    try:
        ensure(user, action, **target)
    except ActionError:
        return False
    return True


def _blocs_for(user):
    scope = scope_of(user)
    qs = scoped(user, Bloc, "movement.manage").filter(ended_on__isnull=True)
    return qs.order_by(vi_order("name")) if scope.can("movement.manage") else qs.none()


@access("registry.view")
def movement_list(request):
    form = MovementFilterForm(request.GET or None)
    qs = scoped(request.user, Movement).select_related("bloc")
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    if data.get("state"):
        qs = qs.filter(state=data["state"])
    if data.get("year"):
        year = data["year"]
        qs = qs.filter(start_date__year__lte=year).filter(Q(end_date__isnull=True) | Q(end_date__year__gte=year))
    if data.get("q"):
        qs = org_selectors.search(qs, data["q"])
    page = paginate(request, qs.order_by("-start_date", "pk"))
    context = {"form": form, "page_obj": page, "can_manage": scope_of(request.user).can("movement.manage")}
    return render(request, "movements/_movement_table.html" if htmx_partial(request) else "movements/movement_list.html", context)


@access("registry.view")
def movement_detail(request, uid):
    movement = get_scoped_or_404(request.user, Movement.objects.select_related("bloc", "province"), uid=uid)
    can_manage = _allowed(request.user, "movement.manage", province=movement.province_id, bloc=movement.bloc) if movement.bloc_id else _allowed(
        request.user, "movement.manage", province=movement.province_id
    )
    from thidua.audit.models import AuditLog

    history = list(AuditLog.objects.filter(object_type="movements.movement", object_uid=str(movement.uid)).order_by("at"))
    # The creation row records the state code; transitions record labels. Show labels only.
    for row in history:
        state = (row.changes or {}).get("state") if isinstance(row.changes, dict) else None
        if isinstance(state, (list, tuple)):
            row.changes["state"] = [MOVEMENT_STATES.get(value, value) if value else value for value in state]
    context = {
        "movement": movement,
        "can_manage": can_manage,
        "next_actions": [(a, MOVEMENT_ACTIONS[a]) for a in allowed_actions(MOVEMENT_TRANSITIONS, movement.state)],
        "history": history,
    }
    return render(request, "movements/movement_detail.html", context)


@access("registry.view")
def movement_plan_file(request, uid):
    movement = get_scoped_or_404(request.user, Movement, uid=uid)
    if not movement.plan_file:
        raise Http404("Không có tệp")
    response = FileResponse(movement.plan_file.open("rb"), as_attachment=True, filename=movement.plan_file.name.rsplit("/", 1)[-1])
    return response


@access("movement.manage")
def movement_create(request):
    province = provinces_for(request.user, "movement.manage").order_by("name").first()
    blocs = _blocs_for(request.user)
    if province is None:
        bloc = blocs.first()
        province = bloc.province if bloc else None
    form = MovementForm(request.POST or None, request.FILES or None, bloc_choices=blocs)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "plan_file")}
        try:
            movement = actions.do_create_movement(actor=request.user, province=province, data=data, plan_file=form.cleaned_data.get("plan_file"))
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, f"Đã lập phong trào “{movement.title}”.")
            return redirect(reverse("movements:movement_detail", args=[movement.uid]))
    return render(request, "movements/movement_form.html", {"form": form, "creating": True, "province": province})


@access("movement.manage")
def movement_edit(request, uid):
    movement = get_scoped_or_404(request.user, Movement, "movement.manage", uid=uid)
    form = MovementForm(request.POST or None, request.FILES or None, instance=movement, bloc_choices=_blocs_for(request.user), initial={"version": movement.version})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "plan_file")}
        try:
            actions.do_update_movement(
                actor=request.user, movement=Movement.objects.get(pk=movement.pk), data=data,
                expected_version=form.cleaned_data.get("version") or 0, plan_file=form.cleaned_data.get("plan_file"),
            )
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, "Đã lưu phong trào.")
            return redirect(reverse("movements:movement_detail", args=[movement.uid]))
    return render(request, "movements/movement_form.html", {"form": form, "creating": False, "movement": movement})


@require_POST
@access("movement.manage")
def movement_advance(request, uid):
    movement = get_scoped_or_404(request.user, Movement, "movement.manage", uid=uid)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        actions.do_advance_movement(actor=request.user, movement=movement, action=request.POST.get("action", ""), expected_version=version, note=request.POST.get("note", ""))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Phong trào đã chuyển sang trạng thái “{movement.get_state_display()}”.")
    return redirect(reverse("movements:movement_detail", args=[movement.uid]))


# ---------------------------------------------------------------- registrations


@access("registry.view")
def registration_rollup(request, uid):
    bloc_year = get_scoped_or_404(request.user, BlocYear.objects.select_related("bloc"), uid=uid)
    registrations = scoped(request.user, Registration.objects.filter(bloc_year=bloc_year)).prefetch_related("items")
    can_review = _allowed(request.user, "registration.review", province=bloc_year.province_id, bloc=bloc_year.bloc_id)
    rows = rollup(bloc_year, registrations)
    editable_units = scope_of(request.user).unit_ids_for("registration.edit")
    if not can_review:
        # A member unit sees its own line only.
        rows = [r for r in rows if r["unit"].pk in editable_units]
    all_codes = list(AWARD_CODES) + sorted({c for r in rows for c in r["counts"] if c not in AWARD_CODES})
    for r in rows:
        for code in all_codes:
            r["counts"].setdefault(code, 0)
    used_codes = [code for code in all_codes if any(r["counts"][code] for r in rows)]
    if request.GET.get("format") == "xlsx" and can_review:
        columns = [("Đơn vị", lambda r: r["unit"].name), ("Trạng thái", lambda r: r["registration"].get_state_display() if r["registration"] else "Chưa lập")]
        columns += [(award_label(c, bloc_year.province_id), (lambda code: lambda r: r["counts"][code])(c)) for c in all_codes]
        columns += [("Quá hạn", lambda r: r["late"])]
        return export_response("xlsx", f"dang-ky-thi-dua-{bloc_year.year}", columns, rows, f"Đăng ký {bloc_year.year}")
    deadline = bloc_year.deadlines.filter(kind=DeadlineKind.REGISTRATION).first()
    province_wide = can_review and scope_of(request.user).can("registration.edit")
    context = {
        "bloc_year": bloc_year,
        "bloc": bloc_year.bloc,
        "rows": rows,
        "used_codes": [(c, award_label(c, bloc_year.province_id)) for c in used_codes],
        "can_review": can_review,
        "deadline": deadline,
        "startable": [r["unit"] for r in rows if r["registration"] is None and (r["unit"].pk in editable_units or province_wide)],
    }
    return render(request, "movements/registration_rollup.html", context)


@require_POST
@access("registration.edit")
def registration_start(request, uid):
    bloc_year = get_scoped_or_404(request.user, BlocYear, uid=uid)
    unit = get_scoped_or_404(request.user, Unit, "registration.edit", uid=request.POST.get("unit", ""))
    try:
        registration = actions.do_start_registration(actor=request.user, bloc_year=bloc_year, unit=unit)
    except ActionError as error:
        messages.error(request, error.message)
        return redirect(reverse("movements:registration_rollup", args=[bloc_year.uid]))
    return redirect(reverse("movements:registration_detail", args=[registration.uid]))


@access("registry.view")
def registration_detail(request, uid):
    registration = get_scoped_or_404(request.user, Registration.objects.select_related("bloc_year__bloc", "unit"), uid=uid)
    people = Person.objects.filter(unit=registration.unit).order_by(vi_order("given_name"), vi_order("full_name"))
    can_edit = registration.state in REGISTRATION_EDITABLE and _allowed(request.user, "registration.edit", unit=registration.unit)
    can_review = _allowed(request.user, "registration.review", province=registration.province_id, bloc=registration.bloc_year.bloc_id)
    initial_items = [
        {"subject_kind": i.subject_kind, "person": i.person_id, "award": i.award, "note": i.note}
        for i in registration.items.select_related("person").order_by("subject_kind", "pk")
    ]
    targets_form = RegistrationTargetsForm(initial={"version": registration.version, "targets": registration.targets})
    # Every catalogue award the unit's province sees, coded or manual, and its own (issue #19).
    awards = [(c, n) for c, n in catalogue_award_choices(None, registration.province_id) if len(c) <= actions.REGISTRATION_CODE_MAX]
    formset = RegistrationItemFormSet(initial=initial_items, form_kwargs={"people": people, "awards": awards}, prefix="items")
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Bản đăng ký này không sửa được.")
        targets_form = RegistrationTargetsForm(request.POST)
        formset = RegistrationItemFormSet(request.POST, form_kwargs={"people": people, "awards": awards}, prefix="items")
        if targets_form.is_valid() and formset.is_valid():
            items = [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.is_blank()]
            try:
                actions.do_update_registration(
                    actor=request.user, registration=registration, targets=targets_form.cleaned_data["targets"],
                    items=items, expected_version=targets_form.cleaned_data["version"],
                )
            except ActionError as error:
                apply_action_error(targets_form, error)
            else:
                if request.POST.get("submit_after_save"):
                    try:
                        actions.do_submit_registration(actor=request.user, registration=registration, expected_version=registration.version)
                    except ActionError as error:
                        messages.error(request, error.message)
                    else:
                        messages.success(request, "Đã gửi bản đăng ký để duyệt.")
                else:
                    messages.success(request, "Đã lưu bản đăng ký.")
                return redirect(reverse("movements:registration_detail", args=[registration.uid]))
    context = {
        "registration": registration,
        "items": registration.items.select_related("person").order_by("subject_kind", "pk"),
        "targets_form": targets_form,
        "formset": formset,
        "can_edit": can_edit,
        "can_review": can_review and registration.state in ("SUBMITTED", "APPROVED"),
        "return_form": ReturnForm(initial={"version": registration.version}),
    }
    return render(request, "movements/registration_detail.html", context)


@require_POST
@access("registration.review")
def registration_review(request, uid):
    registration = get_scoped_or_404(request.user, Registration.objects.select_related("bloc_year"), "registration.review", uid=uid)
    decision = request.POST.get("decision")
    form = ReturnForm(request.POST)
    version = int(request.POST.get("version") or -1) if (request.POST.get("version") or "").isdigit() else -1
    try:
        if decision == "approve":
            actions.do_approve_registration(actor=request.user, registration=registration, expected_version=version)
            messages.success(request, f"Đã duyệt bản đăng ký của {registration.unit.name}.")
        elif decision in ("return", "reopen"):
            reason = form.data.get("reason", "")
            if decision == "return":
                actions.do_return_registration(actor=request.user, registration=registration, reason=reason, expected_version=version)
                messages.success(request, f"Đã trả lại bản đăng ký của {registration.unit.name}.")
            else:
                actions.do_reopen_registration(actor=request.user, registration=registration, reason=reason, expected_version=version)
                messages.success(request, "Đã mở lại bản đăng ký để đơn vị sửa.")
        else:
            messages.error(request, "Thao tác không hợp lệ.")
    except ActionError as error:
        messages.error(request, error.message)
    return redirect(reverse("movements:registration_detail", args=[registration.uid]))


@require_POST
@access("registration.edit")
def registration_submit(request, uid):
    registration = get_scoped_or_404(request.user, Registration, "registration.edit", uid=uid)
    version = int(request.POST.get("version")) if (request.POST.get("version") or "").isdigit() else -1
    try:
        actions.do_submit_registration(actor=request.user, registration=registration, expected_version=version)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Đã gửi bản đăng ký để duyệt.")
    return redirect(reverse("movements:registration_detail", args=[registration.uid]))

