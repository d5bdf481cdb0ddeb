"""Documents of an award dossier and of a decision, built from data (registered DocumentKinds).

- PROPOSAL_SUBMISSION — tờ trình đề nghị khen thưởng (the tờ trình form of the decree in force on
  the document's date; domain-rules.md §6.8). Issued by the proposing unit, or for a block by its
  head unit on the block's behalf (docs/documents.md, "Văn bản chung của khối").
- ACHIEVEMENT_REPORT — báo cáo thành tích of one proposed subject. A person's report is the
  person's own document (national title only, no số; signed by the person, confirmed by the head
  of the unit with the unit's seal). A collective's report is the unit's document, signed by its
  head. The template numbers of the decree's appendix are not printed (the numbers of the
  collective templates are UNCONFIRMED, domain-rules.md §9 item 10) and a document carries only
  its own text.
- DECISION — quyết định khen thưởng: the deciding authority's line before "Căn cứ …", the articles,
  Nơi nhận and the signature; the danh sách kèm theo (hundreds of rows possibly) follows on its own
  page with its own heading. An award amount not yet known prints "chưa xác định", never 0.

The decree cited follows the document's date, from the rule registry. The layout (NĐ 30/2020 or
HD 36-HD/VPTW) follows the issuing unit's document format setting.
"""

from __future__ import annotations

import datetime as dt

from thidua.blocs.documents import bloc_issuer, issuer_abbreviation
from thidua.core.errors import ActionError
from thidua.documents.layout import (
    LAYOUTS,
    Annex,
    DocumentSpec,
    Heading,
    Paragraph,
    Signature,
    Table,
    date_words,
    join_office,
    pad_number,
)
from thidua.documents.registry import Built, DocumentKind, register
from thidua.org.models import DocFormat
from thidua.awards.selectors import award_label, catalogue_order as _catalogue_order
from thidua.rules import registry as rule_registry
from thidua.rules.proposals import vnd
from thidua.rules.text import fold

LAW = "Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022"
UNKNOWN_AMOUNT = "chưa xác định"


def decree_for(on: dt.date | None) -> str:
    """The decree detailing the law on the document's date, as the rule registry names it
    ("Nghị định số 98/2023/NĐ-CP của Chính phủ …"); empty when no rule version covers that day."""
    key = rule_registry.version_key_on(on or dt.date.today())
    version = rule_registry.version_by_key(key) if key else None
    if not version or not version.get("decree"):
        return ""
    decree = version["decree"].strip()
    if decree.startswith("Nghị định ") and not decree.startswith("Nghị định số "):
        decree = "Nghị định số " + decree[len("Nghị định "):]
    return f"{decree} của Chính phủ quy định chi tiết Luật Thi đua, khen thưởng"


def basis(on: dt.date | None) -> list[Paragraph]:
    """"Căn cứ Luật …;" and "Căn cứ Nghị định … (in force on `on`);"."""
    lines = [Paragraph(f"Căn cứ {LAW};")]
    decree = decree_for(on)
    if decree:
        lines.append(Paragraph(f"Căn cứ {decree};"))
    return lines


def amount_text(amount: int | None) -> str:
    """"10.800.000" or "chưa xác định": an amount not known is never printed as 0."""
    return UNKNOWN_AMOUNT if amount is None else vnd(amount)


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
    block = bloc_issuer(proposal.bloc_year, what="tờ trình của khối") if proposal.bloc_year_id else None
    items = list(proposal.items.select_related("person__unit", "unit").order_by("award", "pk"))
    awards = sorted({i.award for i in items}, key=_catalogue_order)
    award_text = ", ".join(award_label(a) for a in awards) or "khen thưởng"
    on = issued_on or proposal.proposed_on
    body: list = [
        Paragraph(f"Kính gửi: {proposal.receiving_body or 'Hội đồng Thi đua - Khen thưởng'}", align="center", indent=False),
        *basis(on),
    ]
    if proposal.bloc_year_id:
        meeting = proposal.meeting
        body.append(
            Paragraph(
                f"Căn cứ kết quả bình xét thi đua năm {proposal.year} tại {meeting.get_kind_display().lower()} của "
                f"{proposal.bloc_year.bloc.name} {date_words(meeting.held_on)} (biên bản họp khối kèm theo);"
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
                [str(n), name, ", ".join(p for p in (position, unit) if p), award_label(i.award), i.achievements]
                for n, i in enumerate(items, start=1)
                for name, position, unit in [_who(i)]
            ],
            widths_mm=[12, 40, 38, 35, 40],
        )
    )
    body.append(Paragraph("(Kèm theo báo cáo thành tích của các tập thể, cá nhân và biên bản họp xét.)", italic=True))
    body.append(Paragraph(f"Kính trình {proposal.receiving_body or 'cấp có thẩm quyền'} xem xét, quyết định./."))
    if block is not None:
        signature = block.signature
        if proposal.signer_name:
            signature = Signature(signature.authority, signature.title, proposal.signer_name, seal=True, subtitle=signature.subtitle)
    else:
        signature = Signature("", proposal.signer_title or "THỦ TRƯỞNG ĐƠN VỊ", proposal.signer_name, seal=True)
    spec = DocumentSpec(
        layout=_layout(issuer),
        superior_name=block.superior_name if block else issuer.superior_name,
        issuer_name=block.issuer_name if block else issuer.name,
        issuer_abbr=block.issuer_abbr if block else issuer_abbreviation(issuer),
        doc_type="TỜ TRÌNH",
        subject=f"Về việc đề nghị tặng {award_text} năm {proposal.year}",
        place=_place(issuer, proposal.province),
        number=number or None,
        date=on,
        body=body,
        signatures=[signature],
        recipients=["Như trên"],
        archive=issuer_abbreviation(issuer),
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
    award = award_label(item.award)
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
    body += [Paragraph(line) for line in lines]
    body.append(Heading("III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG"))
    prior = _prior_awards(item)
    if prior:
        body.append(
            Table(
                ["Năm", "Danh hiệu, hình thức khen thưởng", "Số, ngày quyết định; cơ quan ban hành"],
                [[str(r.year), award_label(r.award_code), r.decision_text] for r in prior],
                widths_mm=[18, 72, 75],
            )
        )
    else:
        body.append(Paragraph("Chưa được khen thưởng."))
    on = issued_on or proposal.proposed_on
    if item.person_id:
        # The person's own report: national title only, no số; the person signs, the head of the
        # unit confirms with the unit's seal (xác nhận của thủ trưởng đơn vị).
        spec = DocumentSpec(
            layout=_layout(owner), issuer_name="", issuer_abbr="", personal=True,
            doc_type="BÁO CÁO THÀNH TÍCH", type_abbr="BC",
            subject=f"Đề nghị tặng {award} năm {proposal.year}",
            place=_place(owner, proposal.province), date=on, body=body,
            signatures=[
                Signature("XÁC NHẬN CỦA THỦ TRƯỞNG ĐƠN VỊ", "", "", seal=True),
                Signature("NGƯỜI BÁO CÁO THÀNH TÍCH", "", name),
            ],
        )
    else:
        spec = DocumentSpec(
            layout=_layout(owner),
            superior_name=owner.superior_name,
            issuer_name=owner.name,
            issuer_abbr=issuer_abbreviation(owner),
            doc_type="BÁO CÁO THÀNH TÍCH",
            type_abbr="BC",
            subject=f"Đề nghị tặng {award} năm {proposal.year} cho {owner.name}",
            place=_place(owner, proposal.province),
            number=number or None,
            date=on,
            body=body,
            signatures=[
                Signature("XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG", "", "", seal=True),
                Signature("", "THỦ TRƯỞNG ĐƠN VỊ", "", seal=True),
            ],
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


# The thi đua section drafts award decisions (Ban/Phòng Thi đua - Khen thưởng): "- Lưu: VT, TĐKT."
DECISION_DRAFTING_UNIT = "TĐKT"
_AUTHORITY_MARKS = ("TM.", "KT.", "TL.", "TUQ.", "T/M", "K/T", "T/L", "T/U")


def _expand(text: str) -> str:
    """The authority line spells the body out: "UBND" → "ỦY BAN NHÂN DÂN"."""
    return " ".join("ỦY BAN NHÂN DÂN" if word.upper() == "UBND" else word for word in text.split())


def deciding_authority(decision) -> str:
    """"GIÁM ĐỐC SỞ NỘI VỤ", "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH AN GIANG": the office that decides,
    printed under the trích yếu before "Căn cứ …". From the signing authority ("KT. CHỦ TỊCH" →
    CHỦ TỊCH) or the signer's title, with the issuing body; else the recorded issuer."""
    office = ""
    mark_text = (decision.signer_authority or "").strip()
    for mark in _AUTHORITY_MARKS:
        if mark_text.upper().startswith(mark):
            office = mark_text[len(mark):].strip()
            break
    if not office and not mark_text:
        office = (decision.signer_title or "").strip()
    base = (decision.issuer_name or "").strip()
    unit_name = decision.issuer_unit.name if decision.issuer_unit_id else ""
    if office and fold(_expand(office)) not in fold(_expand(base)):
        line = office if unit_name and fold(_expand(unit_name)) in fold(_expand(office)) else join_office(office, unit_name)
    else:
        line = base or office or unit_name
    return _expand(line).upper()


def decision_spec(decision, number: str, issued_on: dt.date | None) -> Built:
    issuer = decision.issuer_unit
    if issuer is None:
        raise ActionError("Quyết định ghi nhận từ cấp trên không có đơn vị ban hành trong hệ thống nên không sinh văn bản.")
    recipients = list(decision.recipients.select_related("person__unit", "unit", "owner_unit").order_by("award", "pk"))
    awards = sorted({r.award for r in recipients}, key=_catalogue_order)
    award_text = ", ".join(award_label(a) for a in awards)
    years = sorted({r.year for r in recipients})
    year_text = ", ".join(str(y) for y in years)
    on = issued_on or decision.issued_on
    number = number or decision.number
    # The total is known only when every amount is: one unknown amount makes it unknown (never 0).
    amounts = [getattr(r, "amount_vnd", None) for r in recipients]
    total = sum(amounts) if recipients and all(a is not None for a in amounts) else None
    body: list = basis(on)
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
    money = "Điều 2. Tiền thưởng kèm theo thực hiện theo quy định hiện hành (mức lương cơ sở tại ngày ký quyết định, làm tròn lên hàng chục nghìn đồng)"
    body.append(Paragraph(money + (f"; tổng số tiền thưởng: {vnd(total)} đồng." if total is not None else ".")))
    body.append(Paragraph("Điều 3. Thủ trưởng các cơ quan, đơn vị có liên quan và các tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./."))
    layout = _layout(issuer)
    symbol_line = reference_text(layout, number, decision.symbol)
    type_abbr, issuer_abbr = symbol_parts(decision.symbol)
    rows = [
        [str(n), name, ", ".join(p for p in (r.position_title or position, unit) if p), award_label(r.award), str(r.year), amount_text(r.amount_vnd)]
        for n, r in enumerate(recipients, start=1)
        for name, position, unit in [_who(r)]
    ]
    if total is not None:
        rows.append(["", "Tổng cộng", "", "", "", vnd(total)])
    annex = Annex(
        title="DANH SÁCH KHEN THƯỞNG",
        reference=f"(Kèm theo Quyết định số {symbol_line} {date_words(on)} của {decision.issuer_name})",
        body=[
            Table(
                ["STT", "Tập thể, cá nhân", "Chức vụ, đơn vị", "Danh hiệu, hình thức", "Năm", "Tiền thưởng (đồng)"],
                rows,
                widths_mm=[12, 40, 39, 33, 14, 27],
                align=["center", "left", "left", "left", "center", "right"],
            )
        ],
    )
    spec = DocumentSpec(
        layout=layout,
        superior_name=issuer.superior_name,
        issuer_name=issuer.name,
        issuer_abbr=issuer_abbr,
        type_abbr=type_abbr,
        doc_type="QUYẾT ĐỊNH",
        subject=decision.subject or f"Về việc tặng {award_text}",
        authority_line=deciding_authority(decision),
        place=decision.province.name,
        number=number or None,
        date=on,
        body=body,
        signatures=[Signature(decision.signer_authority, decision.signer_title, decision.signer_name)],
        recipients=["Như Điều 3"],
        archive=DECISION_DRAFTING_UNIT,
        annexes=[annex],
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
