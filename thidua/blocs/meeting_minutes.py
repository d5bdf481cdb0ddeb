"""The biên bản hội nghị of a block meeting, built from what thidua holds about the meeting.

Attendance (member units present and absent), guests who attended without a vote, the items on
the record (the meeting's own minutes text), the ranking published at it, the results of the
votes held at it (a vote before any rule version says "ghi nhận theo biên bản, không áp dụng quy
định hiện hành"), the head and deputy elected for the next year, and the conclusions. Like every
joint document of a block it is issued by the head unit in the block's name, in the head unit's
format (domain-rules.md §7.1); thidua/documents renders it. A meeting recorded afterwards gets its
minutes this way; the live conference fills the same data as it happens.
"""

from __future__ import annotations

import datetime as dt

from thidua.blocs.documents import bloc_issuer, issuer_abbreviation
from thidua.blocs.models import BlocYear, Meeting
from thidua.documents.layout import DocumentSpec, Heading, Paragraph, Signature, Table
from thidua.documents.registry import Built, DocumentKind, register

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _published_ranking(meeting: Meeting) -> list[list[str]]:
    from thidua.scoring.models import RoundState, ScoringRound

    round_ = (
        ScoringRound.objects.filter(published_meeting=meeting, state=RoundState.PUBLISHED).order_by("-pk").first()
    )
    if round_ is None or not round_.ranking_snapshot:
        return []
    rows = []
    for row in round_.ranking_snapshot.get("rows", []):
        total = row.get("total")
        rows.append([
            str(row.get("rank") or ""), row.get("label", ""), (str(total).replace(".", ",") if total is not None else "—"),
            row.get("band_label") or "",
        ])
    return rows


def _attending_text(attendance) -> str:
    """Attending units; at a live conference each with how and when it checked in."""
    from django.utils import timezone

    parts = []
    for a in attendance:
        if a.checked_in_at is None:
            parts.append(a.unit.name)
            continue
        how = "thư ký điểm danh" if a.method == "SECRETARY" else "tự điểm danh"
        parts.append(f"{a.unit.name} ({how} lúc {timezone.localtime(a.checked_in_at):%H:%M})")
    return ", ".join(parts)


def _agenda_paragraphs(meeting: Meeting) -> tuple[list, set[int]]:
    """The agenda as it happened: each item in order, what it acted on, the result of its vote
    (the tally's own words, as the projector showed them) and the meeting's conclusion on it.
    Returns the paragraphs and the polls they covered."""
    from thidua.blocs.conference import result_lines
    from thidua.blocs.models import AgendaState

    paragraphs: list = []
    covered: set[int] = set()
    for n, item in enumerate(meeting.agenda.select_related("poll", "covenant", "decision").order_by("position", "pk"), start=1):
        text = f"{n}. {item.get_kind_display()}: {item.title}"
        if item.covenant_id:
            text += f" (giao ước “{item.covenant.title}”, {item.covenant.get_state_display().lower()})"
        if item.decision_id:
            text += f" (quyết định {item.decision})"
        if item.state == AgendaState.WAITING:
            text += " — không tiến hành"
        paragraphs.append(Paragraph(text + "."))
        if item.poll_id:
            covered.add(item.poll_id)
            if item.poll.state == "RESULT":
                paragraphs += [Paragraph(line) for line in result_lines(item.poll)]
                if item.poll.result_sha256:
                    paragraphs.append(Paragraph(f"Mã kiểm tra SHA-256 của kết quả: {item.poll.result_sha256}.", italic=True))
            else:
                paragraphs.append(Paragraph(f"Cuộc bỏ phiếu “{item.poll.title}”: {item.poll.get_state_display().lower()}.", italic=True))
        paragraphs += [Paragraph(f"Kết luận: {line}") for line in _lines(item.conclusion)]
    return paragraphs, covered


def _vote_lines(meeting: Meeting, skip: set[int] | None = None) -> list[str]:
    """One line per vote of the meeting with a result: what was voted and what came out."""
    lines = []
    for poll in meeting.polls.filter(state="RESULT").exclude(pk__in=skip or set()).order_by("held_on", "pk"):
        result = poll.result or {}
        labels = {str(c.pk): c.label for c in poll.candidates.all()}
        chosen = [labels.get(str(r["id"])) or r.get("name") or str(r["id"]) for r in result.get("results", []) if r.get("selected")]
        counts = []
        for r in result.get("results", []):
            if r.get("yes") is not None and result.get("council_size"):
                counts.append(f"{labels.get(str(r['id']), r.get('name', ''))} {r['yes']}/{result['council_size']}")
        text = f"{poll.title}: " + (", ".join(chosen) if chosen else "không có người, đơn vị nào được chọn")
        if counts:
            text += f" (số phiếu đồng ý: {'; '.join(counts)})"
        if result.get("historical"):
            text += f" — {result.get('note')}"
        lines.append(text + ".")
    return lines


def _election_lines(meeting: Meeting) -> list[str]:
    """The head and deputy of the next year decided at this meeting (by vote or agreement)."""
    bloc_year = meeting.bloc_year
    following = BlocYear.objects.filter(bloc_id=bloc_year.bloc_id, year=bloc_year.year + 1, head_decided_on=meeting.held_on).select_related(
        "head_unit", "deputy_unit"
    ).first()
    if following is None or following.head_unit_id is None:
        return []
    text = f"Trưởng khối năm {following.year}: {following.head_unit.name}"
    if following.deputy_unit_id:
        text += f"; Phó Trưởng khối năm {following.year}: {following.deputy_unit.name}"
    return [text + "."]


def meeting_minutes_spec(meeting: Meeting, number: str, issued_on: dt.date | None) -> Built:
    bloc_year = meeting.bloc_year
    bloc = bloc_year.bloc
    # Issued by the head unit in the block's name and ký hiệu (docs/documents.md, bloc_issuer).
    issuer = bloc_issuer(bloc_year, what="biên bản hội nghị")
    head = issuer.head
    attendance = list(meeting.attendance.select_related("unit").order_by("unit__name"))
    attending = [a.unit.name for a in attendance]
    members = [m.unit.name for m in bloc_year.memberships.filter(left_on__isnull=True).select_related("unit").order_by("unit__name")]
    absent = [name for name in members if name not in attending]
    body: list = [
        Paragraph(
            f"Hôm nay, ngày {meeting.held_on:%d/%m/%Y}, tại {meeting.place}, {bloc.name} tổ chức "
            f"{meeting.get_kind_display().lower()} năm {bloc_year.year}."
        ),
    ]
    section = 0

    def heading(text: str) -> None:
        nonlocal section
        body.append(Heading(f"{ROMAN[section]}. {text}"))
        section += 1

    heading("THÀNH PHẦN")
    if meeting.chair:
        body.append(Paragraph(f"Chủ trì: {meeting.chair}."))
    body.append(Paragraph(f"Đơn vị thành viên dự họp ({len(attending)}/{len(members)}): {_attending_text(attendance) or 'không có'}."))
    if absent:
        body.append(Paragraph(f"Vắng mặt ({len(absent)}): {', '.join(absent)}."))
    guests = _lines(meeting.guests)
    if guests:
        body.append(Paragraph(f"Khách mời (dự họp, không biểu quyết): {'; '.join(guests)}."))
    heading("NỘI DUNG")
    # A live conference (issue #18): the agenda as it happened, then any text the secretary added.
    agenda, covered = _agenda_paragraphs(meeting)
    items = _lines(meeting.minutes)
    body += agenda + [Paragraph(line) for line in items] or [Paragraph("Biên bản chưa ghi nội dung hội nghị.", italic=True)]
    ranking = _published_ranking(meeting)
    if ranking:
        heading("KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG")
        body.append(Paragraph(f"Hội nghị công bố kết quả chấm điểm, xếp hạng thi đua năm {bloc_year.year}:"))
        body.append(Table(["Hạng", "Đơn vị", "Tổng điểm", "Xếp loại"], ranking, widths_mm=[18, 82, 30, 35]))
    votes = _vote_lines(meeting, skip=covered)
    if votes:
        heading("KẾT QUẢ BÌNH XÉT, BIỂU QUYẾT")
        body += [Paragraph(line) for line in votes]
    elections = _election_lines(meeting)
    if elections:
        heading("BẦU TRƯỞNG KHỐI, PHÓ TRƯỞNG KHỐI")
        body += [Paragraph(line) for line in elections]
    heading("KẾT LUẬN")
    body.append(
        Paragraph(
            "Hội nghị kết thúc cùng ngày. Biên bản được lập xong, đọc lại cho các đại biểu dự họp cùng nghe và nhất trí thông qua."
        )
    )
    # Minutes: the date line names the place (địa danh), the venue is in the text; the secretary
    # signs beside the chair, both as persons (no seal).
    spec = DocumentSpec(
        layout=issuer.layout,
        superior_name=issuer.superior_name,
        issuer_name=issuer.issuer_name,
        issuer_abbr=issuer.issuer_abbr,
        doc_type="BIÊN BẢN",
        type_abbr="BB",
        subject=f"{meeting.get_kind_display()} năm {bloc_year.year}",
        place=meeting.province.name,
        number=number or None,
        date=issued_on or meeting.held_on,
        body=body,
        signatures=[Signature("", "THƯ KÝ", ""), Signature("", "CHỦ TRÌ", (meeting.chair or "").split(",")[0].strip())],
        recipients=["Các đơn vị thành viên"],
        archive=issuer_abbreviation(head),
    )
    return Built(
        spec=spec, title=f"Biên bản {meeting.get_kind_display().lower()} — {bloc.name} năm {bloc_year.year}", issuer=head, bloc=bloc,
        filename=f"bien-ban-hoi-nghi-{meeting.held_on:%Y%m%d}.docx",
    )


register(
    DocumentKind(
        code="MEETING_MINUTES",
        label="Biên bản hội nghị của khối",
        load=lambda key: Meeting.objects.select_related("bloc_year__bloc", "bloc_year__head_unit", "province").get(uid=key),
        key_of=lambda meeting: str(meeting.uid),
        build=meeting_minutes_spec,
        permission=lambda meeting: ("bloc.lead", {"province": meeting.province_id, "bloc": meeting.bloc_year.bloc_id}),
    )
)
