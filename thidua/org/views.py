from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from thidua.core.access import access, get_scoped_or_404, provinces_for, scope_of, scoped, units_for
from thidua.core.db import vi_order
from thidua.core.errors import ActionError
from thidua.core.exports import export_response
from thidua.core.paging import htmx_partial, paginate
from thidua.org import actions, selectors
from thidua.org.forms import UnitFilterForm, UnitForm
from thidua.org.models import Unit


def _apply_errors(form, error: ActionError) -> None:
    if error.errors:
        for field, msgs in error.errors.items():
            for msg in msgs:
                form.add_error(field if field in form.fields else None, msg)
    else:
        form.add_error(None, error.message)


def _unit_queryset(request):
    form = UnitFilterForm(request.GET or None)
    qs = scoped(request.user, Unit).select_related("province", "parent")
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status") or "active"
    if status == "active":
        qs = qs.filter(ended_on__isnull=True)
    elif status == "ended":
        qs = qs.filter(ended_on__isnull=False)
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    if data.get("q"):
        qs = selectors.search(qs, data["q"])
    return form, qs.order_by(vi_order("name"), "pk")


UNIT_EXPORT_COLUMNS = [
    ("Tên đơn vị", lambda u: u.name),
    ("Tên viết tắt", lambda u: u.short_name),
    ("Loại đơn vị", lambda u: u.get_kind_display()),
    ("Tỉnh/thành phố", lambda u: u.province.name),
    ("Đơn vị cấp trên", lambda u: u.parent.name if u.parent else ""),
    ("Ngày thành lập", lambda u: u.established_on),
    ("Ngày chấm dứt hoạt động", lambda u: u.ended_on),
]


@access("registry.view")
def unit_list(request):
    form, qs = _unit_queryset(request)
    page = paginate(request, qs)
    context = {"form": form, "page_obj": page, "can_edit": scope_of(request.user).can("unit.edit")}
    template = "org/_unit_table.html" if htmx_partial(request) else "org/unit_list.html"
    return render(request, template, context)


@access("registry.export")
def unit_export(request):
    _, qs = _unit_queryset(request)
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    return export_response(fmt, "danh-sach-don-vi", UNIT_EXPORT_COLUMNS, qs.iterator(), "Đơn vị")


@access("registry.view")
def unit_detail(request, uid):
    unit = get_scoped_or_404(request.user, Unit.objects.select_related("province", "parent"), uid=uid)
    scope = scope_of(request.user)
    context = {
        "unit": unit,
        "departments": unit.departments.order_by(vi_order("name")),
        "people_count": unit.people.count(),
        "children": unit.children.order_by(vi_order("name")),
        "predecessors": selectors.predecessors(unit),
        "successors": selectors.successors(unit),
        "events": selectors.lineage_events_of(unit),
        "can_edit": scope.can("unit.edit"),
    }
    return render(request, "org/unit_detail.html", context)


@access("unit.edit")
def unit_create(request):
    provinces = provinces_for(request.user, "unit.edit")
    parents = units_for(request.user, "unit.edit").order_by(vi_order("name"))
    form = UnitForm(request.POST or None, parent_choices=parents)
    province = provinces.order_by("name").first()
    if request.method == "POST" and form.is_valid():
        try:
            unit = actions.do_create_unit(actor=request.user, province=province, data=form.cleaned_data)
        except ActionError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"Đã thêm đơn vị “{unit.name}”.")
            return redirect(reverse("org:unit_detail", args=[unit.uid]))
    return render(request, "org/unit_form.html", {"form": form, "province": province, "creating": True})


@access("unit.edit")
def unit_edit(request, uid):
    unit = get_scoped_or_404(request.user, Unit, "unit.edit", uid=uid)
    parents = units_for(request.user, "unit.edit").exclude(pk=unit.pk).order_by(vi_order("name"))
    initial_version = unit.version
    form = UnitForm(request.POST or None, instance=unit, parent_choices=parents, initial={"version": unit.version})
    if request.method == "POST" and form.is_valid():
        expected = form.cleaned_data.get("version") or initial_version
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        fresh = Unit.objects.get(pk=unit.pk)
        try:
            actions.do_update_unit(actor=request.user, unit=fresh, data=data, expected_version=expected)
        except ActionError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Đã lưu thay đổi.")
            return redirect(reverse("org:unit_detail", args=[unit.uid]))
    return render(request, "org/unit_form.html", {"form": form, "unit": unit, "creating": False})
