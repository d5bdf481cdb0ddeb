"""The ranking table as a DOCX in the layout councils use (bảng tổng hợp kết quả chấm điểm, xếp
hạng thi đua): the same table as the XLSX (thidua/scoring/excel.py), on A4 landscape, issued in the
block's name by its head unit and signed "TM. <KHỐI> / TRƯỞNG KHỐI" (docs/documents.md). It goes
with the meeting's minutes or the block's report, so it carries no số/ký hiệu of its own."""

from __future__ import annotations

from decimal import Decimal

from thidua.blocs.documents import bloc_issuer
from thidua.documents.docx import render_docx
from thidua.documents.layout import DocumentSpec, Paragraph, Table, date_words
from thidua.rules.scoring import Ranking, fmt

TEXT_WIDTH_MM = 297 - 30 - 15  # A4 landscape less the left and right margins


def _widths(groups: int) -> list[float]:
    """STT, unit, one column per criteria group, bonus, deduction, total, rank, band, note."""
    fixed = [12.0, 55.0], [17.0, 15.0, 17.0, 16.0, 20.0]
    room = TEXT_WIDTH_MM - sum(fixed[0]) - sum(fixed[1]) - 45.0  # keep 45 mm for the notes
    group = min(35.0, max(20.0, room / groups)) if groups else 0.0
    widths = fixed[0] + [group] * groups + fixed[1]
    note = max(30.0, TEXT_WIDTH_MM - sum(widths))
    widths.append(note)
    scale = TEXT_WIDTH_MM / sum(widths)
    return [round(w * scale, 1) for w in widths]


def ranking_table(ranking: Ranking, groups) -> Table:
    header = ["STT", "Đơn vị"]
    for code, title, max_points in groups:
        header.append(f"{code}. {title}" + (f" ({fmt(max_points)} điểm)" if max_points is not None else ""))
    header += ["Điểm thưởng", "Điểm trừ", "Tổng điểm", "Xếp hạng", "Xếp loại", "Ghi chú"]
    rows = []
    for stt, r in enumerate(ranking.rows, start=1):
        t = r.totals
        notes: list[str] = []
        if r.proposed_leader:
            notes.append("Đề xuất đơn vị dẫn đầu.")
        if r.within_quota and r.rank is not None and not r.proposed_leader:
            notes.append("Trong chỉ tiêu đề nghị.")
        notes.extend(r.reasons)

        def number(value) -> str:
            return fmt(value) if isinstance(value, (int, Decimal)) else ""

        row = [str(stt), r.label] + [number(t.by_group.get(code)) if t else "" for code, _, _ in groups]
        row += [
            number(t.bonus) if t else "", number(t.deduction) if t else "", number(r.total),
            str(r.rank) if r.rank is not None else "Không xếp hạng", r.band_label or "", " ".join(notes),
        ]
        rows.append(row)
    count = len(header)
    align = ["center", "left"] + ["center"] * (count - 3) + ["left"]
    return Table(header, rows, widths_mm=_widths(len(groups)), align=align)


def ranking_spec(scoring_round, ranking: Ranking, groups, status: str) -> DocumentSpec:
    bloc_year = scoring_round.bloc_year
    issuer = bloc_issuer(bloc_year, what="bảng xếp hạng")
    published = scoring_round.published_at.date() if scoring_round.published_at else None
    body: list = [Paragraph(status + ".", italic=True, align="center", indent=False), ranking_table(ranking, groups)]
    body += [Paragraph(line, italic=True) for line in ranking.explanation]
    return DocumentSpec(
        layout=issuer.layout,
        superior_name=issuer.superior_name,
        issuer_name=issuer.issuer_name,
        issuer_abbr=issuer.issuer_abbr,
        doc_type="BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG THI ĐUA",
        subject=f"{bloc_year.bloc.name} năm {bloc_year.year}",
        place=bloc_year.province.name,
        date=published,
        body=body,
        signatures=[issuer.signature],
        landscape=True,
        numbered=False,
    )


def export_ranking_docx(scoring_round) -> bytes:
    """The ranking of a round as DOCX: the published snapshot once published, else computed now."""
    from thidua.scoring.excel import ranking_for_export

    ranking, groups, status = ranking_for_export(scoring_round)
    if scoring_round.published_at:
        status = f"Kết quả đã công bố {date_words(scoring_round.published_at.date())}"
    return render_docx(ranking_spec(scoring_round, ranking, groups, status))
