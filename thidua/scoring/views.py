"""Pages of criteria scoring and ranking (issue #5): criteria sets, the round of a block year,
score sheets, the ranking with its chart. Thin: access → action or selector → render.

Which sheets a person sees and what they may do on one (roles unit / reviewer / panel / head) are
the selectors' answers (thidua.scoring.selectors.visible_sheets, sheet_roles): the same questions
the actions ask.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from thidua.blocs.models import Bloc, BlocYear, Meeting
from thidua.core.access import access, ensure, get_scoped_or_404, provinces_for, scope_of, scoped
from thidua.core.db import vi_order
from thidua.core.errors import ActionError, ConcurrentEditError
from thidua.core.forms import apply_action_error
from thidua.core.paging import htmx_partial
from thidua.org.models import Unit
from thidua.rules import scoring as core
from thidua.rules.scoring import SHEET_EVENTS, ZERO, fmt, sheet_events_allowed
from thidua.scoring import actions, excel, selectors
from thidua.scoring.forms import (
    AssignForm,
    ConfirmLeaderForm,
    CopySetForm,
    CriteriaSetForm,
    CriterionForm,
    ImportSetForm,
    OpenRoundForm,
    PublishForm,
    ReimportSetForm,
    SheetUploadForm,
    TransitionForm,
)
from thidua.scoring.models import (
    CriteriaSet,
    Criterion,
    CriterionKind,
    RoundState,
    ScoreChange,
    ScoreEvidence,
    ScoreLevel,
    ScoreSheet,
    ScoringRound,
    SetState,
    SheetState,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _allowed(user, action: str, **target) -> bool:
    try:
        ensure(user, action, **target)
    except ActionError:
        return False
    return True


def _xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def _version(request) -> int:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else -1


def _row_errors(error: ActionError) -> list[str]:
    """Every problem of a refused upload (Excel rows, or criteria the action refused), as text."""
    rows = getattr(error, "rows", None)
    if rows:
        return [str(r) for r in rows]
    return [m for messages_ in (error.errors or {}).values() for m in messages_]


# ---------------------------------------------------------------- home


@access("registry.view")
def home(request):
    """Rounds the user can see, by year, and the sheets waiting for them."""
    user = request.user
    scope = scope_of(user)
    rounds = list(selectors.rounds_for(user))
    counts = {
        row["round_id"]: row
        for row in ScoreSheet.objects.filter(round__in=[r.pk for r in rounds]).values("round_id").annotate(
            total=Count("pk"), done=Count("pk", filter=Q(state__in=[SheetState.APPRAISED, SheetState.PUBLISHED]))
        )
    }
    by_year: dict[int, list] = {}
    for scoring_round in rounds:
        row = counts.get(scoring_round.pk, {})
        scoring_round.sheet_total, scoring_round.sheet_done = row.get("total", 0), row.get("done", 0)
        by_year.setdefault(scoring_round.bloc_year.year, []).append(scoring_round)
    open_years = []
    if scope.can("scoring.criteria"):
        candidates = (
            scoped(user, BlocYear, "scoring.criteria").exclude(pk__in=[r.bloc_year_id for r in rounds])
            .select_related("bloc").order_by("-year", vi_order("bloc__name"))[:30]
        )
        open_years = [y for y in candidates if _allowed(user, "scoring.criteria", province=y.province_id, bloc=y.bloc_id)]
    context = {
        "years": sorted(by_year.items(), key=lambda item: item[0], reverse=True),
        "todo": _todo(user, rounds),
        "open_years": open_years,
        "can_criteria": scope.can("scoring.criteria"),
    }
    return render(request, "scoring/home.html", context)


def _todo(user, rounds) -> dict[str, list]:
    """Sheets waiting for this person in open rounds: to fill, to cross-check, to appraise."""
    todo: dict[str, list] = {"fill": [], "cross": [], "appraise": []}
    open_rounds = [r for r in rounds if r.state == RoundState.OPEN]
    if not open_rounds:
        return todo
    waiting = {SheetState.DRAFT: ("unit", "fill"), SheetState.SUBMITTED: ("reviewer", "cross"), SheetState.CROSS_CHECKED: ("panel", "appraise")}
    # Self-scoring is the units' own work: a province officer may help, but it is not on their list.
    own_units = scope_of(user).unit_ids_for("scoring.self")
    for scoring_round in open_rounds:
        sheets = selectors.visible_sheets(user, scoring_round).filter(state__in=list(waiting)).order_by(vi_order("unit__name"))
        for sheet in sheets[:200]:
            role, key = waiting[sheet.state]
            if key == "fill" and sheet.unit_id not in own_units:
                continue
            if role in selectors.sheet_roles(user, sheet):
                todo[key].append(sheet)
    return todo


# ---------------------------------------------------------------- criteria sets


def _set_blocs(user):
    return scoped(user, Bloc, "scoring.criteria").filter(ended_on__isnull=True).order_by(vi_order("name"))


def _set_province(user, bloc=None):
    if bloc is not None:
        return bloc.province
    return provinces_for(user, "scoring.criteria").order_by("name").first()


def _can_edit_set(user, criteria_set: CriteriaSet) -> bool:
    if criteria_set.bloc_id:
        return _allowed(user, "scoring.criteria", province=criteria_set.province_id, bloc=criteria_set.bloc_id)
    return _allowed(user, "scoring.criteria", province=criteria_set.province_id)


@access("registry.view")
def set_list(request):
    user = request.user
    qs = scoped(user, CriteriaSet).select_related("bloc").annotate(
        criteria_count=Count("criteria", distinct=True), round_count=Count("rounds", distinct=True)
    )
    year = request.GET.get("year", "").strip()
    if year.isdigit() and len(year) == 4:  # ?year=99999999999999999999 overflowed the database (500)
        qs = qs.filter(year=int(year))
    context = {"sets": list(qs.order_by("-year", "name", "-version_no")), "year": year, "can_criteria": scope_of(user).can("scoring.criteria")}
    return render(request, "scoring/set_list.html", context)


@access("scoring.criteria")
def set_create(request):
    form = CriteriaSetForm(request.POST or None, blocs=_set_blocs(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.action_data()
        province = _set_province(request.user, data.get("bloc"))
        if province is None:
            form.add_error("bloc", "Hãy chọn khối của bảng tiêu chí.")
        else:
            try:
                criteria_set = actions.do_create_criteria_set(actor=request.user, province=province, data=data)
            except ActionError as error:
                apply_action_error(form, error)
            else:
                messages.success(request, f"Đã lập bảng tiêu chí “{criteria_set.name}”. Hãy thêm các nhóm và tiêu chí.")
                return redirect(reverse("scoring:set_detail", args=[criteria_set.uid]))
    return render(request, "scoring/set_form.html", {"form": form, "creating": True}, status=400 if form.errors else 200)


def _set_context(request, criteria_set: CriteriaSet, **forms_) -> dict:
    criteria = selectors.ordered_criteria(criteria_set)
    specs = selectors.criterion_specs(criteria)
    can_edit = _can_edit_set(request.user, criteria_set)
    frozen = criteria_set.state == SetState.IN_USE
    groups = Criterion.objects.filter(criteria_set=criteria_set, kind=CriterionKind.GROUP).order_by("position", "pk")
    newer = CriteriaSet.objects.filter(
        province_id=criteria_set.province_id, bloc_id=criteria_set.bloc_id, year=criteria_set.year, version_no__gt=criteria_set.version_no
    ).order_by("version_no").first()
    bloc_initial = criteria_set.bloc.uid if criteria_set.bloc_id else None
    return {
        "criteria_set": criteria_set,
        "rows": [{"criterion": c, "depth": min(getattr(c, "depth", 0), 3), "max_text": fmt(c.max_points)} for c in criteria],
        "problems": core.validate_criteria(specs, complete=True) if specs and not frozen else [],
        "max_base_text": fmt(core.max_base_points(specs)),
        "can_edit": can_edit,
        "editable": can_edit and not frozen,
        "frozen": frozen,
        "rounds": list(criteria_set.rounds.select_related("bloc_year__bloc")),
        "newer": newer,
        "bands": [{"label": b.label, "min_text": fmt(b.min_total)} for b in core.bands_from_json(criteria_set.bands)],
        "tie_breakers": [core.TIE_BREAKERS[t] for t in criteria_set.tie_breakers or [] if t in core.TIE_BREAKERS],
        "add_form": forms_.get("add_form") or CriterionForm(groups=groups, initial={"kind": CriterionKind.SCORE}),
        "copy_form": forms_.get("copy_form") or CopySetForm(blocs=_set_blocs(request.user), initial={"year": criteria_set.year + 1, "bloc": bloc_initial}),
        "reimport_form": forms_.get("reimport_form") or ReimportSetForm(initial={"version": criteria_set.version}),
        "row_errors": forms_.get("row_errors") or [],
    }


@access("registry.view")
def set_detail(request, uid):
    criteria_set = get_scoped_or_404(request.user, CriteriaSet.objects.select_related("bloc", "based_on", "province"), uid=uid)
    return render(request, "scoring/set_detail.html", _set_context(request, criteria_set))


@access("scoring.criteria")
def set_edit(request, uid):
    criteria_set = get_scoped_or_404(request.user, CriteriaSet.objects.select_related("bloc"), "scoring.criteria", uid=uid)
    if criteria_set.state == SetState.IN_USE:
        messages.error(request, actions.FROZEN_SET)
        return redirect(reverse("scoring:set_detail", args=[criteria_set.uid]))
    form = CriteriaSetForm(request.POST or None, with_bloc=False, initial=CriteriaSetForm.initial_for(criteria_set))
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_criteria_set(
                actor=request.user, criteria_set=criteria_set, data=form.action_data(), expected_version=form.cleaned_data.get("version") or 0
            )
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, "Đã lưu bảng tiêu chí.")
            return redirect(reverse("scoring:set_detail", args=[criteria_set.uid]))
    return render(request, "scoring/set_form.html", {"form": form, "creating": False, "criteria_set": criteria_set}, status=400 if form.errors else 200)


@require_POST
@access("scoring.criteria")
def criterion_add(request, uid):
    criteria_set = get_scoped_or_404(request.user, CriteriaSet.objects.select_related("bloc", "province"), "scoring.criteria", uid=uid)
    form = CriterionForm(request.POST, groups=Criterion.objects.filter(criteria_set=criteria_set, kind=CriterionKind.GROUP))
    if form.is_valid():
        try:
            criterion = actions.do_add_criterion(actor=request.user, criteria_set=criteria_set, data=form.action_data())
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, f"Đã thêm {criterion.get_kind_display().lower()} {criterion.code}.")
            return redirect(reverse("scoring:set_detail", args=[criteria_set.uid]) + f"#tc-{criterion.uid}")
    return render(request, "scoring/set_detail.html", _set_context(request, criteria_set, add_form=form), status=400)


@access("scoring.criteria")
def criterion_edit(request, uid):
    """GET from the tree (HTMX): the row turns into a form. POST saves and goes back to the set."""
    criterion = get_scoped_or_404(request.user, Criterion.objects.select_related("criteria_set", "parent"), "scoring.criteria", uid=uid)
    criteria_set = criterion.criteria_set
    groups = Criterion.objects.filter(criteria_set=criteria_set, kind=CriterionKind.GROUP).exclude(pk=criterion.pk)
    form = CriterionForm(request.POST or None, groups=groups, initial=CriterionForm.initial_for(criterion))
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_criterion(
                actor=request.user, criterion=criterion, data=form.action_data(), expected_version=form.cleaned_data.get("version") or 0
            )
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, f"Đã lưu tiêu chí {criterion.code}.")
            return redirect(reverse("scoring:set_detail", args=[criteria_set.uid]) + f"#tc-{criterion.uid}")
    context = {"form": form, "criterion": criterion, "criteria_set": criteria_set, "frozen": criteria_set.state == SetState.IN_USE}
    if request.method == "GET" and htmx_partial(request):
        return render(request, "scoring/_criterion_edit_row.html", context)
    return render(request, "scoring/criterion_form.html", context, status=400 if form.errors else 200)


@require_POST
@access("scoring.criteria")
def criterion_remove(request, uid):
    criterion = get_scoped_or_404(request.user, Criterion.objects.select_related("criteria_set"), "scoring.criteria", uid=uid)
    label = f"{criterion.code}. {criterion.title}"
    try:
        actions.do_remove_criterion(actor=request.user, criterion=criterion, expected_version=_version(request))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã xóa “{label}”.")
    return redirect(reverse("scoring:set_detail", args=[criterion.criteria_set.uid]))


@require_POST
@access("scoring.criteria")
def set_copy(request, uid):
    """A new version of a set (same block and year: the way to change a frozen set), or a copy
    for another year or block (last year's set → this year's)."""
    source = get_scoped_or_404(request.user, CriteriaSet.objects.select_related("bloc", "province"), uid=uid)
    try:
        if request.POST.get("mode") == "version":
            copy = actions.do_copy_criteria_set(actor=request.user, source=source)
        else:
            form = CopySetForm(request.POST, blocs=_set_blocs(request.user))
            if not form.is_valid():
                return render(request, "scoring/set_detail.html", _set_context(request, source, copy_form=form), status=400)
            copy = actions.do_copy_criteria_set(
                actor=request.user, source=source, year=form.cleaned_data["year"], bloc=form.cleaned_data["bloc"], same_bloc=False
            )
    except ActionError as error:
        messages.error(request, error.message)
        return redirect(reverse("scoring:set_detail", args=[source.uid]))
    messages.success(request, f"Đã tạo bảng tiêu chí năm {copy.year}, phiên bản {copy.version_no}, từ “{source.name}”. Bảng mới sửa được.")
    return redirect(reverse("scoring:set_detail", args=[copy.uid]))


@access("registry.view")
def set_export(request, uid):
    criteria_set = get_scoped_or_404(request.user, CriteriaSet.objects.select_related("bloc"), uid=uid)
    return _xlsx_response(excel.export_criteria_set(criteria_set), f"bang-tieu-chi-{criteria_set.year}-phien-ban-{criteria_set.version_no}")


@access("scoring.criteria")
def set_import(request):
    """A new set read from an Excel file: the file is checked whole first; the set is created only
    if every row is right (both writes in one transaction)."""
    form = ImportSetForm(request.POST or None, request.FILES or None, blocs=_set_blocs(request.user))
    row_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        bloc = form.cleaned_data["bloc"]
        province = _set_province(request.user, bloc)
        if province is None:
            form.add_error("bloc", "Hãy chọn khối của bảng tiêu chí.")
        else:
            try:
                specs = excel.read_criteria_upload(form.cleaned_data["file"])
                with transaction.atomic():
                    criteria_set = actions.do_create_criteria_set(
                        actor=request.user, province=province,
                        data={"name": form.cleaned_data["name"], "year": form.cleaned_data["year"], "bloc": bloc},
                    )
                    actions.do_import_criteria_set(actor=request.user, criteria_set=criteria_set, specs=specs, expected_version=criteria_set.version)
            except ActionError as error:
                row_errors = _row_errors(error) if not error.field else []
                if row_errors:
                    form.add_error(None, error.message)
                else:
                    apply_action_error(form, error)
            else:
                messages.success(request, f"Đã nhập bảng tiêu chí “{criteria_set.name}” gồm {len(specs)} dòng.")
                return redirect(reverse("scoring:set_detail", args=[criteria_set.uid]))
    status = 400 if form.errors or row_errors else 200
    return render(request, "scoring/set_import.html", {"form": form, "row_errors": row_errors}, status=status)


@require_POST
@access("scoring.criteria")
def set_reimport(request, uid):
    """Replace every criterion of a draft set by those of an Excel file (all or nothing)."""
    criteria_set = get_scoped_or_404(request.user, CriteriaSet.objects.select_related("bloc", "province"), "scoring.criteria", uid=uid)
    form = ReimportSetForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            specs = excel.read_criteria_upload(form.cleaned_data["file"])
            actions.do_import_criteria_set(actor=request.user, criteria_set=criteria_set, specs=specs, expected_version=form.cleaned_data["version"])
        except ActionError as error:
            rows = _row_errors(error)
            messages.error(request, error.message)
            criteria_set.refresh_from_db()
            return render(request, "scoring/set_detail.html", _set_context(request, criteria_set, reimport_form=form, row_errors=rows), status=400)
        messages.success(request, f"Đã thay các tiêu chí bằng {len(specs)} dòng của tệp Excel.")
        return redirect(reverse("scoring:set_detail", args=[criteria_set.uid]))
    return render(request, "scoring/set_detail.html", _set_context(request, criteria_set, reimport_form=form), status=400)


# ---------------------------------------------------------------- round of a block year


def _members(bloc_year):
    return Unit.objects.filter(pk__in=bloc_year.memberships.filter(left_on__isnull=True).values("unit_id")).order_by(vi_order("name"))


def _results_visible(user, scoring_round: ScoringRound) -> bool:
    """Totals and ranking: after publication; before, to the block's leadership and the province,
    or to everyone when the block lets members see each other's results."""
    return scoring_round.is_published or scoring_round.results_visible or selectors.sees_every_sheet(user, scoring_round)


def _round_context(request, bloc_year: BlocYear, scoring_round: ScoringRound | None, **forms_) -> dict:
    user = request.user
    target = {"province": bloc_year.province_id, "bloc": bloc_year.bloc_id}
    can_manage = _allowed(user, "scoring.criteria", **target)
    can_publish = _allowed(user, "scoring.publish", **target)
    context = {"bloc_year": bloc_year, "bloc": bloc_year.bloc, "round": scoring_round, "can_open": can_manage}
    if scoring_round is None:
        if can_manage:
            sets = scoped(user, CriteriaSet).filter(Q(bloc=bloc_year.bloc) | Q(bloc__isnull=True)).order_by("-year", "name", "-version_no")
            context["open_form"] = forms_.get("open_form") or OpenRoundForm(sets=sets)
            context["has_sets"] = sets.exists()
        return context
    show_results = _results_visible(user, scoring_round)
    sheets = list(
        selectors.visible_sheets(user, scoring_round).prefetch_related("assignments__reviewer_unit").order_by(vi_order("unit__name"))
    )
    for sheet in sheets:
        sheet.total_text = fmt(sheet.total_points) if sheet.total_points is not None else "—"
    context.update({"sheets": sheets, "show_totals": show_results, "published": scoring_round.is_published})
    if show_results:
        rows, explanation, leader_tie = _ranking_rows(scoring_round)
        context.update({"ranking": rows, "explanation": explanation, "leader_tie": leader_tie, "chart": _chart_for(scoring_round, rows)})
    members = _members(bloc_year)
    if not scoring_round.is_published:
        all_sheets = ScoreSheet.objects.filter(round=scoring_round).select_related("unit").order_by(vi_order("unit__name"))
        if can_manage:
            context["assign_form"] = forms_.get("assign_form") or AssignForm(sheets=all_sheets, units=members)
        if can_publish:
            meetings = Meeting.objects.filter(bloc_year__bloc=bloc_year.bloc, bloc_year__year__in=[bloc_year.year, bloc_year.year + 1]).order_by("-held_on")
            context["publish_form"] = forms_.get("publish_form") or PublishForm(meetings=meetings, initial={"version": scoring_round.version})
            posted = request.POST if request.method == "POST" else {}
            pending = [s for s in all_sheets if s.state != SheetState.APPRAISED]
            for sheet in pending:
                sheet.posted_reason = posted.get(f"unranked-{sheet.uid}", "")
            context["not_appraised"] = pending
            context["has_meetings"] = meetings.exists()
    elif can_publish:
        snapshot = scoring_round.ranking_snapshot or {}
        initial = {"version": scoring_round.version, "how": scoring_round.leader_confirmed_how or None, "note": scoring_round.leader_confirmed_note}
        if scoring_round.confirmed_leader_id:
            initial["unit"] = scoring_round.confirmed_leader.uid
        elif snapshot.get("leader_key"):
            initial["unit"] = snapshot["leader_key"]
        context["leader_form"] = forms_.get("leader_form") or ConfirmLeaderForm(units=members, initial=initial)
    return context


def _ranking_rows(scoring_round: ScoringRound) -> tuple[list[dict], list[str], list[str]]:
    """The ranking as plain dicts: the frozen snapshot once published, computed live before."""
    if scoring_round.is_published and scoring_round.ranking_snapshot:
        snapshot = scoring_round.ranking_snapshot
    else:
        snapshot = core.ranking_as_dict(selectors.round_ranking(scoring_round))
    label_of = {r["key"]: r["label"] for r in snapshot.get("rows", [])}
    rows = []
    for r in snapshot.get("rows", []):
        dec = {k: (Decimal(r[k]) if r.get(k) is not None else None) for k in ("total", "base", "bonus", "deduction")}
        rows.append({
            **r, **dec,
            "total_text": fmt(dec["total"]) if dec["total"] is not None else "—",
            "bonus_text": fmt(dec["bonus"]) if dec["bonus"] is not None else "—",
            "deduction_text": fmt(dec["deduction"]) if dec["deduction"] is not None else "—",
            "by_group": {k: Decimal(v) for k, v in (r.get("by_group") or {}).items()},
            "tied_labels": [label_of.get(k, "") for k in r.get("tied_with") or []],
        })
    return rows, list(snapshot.get("explanation") or []), [label_of.get(k, "") for k in snapshot.get("leader_tie") or []]


def _chart_for(scoring_round: ScoringRound, rows: list[dict]) -> dict | None:
    criteria = selectors.ordered_criteria(scoring_round.criteria_set)
    specs = selectors.criterion_specs(criteria)
    with_points = set(core.sheet_totals(specs, {}).by_group)
    groups = [(c.code, c.title) for c in criteria if c.parent_id is None and c.code in with_points]
    return ranking_chart(rows, groups, scale_max=core.max_base_points(specs))


def _year_and_round(user, uid):
    bloc_year = get_scoped_or_404(user, BlocYear.objects.select_related("bloc", "head_unit", "province"), uid=uid)
    scoring_round = (
        ScoringRound.objects.filter(bloc_year=bloc_year).select_related("bloc_year__bloc", "criteria_set", "published_meeting", "confirmed_leader").first()
    )
    return bloc_year, scoring_round


def _round_by_uid(user, uid):
    return get_scoped_or_404(user, ScoringRound.objects.select_related("bloc_year__bloc", "bloc_year__province", "criteria_set", "province"), uid=uid)


@access("registry.view")
def round_page(request, uid):
    bloc_year, scoring_round = _year_and_round(request.user, uid)
    return render(request, "scoring/round.html", _round_context(request, bloc_year, scoring_round))


@require_POST
@access("scoring.criteria")
def round_open(request, uid):
    bloc_year, scoring_round = _year_and_round(request.user, uid)
    if scoring_round is not None:
        messages.info(request, "Năm thi đua này đã có đợt chấm điểm.")
        return redirect(reverse("scoring:round", args=[bloc_year.uid]))
    form = OpenRoundForm(request.POST, sets=scoped(request.user, CriteriaSet).filter(Q(bloc=bloc_year.bloc) | Q(bloc__isnull=True)))
    if form.is_valid():
        try:
            actions.do_open_round(
                actor=request.user, bloc_year=bloc_year, criteria_set=form.cleaned_data["criteria_set"], quota=form.cleaned_data["quota"]
            )
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, "Đã mở đợt chấm điểm: mỗi đơn vị thành viên có một phiếu để tự chấm; bảng tiêu chí đã được khóa.")
            return redirect(reverse("scoring:round", args=[bloc_year.uid]))
    return render(request, "scoring/round.html", _round_context(request, bloc_year, None, open_form=form), status=400)


@require_POST
@access("scoring.criteria")
def round_assign(request, uid):
    scoring_round = _round_by_uid(request.user, uid)
    bloc_year = scoring_round.bloc_year
    form = AssignForm(request.POST, sheets=ScoreSheet.objects.filter(round=scoring_round).select_related("unit"), units=_members(bloc_year))
    if form.is_valid():
        sheet, units = form.cleaned_data["sheet"], list(form.cleaned_data["reviewer_units"])
        try:
            actions.do_assign_cross_check(actor=request.user, round=scoring_round, sheet=sheet, reviewer_units=units)
        except ActionError as error:
            apply_action_error(form, error)
        else:
            if units:
                messages.success(request, f"Đã phân công {', '.join(u.name for u in units)} chấm chéo phiếu của {sheet.unit.name}.")
            else:
                messages.success(request, f"Phiếu của {sheet.unit.name} do Trưởng khối chấm chéo.")
            return redirect(reverse("scoring:round", args=[bloc_year.uid]))
    return render(request, "scoring/round.html", _round_context(request, bloc_year, scoring_round, assign_form=form), status=400)


@require_POST
@access("scoring.publish")
def round_publish(request, uid):
    scoring_round = _round_by_uid(request.user, uid)
    bloc_year = scoring_round.bloc_year
    meetings = Meeting.objects.filter(bloc_year__bloc=bloc_year.bloc, bloc_year__year__in=[bloc_year.year, bloc_year.year + 1])
    form = PublishForm(request.POST, meetings=meetings)
    if form.is_valid():
        unranked = {}
        for sheet in ScoreSheet.objects.filter(round=scoring_round).exclude(state=SheetState.APPRAISED):
            reason = (request.POST.get(f"unranked-{sheet.uid}") or "").strip()
            if reason:
                unranked[str(sheet.uid)] = reason
        try:
            actions.do_publish_results(
                actor=request.user, round=scoring_round, meeting=form.cleaned_data["meeting"], unranked=unranked,
                expected_version=form.cleaned_data["version"],
            )
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, "Đã công bố kết quả chấm điểm, xếp hạng. Kết quả đã được chốt, không sửa được nữa.")
            return redirect(reverse("scoring:round", args=[bloc_year.uid]))
    return render(request, "scoring/round.html", _round_context(request, bloc_year, scoring_round, publish_form=form), status=400)


@require_POST
@access("scoring.publish")
def round_leader(request, uid):
    scoring_round = _round_by_uid(request.user, uid)
    bloc_year = scoring_round.bloc_year
    form = ConfirmLeaderForm(request.POST, units=_members(bloc_year))
    if form.is_valid():
        try:
            actions.do_confirm_leader(
                actor=request.user, round=scoring_round, unit=form.cleaned_data["unit"], how=form.cleaned_data["how"],
                note=form.cleaned_data["note"], expected_version=form.cleaned_data["version"],
            )
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, f"Đã ghi nhận {form.cleaned_data['unit'].name} là đơn vị dẫn đầu khối năm {bloc_year.year}.")
            return redirect(reverse("scoring:round", args=[bloc_year.uid]))
    return render(request, "scoring/round.html", _round_context(request, bloc_year, scoring_round, leader_form=form), status=400)


@access("registry.view")
def round_export(request, uid):
    scoring_round = _round_by_uid(request.user, uid)
    if not _results_visible(request.user, scoring_round):
        raise PermissionDenied("Kết quả xếp hạng chưa được công bố.")
    return _xlsx_response(excel.export_ranking(scoring_round), f"xep-hang-thi-dua-{scoring_round.bloc_year.year}")


def _ranking_document(request, uid):
    """The ranking table as DOCX (A4 landscape, signed by the block head), or a redirect back with why."""
    from thidua.scoring.document import export_ranking_docx

    scoring_round = _round_by_uid(request.user, uid)
    if not _results_visible(request.user, scoring_round):
        raise PermissionDenied("Kết quả xếp hạng chưa được công bố.")
    try:
        return scoring_round, export_ranking_docx(scoring_round), None
    except ActionError as error:
        messages.error(request, error.message)
        return scoring_round, None, redirect(reverse("scoring:round", args=[scoring_round.bloc_year.uid]))


@access("registry.view")
def round_export_docx(request, uid):
    """The same ranking table as DOCX, in the layout councils use."""
    scoring_round, data, back = _ranking_document(request, uid)
    if back is not None:
        return back
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = f'attachment; filename="xep-hang-thi-dua-{scoring_round.bloc_year.year}.docx"'
    return response


@access("registry.view")
def round_export_pdf(request, uid):
    """The ranking table as PDF (LibreOffice, cached by the DOCX's hash); on failure, back to the round with why."""
    from thidua.documents.downloads import PDF_TYPE, pdf_cache_dir
    from thidua.documents.pdf import PdfError, docx_to_pdf

    scoring_round, data, back = _ranking_document(request, uid)
    if back is not None:
        return back
    try:
        pdf = docx_to_pdf(data, pdf_cache_dir())
    except PdfError as error:
        messages.error(request, error.message)
        return redirect(reverse("scoring:round", args=[scoring_round.bloc_year.uid]))
    response = HttpResponse(pdf, content_type=PDF_TYPE)
    response["Content-Disposition"] = f'attachment; filename="xep-hang-thi-dua-{scoring_round.bloc_year.year}.pdf"'
    return response


# ---------------------------------------------------------------- score sheet


def _who(user) -> str:
    if user is None:
        return "Hệ thống"
    return user.get_full_name() or user.get_username()


def _editing_level(user, sheet: ScoreSheet, roles: set[str]) -> str | None:
    """The level this person enters points at now (SELF, CROSS, PANEL), or None (read only)."""
    entry = selectors.score_level_for(sheet)
    if entry is None:
        return None
    role, level = entry
    return level if role in roles else None


def _sheet_context(request, sheet: ScoreSheet, *, posted: dict | None = None, row_errors: dict | None = None,
                   conflict: bool = False, upload_form=None, upload_errors=None) -> dict:
    roles = selectors.sheet_roles(request.user, sheet)
    level = _editing_level(request.user, sheet, roles)
    view = selectors.sheet_rows(sheet)
    posted = posted or {}
    row_errors = row_errors or {}
    field, note_field = {"SELF": ("self_points", "self_note"), "CROSS": ("cross_points", "cross_note"), "PANEL": ("final_points", "final_note")}.get(
        level or "SELF"
    )
    # Top-level group subtotals at each level (cross: the unit's points where not re-scored).
    specs = selectors.criterion_specs([r.criterion for r in view.rows])
    items = [r for r in view.rows if r.is_item]
    by_level = {
        "self": core.sheet_totals(specs, {r.criterion.code: r.self_points for r in items if r.self_points is not None}).by_group,
        "cross": core.sheet_totals(specs, {
            r.criterion.code: r.cross_points if r.cross_points is not None else r.self_points
            for r in items if r.cross_points is not None or r.self_points is not None
        }).by_group,
        "final": view.totals.by_group,
    }
    # A level's subtotals only once someone has entered points at that level.
    if not any(r.cross_points is not None for r in items):
        by_level["cross"] = {}
    if not any(r.final_points is not None for r in items):
        by_level["final"] = {}
    grid = []
    for row in view.rows:
        c = row.criterion
        item = {
            "r": row, "depth": min(row.depth, 3), "max_text": fmt(c.max_points) if c.max_points is not None else "",
            "self_text": fmt(row.self_points), "cross_text": fmt(row.cross_points), "final_text": fmt(row.final_points),
            **{f"group_{k}": fmt(v[c.code]) if c.code in v and not row.is_item else "" for k, v in by_level.items()},
            "missing_self": row.is_item and c.kind == CriterionKind.SCORE and row.self_points is None,
            "error": row_errors.get(c.code),
        }
        if c.code in posted:
            item["input_points"], item["input_note"], item["input_reason"] = posted[c.code]
        elif row.is_item:
            # What this level works from: its own points if entered, else those of the level below.
            own = getattr(row.score, field) if row.score else None
            current = own if own is not None else (row.self_points if level == "CROSS" else row.effective_points if level == "PANEL" else None)
            item["input_points"] = fmt(current) if current is not None else ""
            item["input_note"] = (getattr(row.score, note_field) if row.score else "") or ""
            item["input_reason"] = ""
        grid.append(item)
    published = sheet.round.state != RoundState.OPEN
    events = [] if published else [(e, SHEET_EVENTS[e]) for e in sheet_events_allowed(sheet.state, roles) if e != "publish"]
    changes = list(ScoreChange.objects.filter(sheet=sheet).select_related("criterion", "changed_by").order_by("-changed_at", "-pk"))
    for change in changes:
        change.old_text, change.new_text, change.who = fmt(change.old_points), fmt(change.new_points), _who(change.changed_by)
    history = list(reversed(view.events))
    for event in history:
        event.event_label, event.who = SHEET_EVENTS.get(event.event, event.event), _who(event.by)
    last_return = next((e for e in history if e.event == "return"), None)
    totals = view.totals
    return {
        "sheet": sheet, "round": sheet.round, "bloc_year": sheet.round.bloc_year,
        "reviewers": list(sheet.assignments.select_related("reviewer_unit").order_by(vi_order("reviewer_unit__name"))),
        "grid": grid, "level": level, "level_label": ScoreLevel(level).label if level else "",
        "after_submission": level is not None and sheet.submitted_at is not None,
        "can_submit": level == "SELF" and "submit" in sheet_events_allowed(sheet.state, roles),
        "events": events, "changes": changes, "history": history,
        "last_return": last_return if last_return and sheet.state != SheetState.PUBLISHED else None,
        "totals": totals,
        "totals_text": {k: fmt(getattr(totals, k)) for k in ("base", "bonus", "deduction", "total")},
        "conflict": conflict,
        # The input of a refused save, shown as a list when the sheet moved on and has no inputs any more.
        "posted_list": [(code, values[0], values[1]) for code, values in posted.items() if values[0] or values[1]] if conflict and level is None else [],
        "upload_form": upload_form or SheetUploadForm(initial={"version": sheet.version}),
        "upload_errors": upload_errors or [],
        "show_cross": sheet.state != SheetState.DRAFT or any(r.cross_points is not None for r in view.rows),
        "show_final": sheet.state in (SheetState.CROSS_CHECKED, SheetState.APPRAISED, SheetState.PUBLISHED),
    }


@access("registry.view")
def sheet_detail(request, uid):
    sheet = selectors.get_visible_sheet_or_404(request.user, uid=uid)
    return render(request, "scoring/sheet.html", _sheet_context(request, sheet))


@require_POST
@access("registry.view")
def sheet_save(request, uid):
    """Save the points of the level this person enters now. When someone saved the sheet in the
    meantime (compare-and-set on its version), nothing is written and the input stays on screen."""
    sheet = selectors.get_visible_sheet_or_404(request.user, uid=uid)
    level = _editing_level(request.user, sheet, selectors.sheet_roles(request.user, sheet))
    codes = list(Criterion.objects.filter(criteria_set_id=sheet.round.criteria_set_id).exclude(kind=CriterionKind.GROUP).values_list("code", flat=True))
    posted = {
        code: tuple((request.POST.get(f"{name}-{code}") or "").strip() for name in ("points", "note", "reason"))
        for code in codes
        if f"points-{code}" in request.POST
    }
    if level is None:
        if not posted:
            raise PermissionDenied("Bạn không nhập điểm cho phiếu này được.")
        # The sheet moved on (submitted, returned, published) while this person was typing.
        messages.error(request, f"Phiếu đã chuyển sang bước “{sheet.get_state_display()}” trong lúc bạn nhập, nên điểm của bạn chưa được lưu.")
        return render(request, "scoring/sheet.html", _sheet_context(request, sheet, posted=posted, conflict=True), status=409)
    try:
        sheet = actions.do_save_scores(
            actor=request.user, sheet=sheet, level=level,
            values={code: (points, note) for code, (points, note, _) in posted.items()},
            reasons={code: reason for code, (_, _, reason) in posted.items() if reason},
            expected_version=_version(request),
        )
    except ConcurrentEditError:
        messages.error(
            request,
            "Đã có người sửa phiếu này trong lúc bạn đang nhập, nên điểm của bạn chưa được lưu. Điểm bạn vừa nhập vẫn còn "
            "trong ô nhập bên dưới; các cột bên cạnh là điểm mới nhất. Hãy xem lại rồi bấm Lưu điểm lần nữa.",
        )
        sheet = selectors.get_visible_sheet_or_404(request.user, uid=uid)
        return render(request, "scoring/sheet.html", _sheet_context(request, sheet, posted=posted, conflict=True), status=409)
    except ActionError as error:
        messages.error(request, error.message)
        sheet = selectors.get_visible_sheet_or_404(request.user, uid=uid)
        errors = {k: " ".join(v) for k, v in (error.errors or {}).items()}
        return render(request, "scoring/sheet.html", _sheet_context(request, sheet, posted=posted, row_errors=errors), status=400)
    attached, failed = 0, []
    for code in codes:
        upload = request.FILES.get(f"evidence-{code}")
        if upload is None:
            continue
        try:
            actions.do_attach_evidence(actor=request.user, sheet=sheet, code=code, upload=upload)
            attached += 1
        except ActionError as error:
            failed.append(f"{code}: {error.message}")
    done = "Đã lưu điểm" + (f" và {attached} tệp minh chứng" if attached else "") + "."
    if failed:
        messages.warning(request, done + " Chưa đính kèm được minh chứng " + " ".join(failed))
    if request.POST.get("submit_after_save"):
        try:
            actions.do_transition_sheet(actor=request.user, sheet=sheet, event="submit", reason="", expected_version=sheet.version)
        except ActionError as error:
            messages.error(request, f"{done} {error.message}")
        else:
            messages.success(request, "Đã lưu và gửi phiếu chấm điểm để chấm chéo.")
    elif not failed:
        messages.success(request, done)
    return redirect(reverse("scoring:sheet", args=[sheet.uid]))


@require_POST
@access("registry.view")
def sheet_transition(request, uid):
    sheet = selectors.get_visible_sheet_or_404(request.user, uid=uid)
    form = TransitionForm(request.POST)
    if not form.is_valid() or form.cleaned_data["event"] not in SHEET_EVENTS:
        messages.error(request, "Thao tác không hợp lệ; hãy tải lại trang.")
        return redirect(reverse("scoring:sheet", args=[sheet.uid]))
    event = form.cleaned_data["event"]
    try:
        actions.do_transition_sheet(
            actor=request.user, sheet=sheet, event=event, reason=form.cleaned_data["reason"], expected_version=form.cleaned_data["version"]
        )
    except ActionError as error:
        messages.error(request, error.message)
    else:
        done = {
            "submit": "Đã gửi phiếu chấm điểm để chấm chéo.",
            "cross_check": "Đã xác nhận kết quả chấm chéo; phiếu chuyển sang thẩm định.",
            "appraise": "Đã thẩm định phiếu chấm điểm.",
            "return": "Đã trả lại phiếu một cấp, kèm lý do.",
        }
        messages.success(request, done.get(event, "Đã cập nhật phiếu."))
    return redirect(reverse("scoring:sheet", args=[sheet.uid]))


@access("registry.view")
def sheet_export(request, uid):
    sheet = selectors.get_visible_sheet_or_404(request.user, uid=uid)
    return _xlsx_response(excel.export_sheet(sheet), f"phieu-cham-diem-{sheet.round.bloc_year.year}")


@require_POST
@access("registry.view")
def sheet_import(request, uid):
    """Points of an uploaded Excel sheet, all or nothing (after submission, each changed row
    carries its reason in the file)."""
    sheet = selectors.get_visible_sheet_or_404(request.user, uid=uid)
    level = _editing_level(request.user, sheet, selectors.sheet_roles(request.user, sheet))
    if level is None:
        messages.error(request, "Phiếu đã chuyển bước: bạn không nhập điểm cho phiếu này được nữa.")
        return redirect(reverse("scoring:sheet", args=[sheet.uid]))
    form = SheetUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            upload = excel.read_sheet_upload(form.cleaned_data["file"], sheet, level)
            actions.do_import_sheet(
                actor=request.user, sheet=sheet, level=level, values=upload.values, reasons=upload.reasons,
                expected_version=form.cleaned_data["version"],
            )
        except ActionError as error:
            messages.error(request, error.message)
            sheet = selectors.get_visible_sheet_or_404(request.user, uid=uid)
            return render(request, "scoring/sheet.html", _sheet_context(request, sheet, upload_form=form, upload_errors=_row_errors(error)), status=400)
        messages.success(request, f"Đã nhập điểm {len(upload.values)} tiêu chí từ tệp Excel.")
        return redirect(reverse("scoring:sheet", args=[sheet.uid]))
    return render(request, "scoring/sheet.html", _sheet_context(request, sheet, upload_form=form), status=400)


@access("registry.view")
def evidence_download(request, uid):
    evidence = get_scoped_or_404(request.user, ScoreEvidence.objects.select_related("score__sheet"), uid=uid)
    selectors.get_visible_sheet_or_404(request.user, pk=evidence.score.sheet_id)
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.filename)


@require_POST
@access("scoring.self")
def evidence_remove(request, uid):
    evidence = get_scoped_or_404(request.user, ScoreEvidence.objects.select_related("score__sheet", "score__criterion"), uid=uid)
    sheet = selectors.get_visible_sheet_or_404(request.user, pk=evidence.score.sheet_id)
    name = evidence.filename
    try:
        actions.do_remove_evidence(actor=request.user, evidence=evidence)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã xóa tệp minh chứng “{name}”.")
    return redirect(reverse("scoring:sheet", args=[sheet.uid]))


# ---------------------------------------------------------------- block year page (results columns)


def year_results(user, bloc_year) -> dict | None:
    """For the block year page (thidua/blocs/views.py): the round and, once its results are
    visible to this person, each member's points, rank and band. None when there is no round."""
    scoring_round = ScoringRound.objects.filter(bloc_year=bloc_year).select_related("bloc_year", "criteria_set").first()
    if scoring_round is None:
        return None
    visible = _results_visible(user, scoring_round)
    by_unit: dict[str, dict] = {}
    if visible:
        rows, _, _ = _ranking_rows(scoring_round)
        by_unit = {r["key"]: r for r in rows}
    return {"round": scoring_round, "visible": visible, "by_unit": by_unit}


# ---------------------------------------------------------------- chart (server-side SVG)

CHART_LABEL_WIDTH = 250
CHART_BAR_WIDTH = 560
CHART_ROW_HEIGHT = 28
CHART_BAR_HEIGHT = 18
CHART_TOP = 26
CHART_SERIES = 8


def _short(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _nice_step(maximum: Decimal) -> Decimal:
    for step in (Decimal(1), Decimal(2), Decimal(5), Decimal(10), Decimal(20), Decimal(25), Decimal(50), Decimal(100), Decimal(200), Decimal(500)):
        if maximum / step <= 10:
            return step
    return Decimal(1000)


def ranking_chart(rows: list[dict], groups: list[tuple[str, str]], scale_max: Decimal | None = None) -> dict | None:
    """Geometry of a stacked horizontal bar chart: one bar per ranked unit, one segment per
    top-level group (points after caps), then the bonus; the deduction is drawn over the end of
    the bar so that the bar's visible length is the total. Colours come from CSS classes
    (static/css/scoring.css), so the SVG carries no style attribute.

    `rows`: dicts with label, total, by_group {code: Decimal}, bonus, deduction (Decimals).
    """
    rows = [r for r in rows if r.get("total") is not None]
    if not rows:
        return None
    series = {code: f"s{index % CHART_SERIES}" for index, (code, _) in enumerate(groups)}
    peak = max(max(sum(r["by_group"].values(), ZERO) + (r.get("bonus") or ZERO), r["total"]) for r in rows)
    top = max(peak, scale_max or ZERO, Decimal(1))
    step = _nice_step(top)
    top = ((top / step).to_integral_value(rounding="ROUND_CEILING")) * step
    scale = Decimal(CHART_BAR_WIDTH) / top

    def px(value: Decimal) -> str:
        return str((value * scale).quantize(Decimal("0.1")))

    bars = []
    for index, row in enumerate(rows):
        y = CHART_TOP + index * CHART_ROW_HEIGHT
        x = ZERO
        segments = []
        for code, title in groups:
            value = row["by_group"].get(code) or ZERO
            if value <= 0:
                continue
            segments.append({"x": px(x), "width": px(value), "cls": series[code], "title": f"{code}. {title}: {fmt(value)} điểm"})
            x += value
        bonus = row.get("bonus") or ZERO
        if bonus > 0:
            segments.append({"x": px(x), "width": px(bonus), "cls": "bonus", "title": f"Điểm thưởng: {fmt(bonus)} điểm"})
            x += bonus
        deduction = min(row.get("deduction") or ZERO, x)
        if deduction > 0:
            segments.append({"x": px(x - deduction), "width": px(deduction), "cls": "deduction", "title": f"Điểm trừ: −{fmt(deduction)} điểm"})
        bars.append({
            "label": _short(row["label"]), "full_label": row["label"], "y": y, "bar_y": y + (CHART_ROW_HEIGHT - CHART_BAR_HEIGHT) // 2,
            "text_y": y + CHART_ROW_HEIGHT // 2 + 4, "segments": segments, "total": fmt(row["total"]),
            "total_x": str((max(x, ZERO) * scale + 6).quantize(Decimal("0.1"))),
        })
    ticks = []
    value = ZERO
    while value <= top:
        ticks.append({"x": px(value), "label": fmt(value)})
        value += step
    height = CHART_TOP + len(rows) * CHART_ROW_HEIGHT + 8
    legend = [{"cls": series[code], "label": f"{code}. {title}"} for code, title in groups]
    if any((r.get("bonus") or ZERO) > 0 for r in rows):
        legend.append({"cls": "bonus", "label": "Điểm thưởng"})
    if any((r.get("deduction") or ZERO) > 0 for r in rows):
        legend.append({"cls": "deduction", "label": "Điểm trừ (phần bị trừ)"})
    return {
        "width": CHART_LABEL_WIDTH + CHART_BAR_WIDTH + 60, "height": height, "label_width": CHART_LABEL_WIDTH,
        "bar_height": CHART_BAR_HEIGHT, "bars": bars, "ticks": ticks, "legend": legend, "axis_y": CHART_TOP - 8,
        "tick_y": CHART_TOP - 12, "label_x": CHART_LABEL_WIDTH - 8, "grid_bottom": height - 4,
    }
