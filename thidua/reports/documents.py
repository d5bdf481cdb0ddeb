"""The province's tổng kết report as a document (DocumentKind PROVINCE_REPORT).

The issuing body chosen on the report (usually Sở Nội vụ, the standing body of the provincial
TĐKT council) decides the layout: a State body writes in the NĐ 30/2020 format, a Party body in
the HD 36-HD/VPTW format (domain-rules.md §7, §7.1; the unit's "Thể thức văn bản" setting).
Figures come from the data each time the document is built (thidua/reports/province.py); the
narrative sections are the officer's (ProvinceReport).
"""

from __future__ import annotations

import datetime as dt

from thidua.blocs.documents import issuer_abbreviation
from thidua.core.errors import ActionError
from thidua.documents.layout import LAYOUTS, DocumentSpec, Heading, Paragraph, Signature, Table
from thidua.documents.registry import Built, DocumentKind, register
from thidua.org.models import DocFormat
from thidua.rules.catalogue import SCOPE_NAMES, SCOPES
from thidua.rules.proposals import LEVELS as DECISION_LEVELS
from thidua.rules.proposals import money_total_text

RANKING_STATES = {"published": "đã công bố", "provisional": "chưa công bố", "none": "chưa chấm điểm"}


def _paragraphs(text: str) -> list:
    return [Paragraph(line.strip()) for line in (text or "").splitlines() if line.strip()]


def _table_blocks(table, *, skip_empty_rows: bool) -> list:
    d = table.definition
    header = [""] + [c.label for c in d.columns]
    rows = []
    for row, cells in table.grid():
        values = [v for _, v in cells]
        if skip_empty_rows and not row.is_total and not any(values):
            continue
        rows.append([row.label] + [f"{v:,}".replace(",", ".") for v in values])
    header[0] = "Nội dung"
    first = 55.0
    other = (165 - first) / max(1, len(d.columns))
    return [
        Paragraph(f"Bảng {d.code}. {d.title} (căn cứ: {d.basis}).", italic=True, indent=False),
        Table(header, rows, widths_mm=[first] + [other] * len(d.columns), align=["left"] + ["right"] * len(d.columns)),
    ]


def report_body(report, data) -> list:
    year = data.year
    body: list = [Heading("I. ĐẶC ĐIỂM, TÌNH HÌNH")]
    body.append(Paragraph(
        f"Năm {year}, toàn tỉnh có {len(data.blocs)} khối, cụm thi đua với {data.units} lượt đơn vị thành viên; "
        f"{data.registered} đơn vị đã gửi đăng ký thi đua, trong đó {data.approved} đăng ký đã được duyệt."
    ))
    body += _paragraphs(report.situation)
    body.append(Heading("II. KẾT QUẢ THỰC HIỆN CÁC PHONG TRÀO THI ĐUA"))
    body.append(Heading("1. Đăng ký thi đua và tổ chức các khối, cụm thi đua"))
    body.append(Table(
        ["STT", "Khối, cụm thi đua", "Số đơn vị", "Đã đăng ký", "Đã duyệt", "Trưởng khối"],
        [[str(i), b.name, str(b.members), str(b.registered), str(b.approved), b.head or "Chưa có"] for i, b in enumerate(data.blocs, start=1)],
        widths_mm=[12, 58, 18, 20, 18, 39], align=["center", "left", "right", "right", "right", "left"],
    ))
    body.append(Heading("2. Kết quả chấm điểm, xếp hạng và đơn vị dẫn đầu các khối, cụm"))
    body.append(Table(
        ["STT", "Khối, cụm thi đua", "Xếp hạng", "Ba đơn vị điểm cao nhất", "Đơn vị dẫn đầu"],
        [[str(i), b.name, RANKING_STATES[b.ranking_state], "; ".join(b.top) or "—",
          (f"{b.leader} ({b.leader_note})" if b.leader else (b.leader_note or "Chưa xác định"))]
         for i, b in enumerate(data.blocs, start=1)],
        widths_mm=[12, 45, 22, 45, 41],
    ))
    body.append(Heading("3. Kết quả nổi bật"))
    body += _paragraphs(report.highlights) or [Paragraph("(Cơ quan thường trực chưa nhập nội dung này.)")]
    body.append(Heading("4. Sáng kiến, đề tài"))
    recognised = sum(data.initiatives_by_scope.values())
    body.append(Paragraph(
        f"Năm {year} có {data.initiatives_total} sáng kiến, đề tài được ghi nhận, trong đó {recognised} đã được công nhận"
        + (f"; {data.initiatives_flagged} sáng kiến bị nghi trùng lặp đã được đối chiếu trước khi công nhận." if data.initiatives_flagged else ".")
    ))
    body.append(Table(
        ["STT", "Phạm vi ảnh hưởng", "Số sáng kiến được công nhận"],
        [[str(i), SCOPE_NAMES[s][0].upper() + SCOPE_NAMES[s][1:], str(data.initiatives_by_scope.get(s, 0))] for i, s in enumerate(SCOPES, start=1)],
        widths_mm=[12, 100, 53], align=["center", "left", "right"],
    ))
    body.append(Heading("5. Điển hình tiên tiến"))
    body.append(Paragraph(
        f"Năm {year} có {data.exemplars_total} điển hình tiên tiến được công nhận, biểu dương "
        f"({data.exemplars_by_kind.get('COLLECTIVE', 0)} tập thể, {data.exemplars_by_kind.get('INDIVIDUAL', 0)} cá nhân); "
        f"{data.exemplars_replicated} điển hình đã được nhân rộng."
    ))
    body.append(Table(
        ["STT", "Cấp biểu dương", "Số điển hình"],
        [[str(i), SCOPE_NAMES[s][0].upper() + SCOPE_NAMES[s][1:], str(data.exemplars_by_level.get(s, 0))] for i, s in enumerate(SCOPES, start=1)],
        widths_mm=[12, 100, 53], align=["center", "left", "right"],
    ))
    body.append(Heading("III. CÔNG TÁC KHEN THƯỞNG"))
    for table in data.tables:
        body += _table_blocks(table, skip_empty_rows=table.definition.code != "TK02")
    body.append(Heading("Kinh phí khen thưởng"))
    decisions = sum(m.decisions for m in data.money)
    body.append(Paragraph(
        f"Năm {year} đã ban hành {decisions} quyết định khen thưởng; tổng tiền thưởng "
        f"{money_total_text(data.money_total, data.money_unknown)}."
    ))
    if data.money:
        body.append(Table(
            ["STT", "Cấp quyết định", "Số quyết định", "Tiền thưởng"],
            [[str(i), DECISION_LEVELS.get(m.level, m.level), str(m.decisions), money_total_text(m.total, m.unknown)]
             for i, m in enumerate(data.money, start=1)],
            widths_mm=[12, 70, 28, 55], align=["center", "left", "right", "right"],
        ))
    body.append(Heading("IV. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN"))
    body += _paragraphs(report.limitations) or [Paragraph("(Cơ quan thường trực chưa nhập nội dung này.)")]
    body.append(Heading(f"V. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {year + 1}"))
    body += _paragraphs(report.directions) or [Paragraph("(Cơ quan thường trực chưa nhập nội dung này.)")]
    if report.proposals.strip():
        body.append(Heading("VI. KIẾN NGHỊ, ĐỀ XUẤT"))
        body += _paragraphs(report.proposals)
    return body


def _superior(issuer, province) -> str:
    if issuer.superior_name:
        return issuer.superior_name
    if issuer.doc_format == DocFormat.HD36:
        return f"Tỉnh ủy {province.name}"
    return f"Ủy ban nhân dân tỉnh {province.name}"


def province_report_spec(report, number: str, issued_on: dt.date | None, data=None) -> Built:
    from thidua.reports.province import province_year
    from thidua.reports.statistics import StatScope

    issuer = report.issuer_unit
    if issuer is None:
        raise ActionError("Hãy chọn cơ quan ban hành báo cáo (thường là Sở Nội vụ) trước khi sinh văn bản.", field="issuer_unit")
    province = report.province
    if data is None:
        data = province_year(StatScope(province, frozenset(province.lineage_ids()), None), report.year)
    layout = LAYOUTS.get(issuer.doc_format, LAYOUTS[DocFormat.ND30])
    signature = Signature(report.signer_authority, (report.signer_title or "").upper(), report.signer_name, seal=True)
    spec = DocumentSpec(
        layout=layout,
        superior_name=_superior(issuer, province),
        issuer_name=issuer.name,
        issuer_abbr=issuer_abbreviation(issuer),
        doc_type="BÁO CÁO",
        subject=f"Tổng kết công tác thi đua, khen thưởng năm {report.year}",
        place=province.name,
        number=number or None,
        date=issued_on,
        body=report_body(report, data),
        signatures=[signature],
        recipients=["Ban Thi đua - Khen thưởng Trung ương", "Thường trực Tỉnh ủy, Ủy ban nhân dân tỉnh",
                    "Các thành viên Hội đồng Thi đua - Khen thưởng tỉnh", "Các khối, cụm thi đua của tỉnh"],
        archive=issuer_abbreviation(issuer),
    )
    return Built(spec=spec, title=f"Báo cáo tổng kết công tác thi đua, khen thưởng năm {report.year} — tỉnh {province.name}",
                 issuer=issuer, filename=f"bao-cao-tong-ket-tdkt-{report.year}.docx")


def _load(key: str):
    from thidua.reports.models import ProvinceReport

    return ProvinceReport.objects.select_related("province", "issuer_unit").get(uid=key)


register(
    DocumentKind(
        code="PROVINCE_REPORT",
        label="Báo cáo tổng kết công tác thi đua, khen thưởng của tỉnh",
        load=_load,
        key_of=lambda report: str(report.uid),
        build=province_report_spec,
        permission=lambda report: ("report.province", {"province": report.province_id}),
    )
)


def report_docx(report) -> tuple[bytes, str]:
    """The DOCX of the report as the data stands now, with the số and date the văn thư gave it once
    registered; once signed, the stored (signed) version. Writes nothing."""
    from thidua.documents import downloads
    from thidua.documents.docx import render_docx
    from thidua.documents.models import DocumentState, IssuedDocument

    existing = IssuedDocument.objects.filter(kind="PROVINCE_REPORT", source_key=str(report.uid)).first()
    if existing is not None and existing.state == DocumentState.SIGNED:
        return downloads.docx_bytes(existing), downloads.docx_name(existing)
    built = province_report_spec(report, existing.number if existing else "", existing.issued_on if existing else None)
    return render_docx(built.spec), built.filename
