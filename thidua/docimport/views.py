"""Pages of the Word dossier import: upload, review (status of each row, a picker for namesakes),
confirm → the proposal page. Every write is an action of thidua/docimport/actions.py."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from thidua.core.access import access, get_scoped_or_404, units_for
from thidua.core.db import vi_order
from thidua.core.errors import ActionError
from thidua.core.forms import apply_action_error
from thidua.docimport import actions
from thidua.docimport.forms import UploadForm
from thidua.docimport.matching import catalogue_entries, proposable_people, proposable_units, subjects_of
from thidua.docimport.models import ImportState, ProposalImport
from thidua.docimport.selectors import candidates_of, imports_for, import_out, units_of
from thidua.org.models import Person

BADGES = {"MATCHED": "ok", "AMBIGUOUS": "council", "UNKNOWN": "off"}


def _version(request) -> int | None:
    value = request.POST.get("version") or ""
    return int(value) if value.isdigit() else None


@access("proposal.edit")
def upload(request):
    units = units_for(request.user, "proposal.edit").order_by(vi_order("name"))
    form = UploadForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            imp = actions.do_create_import(
                actor=request.user, unit=form.cleaned_data["unit"], year=form.cleaned_data["year"], file_name=upload_file.name,
                data=upload_file.read(settings.DOCIMPORT_MAX_BYTES + 1), size=upload_file.size,
            )
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, f"Đã đọc {len(imp.rows)} dòng từ tệp “{imp.file_name}”. Hãy kiểm tra, chọn đúng người ở các dòng "
                                      "trùng tên, rồi xác nhận để lập hồ sơ đề nghị.")
            return redirect(reverse("docimport:detail", args=[imp.uid]))
    recent = imports_for(request.user)[:20]
    return render(request, "docimport/upload.html", {"form": form, "recent": recent})


def _award_choices(imp: ProposalImport, subject: str = "individual") -> list[tuple[str, str]]:
    out, seen = [], set()
    for code, name in catalogue_entries(imp.province, subject):
        if code not in seen and subject in (subjects_of(code, imp.province) or ()):
            seen.add(code)
            out.append((code, name))
    return out


@access("proposal.edit")
def detail(request, uid):
    imp = get_scoped_or_404(request.user, ProposalImport.objects.select_related("unit", "proposal"), "proposal.edit", uid=uid)
    people, units = candidates_of(imp), units_of(imp)
    data = import_out(imp)
    for row in data["rows"]:
        row["badge"] = BADGES[row["status"]]
        row["collective"] = row["subject"] == "collective"
        row["person_obj"] = people.get(row["person"] or "")
        row["unit_obj"] = units.get(row["unit"] or "")
        pool = units if row["collective"] else people
        row["choices"] = [pool[u] for u in row["candidates"] if u in pool]
    others, other_units = [], []
    unknown = [r for r in data["rows"] if r["status"] == "UNKNOWN" and not r["skipped"]] if imp.state == ImportState.OPEN else []
    if any(not r["collective"] for r in unknown):
        others = list(proposable_people(imp.unit).select_related("unit").order_by(vi_order("full_name"))[:500])
    if any(r["collective"] for r in unknown):
        other_units = list(proposable_units(imp.unit).order_by(vi_order("name")))
    return render(request, "docimport/detail.html", {
        "imp": imp, "data": data, "others": others, "other_units": other_units, "award_choices": _award_choices(imp),
        "collective_award_choices": _award_choices(imp, "collective"), "open": imp.state == ImportState.OPEN,
    })


@require_POST
@access("proposal.edit")
def row(request, uid, number):
    imp = get_scoped_or_404(request.user, ProposalImport.objects.select_related("unit"), "proposal.edit", uid=uid)
    person = None
    if request.POST.get("person"):
        person = Person.objects.filter(uid=request.POST["person"]).first() if _is_uuid(request.POST["person"]) else None
        if person is None:
            messages.error(request, "Không tìm thấy cá nhân đã chọn.")
            return redirect(reverse("docimport:detail", args=[imp.uid]))
    unit = None
    if request.POST.get("unit"):
        unit = None
        if _is_uuid(request.POST["unit"]):
            unit = (proposable_units(imp.unit).filter(uid=request.POST["unit"]).first()
                    or units_for(request.user, "proposal.edit").filter(uid=request.POST["unit"]).first())
        if unit is None:
            messages.error(request, "Không tìm thấy đơn vị (tập thể) đã chọn trong các đơn vị bạn được lập hồ sơ.")
            return redirect(reverse("docimport:detail", args=[imp.uid]))
    skip = {"1": True, "0": False}.get(request.POST.get("skip", ""))
    try:
        actions.do_resolve_row(actor=request.user, imp=imp, row=number, person=person, unit=unit, award=request.POST.get("award") or None,
                               skip=skip, expected_version=_version(request))
    except ActionError as error:
        messages.error(request, error.message)
    return redirect(reverse("docimport:detail", args=[imp.uid]) + f"#dong-{number}")


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@require_POST
@access("proposal.edit")
def confirm(request, uid):
    imp = get_scoped_or_404(request.user, ProposalImport.objects.select_related("unit"), "proposal.edit", uid=uid)
    try:
        proposal = actions.do_confirm_import(actor=request.user, imp=imp, expected_version=_version(request))
    except ActionError as error:
        messages.error(request, error.message)
        return redirect(reverse("docimport:detail", args=[imp.uid]))
    imp.refresh_from_db()
    left_out = imp.left_out_rows()
    note = (f" {len(left_out)} dòng chưa có danh hiệu, hình thức trong danh mục không được đưa vào hồ sơ: "
            + ", ".join(f"dòng {r['row']} ({r['name']})" for r in left_out[:10]) + ".") if left_out else ""
    messages.success(request, f"Đã lập hồ sơ đề nghị nháp với {proposal.items.count()} trường hợp từ tệp “{imp.file_name}”.{note} "
                              "Hãy kiểm tra vướng mắc rồi gửi hồ sơ.")
    return redirect(reverse("proposals:proposal_detail", args=[proposal.uid]))
