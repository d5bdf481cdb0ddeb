"""The counting app's documents: the numbered paper ballots and the biên bản kiểm phiếu.

The issuing unit decides the layout (domain-rules.md §7.1): a council's own unit, or for a block
meeting the block head unit (who issues the block's joint documents). A Party body writes in the
HD 36-HD/VPTW format, a State body in the NĐ 30/2020 format. The minutes are a registered document
kind, so they get their số/ký hiệu from the văn thư and a signed scan like the covenant.
"""

from __future__ import annotations

import datetime as dt

from thidua.core.errors import ActionError
from thidua.counting.models import CountingMinutes
from thidua.counting.paper import BallotSheet, MinutesData, minutes_spec
from thidua.documents.layout import LAYOUTS, date_words
from thidua.documents.registry import Built, DocumentKind, register
from thidua.voting.selectors import tie_equal_merit
from thidua.org.models import DocFormat


def electorate_label(poll) -> str:
    return "đơn vị thành viên (mỗi đơn vị một phiếu)" if poll.electorate == "BLOCK_UNITS" else "thành viên Hội đồng"


def issuing_unit(poll):
    """The unit that issues the poll's papers: the council's unit, else the block head unit."""
    if poll.council_id and poll.council.unit_id:
        return poll.council.unit
    if poll.bloc_year_id and poll.bloc_year.head_unit_id:
        return poll.bloc_year.head_unit
    return None


def _issuer_names(poll, unit) -> tuple[str, str]:
    """(superior line, issuer line) of the heading block."""
    if poll.council_id:
        if unit is not None:
            return unit.name, poll.council.name
        name = poll.province.name
        return (f"UBND {name}" if name.lower().startswith("thành phố") else f"UBND tỉnh {name}"), poll.council.name
    bloc = poll.bloc_year.bloc
    return (unit.superior_name if unit is not None else ""), bloc.name


def _layout(unit):
    return LAYOUTS.get(unit.doc_format if unit is not None else DocFormat.ND30, LAYOUTS[DocFormat.ND30])


def ballot_sheet(poll, first: int, last: int) -> BallotSheet:
    unit = issuing_unit(poll)
    superior, issuer = _issuer_names(poll, unit)
    candidates = []
    for candidate in poll.candidates.select_related("person", "unit").order_by("position", "pk"):
        detail = ""
        if candidate.person_id and candidate.unit_id:
            detail = candidate.unit.name
        elif candidate.person_id and getattr(candidate.person, "position_title", ""):
            detail = candidate.person.position_title
        candidates.append((candidate.label, detail))
    place = poll.meeting.place if poll.meeting_id else ""
    return BallotSheet(
        layout=_layout(unit), superior_name=superior, issuer_name=issuer, title=poll.title, method=poll.method,
        candidates=candidates, first_number=first, last_number=last, held_on=poll.held_on, place=place, quota=poll.quota,
    )


def minutes_data(minutes: CountingMinutes, number: str = "", issued_on: dt.date | None = None) -> tuple[MinutesData, dict, object]:
    poll = minutes.poll
    result = poll.result or {}
    if not result:
        raise ActionError("Cuộc bỏ phiếu chưa có kết quả; chưa lập được biên bản kiểm phiếu.")
    unit = issuing_unit(poll)
    if unit is None:
        raise ActionError(
            "Chưa xác định được cơ quan ban hành biên bản: hãy gắn hội đồng với cơ quan, đơn vị "
            "(hoặc ghi nhận Trưởng khối của năm thi đua)."
        )
    from thidua.blocs.documents import BLOC_SYMBOLS, issuer_abbreviation

    superior, issuer = _issuer_names(poll, unit)
    # A block meeting's minutes are the block's document: its ký hiệu (docs/documents.md).
    symbol = issuer_abbreviation(unit) if poll.council_id else BLOC_SYMBOLS.get(poll.bloc_year.bloc.kind, "KTĐ")
    counts = dict(result.get("counts") or {})
    request = result.get("request") or {}
    counts.setdefault("present", request.get("present"))
    counts.setdefault("written_opinions", request.get("written_opinions"))
    members_total = result.get("council_size") or poll.electorate_size or 0
    meeting_title = ""
    attending: list[str] = []
    guests: list[str] = []
    chair = minutes.chair
    if poll.meeting_id and poll.electorate == "BLOCK_UNITS":
        meeting = poll.meeting
        meeting_title = f"{meeting.get_kind_display()} {poll.bloc_year.bloc.name} năm {poll.bloc_year.year}, {date_words(meeting.held_on)}"
        attending = [a.unit.name for a in meeting.attendance.select_related("unit").order_by("unit__name")]
        guests = [line.strip() for line in (meeting.guests or "").splitlines() if line.strip()]
        chair = chair or meeting.chair
    external_note = ""
    if poll.result_source == "EXTERNAL":
        parts = [counts.get("held_at") or ""]
        if counts.get("minutes_reference"):
            parts.append(f"biên bản số {counts['minutes_reference']}")
        if counts.get("minutes_date"):
            parts.append(date_words(dt.date.fromisoformat(counts["minutes_date"])))
        external_note = ", ".join(p for p in parts if p)
    data = MinutesData(
        layout=_layout(unit), superior_name=superior, issuer_name=issuer, issuer_abbr=symbol,
        poll_title=poll.title,
        electorate_label=electorate_label(poll),
        members_total=members_total, result=result, counts=counts, result_sha256=poll.result_sha256, place=minutes.place,
        place_name=poll.province.name,
        held_on=poll.held_on, number=number or None, issued_on=issued_on, source=poll.result_source or "PAPER",
        external_note=external_note, board_head=minutes.board_head, board_members=minutes.member_list(), chair=chair,
        secretary=minutes.secretary, meeting_title=meeting_title, attending=attending, guests=guests, notes=minutes.notes,
        equal_merit=tie_equal_merit(poll)["text"] if result.get("tie") else "",
    )
    labels = {str(c.pk): c.label for c in poll.candidates.all()}
    return data, labels, unit


def minutes_built(minutes: CountingMinutes, number: str, issued_on: dt.date | None) -> Built:
    data, labels, unit = minutes_data(minutes, number, issued_on)
    poll = minutes.poll
    return Built(
        spec=minutes_spec(data, labels), title=f"Biên bản kiểm phiếu: {poll.title}", issuer=unit,
        bloc=poll.bloc_year.bloc if poll.bloc_year_id else None, filename=f"bien-ban-kiem-phieu-{str(poll.uid)[:8]}.docx",
    )


def _load(key: str) -> CountingMinutes:
    return CountingMinutes.objects.select_related(
        "poll__council__unit", "poll__bloc_year__bloc", "poll__bloc_year__head_unit", "poll__meeting", "poll__province"
    ).get(uid=key)


def _permission(minutes: CountingMinutes) -> tuple[str, dict]:
    from thidua.counting.actions import poll_scope

    return "poll.count", poll_scope(minutes.poll)


register(
    DocumentKind(
        code="COUNTING_MINUTES",
        label="Biên bản kiểm phiếu",
        load=_load,
        key_of=lambda minutes: str(minutes.uid),
        build=minutes_built,
        permission=_permission,
    )
)
