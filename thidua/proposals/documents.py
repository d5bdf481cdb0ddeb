"""Documents of an award dossier and of a decision, built from data (registered DocumentKinds).

- PROPOSAL_SUBMISSION — tờ trình đề nghị khen thưởng, after Nghị định 152/2025/NĐ-CP Phụ lục,
  Mẫu số 01 (tờ trình đề nghị khen thưởng; domain-rules.md §6.8). Issued by the proposing unit,
  or for a block by its head unit (the block's joint documents follow the head's format).
- ACHIEVEMENT_REPORT — báo cáo thành tích of one proposed subject. For a person it follows Mẫu
  số 05 (báo cáo thành tích của cá nhân, the number QĐ 638/QĐ-BNV uses for CSTĐ cơ sở). For a
  collective the appendix holds several report templates (Cờ thi đua của Chính phủ; khen thưởng
  theo công trạng cho tập thể…) whose NUMBERS ARE UNCONFIRMED (domain-rules.md §6.8, §9 item 10:
  "inferred Mẫu 02–12"); this builder uses the common outline of those templates (I. đặc điểm,
  II. thành tích, III. khen thưởng đã nhận) and prints no template number for a collective.
- DECISION — quyết định khen thưởng with the danh sách kèm theo (the list may run to hundreds of
  rows: a table), issued by the decision's issuing unit.

The layout (NĐ 30/2020 or HD 36-HD/VPTW) follows the issuing unit's document format setting.
"""

from __future__ import annotations

import datetime as dt

from thidua.blocs.documents import issuer_abbreviation
from thidua.core.errors import ActionError
from thidua.documents.layout import LAYOUTS, DocumentSpec, Heading, Paragraph, Signature, SignatureGrid, Table, pad_number
from thidua.documents.registry import Built, DocumentKind, register
from thidua.org.models import DocFormat
from thidua.rules.catalogue import AWARD_NAMES
from thidua.rules.proposals import vnd

LAW = "Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022"


def decree_for(on: dt.date | None) -> str:
    """The decree detailing the law on that date (NĐ 98/2023 to 30/06/2025, NĐ 152/2025 after)."""
    on = on or dt.date.today()
    if on >= dt.date(2025, 7, 1):
        return "Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định chi tiết một số điều của Luật Thi đua, khen thưởng"
    return "Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết thi hành một số điều của Luật Thi đua, khen thưởng"


def _layout(unit):
    return LAYOUTS.get(unit.doc_format, LAYOUTS[DocFormat.ND30])


def _place(unit, province) -> str:
    return province.name if province is not None else unit.name


def _issuer(proposal):
    if proposal.proposer_unit_id:
        return proposal.proposer_unit
    head = proposal.bloc_year.head_unit
    if head is None:
        raise ActionError(f"Khối chưa có Trưởng khối năm {proposal.bloc_year.year}; tờ trình của khối do đơn vị Trưởng khối ban hành.")
    return head


def _who(item) -> tuple[str, str, str]:
    """(name, position, unit) of an item or recipient's subject."""
    if item.person_id:
        person = item.person
        return person.full_name, person.position_title or "", person.unit.name
    return item.unit.name, "", ""


def submission_spec(proposal, number: str, issued_on: dt.date | None) -> Built:
    issuer = _issuer(proposal)
    items = list(proposal.items.select_related("person__unit", "unit").order_by("award", "pk"))
    awards = sorted({i.award for i in items}, key=list(AWARD_NAMES).index)
    award_text = ", ".join(AWARD_NAMES[a] for a in awards) or "khen thưởng"
    on = issued_on or proposal.proposed_on
    body: list = [
        Paragraph(f"Kính gửi: {proposal.receiving_body or 'Hội đồng Thi đua - Khen thưởng'}", align="center", indent=False),
        Paragraph(f"Căn cứ {LAW};"),
        Paragraph(f"Căn cứ {decree_for(on)};"),
    ]
    if proposal.bloc_year_id:
        meeting = proposal.meeting
        body.append(
            Paragraph(
                f"Căn cứ kết quả bình xét thi đua năm {proposal.year} tại {meeting.get_kind_display().lower()} của "
                f"{proposal.bloc_year.bloc.name} ngày {meeting.held_on:%d/%m/%Y} (biên bản họp khối kèm theo);"
            )
        )
    for line in [ln.strip() for ln in (proposal.reasons or "").splitlines() if ln.strip()]:
        body.append(Paragraph(line))
    body.append(
        Paragraph(
            f"{issuer.name if proposal.proposer_unit_id else proposal.bloc_year.bloc.name} kính đề nghị "
            f"{proposal.receiving_body or 'cấp có thẩm quyền'} xem xét, trình tặng {award_text} cho "
            f"{len(items):02d} tập thể, cá nhân có thành tích xuất sắc năm {proposal.year}, cụ thể:"
        )
    )
    body.append(
        Table(
            ["STT", "Tập thể, cá nhân", "Chức vụ, đơn vị", "Danh hiệu, hình thức đề nghị", "Tóm tắt thành tích"],
            [
                [str(n), name, ", ".join(p for p in (position, unit) if p), AWARD_NAMES[i.award], i.achievements]
                for n, i in enumerate(items, start=1)
                for name, position, unit in [_who(i)]
            ],
            widths_mm=[12, 40, 38, 35, 40],
        )
    )
    body.append(Paragraph("(Kèm theo báo cáo thành tích của các tập thể, cá nhân và biên bản họp xét.)", italic=True))
    body.append(Paragraph(f"Kính trình {proposal.receiving_body or 'cấp có thẩm quyền'} xem xét, quyết định./."))
    authority = f"TM. {proposal.bloc_year.bloc.name}" if proposal.bloc_year_id else ""
    spec = DocumentSpec(
        layout=_layout(issuer),
        superior_name=issuer.superior_name,
        issuer_name=proposal.bloc_year.bloc.name if proposal.bloc_year_id else issuer.name,
        issuer_abbr=issuer_abbreviation(issuer),
        doc_type="TỜ TRÌNH",
        subject=f"Về việc đề nghị tặng {award_text} năm {proposal.year}",
        place=_place(issuer, proposal.province),
        number=number or None,
        date=on,
        body=body,
        signatures=[Signature(authority, proposal.signer_title or ("TRƯỞNG KHỐI" if proposal.bloc_year_id else "THỦ TRƯỞNG ĐƠN VỊ"), proposal.signer_name)],
        recipients=[proposal.receiving_body or "Như trên", "Lưu: VT"],
        footer_note="Mẫu số 01, Phụ lục ban hành kèm theo Nghị định số 152/2025/NĐ-CP (tờ trình đề nghị khen thưởng).",
    )
    return Built(spec=spec, title=f"Tờ trình: {proposal.title}", issuer=issuer, bloc=proposal.bloc_year.bloc if proposal.bloc_year_id else None,
                 filename=f"to-trinh-de-nghi-khen-thuong-{proposal.year}.docx")


def _prior_awards(item) -> list:
    try:
        from thidua.history.models import AwardRecord
    except ImportError:
        return []
    qs = AwardRecord.objects.filter(revoked=False)
    qs = qs.filter(person_id=item.person_id) if item.person_id else qs.filter(unit_id=item.unit_id)
    return list(qs.order_by("year", "pk"))


def report_spec(item, number: str, issued_on: dt.date | None) -> Built:
    proposal = item.proposal
    owner = item.person.unit if item.person_id else item.unit
    name, position, unit_name = _who(item)
    award = AWARD_NAMES[item.award]
    body: list = []
    if item.person_id:
        person = item.person
        body.append(Heading("I. SƠ LƯỢC LÝ LỊCH"))
        body += [
            Paragraph(f"- Họ và tên: {person.full_name}; giới tính: {person.get_gender_display()}", indent=False),
            Paragraph(f"- Ngày, tháng, năm sinh: {person.birth_date:%d/%m/%Y}" if person.birth_date else "- Ngày, tháng, năm sinh:", indent=False),
            Paragraph(f"- Dân tộc: {person.ethnicity}", indent=False),
            Paragraph(f"- Đơn vị công tác: {unit_name}", indent=False),
            Paragraph(f"- Chức vụ: {position}", indent=False),
        ]
        body.append(Heading("II. THÀNH TÍCH ĐẠT ĐƯỢC"))
    else:
        body.append(Heading("I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH"))
        body.append(Paragraph(f"- Tên tập thể: {owner.name}", indent=False))
        if owner.address:
            body.append(Paragraph(f"- Địa chỉ: {owner.address}", indent=False))
        body.append(Heading("II. THÀNH TÍCH ĐẠT ĐƯỢC"))
    lines = [ln.strip() for ln in (item.achievements or "").splitlines() if ln.strip()]
    body += [Paragraph(line) for line in lines] or [Paragraph("(Đơn vị bổ sung nội dung thành tích.)", italic=True)]
    body.append(Heading("III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG"))
    prior = _prior_awards(item)
    if prior:
        body.append(
            Table(
                ["Năm", "Danh hiệu, hình thức khen thưởng", "Số, ngày quyết định; cơ quan ban hành"],
                [[str(r.year), AWARD_NAMES.get(r.award_code, r.award_code), r.decision_text] for r in prior],
                widths_mm=[18, 72, 75],
            )
        )
    else:
        body.append(Paragraph("(Chưa có khen thưởng nào trong hồ sơ thành tích.)", italic=True))
    signatures = (
        [Signature("XÁC NHẬN CỦA THỦ TRƯỞNG ĐƠN VỊ", "", ""), Signature("NGƯỜI BÁO CÁO THÀNH TÍCH", "", name)]
        if item.person_id
        else [Signature("XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG", "", ""), Signature("THỦ TRƯỞNG ĐƠN VỊ", "", "")]
    )
    body.append(SignatureGrid(signatures))
    spec = DocumentSpec(
        layout=_layout(owner),
        superior_name=owner.superior_name,
        issuer_name=owner.name,
        issuer_abbr=issuer_abbreviation(owner),
        doc_type="BÁO CÁO THÀNH TÍCH",
        type_abbr="BC",
        subject=f"Đề nghị tặng {award} năm {proposal.year}" + ("" if item.person_id else f" cho {owner.name}"),
        place=_place(owner, proposal.province),
        number=number or None,
        date=issued_on or proposal.proposed_on,
        body=body,
        footer_note=(
            "Mẫu số 05, Phụ lục ban hành kèm theo Nghị định số 152/2025/NĐ-CP (báo cáo thành tích của cá nhân)."
            if item.person_id
            else "Báo cáo thành tích của tập thể theo Phụ lục Nghị định số 152/2025/NĐ-CP (số hiệu mẫu chưa xác minh)."
        ),
    )
    return Built(spec=spec, title=f"Báo cáo thành tích: {name} — {award}", issuer=owner, bloc=None,
                 filename=f"bao-cao-thanh-tich-{proposal.year}.docx")


def symbol_parts(symbol: str) -> tuple[str, str]:
    """("QĐ", "UBND") from "QĐ-UBND" (State) or "QĐ/TU" (Party)."""
    for sep in ("-", "/"):
        if sep in symbol:
            kind, issuer = symbol.split(sep, 1)
            return kind.strip(), issuer.strip()
    return "QĐ", symbol.strip()


def reference_text(layout, number, symbol: str) -> str:
    """"05/QĐ-UBND" (NĐ 30/2020) or "05-QĐ/TU" (HD 36), as the heading's số/ký hiệu line writes it."""
    kind, issuer = symbol_parts(symbol)
    padded = pad_number(number)
    return f"{padded}-{kind}/{issuer}" if layout.code == "HD36" else f"{padded}/{kind}-{issuer}"


def decision_spec(decision, number: str, issued_on: dt.date | None) -> Built:
    issuer = decision.issuer_unit
    if issuer is None:
        raise ActionError("Quyết định ghi nhận từ cấp trên không có đơn vị ban hành trong hệ thống nên không sinh văn bản.")
    recipients = list(decision.recipients.select_related("person__unit", "unit", "owner_unit").order_by("award", "pk"))
    awards = sorted({r.award for r in recipients}, key=list(AWARD_NAMES).index)
    award_text = ", ".join(AWARD_NAMES[a] for a in awards)
    years = sorted({r.year for r in recipients})
    year_text = ", ".join(str(y) for y in years)
    on = issued_on or decision.issued_on
    number = number or decision.number
    body: list = [
        Paragraph(f"Căn cứ {LAW};"),
        Paragraph(f"Căn cứ {decree_for(on)};"),
    ]
    if decision.proposal_id:
        proposal = decision.proposal
        body.append(Paragraph(f"Xét đề nghị của {proposal.proposer_name} tại tờ trình “{proposal.title}” và kết quả thẩm định hồ sơ,"))
    body.append(Paragraph("QUYẾT ĐỊNH:", bold=True, align="center", indent=False))
    body.append(
        Paragraph(
            f"Điều 1. Tặng {award_text} cho {len(recipients):02d} tập thể, cá nhân (có danh sách kèm theo), đã có thành tích "
            f"xuất sắc trong thực hiện nhiệm vụ năm {year_text}."
        )
    )
    body.append(
        Paragraph(
            f"Điều 2. Tiền thưởng kèm theo thực hiện theo quy định hiện hành; tổng số tiền thưởng: {vnd(decision.money_total)} đồng "
            "(mức lương cơ sở tại ngày ký quyết định, làm tròn lên hàng chục nghìn đồng)."
        )
    )
    body.append(Paragraph("Điều 3. Thủ trưởng các cơ quan, đơn vị có liên quan và các tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./."))
    body.append(Paragraph("DANH SÁCH KHEN THƯỞNG", bold=True, align="center", indent=False))
    layout = _layout(issuer)
    symbol_line = reference_text(layout, number, decision.symbol)
    type_abbr, issuer_abbr = symbol_parts(decision.symbol)
    body.append(Paragraph(f"(Kèm theo Quyết định số {symbol_line} ngày {on:%d/%m/%Y} của {decision.issuer_name})", italic=True, align="center", indent=False))
    body.append(
        Table(
            ["STT", "Tập thể, cá nhân", "Chức vụ, đơn vị", "Danh hiệu, hình thức", "Năm", "Tiền thưởng (đồng)"],
            [
                [str(n), name, ", ".join(p for p in (r.position_title or position, unit) if p), AWARD_NAMES[r.award], str(r.year), vnd(r.amount_vnd)]
                for n, r in enumerate(recipients, start=1)
                for name, position, unit in [_who(r)]
            ]
            + [["", "Tổng cộng", "", "", "", vnd(decision.money_total)]],
            widths_mm=[11, 42, 40, 34, 12, 26],
        )
    )
    spec = DocumentSpec(
        layout=layout,
        superior_name=issuer.superior_name,
        issuer_name=issuer.name,
        issuer_abbr=issuer_abbr,
        type_abbr=type_abbr,
        doc_type="QUYẾT ĐỊNH",
        subject=decision.subject or f"Về việc tặng {award_text}",
        place=decision.province.name,
        number=number or None,
        date=on,
        body=body,
        signatures=[Signature(decision.signer_authority, decision.signer_title, decision.signer_name)],
        recipients=["Như Điều 3", "Lưu: VT"],
    )
    return Built(spec=spec, title=f"Quyết định {symbol_line}: {spec.subject}", issuer=issuer, bloc=None,
                 filename=f"quyet-dinh-khen-thuong-{decision.number}.docx")


def _proposal_permission(proposal):
    if proposal.bloc_year_id:
        return "proposal.edit", {"province": proposal.province_id, "bloc": proposal.bloc_year.bloc_id}
    return "proposal.edit", {"unit": proposal.proposer_unit}


def decision_permission(decision):
    """A unit-level decision issued by a unit is also its leader's to print; any other, the province's."""
    if decision.level == "UNIT" and decision.issuer_unit_id:
        return "decision.issue", {"unit": decision.issuer_unit}
    return "decision.issue", {"province": decision.province_id}


def _load_proposal(key: str):
    from thidua.proposals.models import Proposal

    return Proposal.objects.select_related("proposer_unit", "bloc_year__bloc", "bloc_year__head_unit", "meeting", "province").get(uid=key)


def _load_item(key: str):
    from thidua.proposals.models import ProposalItem

    return ProposalItem.objects.select_related("proposal__proposer_unit", "proposal__bloc_year__bloc", "proposal__province", "person__unit", "unit").get(uid=key)


def _load_decision(key: str):
    from thidua.proposals.models import Decision

    return Decision.objects.select_related("issuer_unit", "province", "proposal").get(uid=key)


register(
    DocumentKind(
        code="PROPOSAL_SUBMISSION", label="Tờ trình đề nghị khen thưởng", load=_load_proposal,
        key_of=lambda proposal: str(proposal.uid), build=submission_spec, permission=_proposal_permission,
    )
)
register(
    DocumentKind(
        code="ACHIEVEMENT_REPORT", label="Báo cáo thành tích", load=_load_item,
        key_of=lambda item: str(item.uid), build=report_spec, permission=lambda item: _proposal_permission(item.proposal),
    )
)
register(
    DocumentKind(
        code="AWARD_DECISION", label="Quyết định khen thưởng và danh sách kèm theo", load=_load_decision,
        key_of=lambda decision: str(decision.uid), build=decision_spec,
        permission=lambda decision: decision_permission(decision),
    )
)
