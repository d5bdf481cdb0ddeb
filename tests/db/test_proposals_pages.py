"""Pages, documents and API of proposals and decisions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.core.docx_xml import DocxXml
from thidua.documents.layout import date_words
from thidua.documents.models import IssuedDocument
from thidua.org import actions as org_actions
from thidua.org.models import DocFormat, Province
from thidua.proposals import actions
from thidua.core.errors import ActionError
from thidua.proposals.models import Decision, Proposal

pytestmark = pytest.mark.django_db


def _no_registration_rule(world):
    province = Province.objects.get(pk=world.an_giang.pk)
    org_actions.do_update_province_settings(
        actor=None, province=province, data={"registration_required_for_proposal": False}, expected_version=province.version
    )


def _person(world, name="Nguyễn Văn An"):
    return org_actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": name, "gender": "NAM", "position_title": "Chuyên viên"})


@pytest.mark.sqlite
def test_an_officer_creates_a_proposal_and_sees_the_blocker_explained(world, client_for):
    _no_registration_rule(world)
    person = _person(world)
    client = client_for(world.unit_officer)
    response = client.post(reverse("proposals:proposal_create"), {
        "proposer_unit": world.tuyen_giao.pk, "title": "Đề nghị công nhận Lao động tiên tiến năm 2025", "year": "2025", "level": "UNIT",
    })
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("proposals:proposal_detail", args=[proposal.uid])
    response = client.post(reverse("proposals:item_add", args=[proposal.uid]), {"person": person.pk, "award": "LDTT"}, follow=True)
    page = response.content.decode()
    assert "Chưa đủ điều kiện" in page and "Vướng:" in page and "chưa có kết quả đánh giá mức độ hoàn thành nhiệm vụ" in page
    assert "Luật Thi đua, khen thưởng 2022, Điều 24 khoản 1" in page
    response = client.post(reverse("proposals:proposal_transition", args=[proposal.uid]), {"event": "submit", "version": Proposal.objects.get().version}, follow=True)
    assert "Chưa gửi được hồ sơ vì còn vướng mắc" in response.content.decode()
    assert Proposal.objects.get().state == "DRAFT"
    listing = client.get(reverse("proposals:proposal_list"), {"state": "DRAFT", "year": 2025}).content.decode()
    assert "Đề nghị công nhận Lao động tiên tiến năm 2025" in listing and "Nháp" in listing
    assert "Đề nghị công nhận" not in client.get(reverse("proposals:proposal_list"), {"state": "DECIDED"}).content.decode()


def test_the_quang_ninh_officer_gets_404_on_an_giang_proposals(world, client_for):
    proposal = actions.do_create_proposal(actor=None, proposer_unit=world.tuyen_giao, data={"title": "Đề nghị", "year": 2025})
    response = client_for(world.qn_officer).get(reverse("proposals:proposal_detail", args=[proposal.uid]))
    assert response.status_code == 404


def _decided(world, recipients=2):
    people = [_person(world, f"Người thứ {n}") for n in range(1, recipients + 1)]
    return actions.do_record_external_decision(
        actor=None, province=world.an_giang,
        data={"number": "5", "symbol": "QĐ-BTGTU", "issued_on": dt.date(2026, 1, 10), "level": "UNIT", "issuer_unit": world.tuyen_giao,
              "issuer_name": "Ban Tuyên giáo Tỉnh ủy", "signer_title": "Trưởng ban", "signer_name": "Trần Thị Thanh Hương"},
        recipients=[{"person": p, "award": "LDTT", "year": 2025} for p in people],
    )


@pytest.mark.sqlite
def test_decision_page_shows_recipients_amounts_and_total(world, client_for):
    decision = _decided(world)
    page = client_for(world.an_officer).get(reverse("proposals:decision_detail", args=[decision.uid])).content.decode()
    assert "Người thứ 1" in page and "710.000" in page and "1.420.000" in page and "Tổng cộng" in page
    assert "05/QĐ-BTGTU" in page or "5/QĐ-BTGTU" in page


@pytest.mark.parametrize("doc_format", [DocFormat.ND30, DocFormat.HD36])
def test_decision_docx_has_the_official_layout_and_the_list(world, client_for, doc_format):
    unit = world.tuyen_giao
    org_actions.do_update_unit(actor=None, unit=unit, data={"doc_format": doc_format, "short_name": "BTGTU", "superior_name": "Tỉnh ủy An Giang"}, expected_version=unit.version)
    decision = _decided(world, recipients=120)
    client = client_for(world.an_officer)
    client.post(reverse("proposals:decision_document", args=[decision.uid]))
    document = IssuedDocument.objects.get(kind="AWARD_DECISION")
    xml = DocxXml(document.generated_file.open("rb").read())
    assert xml.page_mm() == (210.0, 297.0)
    margins = xml.margins_mm()
    assert 20 <= margins["top"] <= 25 and 30 <= margins["left"] <= 35 and 15 <= margins["right"] <= 20
    assert all(run.font == "Times New Roman" for run in xml.runs() if run.font)
    text = xml.text()
    if doc_format == DocFormat.HD36:
        assert xml.run("ĐẢNG CỘNG SẢN VIỆT NAM").size_pt == 15 and "Số 05-QĐ/BTGTU" in text
    else:
        assert xml.run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").bold and "Số: 05/QĐ-BTGTU" in text
    assert xml.run("QUYẾT ĐỊNH").bold and xml.run("QUYẾT ĐỊNH").size_pt >= 14
    assert "TỈNH ỦY AN GIANG" in text and "BAN TUYÊN GIÁO TỈNH ỦY" in text
    assert "Người thứ 120" in text and "Lao động tiên tiến" in text
    reference = "05-QĐ/BTGTU" if doc_format == DocFormat.HD36 else "05/QĐ-BTGTU"
    assert f"(Kèm theo Quyết định số {reference} ngày 10 tháng 01 năm 2026 của Ban Tuyên giáo Tỉnh ủy)" in text
    assert "85.200.000" in text  # 120 × 710,000
    # The deciding authority's line comes before "Căn cứ"; the list comes after the signature and Nơi nhận.
    assert text.index("TRƯỞNG BAN TUYÊN GIÁO TỈNH ỦY") < text.index("Căn cứ Luật")
    assert text.index("Trần Thị Thanh Hương") < text.index("DANH SÁCH KHEN THƯỞNG") < text.index("Người thứ 120")
    assert text.index("Nơi nhận:") < text.index("DANH SÁCH KHEN THƯỞNG")
    assert ("- Lưu VT, TĐKT." if doc_format == DocFormat.HD36 else "- Lưu: VT, TĐKT.") in text


def test_submission_and_achievement_report_are_generated_from_data(world, client_for):
    _no_registration_rule(world)
    person = _person(world)
    proposal = actions.do_create_proposal(
        actor=None, proposer_unit=world.tuyen_giao,
        data={"title": "Đề nghị tặng Bằng khen năm 2025", "year": 2025, "reasons": "Đơn vị hoàn thành xuất sắc nhiệm vụ năm 2025.", "signer_name": "Trần Thị Thanh Hương"},
    )
    item = actions.do_add_item(actor=None, proposal=proposal, data={"person": person, "award": "BK_TINH", "achievements": "Chủ trì biên soạn tài liệu tuyên truyền"})
    client = client_for(world.unit_officer)
    client.post(reverse("proposals:document_generate", args=[proposal.uid]))
    client.post(reverse("proposals:document_generate", args=[proposal.uid]), {"item": str(item.uid)})
    submission = DocxXml(IssuedDocument.objects.get(kind="PROPOSAL_SUBMISSION").generated_file.open("rb").read())
    text = submission.text()
    # Ban Tuyên giáo is a Party body: HD 36 layout, "Số …-TTr/BTGTU".
    assert submission.run("TỜ TRÌNH").bold and "-TTr/" in text and "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "Về việc đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh năm 2025" in text
    assert "Nghị định số 152/2025/NĐ-CP" in text and "Nguyễn Văn An" in text and "Chủ trì biên soạn" in text
    report = DocxXml(IssuedDocument.objects.get(kind="ACHIEVEMENT_REPORT").generated_file.open("rb").read())
    text = report.text()
    assert "BÁO CÁO THÀNH TÍCH" in text and "I. SƠ LƯỢC LÝ LỊCH" in text and "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG" in text
    # A person's report is the person's own: national title, no số line, the head confirms; no template notes.
    assert "NGƯỜI BÁO CÁO THÀNH TÍCH" in text and "XÁC NHẬN CỦA THỦ TRƯỞNG ĐƠN VỊ" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Số" not in text.split("BÁO CÁO THÀNH TÍCH")[0]
    assert "Mẫu số" not in text and "Phụ lục" not in text
    page = client.get(reverse("proposals:proposal_detail", args=[proposal.uid])).content.decode()
    assert "Tải báo cáo thành tích (DOCX)" in page and "Tờ trình: Đề nghị tặng Bằng khen năm 2025" in page


def test_external_decision_form_records_the_list(world, client_for):
    bao = org_actions.do_create_unit(actor=None, province=world.an_giang_old, data={"name": "Báo An Giang", "kind": "PARTY"})
    client = client_for(world.an_officer)
    assert "Ghi nhận quyết định khen thưởng của cấp trên" in client.get(reverse("proposals:decision_external")).content.decode()
    data = {
        "number": "770", "symbol": "QĐ-TTg", "issued_on": "29/06/2023", "level": "CENTRAL", "issuer_name": "Thủ tướng Chính phủ",
        "rows-TOTAL_FORMS": "2", "rows-INITIAL_FORMS": "0", "rows-MIN_NUM_FORMS": "0", "rows-MAX_NUM_FORMS": "1000",
        "rows-0-unit": bao.pk, "rows-0-award": "CO_CP", "rows-0-year": "2022",
    }
    response = client.post(reverse("proposals:decision_external"), data)
    decision = Decision.objects.get()
    assert response.status_code == 302 and decision.recipients.get().unit == bao and decision.issued_on == dt.date(2023, 6, 29)


@pytest.mark.sqlite
def test_api_creates_a_proposal_adds_an_item_and_refuses_a_blocked_submit(world, client_for):
    _no_registration_rule(world)
    person = _person(world)
    client = client_for(world.unit_officer)
    created = client.post("/api/v1/proposals", {"proposer_unit": str(world.tuyen_giao.uid), "title": "Đề nghị LĐTT 2025", "year": 2025, "level": "UNIT"}, content_type="application/json")
    assert created.status_code == 201, created.content
    uid = created.json()["uid"]
    item = client.post(f"/api/v1/proposals/{uid}/items", {"person": str(person.uid), "award": "LDTT"}, content_type="application/json")
    assert item.status_code == 201 and item.json()["blocking"] is True
    assert item.json()["blockers"][0]["code"] == "rating_at_least_good"
    version = client.get(f"/api/v1/proposals/{uid}").json()["version"]
    refused = client.post(f"/api/v1/proposals/{uid}/events", {"version": version, "event": "submit"}, content_type="application/json")
    assert refused.status_code in (400, 422) and "vướng mắc" in refused.json()["error"]["message"]
    assert client_for(world.qn_officer).get(f"/api/v1/proposals/{uid}").status_code == 404


def test_the_block_submission_is_issued_by_the_head_with_the_meeting_minutes(world, client_for):
    from thidua.blocs import actions as bloc_actions
    from thidua.blocs.models import BlocKind, MeetingKind

    bloc = bloc_actions.do_create_bloc(actor=None, province=world.an_giang, data={"name": "Khối thi đua các cơ quan Đảng tỉnh", "kind": BlocKind.KHOI})
    # The head unit's officers act as Trưởng khối during the head's term: this year's block.
    today = dt.date.today()
    year, _ = bloc_actions.do_open_year(actor=None, bloc=bloc, year=today.year)
    for unit in (world.tuyen_giao, world.to_chuc):
        bloc_actions.do_add_member(actor=None, bloc_year=year, unit=unit)
    year = bloc_actions.do_set_leadership(actor=None, bloc_year=year, head_unit=world.tuyen_giao, deputy_unit=None, expected_version=year.version)
    meeting = bloc_actions.do_record_meeting(
        actor=None, bloc_year=year, data={"kind": MeetingKind.ANNUAL_REVIEW, "held_on": today, "place": "An Giang"},
        attending=[world.tuyen_giao, world.to_chuc],
    )
    proposal = actions.do_create_proposal(actor=None, meeting=meeting, data={"title": "Đề nghị khen thưởng năm 2025 của khối", "signer_name": "Trần Thị Thanh Hương"})
    actions.do_add_item(actor=None, proposal=proposal, data={"unit": world.to_chuc, "award": "BK_TINH", "achievements": "Dẫn đầu khối"})
    # The block head's officer (Ban Tuyên giáo heads the block) writes the block's dossier.
    client = client_for(world.unit_officer)
    response = client.get(reverse("proposals:proposal_detail", args=[proposal.uid]))
    page = response.content.decode()
    assert response.status_code == 200, page[-3000:]
    assert "Biên bản họp khối" in page and f"Hội nghị tổng kết năm ngày {today:%d/%m/%Y}" in page
    client.post(reverse("proposals:document_generate", args=[proposal.uid]))
    text = DocxXml(IssuedDocument.objects.get(kind="PROPOSAL_SUBMISSION").generated_file.open("rb").read()).text()
    # docs/documents.md: the block's name and ký hiệu, signed "T/M <block> / TRƯỞNG KHỐI" (a Party head: HD 36 marks).
    assert "KHỐI THI ĐUA CÁC CƠ QUAN ĐẢNG TỈNH" in text and "T/M KHỐI THI ĐUA CÁC CƠ QUAN ĐẢNG TỈNH\nTRƯỞNG KHỐI" in text
    assert "-TTr/KTĐ" in text
    assert f"{date_words(today)} (biên bản họp khối kèm theo)" in text and "Ban Tổ chức Tỉnh ủy" in text


def test_confirming_a_qualitative_condition_clears_its_note(world, client_for):
    _no_registration_rule(world)
    from thidua.history import actions as history_actions

    person = _person(world)
    history_actions.do_set_task_rating(None, person, 2025, "GOOD")
    proposal = actions.do_create_proposal(actor=None, proposer_unit=world.tuyen_giao, data={"title": "Đề nghị LĐTT", "year": 2025, "level": "UNIT"})
    item = actions.do_add_item(actor=None, proposal=proposal, data={"person": person, "award": "LDTT"})
    assert any(b["code"] == "confirm:solidarity" for b in item.blockers)
    client = client_for(world.unit_officer)
    response = client.post(reverse("proposals:item_edit", args=[item.uid]), {"version": item.version, "achievements": "Tích cực", "confirm_solidarity": "yes"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.confirmations == {"solidarity": True} and not [b for b in item.blockers if b["code"].startswith("confirm")]
    response = client.post(reverse("proposals:item_edit", args=[item.uid]), {"version": item.version, "achievements": "Tích cực", "confirm_solidarity": "no"})
    item.refresh_from_db()
    assert item.eligibility["outcome"] == "NOT_ELIGIBLE" and item.blocking()


def test_api_records_an_external_decision_and_revokes_it(world, client_for):
    bao = org_actions.do_create_unit(actor=None, province=world.an_giang_old, data={"name": "Báo An Giang", "kind": "PARTY"})
    client = client_for(world.an_officer)
    created = client.post("/api/v1/decisions/external", {
        "number": "770", "symbol": "QĐ-TTg", "issued_on": "2023-06-29", "issuer_name": "Thủ tướng Chính phủ",
        "recipients": [{"unit": str(bao.uid), "award": "CO_CP", "year": 2022}],
    }, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["reference"] == "770/QĐ-TTg ngày 29/06/2023" and body["level"] == "CENTRAL" and body["recipients"][0]["award_name"] == "Cờ thi đua của Chính phủ"
    revoked = client.post(f"/api/v1/decisions/{body['uid']}/revoke", {"version": body["version"], "reason": "Sai đối tượng", "revoked_on": "2024-01-10"}, content_type="application/json")
    assert revoked.status_code == 200 and revoked.json()["revoked_on"] == "2024-01-10"
    assert client_for(world.unit_officer).post("/api/v1/decisions/external", {}, content_type="application/json").status_code in (403, 422)


def test_decide_only_happens_through_a_decision(world):
    _no_registration_rule(world)
    proposal = actions.do_create_proposal(actor=None, proposer_unit=world.tuyen_giao, data={"title": "Đề nghị", "year": 2025})
    actions.do_add_item(actor=None, proposal=proposal, data={"unit": world.tuyen_giao, "award": "BK_TINH"})
    proposal = Proposal.objects.get(pk=proposal.pk)
    for event in ("submit", "receive", "appraise"):
        proposal = actions.do_transition(actor=None, proposal=proposal, event=event, expected_version=proposal.version)
    with pytest.raises(ActionError) as pending:
        actions.do_transition(actor=None, proposal=proposal, event="present", expected_version=proposal.version)
    assert "chưa có kết quả thẩm định" in pending.value.message
    item = proposal.items.get()
    actions.do_appraise_item(actor=None, item=item, appraisal="APPROVED", note="", expected_version=item.version)
    proposal = actions.do_transition(actor=None, proposal=proposal, event="present", expected_version=proposal.version)
    with pytest.raises(ActionError) as decide:
        actions.do_transition(actor=None, proposal=proposal, event="decide", expected_version=proposal.version)
    assert "quyết định khen thưởng" in decide.value.message


def test_attachments_are_stored_by_content_and_downloaded_in_scope(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from thidua.proposals.models import ProposalAttachment

    proposal = actions.do_create_proposal(actor=None, proposer_unit=world.tuyen_giao, data={"title": "Đề nghị", "year": 2025})
    client = client_for(world.unit_officer)
    for name in ("bien-ban-hop-xet.pdf", "ban-sao.pdf"):
        client.post(reverse("proposals:attachment_add", args=[proposal.uid]), {
            "kind": "MINUTES", "description": "Biên bản họp Hội đồng", "file": SimpleUploadedFile(name, b"%PDF-1.4 bien ban", content_type="application/pdf"),
        })
    first, second = ProposalAttachment.objects.order_by("pk")
    assert first.sha256 == second.sha256 and len(first.sha256) == 64
    response = client.get(reverse("proposals:attachment_download", args=[first.uid]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 bien ban"
    refused = client.post(reverse("proposals:attachment_add", args=[proposal.uid]), {
        "kind": "OTHER", "file": SimpleUploadedFile("virus.exe", b"MZ"),
    }, follow=True)
    assert "Tệp phải là PDF, Word, Excel hoặc ảnh" in refused.content.decode() and ProposalAttachment.objects.count() == 2
    # (client_for signs the same test client in as another user: keep this last.)
    assert client_for(world.qn_officer).get(reverse("proposals:attachment_download", args=[first.uid])).status_code == 404


def test_a_block_dossier_is_created_from_its_year_end_meeting(world, client_for):
    from thidua.blocs import actions as bloc_actions
    from thidua.blocs.models import BlocKind, MeetingKind

    bloc = bloc_actions.do_create_bloc(actor=None, province=world.an_giang, data={"name": "Khối thi đua các cơ quan Đảng tỉnh", "kind": BlocKind.KHOI})
    year, _ = bloc_actions.do_open_year(actor=None, bloc=bloc, year=2025)
    bloc_actions.do_add_member(actor=None, bloc_year=year, unit=world.tuyen_giao)
    meeting = bloc_actions.do_record_meeting(
        actor=None, bloc_year=year, data={"kind": MeetingKind.ANNUAL_REVIEW, "held_on": dt.date(2025, 12, 29), "place": "An Giang"},
        attending=[world.tuyen_giao],
    )
    client = client_for(world.an_officer)
    assert "Khối thi đua các cơ quan Đảng tỉnh năm 2025" in client.get(reverse("proposals:proposal_create")).content.decode()
    response = client.post(reverse("proposals:proposal_create"), {"meeting": meeting.pk, "title": "Tờ trình của khối", "level": "PROVINCE"})
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.year == 2025 and proposal.bloc_year == year and proposal.meeting == meeting
    response = client.post(reverse("proposals:proposal_create"), {"title": "Thiếu người đề nghị", "level": "PROVINCE"})
    assert "Chọn đơn vị đề nghị, hoặc hội nghị bình xét của khối" in response.content.decode()
