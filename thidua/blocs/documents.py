"""Documents a block generates: the covenant (giao ước thi đua), the sơ kết and tổng kết reports.

The block head issues the block's joint documents, so the layout follows the head unit: a Party
body writes in the HD 36-HD/VPTW format, a State body in the NĐ 30/2020 format (domain-rules.md §7.1).
Heading, ký hiệu and signature of a block document follow one rule, docs/documents.md
("Văn bản chung của khối"): see `BlocIssuer`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from thidua.blocs.models import Covenant, CovenantCommitment
from thidua.core.errors import ActionError
from thidua.documents.layout import LAYOUTS, DocumentSpec, join_office, Heading, Paragraph, Signature, SignatureGrid, Table
from thidua.documents.registry import Built, DocumentKind, register
from thidua.org.models import DocFormat, Unit
from thidua.rules.text import fold


def issuer_abbreviation(unit: Unit) -> str:
    """The issuer part of the số/ký hiệu line: the unit's short name, or its initials."""
    if unit.short_name:
        return unit.short_name.upper().replace(" ", "")
    words = [w for w in fold(unit.name).split() if w]
    return "".join(w[0] for w in words).upper()[:10] or "KTĐ"


BLOC_SYMBOLS = {"KHOI": "KTĐ", "CUM": "CTĐ"}


@dataclass
class BlocIssuer:
    """How a document the head unit issues on behalf of its block is headed and signed
    (docs/documents.md): the block under the body it is organised under, the block's ký hiệu
    (KTĐ/CTĐ; the number comes from the head unit's register), the head unit's layout, and
    "TM. <KHỐI> / TRƯỞNG KHỐI / <office of the signer>" with the signer's name and the head unit's seal."""

    head: Unit
    layout: object
    superior_name: str
    issuer_name: str
    issuer_abbr: str
    signature: Signature


def bloc_issuer(bloc_year, *, what: str = "văn bản của khối") -> BlocIssuer:
    bloc = bloc_year.bloc
    head = bloc_year.head_unit
    if head is None:
        raise ActionError(f"Khối chưa có Trưởng khối năm {bloc_year.year}; {what} do đơn vị Trưởng khối ban hành.")
    layout = LAYOUTS.get(head.doc_format, LAYOUTS[DocFormat.ND30])
    signer = (
        CovenantCommitment.objects.filter(covenant__bloc_year=bloc_year, unit=head).only("signer_name", "signer_title").first()
    )
    office = ""
    if signer is not None and signer.signer_title:
        title = signer.signer_title.strip()
        office = join_office(title, head.name)
    head_word = "TRƯỞNG CỤM" if bloc.kind == "CUM" else "TRƯỞNG KHỐI"
    return BlocIssuer(
        head=head, layout=layout, superior_name=head.superior_name, issuer_name=bloc.name,
        issuer_abbr=BLOC_SYMBOLS.get(bloc.kind, "KTĐ"),
        signature=Signature(f"TM. {bloc.name}", head_word, signer.signer_name if signer else "", seal=True, subtitle=office),
    )


def covenant_spec(covenant: Covenant, number: str, issued_on: dt.date | None) -> Built:
    bloc_year = covenant.bloc_year
    bloc = bloc_year.bloc
    issuer = bloc_issuer(bloc_year, what="giao ước")
    head, layout = issuer.head, issuer.layout
    commitments = list(covenant.commitments.select_related("unit").order_by("pk"))
    body: list = [
        Paragraph(
            f"Thực hiện kế hoạch công tác thi đua, khen thưởng năm {bloc_year.year}, các đơn vị thành viên {bloc.name} "
            f"thống nhất ký kết giao ước thi đua với những nội dung sau:"
        ),
        Heading("I. NỘI DUNG GIAO ƯỚC CHUNG"),
    ]
    for number_, line in enumerate([ln.strip() for ln in covenant.content.splitlines() if ln.strip()], start=1):
        body.append(Paragraph(f"{number_}. {line}"))
    body.append(Heading("II. CHỈ TIÊU, CAM KẾT CỦA TỪNG ĐƠN VỊ"))
    body.append(
        Table(
            ["STT", "Đơn vị", "Chỉ tiêu, cam kết"],
            [[str(i), c.unit.name, c.targets] for i, c in enumerate(commitments, start=1)],
            widths_mm=[14, 55, 96],
        )
    )
    body.append(Heading("III. TỔ CHỨC THỰC HIỆN"))
    body.append(
        Paragraph(
            f"Các đơn vị ký kết có trách nhiệm tổ chức thực hiện giao ước; Trưởng khối theo dõi, tổng hợp, sơ kết 6 tháng "
            f"và tổng kết, chấm điểm, bình xét thi đua năm {bloc_year.year} theo quy định."
        )
    )
    body.append(Paragraph("ĐẠI DIỆN CÁC ĐƠN VỊ KÝ KẾT", bold=True, align="center", indent=False))
    body.append(
        SignatureGrid([Signature(f"TM. {c.unit.name}", c.signer_title, c.signer_name, seal=True) for c in commitments])
    )
    spec = DocumentSpec(
        layout=layout,
        superior_name=issuer.superior_name,
        issuer_name=issuer.issuer_name,
        issuer_abbr=issuer.issuer_abbr,
        doc_type="GIAO ƯỚC THI ĐUA",
        type_abbr="GƯTĐ",
        subject=f"Năm {bloc_year.year}",
        place=covenant.place,
        number=number or None,
        date=issued_on or covenant.signed_on,
        body=body,
        recipients=["Cơ quan thường trực Hội đồng Thi đua - Khen thưởng tỉnh", "Các đơn vị thành viên"],
        archive=issuer_abbreviation(head),
    )
    return Built(spec=spec, title=f"{covenant.title} — {bloc.name}", issuer=head, bloc=bloc, filename=f"giao-uoc-thi-dua-{bloc_year.year}.docx")


register(
    DocumentKind(
        code="COVENANT",
        label="Giao ước thi đua",
        load=lambda key: Covenant.objects.select_related("bloc_year__bloc", "bloc_year__head_unit").get(uid=key),
        key_of=lambda covenant: str(covenant.uid),
        build=covenant_spec,
        permission=lambda covenant: ("bloc.lead", {"province": covenant.province_id, "bloc": covenant.bloc_year.bloc_id}),
    )
)


def _paragraphs(text: str) -> list:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return [Paragraph(line) for line in lines]


def report_spec(report, number: str, issued_on: dt.date | None) -> Built:
    from thidua.blocs.models import BlocReport, ReportKind
    from thidua.movements.models import Movement, Registration

    assert isinstance(report, BlocReport)
    bloc_year = report.bloc_year
    bloc = bloc_year.bloc
    issuer = bloc_issuer(bloc_year, what="báo cáo")
    head, layout = issuer.head, issuer.layout
    period = "6 tháng đầu năm" if report.kind == ReportKind.INTERIM else "năm"
    members = list(bloc_year.memberships.filter(left_on__isnull=True).select_related("unit").order_by("unit__name"))
    registrations = {r.unit_id: r for r in Registration.objects.filter(bloc_year=bloc_year)}
    movements = Movement.objects.filter(province_id__in=[bloc.province_id], start_date__year__lte=bloc_year.year).exclude(
        end_date__year__lt=bloc_year.year
    ).filter(models_q_bloc(bloc)).order_by("start_date")
    body: list = [Heading("I. TÌNH HÌNH, ĐẶC ĐIỂM")]
    body.append(
        Paragraph(
            f"{bloc.name} năm {bloc_year.year} gồm {len(members)} đơn vị; Trưởng khối: {head.name}"
            + (f"; Phó Trưởng khối: {bloc_year.deputy_unit.name}." if bloc_year.deputy_unit else ".")
        )
    )
    body += _paragraphs(report.situation)
    body.append(
        Table(
            ["STT", "Đơn vị", "Đăng ký thi đua"],
            [[str(i), m.unit.name, registrations[m.unit_id].get_state_display() if m.unit_id in registrations else "Chưa đăng ký"]
             for i, m in enumerate(members, start=1)],
            widths_mm=[14, 100, 51],
        )
    )
    body.append(Heading("II. KẾT QUẢ THỰC HIỆN CÁC PHONG TRÀO THI ĐUA"))
    if movements:
        body.append(
            Table(
                ["STT", "Phong trào", "Hình thức", "Thời gian"],
                [[str(i), m.title, m.get_kind_display(), f"{m.start_date:%d/%m/%Y}" + (f" – {m.end_date:%d/%m/%Y}" if m.end_date else "")]
                 for i, m in enumerate(movements, start=1)],
                widths_mm=[14, 85, 33, 33],
            )
        )
    body += _paragraphs(report.results)
    # Điển hình tiên tiến and sáng kiến of the member units that year, from their registries.
    from thidua.exemplars.report import exemplar_blocks, initiative_blocks

    member_ids = [m.unit_id for m in members]
    body += exemplar_blocks(member_ids, bloc_year.year, heading="Công tác phát hiện, bồi dưỡng, nhân rộng điển hình tiên tiến")
    body += initiative_blocks(member_ids, bloc_year.year, heading="Sáng kiến, đề tài")
    body.append(Heading("III. KẾT QUẢ BÌNH XÉT, XẾP LOẠI"))
    body += _paragraphs(report.deliberation)
    body.append(Heading("IV. ĐỀ NGHỊ KHEN THƯỞNG"))
    body += _paragraphs(report.proposals)
    body.append(Heading("V. PHƯƠNG HƯỚNG, NHIỆM VỤ" + (f" 6 THÁNG CUỐI NĂM {bloc_year.year}" if report.kind == ReportKind.INTERIM else f" NĂM {bloc_year.year + 1}")))
    body += _paragraphs(report.directions)
    subject = (
        f"Sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm {bloc_year.year}" if report.kind == ReportKind.INTERIM
        else f"Tổng kết công tác thi đua, khen thưởng năm {bloc_year.year}"
    )
    spec = DocumentSpec(
        layout=layout,
        superior_name=issuer.superior_name,
        issuer_name=issuer.issuer_name,
        issuer_abbr=issuer.issuer_abbr,
        doc_type="BÁO CÁO",
        subject=subject,
        place=bloc_year.province.name,
        number=number or None,
        date=issued_on,
        body=body,
        signatures=[issuer.signature],
        recipients=["Cơ quan thường trực Hội đồng Thi đua - Khen thưởng tỉnh", "Các đơn vị trong khối"],
        archive=issuer_abbreviation(head),
    )
    kind_slug = "so-ket" if report.kind == ReportKind.INTERIM else "tong-ket"
    return Built(spec=spec, title=f"Báo cáo {period} {bloc_year.year} — {bloc.name}", issuer=head, bloc=bloc, filename=f"bao-cao-{kind_slug}-{bloc_year.year}.docx")


def models_q_bloc(bloc):
    """Movements a block reports on: its own and the province's (not other blocks')."""
    from django.db.models import Q

    return Q(bloc=bloc) | Q(bloc__isnull=True)


def _load_report(key: str):
    from thidua.blocs.models import BlocReport

    return BlocReport.objects.select_related("bloc_year__bloc", "bloc_year__head_unit", "bloc_year__deputy_unit", "bloc_year__province").get(uid=key)


register(
    DocumentKind(
        code="BLOC_REPORT",
        label="Báo cáo sơ kết, tổng kết của khối",
        load=_load_report,
        key_of=lambda report: str(report.uid),
        build=report_spec,
        permission=lambda report: ("bloc.lead", {"province": report.province_id, "bloc": report.bloc_year.bloc_id}),
    )
)
