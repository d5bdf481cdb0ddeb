"""Pages of the điển hình tiên tiến registry: list with accent-insensitive search, filters and
Excel export; detail with evidence files and replications (nhân rộng); create and edit. Thin:
form → action → redirect."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render

from thidua.core.access import access, get_scoped_or_404, scope_of, scoped, units_for
from thidua.core.db import vi_order
from thidua.core.errors import ActionError
from thidua.core.exports import export_response
from thidua.core.forms import apply_action_error
from thidua.exemplars import actions, forms, selectors
from thidua.exemplars.models import LEVEL_CHOICES, Exemplar, ExemplarEvidence, SubjectKind
from thidua.movements.models import Movement
from thidua.org.models import Person, Province, Unit


def _year(value) -> int | None:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if 1945 <= year <= 2200 else None


def _uid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _movements_for(province_id: int):
    lineage = Province.objects.get(pk=province_id).lineage_ids()
    return Movement.objects.filter(province_id__in=lineage).order_by("-start_date", "pk")


EXPORT_COLUMNS = [
    ("Đối tượng", lambda e: e.get_kind_display()), ("Tên tập thể, cá nhân", lambda e: e.subject_name),
    ("Đơn vị", lambda e: e.unit.name), ("Điển hình về", lambda e: e.title),
    ("Phong trào", lambda e: e.movement.title if e.movement_id else ""), ("Năm", lambda e: e.year),
    ("Cấp biểu dương", lambda e: e.get_level_display()), ("Cơ quan công nhận", lambda e: e.issuer),
    ("Số quyết định", lambda e: e.decision_number), ("Ngày quyết định", lambda e: e.decision_date),
    ("Câu chuyện, thành tích", lambda e: e.story),
    ("Nhân rộng", lambda e: "; ".join(f"{r.where} ({r.applied_on:%d/%m/%Y}): {r.result}" for r in e.replications.all())),
    ("Ghi chú", lambda e: e.note),
]


@access("registry.view")
def list_page(request):
    g = request.GET
    filters = {"q": g.get("q", ""), "year": _year(g.get("nam")), "movement": _uid(g.get("phong-trao")),
               "kind": g.get("doi-tuong") if g.get("doi-tuong") in SubjectKind.values else "",
               "unit": _uid(g.get("don-vi")), "level": g.get("cap") if g.get("cap") in dict(LEVEL_CHOICES) else ""}
    qs = selectors.exemplar_list(request.user, **filters)
    if g.get("xuat") == "xlsx":
        rows = qs.prefetch_related("replications__unit")
        return export_response("xlsx", "dien-hinh-tien-tien", EXPORT_COLUMNS, rows, "Điển hình tiên tiến")
    page = Paginator(qs, 50).get_page(g.get("page"))
    units = scoped(request.user, Unit).filter(pk__in=scoped(request.user, Exemplar).values("unit_id")).order_by(vi_order("name"))
    movements = Movement.objects.filter(pk__in=scoped(request.user, Exemplar).values("movement_id")).order_by("-start_date")
    context = {"page_obj": page, "f": filters, "units": units, "movements": movements, "kinds": SubjectKind.choices,
               "levels": LEVEL_CHOICES, "can_add": scope_of(request.user).can(actions.EDIT)}
    return render(request, "exemplars/list.html", context)


def _form_data(form, unit, people, movements) -> dict:
    d = form.cleaned_data
    by_person = {str(p.uid): p for p in people}
    by_movement = {str(m.uid): m for m in movements}
    return {"kind": d["kind"], "unit": unit, "person": by_person.get(d["person"]) if d["person"] else None,
            "movement": by_movement.get(d["movement"]) if d["movement"] else None, "year": d["year"],
            "title": d["title"], "story": d["story"], "level": d["level"], "issuer": d["issuer"],
            "decision_number": d["decision_number"], "decision_date": d["decision_date"], "note": d["note"]}


@access(actions.EDIT)
def create_page(request):
    units = units_for(request.user, actions.EDIT).order_by(vi_order("name"))
    unit = units.filter(uid=_uid(request.GET.get("don-vi"))).first() if _uid(request.GET.get("don-vi")) else None
    if unit is None:
        missing = bool(request.GET.get("don-vi"))
        return render(request, "exemplars/choose_unit.html", {"units": units, "missing": missing}, status=404 if missing else 200)
    people = list(scoped(request.user, Person, actions.EDIT).filter(unit=unit).order_by(vi_order("full_name")))
    movements = list(_movements_for(unit.province_id))
    initial = {"person": request.GET.get("ca-nhan", ""), "kind": "INDIVIDUAL" if request.GET.get("ca-nhan") else "COLLECTIVE"}
    form = forms.ExemplarForm(request.POST or None, people=people, movements=movements, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                item = actions.do_create_exemplar(actor=request.user, data=_form_data(form, unit, people, movements))
            except ActionError as exc:
                apply_action_error(form, exc)
            else:
                messages.success(request, "Đã ghi điển hình tiên tiến vào sổ.")
                return redirect("exemplars:detail", uid=item.uid)
    return render(request, "exemplars/form.html", {"form": form, "unit": unit, "item": None}, status=status)


@access(actions.EDIT)
def edit_page(request, uid):
    item = get_scoped_or_404(request.user, Exemplar.objects.select_related("unit", "person", "movement"), actions.EDIT, uid=uid)
    unit = item.unit
    people = list(scoped(request.user, Person, actions.EDIT).filter(unit=unit).order_by(vi_order("full_name")))
    if item.person_id and item.person not in people:
        people.append(item.person)  # moved since: the entry keeps its person
    movements = list(_movements_for(unit.province_id))
    initial = {"kind": item.kind, "person": str(item.person.uid) if item.person_id else "", "title": item.title,
               "movement": str(item.movement.uid) if item.movement_id else "", "year": item.year, "story": item.story,
               "level": item.level, "issuer": item.issuer, "decision_number": item.decision_number,
               "decision_date": item.decision_date, "note": item.note, "version": item.version}
    form = forms.ExemplarForm(request.POST or None, people=people, movements=movements, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                actions.do_update_exemplar(actor=request.user, exemplar=item, data=_form_data(form, unit, people, movements),
                                           expected_version=form.cleaned_data["version"] or 0)
            except ActionError as exc:
                apply_action_error(form, exc)
            else:
                messages.success(request, "Đã lưu thay đổi của điển hình.")
                return redirect("exemplars:detail", uid=item.uid)
    return render(request, "exemplars/form.html", {"form": form, "unit": unit, "item": item}, status=status)


def _replication_units(user, item):
    lineage = Province.objects.get(pk=item.province_id).lineage_ids()
    return scoped(user, Unit).filter(province_id__in=lineage, ended_on__isnull=True).order_by(vi_order("name"))


def _detail(request, item, *, replication_form=None, evidence_form=None, status=200):
    can_edit = scoped(request.user, Exemplar, actions.EDIT).filter(pk=item.pk).exists()
    context = {
        "item": item, "evidence": item.evidence.all(), "replications": item.replications.select_related("unit"),
        "can_edit": can_edit,
        "replication_form": replication_form or (forms.ReplicationForm(units=_replication_units(request.user, item)) if can_edit else None),
        "evidence_form": evidence_form or (forms.EvidenceForm() if can_edit else None),
    }
    return render(request, "exemplars/detail.html", context, status=status)


def _get(request, uid, action="registry.view"):
    return get_scoped_or_404(request.user, Exemplar.objects.select_related("unit", "person", "movement"), action, uid=uid)


@access("registry.view")
def detail_page(request, uid):
    return _detail(request, _get(request, uid))


@access(actions.EDIT)
def replication_add(request, uid):
    item = _get(request, uid, actions.EDIT)
    units = list(_replication_units(request.user, item))
    form = forms.ReplicationForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        by_uid = {str(u.uid): u for u in units}
        try:
            actions.do_add_replication(actor=request.user, exemplar=item, data={
                "unit": by_uid.get(d["unit"]) if d["unit"] else None, "place": d["place"],
                "applied_on": d["applied_on"], "result": d["result"]})
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, "Đã ghi nơi nhân rộng điển hình.")
            return redirect("exemplars:detail", uid=item.uid)
    if request.method != "POST":
        return _detail(request, item)
    return _detail(request, item, replication_form=form, status=422)


@access(actions.EDIT)
def evidence_add(request, uid):
    item = _get(request, uid, actions.EDIT)
    if request.method != "POST":
        return _detail(request, item)
    form = forms.EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.do_add_evidence(actor=request.user, exemplar=item, upload=form.cleaned_data["file"],
                                    description=form.cleaned_data["description"])
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, "Đã thêm tệp minh chứng.")
            return redirect("exemplars:detail", uid=item.uid)
    return _detail(request, item, evidence_form=form, status=422)


@access("registry.view")
def evidence_download(request, uid):
    evidence = get_scoped_or_404(request.user, ExemplarEvidence, uid=uid)
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name)
