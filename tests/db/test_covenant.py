import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.core.docx_xml import DocxXml
from thidua.audit.models import AuditLog
from thidua.blocs import actions
from thidua.blocs.models import BlocKind, Covenant, CovenantState
from thidua.core.errors import ActionError, NotPermitted
from thidua.documents.actions import do_generate_document, do_register_document, do_upload_signed_scan
from thidua.documents.models import DocumentState, IssuedDocument

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(world):
    bloc = actions.do_create_bloc(actor=world.an_officer, province=world.an_giang, data={"name": "Khối thi đua các cơ quan Đảng tỉnh", "kind": BlocKind.KHOI})
    bloc_year, _ = actions.do_open_year(actor=world.an_officer, bloc=bloc, year=2024)
    for unit in (world.tuyen_giao, world.to_chuc):
        actions.do_add_member(actor=world.an_officer, bloc_year=bloc_year, unit=unit)
    type(world.tuyen_giao).objects.filter(pk=world.tuyen_giao.pk).update(superior_name="Tỉnh ủy An Giang", short_name="BTGTU")
    actions.do_set_leadership(actor=world.an_officer, bloc_year=bloc_year, head_unit=world.tuyen_giao, deputy_unit=world.to_chuc, expected_version=bloc_year.version)
    bloc_year.refresh_from_db()
    return bloc_year


def _signed_covenant(world, year):
    covenant = actions.do_draft_covenant(actor=world.an_officer, bloc_year=year, content="Thi đua hoàn thành xuất sắc nhiệm vụ chính trị\nThực hành tiết kiệm, chống lãng phí", place="An Giang")
    commitments = {c.unit_id: c for c in covenant.commitments.all()}
    actions.do_update_covenant(
        actor=world.an_officer, covenant=covenant, content=covenant.content, place="An Giang",
        targets={world.tuyen_giao.pk: "100% cán bộ hoàn thành tốt nhiệm vụ", world.to_chuc.pk: "Tham mưu tổ chức đại hội đúng tiến độ"},
        expected_version=covenant.version,
    )
    actions.do_open_covenant(actor=world.an_officer, covenant=covenant, expected_version=covenant.version)
    actions.do_confirm_commitment(actor=world.unit_officer, commitment=commitments[world.tuyen_giao.pk], signer_name="Trần Thị Thanh Hương", signer_title="Trưởng ban")
    return covenant, commitments


def test_covenant_needs_every_members_confirmation_before_signing(world, year):
    covenant, commitments = _signed_covenant(world, year)
    with pytest.raises(ActionError) as info:
        actions.do_sign_covenant(actor=world.an_officer, covenant=covenant, signed_on=dt.date(2024, 3, 15), expected_version=covenant.version)
    assert "Ban Tổ chức Tỉnh ủy" in info.value.message
    actions.do_confirm_commitment(actor=world.an_officer, commitment=commitments[world.to_chuc.pk], signer_name="Nguyễn Văn Bình", signer_title="Trưởng ban")
    actions.do_sign_covenant(actor=world.an_officer, covenant=covenant, signed_on=dt.date(2024, 3, 15), expected_version=covenant.version)
    assert Covenant.objects.get(pk=covenant.pk).state == CovenantState.SIGNED
    assert AuditLog.objects.filter(action="blocs.covenant.confirm").count() == 2


def test_a_unit_confirms_only_its_own_commitment(world, year):
    covenant, commitments = _signed_covenant(world, year)
    with pytest.raises(NotPermitted):
        actions.do_confirm_commitment(actor=world.unit_officer, commitment=commitments[world.to_chuc.pk], signer_name="A", signer_title="B")


def test_changing_targets_after_confirmation_clears_it(world, year):
    covenant, commitments = _signed_covenant(world, year)
    actions.do_update_covenant(
        actor=world.an_officer, covenant=covenant, content=covenant.content, place="An Giang",
        targets={world.tuyen_giao.pk: "Chỉ tiêu mới"}, expected_version=Covenant.objects.get(pk=covenant.pk).version,
    )
    commitments[world.tuyen_giao.pk].refresh_from_db()
    assert commitments[world.tuyen_giao.pk].confirmed_at is None


def test_covenant_docx_follows_the_party_layout_of_the_head_unit(world, year):
    covenant, commitments = _signed_covenant(world, year)
    document = do_generate_document(actor=world.an_officer, kind_code="COVENANT", source=covenant)
    assert document.doc_format == "HD36" and document.state == DocumentState.GENERATED
    xml = DocxXml(document.generated_file.read())
    assert xml.page_mm() == (210.0, 297.0)
    assert xml.run("ĐẢNG CỘNG SẢN VIỆT NAM").size_pt == 15
    assert xml.run("TỈNH ỦY AN GIANG").size_pt == 14
    assert xml.run("KHỐI THI ĐUA CÁC CƠ QUAN ĐẢNG TỈNH").bold
    assert xml.run("GIAO ƯỚC THI ĐUA").bold
    text = xml.text()
    # The block's ký hiệu under the block's name (docs/documents.md); blank until the văn thư registers it.
    assert "Số       -GƯTĐ/KTĐ" in text
    assert "1. Thi đua hoàn thành xuất sắc nhiệm vụ chính trị" in text
    assert "100% cán bộ hoàn thành tốt nhiệm vụ" in text and "Ban Tổ chức Tỉnh ủy" in text
    # A Party document signs "T/M" (HD 36), and its Nơi nhận lines end with commas, the archive line with a full stop.
    assert "T/M BAN TUYÊN GIÁO TỈNH ỦY" in text and "TM. " not in text and "Trần Thị Thanh Hương" in text
    assert text.rstrip().endswith("- Các đơn vị thành viên,\n- Lưu VT, BTGTU.")
    registered = do_register_document(actor=world.an_officer, document=document, number="5", issued_on=dt.date(2024, 3, 15), expected_version=document.version)
    xml = DocxXml(registered.generated_file.read())
    assert xml.run("Số 05-GƯTĐ/KTĐ").size_pt == 14
    assert "An Giang, ngày 15 tháng 3 năm 2024" in xml.text()
    assert registered.state == DocumentState.REGISTERED


def test_signed_scan_becomes_authoritative_and_freezes_the_document(world, year):
    covenant, _ = _signed_covenant(world, year)
    document = do_generate_document(actor=world.an_officer, kind_code="COVENANT", source=covenant)
    with pytest.raises(ActionError):
        do_upload_signed_scan(actor=world.an_officer, document=document, upload=SimpleUploadedFile("scan.pdf", b"%PDF-1.4"), expected_version=document.version)
    document = do_register_document(actor=world.an_officer, document=document, number="12", issued_on=dt.date(2024, 3, 15), expected_version=document.version)
    with pytest.raises(ActionError) as bad_type:
        do_upload_signed_scan(actor=world.an_officer, document=document, upload=SimpleUploadedFile("scan.pdf", b"not a pdf"), expected_version=document.version)
    assert "PDF" in bad_type.value.message
    document = do_upload_signed_scan(actor=world.an_officer, document=document, upload=SimpleUploadedFile("ban-ky.pdf", b"%PDF-1.4 signed"), expected_version=document.version)
    assert document.state == DocumentState.SIGNED and len(document.signed_sha256) == 64
    with pytest.raises(ActionError):
        do_generate_document(actor=world.an_officer, kind_code="COVENANT", source=covenant)
    with pytest.raises(ActionError):
        do_register_document(actor=world.an_officer, document=document, number="13", issued_on=dt.date(2024, 3, 15), expected_version=document.version)


def test_bad_document_numbers_are_refused(world, year):
    covenant, _ = _signed_covenant(world, year)
    document = do_generate_document(actor=world.an_officer, kind_code="COVENANT", source=covenant)
    for bad in ("", "abc", "12/QĐ"):
        with pytest.raises(ActionError):
            do_register_document(actor=world.an_officer, document=document, number=bad, issued_on=dt.date(2024, 3, 15), expected_version=document.version)
    assert IssuedDocument.objects.get(pk=document.pk).number == ""


def test_without_a_head_unit_the_covenant_cannot_be_generated(world, year):
    covenant, _ = _signed_covenant(world, year)
    type(year).objects.filter(pk=year.pk).update(head_unit=None)
    covenant = Covenant.objects.get(pk=covenant.pk)
    with pytest.raises(ActionError) as info:
        do_generate_document(actor=world.an_officer, kind_code="COVENANT", source=covenant)
    assert "Trưởng khối" in info.value.message


@pytest.mark.sqlite
def test_covenant_page_flow(world, year, client_for):
    officer = client_for(world.an_officer)
    url = reverse("blocs:covenant", args=[year.uid])
    assert "Lập dự thảo giao ước" in officer.get(url).content.decode()
    response = officer.post(url, {"content": "Hoàn thành xuất sắc nhiệm vụ", "place": "An Giang"})
    assert response.status_code == 302
    covenant = Covenant.objects.get(bloc_year=year)
    page = officer.get(url).content.decode()
    assert "Chỉ tiêu, cam kết của từng đơn vị" in page and "None" not in page
    empty = officer.post(url, {"content": "", "place": "An Giang", "version": covenant.version})
    assert empty.status_code == 400 and "không được để trống" in empty.content.decode()
    viewer = client_for(world.viewer)  # the test client now signs in as the viewer
    assert "Lập dự thảo" not in viewer.get(url).content.decode()
    outsider = client_for(world.qn_officer)
    assert outsider.get(url).status_code == 404


def test_block_report_fills_tables_from_data_and_keeps_the_officers_text(world, year, client_for):
    from thidua.blocs.models import BlocReport
    from thidua.movements.actions import do_create_movement

    do_create_movement(actor=world.an_officer, province=world.an_giang, data={
        "title": "Phong trào thi đua “Dân vận khéo”", "kind": "THEMATIC", "level": "PROVINCE", "start_date": dt.date(2021, 1, 1), "end_date": dt.date(2025, 12, 31)})
    client = client_for(world.an_officer)
    url = reverse("blocs:report", args=[year.uid, "tong-ket"])
    response = client.post(url, {"situation": "Các đơn vị đoàn kết, hoàn thành tốt nhiệm vụ.", "results": "", "deliberation": "Ban Tuyên giáo dẫn đầu khối.",
                                 "proposals": "Đề nghị tặng Cờ thi đua của Chính phủ cho Ban Tuyên giáo Tỉnh ủy.", "directions": "", "generate": "1"})
    assert response.status_code == 302
    report = BlocReport.objects.get(bloc_year=year)
    document = IssuedDocument.objects.get(kind="BLOC_REPORT", source_key=str(report.uid))
    xml = DocxXml(document.generated_file.read())
    text = xml.text()
    assert "Tổng kết công tác thi đua, khen thưởng năm 2024" in text
    assert "gồm 2 đơn vị; Trưởng khối: Ban Tuyên giáo Tỉnh ủy" in text
    assert "Chưa đăng ký" in text and "Phong trào thi đua “Dân vận khéo”" in text
    assert "Đề nghị tặng Cờ thi đua của Chính phủ cho Ban Tuyên giáo Tỉnh ủy." in text
    assert "PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2025" in text
    assert xml.run("BÁO CÁO").bold and xml.run("ĐẢNG CỘNG SẢN VIỆT NAM").size_pt == 15
    assert client.get(url).status_code == 200
    assert client_for(world.unit_officer).post(url, {"situation": "x"}).status_code == 403
    assert client_for(world.qn_officer).get(url).status_code == 404
