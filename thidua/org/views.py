from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from thidua.core.access import access, ensure, get_scoped_or_404, provinces_for, scope_of, scoped, units_for
from thidua.core.db import vi_order
from thidua.core.errors import ActionError, ConcurrentEditError, NotPermitted
from thidua.core.forms import apply_action_error
from thidua.core.exports import export_response
from thidua.core.paging import htmx_partial, paginate
from thidua.org import actions, selectors
from thidua.org.forms import (
    DepartmentForm,
    DepartmentRenameForm,
    DissolveForm,
    LineageFilterForm,
    MergeForm,
    PersonFilterForm,
    PersonForm,
    PositionForm,
    ProvinceSettingsForm,
    RenameForm,
    SplitForm,
    TransferForm,
    UnitFilterForm,
    UnitForm,
)
from thidua.org.models import Department, LineageEvent, LineageKind, LineageRole, Person, Province, Unit
from thidua.rules.text import fold


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
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if not page.paginator.count and (data.get("status") or "active") == "active":
        # Ended units are hidden by default: say how many would match with "Tất cả" (issue #19).
        everything = request.GET.copy()
        everything["status"] = "all"
        ended = scoped(request.user, Unit).filter(ended_on__isnull=False)
        if data.get("kind"):
            ended = ended.filter(kind=data["kind"])
        if data.get("q"):
            ended = selectors.search(ended, data["q"])
        context["ended_matches"] = ended.count()
        context["all_url"] = f"?{everything.urlencode()}"
    template = "org/_unit_table.html" if htmx_partial(request) else "org/unit_list.html"
    return render(request, template, context)


@access("registry.export")
def unit_export(request):
    _, qs = _unit_queryset(request)
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    return export_response(fmt, "danh-sach-don-vi", UNIT_EXPORT_COLUMNS, qs.iterator(), "Đơn vị")


def _may(user, action: str, *, unit=None, province=None) -> bool:
    """Whether `user` may `action` on this very unit or province (for showing buttons)."""
    try:
        ensure(user, action, unit=unit, province=province)
    except NotPermitted:
        return False
    return True


@access("registry.view")
def unit_detail(request, uid):
    unit = get_scoped_or_404(request.user, Unit.objects.select_related("province", "parent"), uid=uid)
    context = {
        "unit": unit,
        "departments": unit.departments.order_by(vi_order("name")),
        "people_count": unit.people.count(),
        "children": unit.children.order_by(vi_order("name")),
        "predecessors": selectors.predecessors(unit),
        "successors": selectors.successors(unit),
        "former_names": selectors.former_names(unit),
        "events": selectors.lineage_events_of(unit),
        "can_edit": _may(request.user, "unit.edit", unit=unit),
        "can_edit_departments": _may(request.user, "department.edit", unit=unit),
        "can_add_people": unit.ended_on is None and _may(request.user, "person.edit", unit=unit),
        "can_edit_lineage": unit.ended_on is None and _may(request.user, "lineage.edit", unit=unit),
        "department_form": DepartmentForm(),
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
            apply_action_error(form, error)
        else:
            messages.success(request, f"Đã thêm đơn vị “{unit.name}”.")
            return redirect(reverse("org:unit_detail", args=[unit.uid]))
    return render(request, "org/unit_form.html", {"form": form, "province": province, "creating": True})


@access("unit.edit")
def unit_edit(request, uid):
    unit = get_scoped_or_404(request.user, Unit, "unit.edit", uid=uid)
    parents = units_for(request.user, "unit.edit").exclude(pk=unit.pk).order_by(vi_order("name"))
    form = UnitForm(request.POST or None, instance=unit, parent_choices=parents, initial={"version": unit.version})
    if request.method == "POST" and form.is_valid():
        # The version the user loaded travels in the form; never substitute the stored one.
        expected = form.cleaned_data["version"]
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        fresh = Unit.objects.get(pk=unit.pk)
        try:
            actions.do_update_unit(actor=request.user, unit=fresh, data=data, expected_version=expected)
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, "Đã lưu thay đổi.")
            return redirect(reverse("org:unit_detail", args=[unit.uid]))
    return render(request, "org/unit_form.html", {"form": form, "unit": unit, "creating": False})


# ---------------------------------------------------------------------------------------------
# Departments (phòng, ban)


@access("department.edit")
def department_create(request, uid):
    unit = get_scoped_or_404(request.user, Unit.objects.select_related("province"), "department.edit", uid=uid)
    form = DepartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            department = actions.do_create_department(actor=request.user, unit=unit, name=form.cleaned_data["name"])
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, f"Đã thêm phòng, ban “{department.name}”.")
            return redirect(reverse("org:unit_detail", args=[unit.uid]))
    return render(request, "org/department_form.html", {"form": form, "unit": unit, "creating": True})


@access("department.edit")
def department_edit(request, uid):
    department = get_scoped_or_404(
        request.user, Department.objects.select_related("unit", "province"), "department.edit", uid=uid
    )
    unit = department.unit
    form = DepartmentRenameForm(request.POST or None, initial={"name": department.name, "version": department.version})
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_rename_department(
                actor=request.user,
                department=Department.objects.get(pk=department.pk),
                name=form.cleaned_data["name"],
                expected_version=form.cleaned_data["version"],
            )
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, "Đã đổi tên phòng, ban.")
            return redirect(reverse("org:unit_detail", args=[unit.uid]))
    context = {"form": form, "unit": unit, "department": department, "creating": False}
    return render(request, "org/department_form.html", context)


@access("registry.view")
def department_options(request):
    """The <option>s of one unit's departments, for the unit select of person and position forms."""
    value = request.GET.get("unit") or request.GET.get("to_unit") or ""
    departments = Department.objects.none()
    try:
        unit = scoped(request.user, Unit).filter(uid=value).first() if value else None
    except ValidationError:
        unit = None
    if unit is not None:
        departments = unit.departments.order_by(vi_order("name"))
    html = format_html('<option value="">{}</option>', "— Không thuộc phòng, ban nào —")
    html += format_html_join("", '<option value="{}">{}</option>', ((d.uid, d.name) for d in departments))
    return HttpResponse(html)


# ---------------------------------------------------------------------------------------------
# People (cá nhân)


def _person_queryset(request):
    unit_choices = scoped(request.user, Unit).order_by(vi_order("name"), "pk")
    form = PersonFilterForm(request.GET or None, unit_choices=unit_choices)
    qs = scoped(request.user, Person).select_related("unit", "department", "province")
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("unit"):
        qs = qs.filter(unit=data["unit"])
    if data.get("gender"):
        qs = qs.filter(gender=data["gender"])
    if data.get("role") == "leader":
        qs = qs.filter(is_leader=True)
    elif data.get("role") == "worker":
        qs = qs.filter(is_leader=False)
    if data.get("party") == "yes":
        qs = qs.filter(is_party_member=True)
    elif data.get("party") == "no":
        qs = qs.filter(is_party_member=False)
    if data.get("q"):
        qs = selectors.search(qs, data["q"])
    return form, qs.order_by(vi_order("given_name"), vi_order("full_name"), "pk")


PERSON_EXPORT_COLUMNS = [
    ("Họ và tên", lambda p: p.full_name),
    ("Giới tính", lambda p: p.get_gender_display()),
    ("Ngày sinh", lambda p: p.birth_date),
    ("Dân tộc", lambda p: p.ethnicity),
    ("Mã cán bộ", lambda p: p.staff_code),
    ("Đơn vị", lambda p: p.unit.name),
    ("Phòng, ban", lambda p: p.department.name if p.department else ""),
    ("Chức vụ", lambda p: p.position_title),
    ("Vị trí", lambda p: "Lãnh đạo, quản lý" if p.is_leader else "Người trực tiếp làm việc"),
    ("Đảng viên", lambda p: p.is_party_member),
]


def _unit_filter_options(request, selected: str) -> list[dict]:
    """The unit filter's <option>s from plain tuples: a province has thousands of units, and
    Django's Select widget renders each option through a template (≈0.1 s per 1,500)."""
    rows = scoped(request.user, Unit).order_by(vi_order("name"), "pk").values_list("uid", "name", "province__name", "ended_on")
    options = []
    for uid, name, province_name, ended_on in rows:
        label = f"{name} ({province_name})" + (f" — chấm dứt {ended_on:%d/%m/%Y}" if ended_on else "")
        options.append({"value": str(uid), "label": label, "selected": str(uid) == selected})
    return options


@access("registry.view")
def person_list(request):
    form, qs = _person_queryset(request)
    page = paginate(request, qs)
    context = {"form": form, "page_obj": page, "can_edit": scope_of(request.user).can("person.edit")}
    if not htmx_partial(request):
        context["unit_options"] = _unit_filter_options(request, request.GET.get("unit", ""))
    template = "org/_person_table.html" if htmx_partial(request) else "org/person_list.html"
    return render(request, template, context)


@access("registry.export")
def person_export(request):
    _, qs = _person_queryset(request)
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    return export_response(fmt, "danh-sach-ca-nhan", PERSON_EXPORT_COLUMNS, qs.iterator(), "Cá nhân")


@access("registry.view")
def person_detail(request, uid):
    person = get_scoped_or_404(request.user, Person.objects.select_related("unit", "department", "province"), uid=uid)
    positions = person.positions.select_related("unit", "department").order_by(
        F("start_date").desc(nulls_last=True), "-pk"
    )
    transfers = []
    for event in selectors.transfers_of(person):
        links = list(event.links.all())
        event.from_units = [link.unit for link in links if link.role == LineageRole.FROM]
        event.to_units = [link.unit for link in links if link.role == LineageRole.TO]
        transfers.append(event)
    can_edit = scoped(request.user, Person, "person.edit").filter(pk=person.pk).exists()
    context = {"person": person, "positions": positions, "transfers": transfers, "can_edit": can_edit}
    return render(request, "org/person_detail.html", context)


def _person_unit_choices(user, include=None):
    """Active units where `user` may edit people; when editing, also the person's current unit."""
    if include is None:
        qs = units_for(user, "person.edit")
    else:
        qs = scoped(user, Unit, "person.edit").filter(Q(ended_on__isnull=True) | Q(pk=include.pk))
    return qs.order_by(vi_order("name"), "pk")


@access("person.edit")
def person_create(request):
    unit_choices = _person_unit_choices(request.user)
    initial = {}
    if request.GET.get("don_vi"):
        try:
            initial_unit = unit_choices.filter(uid=request.GET["don_vi"]).first()
        except ValidationError:
            initial_unit = None
        if initial_unit is not None:
            initial["unit"] = initial_unit
    form = PersonForm(request.POST or None, unit_choices=unit_choices, initial=initial)
    form.set_department_url(reverse("org:department_options"))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in {"version", "unit"}}
        try:
            person = actions.do_create_person(actor=request.user, unit=form.cleaned_data["unit"], data=data)
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, f"Đã thêm cá nhân “{person.full_name}”.")
            return redirect(reverse("org:person_detail", args=[person.uid]))
    return render(request, "org/person_form.html", {"form": form, "creating": True, "has_units": unit_choices.exists()})


def _conflict_rows(form, stored: Person) -> list[tuple[str, str, str]]:
    """(label, what is stored now, what the user typed) for every field that differs."""
    rows = []
    for name in actions.PERSON_FIELDS:
        field = form.fields[name]
        mine = form.cleaned_data.get(name)
        theirs = getattr(stored, name)
        if mine == theirs or (mine in (None, "") and theirs in (None, "")):
            continue
        rows.append((field.label, _display(stored, name, theirs), _display(stored, name, mine)))
    return rows


def _display(person: Person, name: str, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if name == "gender":
        return dict(Person._meta.get_field("gender").choices).get(value, value)
    return str(value)


@access("person.edit")
def person_edit(request, uid):
    person = get_scoped_or_404(request.user, Person.objects.select_related("unit", "department"), "person.edit", uid=uid)
    unit_choices = _person_unit_choices(request.user, include=person.unit)
    form = PersonForm(
        request.POST or None, instance=person, unit_choices=unit_choices, editing=True, initial={"version": person.version}
    )
    form.set_department_url(reverse("org:department_options"))
    conflict = []
    if request.method == "POST" and form.is_valid():
        # The version the user loaded travels in the form; never substitute the stored one.
        expected = form.cleaned_data["version"]
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        fresh = Person.objects.select_related("unit", "department").get(pk=person.pk)
        try:
            actions.do_update_person(actor=request.user, person=fresh, data=data, expected_version=expected)
        except ConcurrentEditError:
            form.add_error(
                None,
                "Đã có người sửa hồ sơ này trong lúc bạn đang sửa. Nội dung bạn nhập vẫn còn bên dưới; "
                "hãy đối chiếu với bản đã lưu rồi tải lại trang để sửa tiếp.",
            )
            conflict = _conflict_rows(form, Person.objects.select_related("unit", "department").get(pk=person.pk))
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, "Đã lưu thay đổi.")
            return redirect(reverse("org:person_detail", args=[person.uid]))
    context = {"form": form, "person": person, "creating": False, "conflict": conflict, "has_units": True}
    return render(request, "org/person_form.html", context)


@access("person.edit")
def position_add(request, uid):
    person = get_scoped_or_404(request.user, Person.objects.select_related("unit"), "person.edit", uid=uid)
    unit_choices = scoped(request.user, Unit).order_by(vi_order("name"), "pk")
    form = PositionForm(request.POST or None, unit_choices=unit_choices, initial={"unit": person.unit})
    form.set_department_url(reverse("org:department_options"))
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_add_position(actor=request.user, person=person, data=form.cleaned_data)
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, "Đã thêm quá trình công tác.")
            return redirect(reverse("org:person_detail", args=[person.uid]))
    return render(request, "org/position_form.html", {"form": form, "person": person})


@access("person.edit")
def person_transfer(request, uid):
    person = get_scoped_or_404(request.user, Person.objects.select_related("unit"), "person.edit", uid=uid)
    unit_choices = units_for(request.user, "person.edit").exclude(pk=person.unit_id).order_by(vi_order("name"), "pk")
    initial = {"title": person.position_title, "is_leader": person.is_leader}
    form = TransferForm(request.POST or None, unit_choices=unit_choices, initial=initial)
    form.set_department_url(reverse("org:department_options"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_transfer_person(
                actor=request.user,
                person=person,
                to_unit=data["to_unit"],
                department=data.get("department"),
                title=data.get("title") or "",
                is_leader=data.get("is_leader", False),
                effective_on=data["effective_on"],
                decision=form.decision(),
            )
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, f"Đã ghi nhận điều động {person.full_name} sang {data['to_unit'].name}.")
            return redirect(reverse("org:person_detail", args=[person.uid]))
    return render(request, "org/person_transfer.html", {"form": form, "person": person, "has_units": unit_choices.exists()})


# ---------------------------------------------------------------------------------------------
# Lineage (sắp xếp tổ chức)


def _lineage_queryset(request):
    form = LineageFilterForm(request.GET or None)
    qs = scoped(request.user, LineageEvent).select_related("person", "province")
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    for word in fold(data.get("q") or "").split():
        qs = qs.filter(
            Q(links__unit__search_key__contains=word)
            | Q(person__search_key__contains=word)
            | Q(decision_number__icontains=word)
        )
    ids = qs.values("pk")
    ordered = LineageEvent.objects.filter(pk__in=ids).select_related("person", "province").prefetch_related("links__unit")
    return form, ordered.order_by("-effective_on", "-pk")


@access("registry.view")
def lineage_list(request):
    form, qs = _lineage_queryset(request)
    page = paginate(request, qs)
    for event in page.object_list:
        links = list(event.links.all())
        event.from_units = [link.unit for link in links if link.role == LineageRole.FROM]
        event.to_units = [link.unit for link in links if link.role == LineageRole.TO]
    context = {"form": form, "page_obj": page, "can_edit": scope_of(request.user).can("lineage.edit")}
    template = "org/_lineage_table.html" if htmx_partial(request) else "org/lineage_list.html"
    return render(request, template, context)


LINEAGE_PAGES = {
    LineageKind.MERGE: ("Hợp nhất, sáp nhập đơn vị", MergeForm),
    LineageKind.SPLIT: ("Chia tách đơn vị", SplitForm),
    LineageKind.RENAME: ("Đổi tên đơn vị", RenameForm),
    LineageKind.DISSOLVE: ("Giải thể đơn vị", DissolveForm),
}


def _lineage_form_view(request, kind: str, record):
    title, form_class = LINEAGE_PAGES[kind]
    unit_choices = units_for(request.user, "lineage.edit").order_by(vi_order("name"), "pk")
    initial = {}
    preset = request.GET.get("don_vi")
    if preset:
        try:
            unit = unit_choices.filter(uid=preset).first()
        except ValidationError:
            unit = None
        if unit is not None:
            field = {LineageKind.MERGE: "sources", LineageKind.SPLIT: "source"}.get(kind, "unit")
            initial[field] = [unit] if field == "sources" else unit
            if kind == LineageKind.RENAME:
                initial["new_short_name"] = unit.short_name
    form = form_class(request.POST or None, unit_choices=unit_choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            event, message = record(form)
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, message)
            target = event.links.filter(role=LineageRole.TO).select_related("unit").first()
            if target is not None and kind != LineageKind.SPLIT:
                return redirect(reverse("org:unit_detail", args=[target.unit.uid]))
            return redirect(reverse("org:lineage_list"))
    context = {"form": form, "title": title, "kind": kind, "has_units": unit_choices.exists()}
    return render(request, "org/lineage_form.html", context)


@access("lineage.edit")
def lineage_merge(request):
    def record(form):
        data = form.cleaned_data
        new_unit = None
        if data.get("new_name"):
            kind = data.get("new_kind") or data["sources"][0].kind
            new_unit = {"name": data["new_name"], "kind": kind}
        event = actions.do_record_merge(
            actor=request.user,
            sources=list(data["sources"]),
            target=data.get("target"),
            new_unit=new_unit,
            effective_on=data["effective_on"],
            decision=form.decision(),
            move_people=data.get("move_people", False),
        )
        return event, "Đã ghi nhận việc hợp nhất, sáp nhập đơn vị."

    return _lineage_form_view(request, LineageKind.MERGE, record)


@access("lineage.edit")
def lineage_split(request):
    def record(form):
        data = form.cleaned_data
        event = actions.do_record_split(
            actor=request.user,
            source=data["source"],
            new_names=form.names(),
            source_continues=data.get("source_continues", False),
            effective_on=data["effective_on"],
            decision=form.decision(),
        )
        left = Person.objects.filter(unit=data["source"]).count()
        message = "Đã ghi nhận việc chia tách đơn vị."
        if left and not data.get("source_continues"):
            message += f" Còn {left} cá nhân thuộc đơn vị cũ: hãy điều động họ sang đơn vị mới."
        return event, message

    return _lineage_form_view(request, LineageKind.SPLIT, record)


@access("lineage.edit")
def lineage_rename(request):
    def record(form):
        data = form.cleaned_data
        event = actions.do_record_rename(
            actor=request.user,
            unit=data["unit"],
            new_name=data["new_name"],
            new_short_name=data.get("new_short_name", ""),
            effective_on=data["effective_on"],
            decision=form.decision(),
        )
        return event, f"Đã đổi tên “{event.old_name}” thành “{event.new_name}”."

    return _lineage_form_view(request, LineageKind.RENAME, record)


@access("lineage.edit")
def lineage_dissolve(request):
    def record(form):
        data = form.cleaned_data
        event = actions.do_record_dissolve(
            actor=request.user, unit=data["unit"], effective_on=data["effective_on"], decision=form.decision()
        )
        left = Person.objects.filter(unit=data["unit"]).count()
        message = f"Đã ghi nhận giải thể “{data['unit'].name}”."
        if left:
            message += f" Còn {left} cá nhân thuộc đơn vị này: hãy điều động họ sang đơn vị khác."
        return event, message

    return _lineage_form_view(request, LineageKind.DISSOLVE, record)


# ---------------------------------------------------------------------------------------------
# Provinces (tỉnh/thành phố)


@access("registry.view")
def province_list(request):
    qs = scoped(request.user, Province).select_related("merged_into")
    context = {
        "current": qs.filter(valid_to__isnull=True).order_by(vi_order("name"), "pk"),
        "former": qs.filter(valid_to__isnull=False).order_by(vi_order("name"), "pk"),
    }
    return render(request, "org/province_list.html", context)


@access("registry.view")
def province_detail(request, uid):
    province = get_scoped_or_404(request.user, Province.objects.select_related("merged_into"), uid=uid)
    context = {
        "province": province,
        "predecessors": province.predecessors.order_by(vi_order("name"), "pk"),
        "unit_count": scoped(request.user, Unit.objects.filter(province=province, ended_on__isnull=True)).count(),
        "can_edit": _may(request.user, "province.edit", province=province),
    }
    return render(request, "org/province_detail.html", context)


@access("province.edit")
def province_edit(request, uid):
    province = get_scoped_or_404(request.user, Province, "province.edit", uid=uid)
    form = ProvinceSettingsForm(
        request.POST or None,
        initial={
            "tdkt_body_name": province.tdkt_body_name,
            "registration_required_for_proposal": province.registration_required_for_proposal,
            "version": province.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_province_settings(
                actor=request.user,
                province=province,
                data={
                    "tdkt_body_name": form.cleaned_data["tdkt_body_name"],
                    "registration_required_for_proposal": form.cleaned_data["registration_required_for_proposal"],
                },
                expected_version=form.cleaned_data["version"],
            )
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, "Đã lưu cài đặt của tỉnh.")
            return redirect(reverse("org:province_detail", args=[province.uid]))
    return render(request, "org/province_form.html", {"form": form, "province": province})
