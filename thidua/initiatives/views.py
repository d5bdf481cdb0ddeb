"""Pages of the initiatives registry (sổ sáng kiến): list with search, filters and Excel export;
register with the copy warning shown before saving; detail with the similar initiatives side by
side; recognition (a likely copy needs a reason). Thin: form → action → redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from thidua.core.access import access, get_scoped_or_404, scope_of, scoped, units_for
from thidua.core.db import vi_order
from thidua.core.errors import ActionError
from thidua.core.exports import export_response
from thidua.core.forms import apply_action_error
from thidua.history.models import Initiative
from thidua.initiatives import actions, files, forms, selectors
from thidua.org.models import Person


def _year(value) -> int | None:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if 1945 <= year <= 2200 else None


@access("registry.view")
def list_page(request):
    q, sector = request.GET.get("q", ""), request.GET.get("linh-vuc", "")
    year, flagged = _year(request.GET.get("nam")), request.GET.get("nghi-trung") == "1"
    qs = selectors.initiative_list(request.user, q=q, year=year, sector=sector, flagged=flagged)
    if request.GET.get("xuat") == "xlsx":
        columns = [
            ("Tên sáng kiến", lambda i: i.title), ("Năm", lambda i: i.year), ("Lĩnh vực", lambda i: i.sector),
            ("Đơn vị", lambda i: i.unit.name if i.unit_id else ""),
            ("Tác giả (tỷ lệ đóng góp)", lambda i: "; ".join(f"{o.person.full_name} {o.share} %" for o in i.owners.all())),
            ("Đã công nhận", lambda i: i.recognised), ("Cấp công nhận", lambda i: i.get_scope_display() if i.recognised else ""),
            ("Số quyết định", lambda i: i.decision_number), ("Ngày công nhận", lambda i: i.recognised_on),
            ("Nghi trùng lặp", lambda i: i.likely_copy), ("Đã dùng để xét khen thưởng", lambda i: i.used_for_award_id is not None),
        ]
        return export_response("xlsx", "so-sang-kien", columns, qs, "Sổ sáng kiến")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    context = {"page_obj": page, "q": q, "sector": sector, "year": year or "", "flagged": flagged,
               "can_add": scope_of(request.user).can("history.edit"), "query": request.GET.urlencode()}
    return render(request, "initiatives/list.html", context)


@access("history.edit")
def create_page(request):
    units = units_for(request.user, "history.edit").select_related("province").order_by(vi_order("name"), "pk")
    unit = units.filter(uid=request.GET.get("don-vi")).first() if request.GET.get("don-vi") else None
    if unit is None:
        return render(request, "initiatives/choose_unit.html", {"units": units})
    people = list(scoped(request.user, Person).filter(unit=unit).order_by(vi_order("full_name")))
    form = forms.InitiativeForm(request.POST or None, request.FILES or None, people=people)
    matches, status = None, 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            content = data["content"]
            if data.get("file"):
                upload = data["file"]
                content = files.extract_text(upload.name, upload.read(files.MAX_BYTES + 1))
            matches = selectors.similar(request.user, title=data["title"], content=content, limit=5)
            flagged = any(m.likely_copy for m in matches)
            if "check" in request.POST or (flagged and not data["confirm_copy"]):
                form.data = form.data.copy()
                form.data["content"] = content
                status = 200 if "check" in request.POST else 422
            else:
                by_uid = {str(p.uid): p for p in people}
                owners = [(by_uid[uid], share) for uid, share in form.owners()]
                item = actions.do_register_initiative(request.user, {
                    "title": data["title"], "content": content, "year": data["year"], "kind": data["kind"], "unit": unit,
                    "sector": data["sector"], "benefits": data["benefits"], "applied_at": data["applied_at"], "owners": owners})
                messages.success(request, "Đã đăng ký sáng kiến vào sổ sáng kiến.")
                return redirect("initiatives:detail", uid=item.uid)
        except ActionError as exc:
            apply_action_error(form, exc, {"owners": "owner_1", "unit": "owner_1"})
            status = 422
    elif request.method == "POST":
        status = 422
    flagged = bool(matches and any(m.likely_copy for m in matches))
    return render(request, "initiatives/form.html",
                  {"form": form, "unit": unit, "matches": matches, "flagged": flagged}, status=status)


@access("history.edit")
def edit_page(request, uid):
    """Edit a stored initiative: the copy check runs again before saving (a likely copy needs the
    confirmation box), the save re-flags it against the province's initiatives; compare-and-set."""
    item = get_scoped_or_404(request.user, Initiative.objects.select_related("unit", "person__unit"), "history.edit", uid=uid)
    unit = item.unit or item.person.unit
    owners = list(item.owners.select_related("person"))
    people = list(scoped(request.user, Person, "history.edit").filter(unit=unit).order_by(vi_order("full_name")))
    known = {p.pk for p in people}
    people += [o.person for o in owners if o.person_id not in known]  # an author who moved keeps their share
    initial = {"title": item.title, "kind": item.kind, "year": item.year, "sector": item.sector, "content": item.content,
               "benefits": item.benefits, "applied_at": item.applied_at, "version": item.version}
    for i, owner in enumerate(owners, start=1):
        initial[f"owner_{i}"], initial[f"share_{i}"] = str(owner.person.uid), owner.share
    form = forms.EditInitiativeForm(request.POST or None, request.FILES or None, people=people, initial=initial,
                                    owner_rows=len(owners))
    matches, status = None, 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            content = data["content"]
            if data.get("file"):
                upload = data["file"]
                content = files.extract_text(upload.name, upload.read(files.MAX_BYTES + 1))
            matches = selectors.similar(request.user, title=data["title"], content=content, exclude_uid=item.uid, limit=5)
            flagged = any(m.likely_copy for m in matches)
            if "check" in request.POST or (flagged and not data["confirm_copy"]):
                form.data = form.data.copy()
                form.data["content"] = content
                status = 200 if "check" in request.POST else 422
            else:
                by_uid = {str(p.uid): p for p in people}
                actions.do_edit_initiative(request.user, item, {
                    "title": data["title"], "content": content, "year": data["year"], "kind": data["kind"],
                    "sector": data["sector"], "benefits": data["benefits"], "applied_at": data["applied_at"],
                    "owners": [(by_uid[uid], share) for uid, share in form.owners()]}, expected_version=data["version"])
                messages.success(request, "Đã lưu thay đổi của sáng kiến; đã kiểm tra lại trùng lặp.")
                return redirect("initiatives:detail", uid=item.uid)
        except ActionError as exc:
            apply_action_error(form, exc, {"owners": "owner_1", "unit": "owner_1"})
            status = 422
    elif request.method == "POST":
        status = 422
    flagged = bool(matches and any(m.likely_copy for m in matches))
    return render(request, "initiatives/form.html",
                  {"form": form, "unit": unit, "item": item, "matches": matches, "flagged": flagged}, status=status)


@access("registry.view")
def detail_page(request, uid):
    item = get_scoped_or_404(request.user, Initiative.objects.select_related("unit", "copy_of", "used_for_award"), uid=uid)
    matches = selectors.similar(request.user, title=item.title, content=item.content, exclude_uid=item.uid, limit=5)
    can_recognise = scope_of(request.user).can("initiative.recognise") and not item.recognised
    form = forms.RecogniseForm(initial={"version": item.version, "level": "BASE"})
    can_edit = scoped(request.user, Initiative, "history.edit").filter(pk=item.pk).exists()
    return render(request, "initiatives/detail.html", {
        "item": item, "owners": item.owners.select_related("person"), "matches": matches, "form": form,
        "can_recognise": can_recognise, "can_edit": can_edit})


@access("initiative.recognise")
def recognise(request, uid):
    item = get_scoped_or_404(request.user, Initiative.objects.select_related("unit", "copy_of"), "initiative.recognise", uid=uid)
    form = forms.RecogniseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.do_recognise_initiative(request.user, item, level=d["level"], body=d["body"],
                                            decision_number=d["decision_number"], decided_on=d["decided_on"],
                                            reason=d["reason"], expected_version=d["version"])
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, "Đã ghi nhận công nhận sáng kiến.")
            return redirect("initiatives:detail", uid=item.uid)
    matches = selectors.similar(request.user, title=item.title, content=item.content, exclude_uid=item.uid, limit=5)
    return render(request, "initiatives/detail.html", {
        "item": item, "owners": item.owners.select_related("person"), "matches": matches, "form": form,
        "can_recognise": True}, status=422 if request.method == "POST" else 200)




@access("history.edit")
def import_page(request):
    from django.conf import settings

    from thidua.history.importer import HistoryImportForm
    from thidua.initiatives import importer

    form = HistoryImportForm(request.POST or None, request.FILES or None)
    form.fields["dry_run"].label = "Chỉ kiểm tra tệp, chưa ghi vào sổ sáng kiến"
    context = {"form": form, "max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024), "max_rows": importer.MAX_ROWS}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if not form.cleaned_data["dry_run"]:
            # A background job (thidua/jobs) checks the rows and writes all or nothing.
            from thidua.jobs.models import JobKind
            from thidua.jobs.views import start_and_show
            from thidua.org.importer import check_file

            issues = check_file(upload, upload.size)
            try:
                if issues:
                    raise importer.ImportRejected(issues)
                return start_and_show(request, kind=JobKind.INITIATIVE_IMPORT, action="history.edit", upload=upload, params={})
            except importer.ImportRejected as rejected:
                context.update(error=rejected.message, issues=rejected.issues)
                return render(request, "initiatives/import.html", context, status=422)
            except ActionError as error:
                context.update(error=error.message, issues=[])
                return render(request, "initiatives/import.html", context, status=422)
        try:
            result = importer.import_initiatives(actor=request.user, fileobj=upload, size=upload.size,
                                                 file_name=upload.name, dry_run=form.cleaned_data["dry_run"])
        except importer.ImportRejected as rejected:
            context.update(error=rejected.message, issues=rejected.issues)
            return render(request, "initiatives/import.html", context, status=422)
        except ActionError as error:
            context.update(error=error.message, issues=[])
            return render(request, "initiatives/import.html", context, status=422)
        if result.dry_run:
            context.update(preview=result)
            return render(request, "initiatives/import.html", context)
        messages.success(request, result.message())
        return redirect("initiatives:list")
    return render(request, "initiatives/import.html", context, status=422 if request.method == "POST" else 200)


@access("history.edit")
def import_template(request):
    from django.http import HttpResponse

    from thidua.initiatives import importer

    response = HttpResponse(importer.build_template(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-so-sang-kien.xlsx"'
    return response
