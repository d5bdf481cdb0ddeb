"""Pages of the award history: a subject's history and what it can be proposed for, the forms
that add to it, the unit's year-end ratings, the batch "Ai đủ điều kiện" with its Excel export,
the Excel import and the province's lineage policy. Thin: form → action → redirect."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from thidua.blocs.models import Bloc, Membership
from thidua.core.access import access, ensure, get_scoped_or_404, provinces_for, scope_of, scoped
from thidua.core.db import vi_order
from thidua.core.errors import ActionError
from thidua.core.exports import export_response
from thidua.core.forms import apply_action_error
from thidua.history import actions, batch, forms, importer, selectors
from thidua.history.models import AwardRecord, AwardSource, HistoryPolicy, PendingInvestigation, TaskRating
from thidua.org.models import Person, Province, Unit
from thidua.rules.catalogue import AWARD_NAMES, COLLECTIVE, INDIVIDUAL, awards_for
from thidua.rules.errors import WhatIfError

KINDS = {"ca-nhan": Person, "don-vi": Unit}
WHAT = {
    "danh-gia": ("Kết quả đánh giá, xếp loại", forms.RatingForm),
    "khen-thuong": ("Khen thưởng đã nhận", forms.AwardForm),
    "sang-kien": ("Sáng kiến, đề tài", forms.InitiativeForm),
    "ky-luat": ("Thời hạn kỷ luật", forms.DisciplineForm),
    "xem-xet": ("Đang xem xét kỷ luật, điều tra, khiếu nại", forms.InvestigationForm),
}
PERSON_ONLY = {"sang-kien", "ky-luat", "xem-xet"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _may(user, subject) -> bool:
    try:
        ensure(user, "history.edit", province=subject.province_id, unit=subject.unit if isinstance(subject, Person) else subject)
    except ActionError:
        return False
    return True


def _subject_or_404(request, kind: str, uid, action: str = "registry.view"):
    model = KINDS.get(kind)
    if model is None:
        raise Http404("Không tìm thấy")
    return get_scoped_or_404(request.user, model.objects.select_related("province"), action, uid=uid)


def _subject_url(subject) -> str:
    kind = "ca-nhan" if isinstance(subject, Person) else "don-vi"
    return reverse("history:subject", kwargs={"kind": kind, "uid": subject.uid})


def _year_param(request) -> int:
    try:
        year = int(request.GET.get("nam", ""))
        if 1945 <= year <= 2200:
            return year
    except ValueError:
        pass
    return forms.default_year()


def proposal_section(user, subject, year: int) -> dict:
    """Context of the "Có thể đề nghị khen thưởng năm {year}" section (person and unit pages)."""
    result = selectors.evaluate_subject_all(subject, year)
    return {
        "subject": subject,
        "year": year,
        "error": result["error"]["message"] if "error" in result else None,
        "outcomes": selectors.outcome_summary(result.get("results", [])),
        "history": selectors.history_rows(subject),
        "can_edit": _may(user, subject),
        "is_person": isinstance(subject, Person),
        "subject_url": _subject_url(subject),
        "kind": "ca-nhan" if isinstance(subject, Person) else "don-vi",
    }


@access("registry.view")
def subject_page(request, kind, uid):
    subject = _subject_or_404(request, kind, uid)
    context = proposal_section(request.user, subject, _year_param(request))
    context["pending"] = (
        PendingInvestigation.objects.filter(person=subject).order_by("-opened_on") if isinstance(subject, Person) else []
    )
    return render(request, "history/subject.html", context)


@access("history.edit")
def record_add(request, kind, uid, what):
    subject = _subject_or_404(request, kind, uid, "history.edit")
    if what not in WHAT or (kind == "don-vi" and what in PERSON_ONLY):
        raise Http404("Không tìm thấy")
    title, form_class = WHAT[what]
    extra = {"subject_kind": INDIVIDUAL if kind == "ca-nhan" else COLLECTIVE, "province": subject.province} if what == "khen-thuong" else {}
    form = form_class(request.POST or None, initial={"year": forms.default_year()}, **extra)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if what == "danh-gia":
                existing = TaskRating.objects.filter(year=data["year"], **({"person": subject} if kind == "ca-nhan" else {"unit": subject})).first()
                actions.do_set_task_rating(request.user, subject, data["year"], data["rating"], note=data["note"],
                                           expected_version=existing.version if existing else None)
            elif what == "khen-thuong":
                decision = {k: data[k] for k in ("decision_number", "decision_date", "decision_issuer", "decision_level")}
                actions.do_record_award(
                    request.user, subject, data["award_code"], data["year"], decision=decision,
                    source=AwardSource.EXTERNAL if data["external"] else AwardSource.MANUAL,
                    award_kind=data["award_kind"], note=data["note"],
                )
            elif what == "sang-kien":
                actions.do_record_initiative(request.user, subject, data)
            elif what == "ky-luat":
                actions.do_record_discipline(request.user, subject, data)
            else:
                actions.do_record_investigation(request.user, subject, opened_on=data["opened_on"], note=data["note"])
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, f"Đã ghi vào hồ sơ thành tích: {title.lower()}.")
            return redirect(_subject_url(subject))
    status = 422 if request.method == "POST" else 200
    return render(request, "history/record_form.html", {"form": form, "subject": subject, "title": title,
                                                          "subject_url": _subject_url(subject)}, status=status)


def _award_or_404(request, uid, action):
    award = AwardRecord.objects.filter(uid=uid).select_related("person", "unit").first()
    if award is None:
        raise Http404("Không tìm thấy")
    kind = "ca-nhan" if award.person_id else "don-vi"
    subject = _subject_or_404(request, kind, award.subject.uid, action)
    return award, subject


@access("history.edit")
def award_revoke(request, uid):
    award, subject = _award_or_404(request, uid, "history.edit")
    form = forms.RevokeForm(request.POST or None, initial={"version": award.version})
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_revoke_award(request.user, award, reason=form.cleaned_data["reason"],
                                    revoked_on=form.cleaned_data["revoked_on"], expected_version=form.cleaned_data["version"])
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, f"Đã hủy bỏ {award.get_award_code_display()} năm {award.year}; hồ sơ vẫn lưu quyết định và lý do.")
            return redirect(_subject_url(subject))
    status = 422 if request.method == "POST" else 200
    return render(request, "history/revoke_form.html", {"form": form, "award": award, "subject": subject,
                                                          "subject_url": _subject_url(subject)}, status=status)


@access("history.edit")
def investigation_close(request, uid):
    item = PendingInvestigation.objects.filter(uid=uid).select_related("person").first()
    if item is None:
        raise Http404("Không tìm thấy")
    subject = _subject_or_404(request, "ca-nhan", item.person.uid, "history.edit")
    form = forms.CloseInvestigationForm(request.POST or None, initial={"version": item.version})
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_close_investigation(request.user, item, closed_on=form.cleaned_data["closed_on"],
                                           note=form.cleaned_data["note"], expected_version=form.cleaned_data["version"])
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, "Đã ghi kết luận; hồ sơ không còn bị tạm hoãn xét vì việc này.")
            return redirect(_subject_url(subject))
    status = 422 if request.method == "POST" else 200
    return render(request, "history/record_form.html", {"form": form, "subject": subject, "title": "Ghi kết luận",
                                                          "subject_url": _subject_url(subject)}, status=status)


@access("history.edit")
def unit_ratings(request, uid):
    """The unit's year-end ratings of all its staff, on one page."""
    unit = _subject_or_404(request, "don-vi", uid, "history.edit")
    year = _year_param(request) if request.method == "GET" else int(request.POST.get("nam") or forms.default_year())
    people = list(unit.people.order_by(vi_order("full_name")))
    current = dict(TaskRating.objects.filter(person__in=people, year=year).values_list("person_id", "rating"))
    error = None
    if request.method == "POST":
        rows = []
        for person in people:
            value = request.POST.get(f"r-{person.uid}")
            if value:
                rows.append((person, value))
        try:
            count = actions.do_record_task_ratings(request.user, unit, year, rows)
        except ActionError as exc:
            error = exc.message
        else:
            messages.success(request, f"Đã ghi kết quả đánh giá năm {year} của {count} cá nhân.")
            return redirect(f"{reverse('history:unit_ratings', kwargs={'uid': unit.uid})}?nam={year}")
    rows = [{"person": p, "rating": current.get(p.pk, "")} for p in people]
    context = {"unit": unit, "year": year, "rows": rows, "choices": forms.RATING_CHOICES, "error": error,
               "subject_url": _subject_url(unit)}
    return render(request, "history/unit_ratings.html", context, status=422 if error else 200)


# --------------------------------------------------------------------------- batch


def _batch_subjects(request, form):
    """(kind, queryset, province for rules or None, year, awards) from the filters."""
    data = form.cleaned_data if form.is_valid() else {}
    year = data.get("nam") or forms.default_year()
    kind = data.get("doi_tuong") or "ca-nhan"
    model = Person if kind == "ca-nhan" else Unit
    qs = scoped(request.user, model)
    if model is Unit:
        qs = qs.filter(ended_on__isnull=True)
    province = None
    if data.get("tinh"):
        province = Province.objects.filter(uid=data["tinh"]).first()
        if province is not None:
            qs = qs.filter(province_id__in=province.lineage_ids())
    if data.get("khoi"):
        bloc = scoped(request.user, Bloc).filter(uid=data["khoi"]).first()
        unit_ids = Membership.objects.filter(bloc_year__bloc=bloc, year=year).values("unit_id") if bloc else []
        qs = qs.filter(unit_id__in=unit_ids) if model is Person else qs.filter(pk__in=unit_ids)
    subject = INDIVIDUAL if model is Person else COLLECTIVE
    award = data.get("khen_thuong")
    awards = [award] if award in awards_for(subject) else awards_for(subject)
    return kind, model, qs, year, awards, data.get("ket_qua") or ""


@access("registry.view")
def batch_page(request):
    provinces = provinces_for(request.user, "registry.view").order_by(vi_order("name"))
    blocs = scoped(request.user, Bloc).filter(ended_on__isnull=True).order_by(vi_order("name"))
    form = forms.BatchFilterForm(request.GET or None, provinces=provinces, blocs=blocs)
    kind, model, qs, year, awards, outcome = _batch_subjects(request, form)
    subjects = qs.count()
    if subjects > settings.BATCH_INLINE_LIMIT and request.GET.get("xuat") != "xlsx":
        # Too many to evaluate while the page waits: the list is built by a background job (thidua/jobs).
        context = {"form": form, "year": year, "kind": kind, "too_many": subjects, "limit": settings.BATCH_INLINE_LIMIT,
                   "can_import": scope_of(request.user).can("history.edit"),
                   "can_policy": scope_of(request.user).can("rules.override")}
        return render(request, "history/batch.html", context)
    try:
        if model is Person:
            rows = batch.evaluate_people(qs, year, awards=awards)
        else:
            rows = batch.evaluate_units(qs, year, awards=awards)
        error = None
    except WhatIfError as exc:  # no rule version in force today, say
        rows, error = [], exc.message
    # The batch has no council minutes: an ELIGIBLE of an award whose every route waits on a
    # qualitative condition is shown as "Đủ điều kiện nếu Hội đồng xác nhận".
    awaiting = batch.awards_awaiting_council(INDIVIDUAL if model is Person else COLLECTIVE, awards)

    def shown(row, code):
        return batch.display_status(row.outcomes.get(code), code, awaiting)

    if outcome:
        rows = [r for r in rows if any(shown(r, code) == outcome for code in r.outcomes)]
    counts = {a: {o: 0 for o in selectors.OUTCOME_LABELS} for a in awards}
    for row in rows:
        for code in row.outcomes:
            counts[code][shown(row, code)] += 1
    if request.GET.get("xuat") == "xlsx":
        return _batch_export(model, rows, awards, year, shown)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    names = _names(model, [r.pk for r in page.object_list])
    table = [{"subject": names.get(r.pk), "cells": [(a, shown(r, a)) for a in awards]} for r in page.object_list]
    context = {
        "form": form, "page_obj": page, "table": table, "awards": [(a, AWARD_NAMES[a]) for a in awards], "year": year,
        "kind": kind, "counts": [(AWARD_NAMES[a], counts[a]) for a in awards], "error": error,
        "labels": selectors.OUTCOME_LABELS, "total": len(rows),
        "can_import": scope_of(request.user).can("history.edit"),
        "can_policy": scope_of(request.user).can("rules.override"),
    }
    return render(request, "history/batch.html", context)


def batch_export_rows(request, progress=None):
    """The Excel columns and rows of the batch list for `request.user` and `request.GET` (the
    background job of thidua/jobs replays the page's filters): (columns, rows, year, subjects)."""
    provinces = provinces_for(request.user, "registry.view").order_by(vi_order("name"))
    blocs = scoped(request.user, Bloc).filter(ended_on__isnull=True).order_by(vi_order("name"))
    form = forms.BatchFilterForm(request.GET or None, provinces=provinces, blocs=blocs)
    kind, model, qs, year, awards, outcome = _batch_subjects(request, form)
    if progress is not None:
        progress(15, f"Đang xét điều kiện khen thưởng năm {year}.")
    rows = batch.evaluate_people(qs, year, awards=awards) if model is Person else batch.evaluate_units(qs, year, awards=awards)
    count = len(rows)
    awaiting = batch.awards_awaiting_council(INDIVIDUAL if model is Person else COLLECTIVE, awards)

    def shown(row, code):
        return batch.display_status(row.outcomes.get(code), code, awaiting)

    if outcome:
        rows = [r for r in rows if any(shown(r, code) == outcome for code in r.outcomes)]
    if progress is not None:
        progress(55, f"Đã xét {count} đối tượng; đang lấy họ tên, đơn vị.")
    columns, _ = _batch_columns(model, rows, awards, shown)
    return columns, rows, year, count


def _batch_columns(model, rows, awards, shown):
    names = {}
    pks = [r.pk for r in rows]
    for start in range(0, len(pks), 5000):
        names.update(_names(model, pks[start:start + 5000]))
    if model is Person:
        columns = [("Họ và tên", lambda r: names[r.pk].full_name), ("Mã cán bộ", lambda r: names[r.pk].staff_code),
                   ("Đơn vị", lambda r: names[r.pk].unit.name)]
    else:
        columns = [("Tập thể", lambda r: names[r.pk].name)]
    for code in awards:
        columns.append((AWARD_NAMES[code], lambda r, code=code: selectors.OUTCOME_LABELS.get(shown(r, code), "")))
    return columns, names


def _names(model, pks):
    if model is Person:
        return {p.pk: p for p in Person.objects.filter(pk__in=pks).select_related("unit")}
    return {u.pk: u for u in Unit.objects.filter(pk__in=pks)}


def _batch_export(model, rows, awards, year, shown):
    columns, _ = _batch_columns(model, rows, awards, shown)
    return export_response("xlsx", f"du-dieu-kien-khen-thuong-{year}", columns, rows, f"Đủ điều kiện {year}")


# --------------------------------------------------------------------------- import, policy


@access("history.edit")
def import_page(request):
    provinces = provinces_for(request.user, "history.edit")
    form = importer.HistoryImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024), "max_rows": importer.MAX_ROWS,
               "provinces": provinces}
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
                return start_and_show(request, kind=JobKind.HISTORY_IMPORT, action="history.edit", upload=upload, params={})
            except importer.ImportRejected as rejected:
                context.update(error=rejected.message, issues=rejected.issues)
                return render(request, "history/import.html", context, status=422)
            except ActionError as error:
                context.update(error=error.message, issues=[])
                return render(request, "history/import.html", context, status=422)
        try:
            result = importer.import_history(actor=request.user, fileobj=upload, size=upload.size,
                                             file_name=upload.name, dry_run=form.cleaned_data["dry_run"])
        except importer.ImportRejected as rejected:
            context.update(error=rejected.message, issues=rejected.issues)
            return render(request, "history/import.html", context, status=422)
        except ActionError as error:
            context.update(error=error.message, issues=[])
            return render(request, "history/import.html", context, status=422)
        if result.dry_run:
            context.update(preview=result)
            return render(request, "history/import.html", context)
        messages.success(request, result.message())
        return redirect(reverse("history:import"))
    return render(request, "history/import.html", context, status=422 if request.method == "POST" else 200)


@access("history.edit")
def import_template(request):
    response = HttpResponse(importer.build_template(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-ho-so-thanh-tich.xlsx"'
    return response


@access("rules.override")
def policy_page(request):
    provinces = list(provinces_for(request.user, "rules.override").order_by(vi_order("name")))
    if not provinces:
        raise Http404("Không tìm thấy")
    province = next((p for p in provinces if str(p.uid) == request.GET.get("tinh", request.POST.get("tinh", ""))), provinces[0])
    policy = HistoryPolicy.objects.filter(province=province).first()
    form = forms.PolicyForm(request.POST or None, initial={
        "inherit_across_merger": policy.inherit_across_merger if policy else False, "basis": policy.basis if policy else ""})
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_set_history_policy(request.user, province, **form.cleaned_data)
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, "Đã lưu chính sách hồ sơ thành tích của tỉnh.")
            return redirect(f"{reverse('history:policy')}?tinh={province.uid}")
    return render(request, "history/policy.html", {"form": form, "province": province, "provinces": provinces, "policy": policy},
                  status=422 if request.method == "POST" and form.errors else 200)
