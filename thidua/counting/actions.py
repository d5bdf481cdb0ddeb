"""Every write of the paper count goes through these functions.

Four eyes (double entry, after Kiesraad's Abacus): after the count, two DIFFERENT accounts of the
counting board each enter the tally of the minutes independently (entry 1 and entry 2). Each
entry must add up on its own (thidua/rules/counting.py `check`; an entry that does not is refused
and nothing is written). The poll gets no result until both entries match field by field
(`compare`); a mismatch is resolved by a re-entry that replaces one side (the replaced entry is
kept, marked superseded). When they match, `do_accept_tally` hands the counts to
`thidua.voting.actions.do_record_result(source="PAPER")`, which runs the same pure tally as every
other poll and writes the poll's result and its SHA-256.

A vote held elsewhere (EXTERNAL) is recorded with its counts and its scanned minutes
(`do_record_external_result`); the SHA-256 of the minutes file goes into the result data, so the
result's own SHA-256 (printed on the minutes thidua generates) covers the evidence too.

Functions that store a result write no audit row of their own: the one row of the call is
voting's "voting.poll.result" row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Q

from thidua.audit.log import diff, record, snapshot
from thidua.core.access import ensure
from thidua.core.cas import save_with_version
from thidua.core.errors import ActionError, ConcurrentEditError
from thidua.core.files import store_bytes, store_upload
from thidua.core.models import normalise_text_fields
from thidua.rules.text import nfc
from thidua.counting.models import COUNT_FIELDS, CountingMinutes, ExternalResult, PaperBallotBatch, TallyEntry
from thidua.counting.paper import MAX_BALLOTS, render_ballots
from thidua.rules import counting as rules
from thidua.voting.models import Mode, Poll, PollState

MAX_MINUTES_BYTES = 30 * 1024 * 1024
MINUTES_SIGNATURES = (b"%PDF-", b"\x89PNG", b"\xff\xd8\xff")
MINUTES_FIELDS = ["place", "chair", "secretary", "board_head", "board_members", "notes"]


def poll_scope(poll: Poll) -> dict:
    """The province, unit and block whose grants decide who may count a poll (as voting decides)."""
    from thidua.voting.actions import _scope_kwargs

    return _scope_kwargs(poll)


def candidate_list(poll: Poll) -> list[tuple[str, str]]:
    """(id, label) of the poll's candidates in ballot order; the id is the candidate's key as text."""
    return [(str(c.pk), c.label) for c in poll.candidates.order_by("position", "pk")]


def _electorate(poll: Poll, counts: dict | None = None) -> int | None:
    return poll.electorate_size or (counts or {}).get("council_size")


def _problems_error(problems: list[rules.Problem]) -> ActionError:
    errors: dict[str, list[str]] = {}
    for problem in problems:
        errors.setdefault(problem.field, []).append(problem.message)
    message = "Kết quả kiểm phiếu chưa khớp: " + " ".join(p.message for p in problems)
    return ActionError(message, errors=errors)


def active_entries(poll: Poll) -> dict[int, TallyEntry]:
    return {e.entry_no: e for e in TallyEntry.objects.filter(poll=poll, superseded=False).select_related("entered_by")}


def comparison(poll: Poll) -> dict[str, Any]:
    """The state of the double entry: both sides, and their differences once both exist."""
    entries = active_entries(poll)
    first, second = entries.get(1), entries.get(2)
    differences = None
    if first and second:
        differences = rules.compare(first.counts(), second.counts(), candidates=candidate_list(poll))
    return {"first": first, "second": second, "differences": differences, "matched": differences == []}


# ------------------------------------------------------------------------------------ ballots


def _next_number(poll: Poll) -> int:
    return (PaperBallotBatch.objects.filter(poll=poll).aggregate(m=Max("last_number"))["m"] or 0) + 1


def do_print_ballots(*, actor, poll: Poll, count: int) -> PaperBallotBatch:
    """Print `count` numbered paper ballots (DOCX, one per A4 page), numbered on from the last batch."""
    ensure(actor, "poll.manage", **poll_scope(poll))
    if poll.mode != Mode.PAPER:
        raise ActionError("Chỉ in phiếu bầu cho cuộc bỏ phiếu kín trên giấy.")
    if poll.state not in (PollState.DRAFT, PollState.OPEN):
        raise ActionError("Cuộc bỏ phiếu đã đóng; không in thêm phiếu bầu.")
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise ActionError("Số phiếu cần in phải là số nguyên từ 1 trở lên.", field="count")
    if count > MAX_BALLOTS:
        raise ActionError(f"Mỗi lần in tối đa {MAX_BALLOTS} phiếu.", field="count")
    if not poll.candidates.exists():
        raise ActionError("Cuộc bỏ phiếu chưa có người, đơn vị được bình xét; hãy thêm trước khi in phiếu.")
    from thidua.counting.documents import ballot_sheet

    first = _next_number(poll)
    sheet = ballot_sheet(poll, first, first + count - 1)
    # Render before the transaction: a long DOCX build never holds the SQLite write lock.
    data = render_ballots(sheet)
    path, sha = store_bytes("counting", data, f"phieu-bau-{first:03d}-{first + count - 1:03d}.docx")
    with transaction.atomic():
        if _next_number(poll) != first:
            raise ConcurrentEditError("Vừa có người in phiếu cho cuộc bỏ phiếu này. Hãy tải lại trang rồi in lại.")
        try:
            with transaction.atomic():
                batch = PaperBallotBatch.objects.create(
                    province_id=poll.province_id, poll=poll, first_number=first, last_number=first + count - 1,
                    generated_file=path, generated_sha256=sha, printed_by=actor if getattr(actor, "is_authenticated", False) else None,
                )
        except IntegrityError:
            raise ConcurrentEditError("Vừa có người in phiếu cho cuộc bỏ phiếu này. Hãy tải lại trang rồi in lại.") from None
        record(
            actor=actor, action="counting.ballots.print", obj=batch,
            changes={"poll": [None, poll.title], "numbers": [None, f"{first:03d}–{first + count - 1:03d}"], "generated_sha256": [None, sha]},
        )
    return batch


# ------------------------------------------------------------------------------------ double entry


def _clean_counts(poll: Poll, counts: dict) -> dict:
    """Only the fields of the form, candidate keys as text."""
    if not isinstance(counts, dict):
        raise ActionError("Số liệu kiểm phiếu không hợp lệ.")
    clean = {name: counts.get(name) for name in COUNT_FIELDS}
    raw = counts.get("candidates") or {}
    if not isinstance(raw, dict):
        raise ActionError("Số phiếu từng người, đơn vị không hợp lệ.", field="candidates")
    clean["candidates"] = {
        str(getattr(k, "pk", k)): {"yes": (v or {}).get("yes"), "no": (v or {}).get("no")} if isinstance(v, dict) else {"yes": v, "no": None}
        for k, v in raw.items()
    }
    return clean


@transaction.atomic
def do_enter_tally(*, actor, poll: Poll, counts: dict, replace: int | None = None) -> TallyEntry:
    """One independent entry of the paper tally by one account of the counting board.

    The first entry is side 1, the next side 2; with both present, `replace` (1 or 2) names the
    side a re-entry replaces. The other side must have been entered by another account.
    `counts` = {present, written_opinions, ballots_issued, ballots_used, ballots_spoiled,
    ballots_invalid, ballots_blank, candidates: {candidate id: {"yes": n, "no": n}}}."""
    ensure(actor, "poll.count", **poll_scope(poll))
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    if poll.mode != Mode.PAPER:
        raise ActionError("Chỉ nhập kết quả kiểm phiếu cho cuộc bỏ phiếu kín trên giấy.")
    if poll.state == PollState.RESULT:
        raise ActionError("Cuộc bỏ phiếu đã có kết quả; không nhập thêm.")
    if poll.state not in (PollState.OPEN, PollState.CLOSED):
        raise ActionError("Cuộc bỏ phiếu chưa mở; chưa có phiếu để kiểm.")
    if not getattr(actor, "is_authenticated", False):
        raise ActionError("Kết quả kiểm phiếu phải do một tài khoản của ban kiểm phiếu nhập.")
    entries = active_entries(poll)
    if replace is not None:
        if replace not in (1, 2) or replace not in entries:
            raise ActionError("Lần nhập cần thay thế không hợp lệ.", field="replace")
        side = replace
    elif 1 not in entries:
        side = 1
    elif 2 not in entries:
        side = 2
    else:
        raise ActionError("Đã có đủ hai lần nhập; hãy chọn lần nhập cần nhập lại.", field="replace")
    other = entries.get(2 if side == 1 else 1)
    if other is not None and other.entered_by_id == actor.pk:
        raise ActionError(
            f"Bạn đã nhập lần {other.entry_no}; lần nhập {side} phải do một thành viên khác của ban kiểm phiếu nhập "
            "(hai người nhập độc lập)."
        )
    clean = _clean_counts(poll, counts)
    electorate = _electorate(poll)
    if not electorate:
        raise ActionError("Cuộc bỏ phiếu chưa có danh sách người bỏ phiếu (tổng số thành viên).")
    problems = rules.check(
        clean, candidates=candidate_list(poll), method=poll.method, electorate=electorate, quota=poll.quota,
        require_no=poll.method == "APPROVE_EACH",
    )
    if problems:
        raise _problems_error(problems)
    replaced = entries.get(side)
    if replaced is not None:
        TallyEntry.objects.filter(pk=replaced.pk).update(superseded=True)
    try:
        with transaction.atomic():
            entry = TallyEntry.objects.create(
                province_id=poll.province_id, poll=poll, entered_by=actor, entry_no=side,
                candidate_counts=clean["candidates"], **{name: clean[name] for name in COUNT_FIELDS},
            )
    except IntegrityError:
        # Another member saved the same side a moment ago (the partial unique index refuses it).
        raise ConcurrentEditError("Vừa có thành viên khác lưu lần nhập này. Hãy tải lại trang tổng quan kiểm phiếu.") from None
    changes = diff({}, snapshot(entry, COUNT_FIELDS + ["entry_no", "candidate_counts"]))
    if replaced is not None:
        changes["replaces"] = [f"lần nhập {side} của {replaced.entered_by.get_username()}", None]
    record(actor=actor, action="counting.tally.reenter" if replaced else "counting.tally.enter", obj=entry, changes=changes)
    return entry


def _result_counts(poll: Poll, counts: dict, extra: dict | None = None) -> dict:
    """The counts in do_record_result's shape; the ballot figures ride along into the result."""
    data: dict[str, Any] = {
        "present": counts["present"],
        "written_opinions": counts.get("written_opinions"),
        "yes": {cid: row["yes"] for cid, row in (counts.get("candidates") or {}).items()},
    }
    for name in rules.BALLOT_FIELDS:
        if counts.get(name) is not None:
            data[name] = counts[name]
    valid = rules.valid_ballots(counts)
    if valid is not None:
        data["ballots_valid"] = valid
    if extra:
        data.update(extra)
    return data


def do_accept_tally(*, actor, poll: Poll, expected_version: int) -> Poll:
    """The two entries match: store the poll's result through voting (source PAPER)."""
    ensure(actor, "poll.count", **poll_scope(poll))
    with transaction.atomic():
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        return _accept(actor, poll, expected_version)


def _accept(actor, poll: Poll, expected_version: int) -> Poll:
    from thidua.voting.actions import do_record_result

    state = comparison(poll)
    if state["first"] is None or state["second"] is None:
        raise ActionError("Cần đủ hai lần nhập độc lập của hai thành viên ban kiểm phiếu trước khi có kết quả.")
    if not state["matched"]:
        raise ActionError(
            "Hai lần nhập chưa khớp: " + " ".join(d.message for d in state["differences"]) + " Hãy kiểm tra lại phiếu và nhập lại."
        )
    first, second = state["first"], state["second"]
    counts = _result_counts(poll, first.counts(), {"entered_by": f"{first.entered_by.get_username()}, {second.entered_by.get_username()}"})
    return do_record_result(actor=actor, poll=poll, counts=counts, source="PAPER", expected_version=expected_version)


# ------------------------------------------------------------------------------------ results from elsewhere


def do_record_external_result(
    *, actor, poll: Poll, counts: dict, minutes_upload, held_at: str, minutes_reference: str = "",
    minutes_date: dt.date | None = None, expected_version: int,
) -> ExternalResult:
    """A vote held outside thidua: its counts and its scanned minutes (PDF or image) become the result."""
    from thidua.voting.actions import do_record_result

    ensure(actor, "poll.count", **poll_scope(poll))
    if poll.mode != Mode.EXTERNAL:
        raise ActionError("Chỉ ghi kết quả họp ngoài hệ thống cho cuộc bỏ phiếu có hình thức đó.")
    if poll.state == PollState.RESULT:
        raise ActionError("Cuộc bỏ phiếu đã có kết quả.")
    held_at = " ".join((held_at or "").split())
    if not held_at:
        raise ActionError("Hãy nhập nơi tổ chức bỏ phiếu (hội đồng, cơ quan đã họp).", field="held_at")
    if minutes_upload is None:
        raise ActionError("Hãy tải lên biên bản gốc (bản scan PDF hoặc ảnh).", field="minutes_file")
    if minutes_upload.size > MAX_MINUTES_BYTES:
        raise ActionError("Tệp biên bản vượt quá 30 MB.", field="minutes_file")
    head = minutes_upload.read(5)
    minutes_upload.seek(0)
    if not any(head.startswith(sig) for sig in MINUTES_SIGNATURES):
        raise ActionError("Biên bản gốc phải là tệp PDF, PNG hoặc JPEG.", field="minutes_file")
    if minutes_date and minutes_date > dt.date.today() + dt.timedelta(days=1):
        raise ActionError("Ngày biên bản không được ở tương lai.", field="minutes_date")
    clean = _clean_counts(poll, counts)
    electorate = _electorate(poll, counts)
    if not electorate:
        raise ActionError("Hãy nhập tổng số thành viên (người có quyền bỏ phiếu).", field="council_size")
    if not isinstance(electorate, int) or electorate < 1:
        raise ActionError("Tổng số thành viên phải là số nguyên từ 1 trở lên.", field="council_size")
    if poll.is_historical:
        # Before any rule version the minutes are recorded as they are (some give no figures);
        # voting.historical checks what is given and the declared outcome.
        declared = counts.get("declared") or []
    else:
        problems = rules.check(
            clean, candidates=candidate_list(poll), method=poll.method, electorate=electorate, quota=poll.quota, require_ballots=False,
        )
        if problems:
            raise _problems_error(problems)
    path, sha = store_upload("counting", minutes_upload)
    with transaction.atomic():
        evidence = ExternalResult(
            province_id=poll.province_id, poll=poll, held_at=held_at, minutes_reference=" ".join(minutes_reference.split()),
            minutes_date=minutes_date, minutes_file=path, minutes_sha256=sha, counts=clean,
            entered_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        normalise_text_fields(evidence)
        try:
            with transaction.atomic():
                evidence.save()
        except IntegrityError:
            raise ActionError("Cuộc bỏ phiếu đã có kết quả họp ngoài hệ thống.") from None
        extra = {"held_at": held_at, "minutes_sha256": sha}
        if evidence.minutes_reference:
            extra["minutes_reference"] = evidence.minutes_reference
        if minutes_date:
            extra["minutes_date"] = minutes_date.isoformat()
        if not poll.electorate_size:
            extra["council_size"] = electorate
        if poll.is_historical:
            extra["declared"] = [str(getattr(c, "pk", c)) for c in declared]
        do_record_result(actor=actor, poll=poll, counts=_result_counts(poll, clean, extra), source="EXTERNAL", expected_version=expected_version)
    return evidence


# ------------------------------------------------------------------------------------ minutes


def _check_minutes(minutes: CountingMinutes) -> None:
    normalise_text_fields(minutes)
    if not minutes.place:
        raise ActionError("Hãy nhập địa điểm.", field="place")
    if not minutes.board_head:
        raise ActionError("Hãy nhập họ tên Trưởng ban kiểm phiếu.", field="board_head")
    minutes.board_members = "\n".join(" ".join(line.split()) for line in minutes.board_members.splitlines() if line.strip())


def do_save_minutes(*, actor, poll: Poll, data: dict[str, Any], expected_version: int | None = None) -> CountingMinutes:
    """The minutes' own data (place, chair, counting board). The poll must have its result."""
    ensure(actor, "poll.count", **poll_scope(poll))
    if poll.state != PollState.RESULT or not poll.result:
        raise ActionError("Cuộc bỏ phiếu chưa có kết quả; chỉ lập biên bản sau khi có kết quả kiểm phiếu.")
    with transaction.atomic():
        existing = CountingMinutes.objects.filter(poll=poll).first()
        if existing is None:
            minutes = CountingMinutes(province_id=poll.province_id, poll=poll, **{k: data.get(k) or "" for k in MINUTES_FIELDS})
            _check_minutes(minutes)
            try:
                with transaction.atomic():
                    minutes.save()
            except IntegrityError:
                raise ConcurrentEditError() from None
            record(actor=actor, action="counting.minutes.create", obj=minutes, changes=diff({}, snapshot(minutes)))
            return minutes
        if expected_version is None:
            raise ConcurrentEditError()
        from thidua.documents.models import DocumentState, IssuedDocument

        if IssuedDocument.objects.filter(kind="COUNTING_MINUTES", source_key=str(existing.uid), state=DocumentState.SIGNED).exists():
            raise ActionError("Biên bản kiểm phiếu đã có bản ký; không sửa được nữa.")
        before = snapshot(existing)
        for key in MINUTES_FIELDS:
            if key in data:
                setattr(existing, key, data[key] or "")
        _check_minutes(existing)
        changes = diff(before, snapshot(existing))
        save_with_version(existing, expected_version, MINUTES_FIELDS)
        record(actor=actor, action="counting.minutes.update", obj=existing, changes=changes)
        return existing


# ------------------------------------------------------------------------------------ council confirmations


def confirmable_items(*, poll: Poll | None = None, meeting=None):
    """The proposal items a session can confirm conditions for: from a poll, the items whose
    subject is one of its candidates; from a block meeting, the items of the dossiers drawn up
    from it. Dossiers already decided or rejected are left out."""
    from thidua.proposals.models import ProposalItem
    from thidua.voting.models import Candidate

    items = ProposalItem.objects.exclude(proposal__state__in=["DECIDED", "REJECTED"]).select_related("proposal", "person", "unit")
    if poll is not None:
        candidates = Candidate.objects.filter(poll=poll)
        people = candidates.filter(person__isnull=False).values("person_id")
        units = candidates.filter(unit__isnull=False).values("unit_id")
        # A provincial council of a merged province deliberates the records of the provinces merged into it.
        provinces = poll.province.lineage_ids()
        return items.filter(province_id__in=provinces).filter(Q(person_id__in=people) | Q(unit_id__in=units)).order_by("pk")
    return items.filter(proposal__meeting=meeting).order_by("pk")


def _confirmation_source(actor, poll: Poll | None, meeting) -> tuple[set[int], dt.date]:
    """Check the actor may record for the source; return (its province's lineage, date of the session)."""
    if (poll is None) == (meeting is None):
        raise ActionError("Cần chọn đúng một nguồn: biên bản của một cuộc bỏ phiếu, hoặc quyết định của một hội nghị của khối.")
    if poll is not None:
        ensure(actor, "poll.manage", **poll_scope(poll))
        if poll.state == PollState.DRAFT:
            raise ActionError("Cuộc bỏ phiếu còn đang chuẩn bị, chưa họp: chưa có biên bản để ghi xác nhận của hội đồng.")
        return poll.province.lineage_ids(), poll.held_on
    ensure(actor, "bloc.lead", province=meeting.province_id, bloc=meeting.bloc_year.bloc_id)
    return meeting.province.lineage_ids(), meeting.held_on


def do_record_council_confirmation(
    *, actor, item, key: str, confirmed: bool, reference: str, dated: dt.date, poll: Poll | None = None, meeting=None,
    note: str = "",
):
    """Record that the council confirmed (or did not confirm) a qualitative condition of one
    proposed subject, in the minutes of `poll`'s session or the decision of block `meeting`.

    The item's checks are run again so its result reads the confirmation at once.
    """
    from thidua.counting.models import CouncilConfirmation
    from thidua.proposals import checks
    from thidua.proposals.actions import _evaluation_date, _run_checks
    from thidua.rules.catalogue import AWARD_NAMES, CONFIRMATIONS
    from thidua.rules.council import confirmation_keys

    provinces, held_on = _confirmation_source(actor, poll, meeting)
    reference, note = nfc(reference or "").strip(), nfc(note or "").strip()
    if key not in CONFIRMATIONS:
        raise ActionError("Tiêu chuẩn cần hội đồng xác nhận không có trong danh mục.", field="key")
    if not isinstance(confirmed, bool):
        raise ActionError("Hãy chọn hội đồng xác nhận đạt hay không đạt.", field="confirmed")
    if not reference:
        raise ActionError("Hãy ghi số, ký hiệu biên bản hoặc quyết định có ghi xác nhận này.", field="reference")
    if len(reference) > 120:
        raise ActionError("Số, ký hiệu biên bản hoặc quyết định dài quá 120 ký tự.", field="reference")
    if not isinstance(dated, dt.date):
        raise ActionError("Hãy ghi ngày của biên bản hoặc quyết định (dd/mm/yyyy).", field="dated")
    if dated < held_on:
        raise ActionError(
            f"Ngày biên bản, quyết định ({dated:%d/%m/%Y}) không thể trước ngày họp ({held_on:%d/%m/%Y}).", field="dated"
        )
    if dated > dt.date.today():
        raise ActionError(f"Ngày biên bản, quyết định ({dated:%d/%m/%Y}) chưa đến.", field="dated")
    with transaction.atomic():
        source = confirmable_items(poll=poll, meeting=meeting)
        locked = source.model.objects.select_for_update().filter(pk=item.pk).select_related("proposal").first()
        if locked is None or locked.province_id not in provinces:
            raise ActionError("Không tìm thấy đối tượng đề nghị này.")
        if locked.proposal.state in ("DECIDED", "REJECTED"):
            raise ActionError("Hồ sơ đề nghị đã kết thúc (đã có quyết định hoặc không đủ điều kiện); không ghi thêm xác nhận.")
        if not source.filter(pk=locked.pk).exists():
            if poll is not None:
                raise ActionError(
                    f"{locked.subject_name} không có trong danh sách được bình xét của cuộc bỏ phiếu “{poll.title}”: "
                    "biên bản của phiên họp này không xác nhận được cho đối tượng đó."
                )
            raise ActionError(f"Hồ sơ đề nghị có {locked.subject_name} không được lập từ hội nghị này.")
        result = checks.evaluate_eligibility(locked, locked.proposal.year, _evaluation_date(locked.proposal))
        if "error" not in result and key not in confirmation_keys(result):
            raise ActionError(
                f"{AWARD_NAMES[locked.award]} không có tiêu chuẩn “{CONFIRMATIONS[key]}”: hội đồng không cần xác nhận điều kiện này.",
                field="key",
            )
        existing = CouncilConfirmation.objects.filter(province_id=locked.province_id, item=locked, key=key).first()
        before = snapshot(existing) if existing else {}
        row = existing or CouncilConfirmation(province_id=locked.province_id, item=locked, key=key)
        row.confirmed, row.reference, row.dated, row.note = confirmed, reference, dated, note
        row.poll, row.meeting = poll, meeting
        row.recorded_by = actor if getattr(actor, "is_authenticated", False) else None
        row.save()
        _run_checks(locked.proposal)
        record(actor=actor, action="counting.confirmation.record", obj=row, changes=diff(before, snapshot(row)), note=row.text)
    return row
