"""Kiểm phiếu pages, all reached from a poll: print ballots, two independent entries, the
comparison with re-entry, the result, a result from elsewhere and the minutes."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from thidua.core.access import access, ensure, get_scoped_or_404
from thidua.core.errors import ActionError
from thidua.core.forms import apply_action_error
from thidua.counting import actions
from thidua.counting.documents import electorate_label
from thidua.counting.forms import ExternalResultForm, MinutesForm, PrintBallotsForm, TallyForm
from thidua.counting.models import CountingMinutes, ExternalResult, PaperBallotBatch
from thidua.counting.paper import strip_ids, threshold_text, vn_percent
from thidua.rules.catalogue import CONFIRMATIONS as CONFIRMATION_TEXTS
from thidua.rules.counting import totals_line, valid_ballots
from thidua.voting.models import Mode, Poll, PollState

POLL_RELATED = ("council__unit", "bloc_year__bloc", "bloc_year__head_unit", "meeting", "province")


def _allowed(user, action: str, poll: Poll) -> bool:
    try:
        ensure(user, action, **actions.poll_scope(poll))
    except ActionError:
        return False
    return True


def _poll(request, uid, action: str = "poll.count") -> Poll:
    poll = get_scoped_or_404(request.user, Poll.objects.select_related(*POLL_RELATED), action, uid=uid)
    if poll.mode not in (Mode.PAPER, Mode.EXTERNAL):
        raise Http404("Không tìm thấy")
    return poll


def poll_url(poll: Poll) -> str | None:
    """The poll's own page in the voting app, when it exists."""
    try:
        return reverse("voting:poll_detail", kwargs={"uid": poll.uid})
    except NoReverseMatch:
        return None


def _context(request, poll: Poll, **extra) -> dict:
    return {
        "poll": poll,
        "poll_url": poll_url(poll),
        "can_manage": _allowed(request.user, "poll.manage", poll),
        "can_count": _allowed(request.user, "poll.count", poll),
        **extra,
    }


def _tally_form(poll: Poll, data=None, **kwargs) -> TallyForm:
    return TallyForm(data, candidates=actions.candidate_list(poll), ask_no=poll.method == "APPROVE_EACH", **kwargs)


def _show_error(form: TallyForm, error: ActionError) -> None:
    if not error.errors:
        form.add_error(None, error.message)
        return
    for field, problems in error.errors.items():
        name = form.field_name(field)
        for message in problems:
            form.add_error(name, message)


@access("poll.count")
def poll_home(request, uid):
    poll = _poll(request, uid)
    state = actions.comparison(poll)
    minutes = CountingMinutes.objects.filter(poll=poll).first()
    return render(
        request, "counting/poll.html",
        _context(
            request, poll, state=state, minutes=minutes, print_form=PrintBallotsForm(initial={"count": poll.electorate_size or None}),
            batches=PaperBallotBatch.objects.filter(poll=poll).order_by("first_number"),
            external=ExternalResult.objects.filter(poll=poll).first(),
        ),
    )


@require_POST
@access("poll.manage")
def print_ballots(request, uid):
    poll = _poll(request, uid, "poll.manage")
    form = PrintBallotsForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
    else:
        try:
            batch = actions.do_print_ballots(actor=request.user, poll=poll, count=form.cleaned_data["count"])
        except ActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Đã tạo {batch.count} phiếu bầu đánh số {batch.first_number:03d}–{batch.last_number:03d} (DOCX).")
    return redirect("counting:poll", uid=poll.uid)


@access("poll.count")
def batch_download(request, uid):
    batch = get_scoped_or_404(request.user, PaperBallotBatch, "poll.count", uid=uid)
    name = batch.generated_file.name.rsplit("/", 1)[-1]
    return FileResponse(batch.generated_file.open("rb"), as_attachment=True, filename=name)


@access("poll.count")
def batch_download_pdf(request, uid):
    """The numbered ballots as PDF (LibreOffice, cached by the DOCX's hash); on failure, back to the poll with why."""
    from thidua.documents.downloads import PDF_TYPE, pdf_cache_dir
    from thidua.documents.pdf import PdfError, docx_to_pdf

    batch = get_scoped_or_404(request.user, PaperBallotBatch, "poll.count", uid=uid)
    with batch.generated_file.open("rb") as handle:
        data = handle.read()
    try:
        pdf = docx_to_pdf(data, pdf_cache_dir())
    except PdfError as error:
        messages.error(request, error.message)
        return redirect("counting:poll", uid=batch.poll.uid)
    name = batch.generated_file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0] + ".pdf"
    response = HttpResponse(pdf, content_type=PDF_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _entry_page(request, poll: Poll, replace: int | None):
    state = actions.comparison(poll)
    if poll.mode != Mode.PAPER:
        raise Http404("Không tìm thấy")
    if replace is not None and state["first" if replace == 1 else "second"] is None:
        raise Http404("Không tìm thấy")
    if replace is None and state["first"] and state["second"]:
        messages.info(request, "Đã có đủ hai lần nhập. Xem đối chiếu; nếu chưa khớp, chọn lần nhập cần nhập lại.")
        return redirect("counting:compare", uid=poll.uid)
    side = replace or (1 if state["first"] is None else 2)
    form = _tally_form(poll, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_enter_tally(actor=request.user, poll=poll, counts=form.counts(), replace=replace)
        except ActionError as error:
            _show_error(form, error)
        else:
            return _after_entry(request, poll, side)
    other = state["second" if side == 1 else "first"]
    return render(
        request, "counting/entry.html",
        _context(request, poll, form=form, side=side, replace=replace, other=other,
                 same_user=other is not None and other.entered_by_id == request.user.pk),
    )


def _after_entry(request, poll: Poll, side: int):
    """Both sides present: compare; matched → the result is stored at once."""
    state = actions.comparison(poll)
    saved = f"Đã lưu lần nhập {side}."
    if state["matched"]:
        poll.refresh_from_db()
        try:
            actions.do_accept_tally(actor=request.user, poll=poll, expected_version=poll.version)
        except ActionError as error:
            messages.error(request, f"{saved} Hai lần nhập đã khớp nhưng chưa ghi được kết quả: {error.message}")
            return redirect("counting:compare", uid=poll.uid)
        messages.success(request, f"{saved} Hai lần nhập khớp nhau: đã có kết quả kiểm phiếu.")
        return redirect("counting:result", uid=poll.uid)
    messages.success(request, saved)
    if state["differences"]:
        return redirect("counting:compare", uid=poll.uid)
    return redirect("counting:poll", uid=poll.uid)


@access("poll.count")
def enter(request, uid):
    return _entry_page(request, _poll(request, uid), None)


@access("poll.count")
def reenter(request, uid, side):
    if side not in (1, 2):
        raise Http404("Không tìm thấy")
    return _entry_page(request, _poll(request, uid), side)


def _rows(poll: Poll, state: dict) -> list[dict]:
    """The two entries side by side, field by field, the differing ones marked."""
    first, second = state["first"], state["second"]
    differing = {d.field for d in state["differences"] or []}
    a, b = first.counts(), second.counts()
    rows = []
    from thidua.rules.counting import FIELDS

    for name, label in FIELDS:
        rows.append({"label": label, "first": a.get(name), "second": b.get(name), "differs": name in differing})
    rows.append({"label": "Số phiếu hợp lệ (tính ra)", "first": valid_ballots(a), "second": valid_ballots(b),
                 "differs": valid_ballots(a) != valid_ballots(b)})
    for cid, label in actions.candidate_list(poll):
        for part, word in (("yes", "Đồng ý"), ("no", "Không đồng ý")):
            if part == "no" and poll.method != "APPROVE_EACH":
                continue
            x, y = a["candidates"].get(cid, {}).get(part), b["candidates"].get(cid, {}).get(part)
            rows.append({"label": f"{word} — {label}", "first": x, "second": y, "differs": f"candidates.{cid}.{part}" in differing})
    return rows


@access("poll.count")
def compare(request, uid):
    poll = _poll(request, uid)
    if poll.mode != Mode.PAPER:
        raise Http404("Không tìm thấy")
    state = actions.comparison(poll)
    rows = _rows(poll, state) if state["first"] and state["second"] else []
    return render(request, "counting/compare.html", _context(request, poll, state=state, rows=rows))


@require_POST
@access("poll.count")
def accept(request, uid):
    poll = _poll(request, uid)
    version = int(request.POST["version"]) if request.POST.get("version", "").isdigit() else -1
    try:
        actions.do_accept_tally(actor=request.user, poll=poll, expected_version=version)
    except ActionError as error:
        messages.error(request, error.message)
        return redirect("counting:compare", uid=poll.uid)
    messages.success(request, "Đã ghi kết quả kiểm phiếu.")
    return redirect("counting:result", uid=poll.uid)


def result_rows(poll: Poll) -> list[dict]:
    labels = {str(c.pk): c.label for c in poll.candidates.all()}
    rows = []
    for row in (poll.result or {}).get("results") or []:
        rows.append({
            "label": labels.get(str(row["id"])) or row.get("name") or row["id"],
            "yes": "—" if row["yes"] is None else row["yes"], "percent": "—" if row.get("percent") is None else vn_percent(row["percent"]),
            "passed": row["passed"], "selected": row["selected"], "text": row.get("text", ""),
        })
    return rows


@access("registry.view")
def result(request, uid):
    poll = _poll(request, uid, "registry.view")
    if poll.state != PollState.RESULT or not poll.result:
        messages.info(request, "Cuộc bỏ phiếu chưa có kết quả kiểm phiếu.")
        return render(request, "counting/result.html", _context(request, poll, rows=[], counts={}, totals=""))
    counts = poll.result.get("counts") or {}
    labels = {str(c.pk): c.label for c in poll.candidates.all()}
    threshold = poll.result.get("threshold") or {}
    own_threshold = threshold_text(threshold, electorate_label(poll))
    explanation = [
        own_threshold if line == threshold.get("text") else strip_ids(line, labels) for line in poll.result.get("explanation") or []
    ]
    tie = strip_ids((poll.result.get("tie") or {}).get("text") or "", labels)
    return render(
        request, "counting/result.html",
        _context(request, poll, rows=result_rows(poll), counts=counts, totals=totals_line(counts), explanation=explanation, tie=tie, threshold=own_threshold,
                 external=ExternalResult.objects.filter(poll=poll).first(), minutes=CountingMinutes.objects.filter(poll=poll).first()),
    )


@access("poll.count")
def external(request, uid):
    poll = _poll(request, uid)
    if poll.mode != Mode.EXTERNAL:
        raise Http404("Không tìm thấy")
    if poll.state == PollState.RESULT:
        return redirect("counting:result", uid=poll.uid)
    kwargs = dict(candidates=actions.candidate_list(poll), ask_no=False, needs_size=not poll.electorate_size, historical=poll.is_historical)
    if request.method == "POST":
        form = ExternalResultForm(request.POST, request.FILES, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.do_record_external_result(
                    actor=request.user, poll=poll, counts=form.counts(), minutes_upload=data["minutes_file"], held_at=data["held_at"],
                    minutes_reference=data.get("minutes_reference") or "", minutes_date=data.get("minutes_date"),
                    expected_version=data["version"],
                )
            except ActionError as error:
                _show_error(form, error)
            else:
                messages.success(request, "Đã ghi kết quả bỏ phiếu họp ngoài hệ thống cùng biên bản gốc.")
                return redirect("counting:result", uid=poll.uid)
    else:
        form = ExternalResultForm(initial={"version": poll.version}, **kwargs)
    return render(request, "counting/external.html", _context(request, poll, form=form))


@access("registry.view")
def external_file(request, uid):
    evidence = get_scoped_or_404(request.user, ExternalResult, uid=uid)
    return FileResponse(evidence.minutes_file.open("rb"), as_attachment=True, filename=evidence.minutes_file.name.rsplit("/", 1)[-1])


@access("poll.count")
def minutes(request, uid):
    from thidua.documents.actions import do_generate_document
    from thidua.documents.models import IssuedDocument

    poll = _poll(request, uid)
    record = CountingMinutes.objects.filter(poll=poll).first()
    if poll.state != PollState.RESULT:
        messages.info(request, "Cuộc bỏ phiếu chưa có kết quả; biên bản kiểm phiếu lập sau khi có kết quả.")
        return redirect("counting:poll", uid=poll.uid)
    if request.method == "POST":
        form = MinutesForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                record = actions.do_save_minutes(actor=request.user, poll=poll, data=data, expected_version=data.get("version"))
                do_generate_document(actor=request.user, kind_code="COUNTING_MINUTES", source=record)
            except ActionError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "Đã sinh biên bản kiểm phiếu (DOCX).")
                return redirect("counting:minutes", uid=poll.uid)
    else:
        initial = {"version": record.version, **{k: getattr(record, k) for k in actions.MINUTES_FIELDS}} if record else {
            "place": poll.meeting.place if poll.meeting_id else "",
            "chair": poll.meeting.chair if poll.meeting_id else "",
        }
        form = MinutesForm(initial=initial)
    document = IssuedDocument.objects.filter(kind="COUNTING_MINUTES", source_key=str(record.uid)).first() if record else None
    return render(
        request, "counting/minutes.html",
        _context(request, poll, form=form, record=record, document=document, can_generate=_allowed(request.user, "poll.count", poll)),
    )


# ------------------------------------------------------------------------------------ council confirmations


def _confirmation_page(request, *, poll=None, meeting=None, back_url: str, title: str):
    from thidua.counting.forms import CouncilConfirmationForm
    from thidua.counting.models import CouncilConfirmation
    from thidua.proposals.checks import item_confirmations
    from thidua.rules.council import awaited

    items = list(actions.confirmable_items(poll=poll, meeting=meeting))
    form = CouncilConfirmationForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = next(i for i in items if str(i.uid) == data["item"])
        try:
            actions.do_record_council_confirmation(
                actor=request.user, item=item, key=data["key"], confirmed=data["confirmed"] == "yes",
                reference=data["reference"], dated=data["dated"], poll=poll, meeting=meeting, note=data["note"],
            )
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, f"Đã ghi xác nhận của hội đồng cho {item.subject_name}; kết quả xét điều kiện đã được tính lại.")
            return redirect(request.path)
    recorded = CouncilConfirmation.objects.filter(item__in=items).order_by("item_id", "key")
    by_item: dict = {}
    for row in recorded:
        by_item.setdefault(row.item_id, []).append(row)
    rows = []
    for item in items:
        result = item.eligibility or {}
        rows.append({"item": item, "confirmations": by_item.get(item.pk, []), "waiting": [CONFIRMATION_TEXTS[k] for k in awaited(result)] if result.get("checks") else [],
                     "given": item_confirmations(item)})
    status = 422 if request.method == "POST" else 200
    return render(request, "counting/confirmations.html", {
        "poll": poll, "meeting": meeting, "form": form, "rows": rows, "back_url": back_url, "title": title,
    }, status=status)


@access("poll.manage")
def poll_confirmations(request, uid):
    """Record from a poll's minutes what the council confirmed for the subjects it deliberated."""
    poll = get_scoped_or_404(request.user, Poll.objects.select_related(*POLL_RELATED), "poll.manage", uid=uid)
    ensure(request.user, "poll.manage", **actions.poll_scope(poll))
    return _confirmation_page(request, poll=poll, back_url=poll_url(poll) or "", title=poll.title)


@access("bloc.lead")
def meeting_confirmations(request, uid):
    """Record from a block meeting's decision what it confirmed for the subjects of its dossiers."""
    from thidua.blocs.models import Meeting

    meeting = get_scoped_or_404(request.user, Meeting.objects.select_related("bloc_year__bloc"), "bloc.lead", uid=uid)
    ensure(request.user, "bloc.lead", province=meeting.province_id, bloc=meeting.bloc_year.bloc_id)
    return _confirmation_page(
        request, meeting=meeting, back_url=reverse("blocs:meeting_detail", kwargs={"uid": meeting.uid}),
        title=f"{meeting} — {meeting.bloc_year.bloc.name}",
    )
