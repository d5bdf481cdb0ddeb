"""The province's tổng kết report: figures from every block (members, registrations, the published
ranking and the confirmed leading unit), awards by kind and level, initiatives and money; the
officer's narrative (compare-and-set, audit, bad input refused); the DOCX in the issuer's layout
(NĐ 30/2020 for a State body, HD 36 for a Party body) read from its XML and rendered once by
LibreOffice; access (a unit user sees no province report)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from tests.core.docx_xml import DocxXml
from tests.core.pdf_text import PdfText, available
from tests.db.test_scoring import FULL, build_block, open_round, to_appraised
from thidua.audit.models import AuditLog
from thidua.blocs import actions as bloc_actions
from thidua.blocs.models import MeetingKind
from thidua.core.errors import ActionError, ConcurrentEditError, NotPermitted
from thidua.documents.actions import do_generate_document, do_register_document
from thidua.documents.pdf import docx_to_pdf, soffice
from thidua.history.models import AwardRecord, Initiative
from thidua.movements import actions as movement_actions
from thidua.org import actions as org
from thidua.org.models import UnitKind
from thidua.proposals.models import Decision
from thidua.reports import actions
from thidua.reports.models import ProvinceReport
from thidua.reports.province import province_year
from thidua.reports.statistics import stat_scope
from thidua.scoring import actions as scoring_actions

pytestmark = pytest.mark.django_db
YEAR = 2025
SECTIONS = {
    "situation": "Năm 2025 là năm sắp xếp tổ chức bộ máy.",
    "highlights": "Phong trào thi đua chào mừng Đại hội Đảng bộ tỉnh lan tỏa rộng khắp.",
    "limitations": "Một số khối chấm điểm còn chậm.",
    "directions": "Đổi mới công tác thi đua, khen thưởng.",
}


@pytest.fixture
def year_data(world):
    """A 2025 block of three Party units, ranking published, Ban Tổ chức confirmed as leader;
    Ban Tuyên giáo registered; awards, initiatives and decisions with money."""
    b = open_round(build_block(world, YEAR))
    to_appraised(b, b.tg)
    to_appraised(b, b.tc, {**FULL, "1.1": ("30", "")})
    meeting = bloc_actions.do_record_meeting(
        actor=None, bloc_year=b.bloc_year, data={"kind": MeetingKind.ANNUAL_REVIEW, "held_on": dt.date(YEAR, 12, 20), "place": "An Giang"},
        attending=[world.tuyen_giao, world.to_chuc, b.dan_van],
    )
    round_ = scoring_actions.do_publish_results(actor=world.an_officer, round=b.round, meeting=meeting,
                                                unranked={b.dv: "Đơn vị không gửi phiếu"}, expected_version=b.round.version)
    scoring_actions.do_confirm_leader(actor=world.an_officer, round=round_, unit=world.to_chuc, how="ACCLAMATION", expected_version=round_.version)
    movement_actions.do_start_registration(actor=None, bloc_year=b.bloc_year, unit=world.tuyen_giao)
    snv = org.do_create_unit(actor=None, province=world.an_giang, data={"name": "Sở Nội vụ", "kind": UnitKind.STATE, "superior_name": "UBND tỉnh An Giang"})
    person = org.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Lê Thị Hoa", "gender": "NU"})
    AwardRecord.objects.create(province_id=person.province_id, person=person, award_code="LDTT", year=YEAR)
    AwardRecord.objects.create(province_id=world.to_chuc.province_id, unit=world.to_chuc, award_code="CO_TINH", year=YEAR)
    for title, scope, recognised, copy in (("Số hóa hồ sơ", "PROVINCE", True, False), ("Một cửa điện tử", "BASE", True, False),
                                           ("Sổ tay đảng viên", "BASE", False, True)):
        Initiative.objects.create(province_id=person.province_id, person=person, unit=world.tuyen_giao, year=YEAR, title=title, scope=scope,
                                  recognised=recognised, likely_copy=copy)
    common = {"province": world.an_giang, "kind": "EXTERNAL", "symbol": "QĐ-UBND", "issuer_name": "Chủ tịch UBND tỉnh"}
    Decision.objects.create(number="12", issued_on=dt.date(YEAR, 12, 28), level="PROVINCE", money_total=7_020_000, money_unknown_count=1, **common)
    Decision.objects.create(number="13", issued_on=dt.date(YEAR, 12, 29), level="PROVINCE", money_total=1_000_000, **common)
    Decision.objects.create(number="14", issued_on=dt.date(YEAR, 12, 30), level="PROVINCE", money_total=9_000_000, revoked_on=dt.date(YEAR, 12, 31), **common)
    Decision.objects.create(number="15", issued_on=dt.date(YEAR - 1, 12, 30), level="PROVINCE", money_total=5_000_000, **common)
    return {"block": b, "snv": snv}


def _save(world, year_data, issuer=None, **extra):
    report = ProvinceReport.objects.filter(province=world.an_giang, year=YEAR).first()
    data = {**SECTIONS, "issuer_unit": issuer or year_data["snv"], "signer_authority": "KT. GIÁM ĐỐC", "signer_title": "Phó Giám đốc",
            "signer_name": "Trần Thị Thanh Hương", **extra}
    return actions.do_save_province_report(actor=world.an_officer, province=world.an_giang, year=YEAR, data=data,
                                           expected_version=report.version if report else None)


def test_figures_come_from_every_block_and_unit(world, year_data):
    data = province_year(stat_scope(world.an_officer, world.an_giang), YEAR)
    (bloc,) = data.blocs
    assert bloc.members == 3 and bloc.ranking_state == "published"
    assert bloc.top == ["Ban Tổ chức Tỉnh ủy", "Ban Tuyên giáo Tỉnh ủy"]
    assert (bloc.leader, bloc.leader_note) == ("Ban Tổ chức Tỉnh ủy", "đã được khối xác nhận")
    assert bloc.registrations == {"DRAFT": 1} and bloc.registered == 0  # a draft is not yet a registration sent
    assert data.initiatives_total == 3 and data.initiatives_by_scope == {"PROVINCE": 1, "BASE": 1} and data.initiatives_flagged == 1
    assert (data.money_total, data.money_unknown, sum(m.decisions for m in data.money)) == (8_020_000, 1, 2)
    levels = {t.definition.code: t for t in data.tables}["TK02"]
    assert levels.value("PROVINCE", "dh_tt") == 1 and levels.value("BASE", "dh_cn") == 1


def test_narrative_is_saved_with_compare_and_set_and_audited(world, year_data):
    report = _save(world, year_data)
    assert report.version == 1 and report.situation == SECTIONS["situation"]
    row = AuditLog.objects.filter(action="reports.province_report.create").get()
    assert row.changes["situation"] == [None, SECTIONS["situation"]]
    report = actions.do_save_province_report(actor=world.an_officer, province=world.an_giang, year=YEAR,
                                             data={"directions": "Mới"}, expected_version=1)
    update = AuditLog.objects.filter(action="reports.province_report.update").get()
    assert update.changes == {"directions": [SECTIONS["directions"], "Mới"]}
    with pytest.raises(ConcurrentEditError):
        actions.do_save_province_report(actor=world.an_officer, province=world.an_giang, year=YEAR, data={"directions": "Cũ"}, expected_version=1)
    with pytest.raises(ActionError, match="đơn vị của tỉnh"):
        actions.do_save_province_report(actor=world.an_officer, province=world.an_giang, year=YEAR, data={"issuer_unit": world.qn_unit},
                                        expected_version=report.version)
    with pytest.raises(NotPermitted):
        actions.do_save_province_report(actor=world.unit_officer, province=world.an_giang, year=YEAR, data={"directions": "x"},
                                        expected_version=report.version)
    assert ProvinceReport.objects.get(pk=report.pk).directions == "Mới" and AuditLog.objects.filter(action__startswith="reports.").count() == 2


def test_state_issuer_writes_nd30_with_the_registered_number(world, year_data, client_for):
    _save(world, year_data)
    client = client_for(world.an_officer)
    response = client.get(reverse("reports:province_report_docx"), {"nam": YEAR})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    xml = DocxXml(response.content)
    assert xml.page_mm() == (210.0, 297.0)
    assert xml.margins_mm() == {"top": 20.0, "bottom": 20.0, "left": 30.0, "right": 15.0}
    assert {r.font for r in xml.runs() if r.font} == {"Times New Roman"}
    title = xml.run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert title.bold and title.size_pt == 12
    text = xml.text()
    assert "Số:       /BC-SNV" in text or "/BC-SNV" in text
    assert "BÁO CÁO" in text and "Tổng kết công tác thi đua, khen thưởng năm 2025" in text
    assert "Khối thi đua các cơ quan Đảng tỉnh" in text and "Ban Tổ chức Tỉnh ủy (đã được khối xác nhận)" in text
    assert "8.020.000 đồng (chưa gồm 1 trường hợp chưa xác định mức tiền thưởng)" in text
    assert SECTIONS["highlights"] in text and "V. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2026" in text
    assert "KT. GIÁM ĐỐC" in text and "Trần Thị Thanh Hương" in text
    # The văn thư registers it: the số appears in the download.
    report = ProvinceReport.objects.get(province=world.an_giang, year=YEAR)
    document = do_generate_document(actor=world.an_officer, kind_code="PROVINCE_REPORT", source=report)
    do_register_document(actor=world.an_officer, document=document, number="7", issued_on=dt.date(YEAR, 12, 31),
                         expected_version=document.version)
    text = DocxXml(client.get(reverse("reports:province_report_docx"), {"nam": YEAR}).content).text()
    assert "Số: 07/BC-SNV" in text and "ngày 31 tháng 12 năm 2025" in text
    api = client.get(f"/api/v1/reports/province/{YEAR}/docx")
    assert api.status_code == 200 and "Số: 07/BC-SNV" in DocxXml(api.content).text()


def test_party_issuer_writes_hd36_and_renders_in_libreoffice(world, year_data, client_for):
    _save(world, year_data, issuer=world.tuyen_giao)
    data = client_for(world.an_officer).get(reverse("reports:province_report_docx"), {"nam": YEAR}).content
    xml = DocxXml(data)
    heading = xml.run("ĐẢNG CỘNG SẢN VIỆT NAM")
    assert heading.bold and heading.size_pt == 15
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in xml.text()
    assert "-BC/BTGTU" in xml.text() and "Tỉnh ủy An Giang".upper() in xml.text().upper()
    if soffice() is None or not available():
        pytest.skip("LibreOffice hoặc pdftotext chưa được cài")
    pdf = PdfText(docx_to_pdf(data, settings.DATA_DIR / "cache" / "render-check"))
    assert pdf.line("ĐẢNG CỘNG SẢN VIỆT NAM")
    assert pdf.first("BÁO CÁO")
    text = pdf.text()
    assert "I. ĐẶC ĐIỂM, TÌNH HÌNH" in text and "III. CÔNG TÁC KHEN THƯỞNG" in text
    assert "Khối thi đua các cơ quan" in " ".join(pdf.words())
    assert pdf.last("Trần Thị Thanh Hương").where > pdf.first("III. CÔNG TÁC KHEN THƯỞNG").where


def test_page_edits_and_scopes(world, year_data, client_for):
    client = client_for(world.an_officer)
    url = reverse("reports:province_report") + f"?nam={YEAR}"
    page = client.get(url)
    assert page.status_code == 200 and "Ban Tổ chức Tỉnh ủy" in page.content.decode()
    post = {**SECTIONS, "issuer_unit": year_data["snv"].pk, "signer_name": "Trần Thị Thanh Hương", "signer_title": "Giám đốc", "version": 0}
    saved = client.post(url, post)
    assert saved.status_code == 302 and ProvinceReport.objects.get(year=YEAR).version == 1
    stale = client.post(url, {**post, "situation": "Ghi đè", "version": 0})
    assert stale.status_code == 422 and "Đã có người sửa" in stale.content.decode()
    assert ProvinceReport.objects.get(year=YEAR).situation == SECTIONS["situation"]
    generated = client.post(url, {**post, "version": 1, "generate": "1"})
    assert generated.status_code == 302
    assert "Chưa vào sổ" in client.get(url).content.decode()  # the document register's panel, ready for its số
    # A unit user: no province report, no download.
    unit_client = client_for(world.unit_officer)
    page = unit_client.get(url)
    assert page.status_code == 200 and "chỉ dành cho tài khoản có phạm vi toàn tỉnh" in page.content.decode()
    assert unit_client.post(url, post).status_code == 200  # the explanation again, nothing written
    assert ProvinceReport.objects.get(year=YEAR).version == 1  # unchanged text writes nothing; the unit user wrote nothing
    download = unit_client.get(reverse("reports:province_report_docx"), {"nam": YEAR})
    assert download.status_code == 200 and "docx" not in download.get("Content-Type", "")
    assert unit_client.get(f"/api/v1/reports/province/{YEAR}/docx").status_code == 404
    # A viewer reads the narrative, has no form.
    viewer = client_for(world.viewer).get(url).content.decode()
    assert SECTIONS["highlights"] in viewer and 'name="situation"' not in viewer


def test_the_block_report_gains_the_initiatives_section(world, year_data):
    from thidua.blocs.models import ReportKind

    bloc_year = year_data["block"].bloc_year
    report = bloc_actions.do_save_report(actor=world.an_officer, bloc_year=bloc_year, kind=ReportKind.ANNUAL,
                                         sections={"results": "Hoàn thành tốt."}, expected_version=None)
    document = do_generate_document(actor=world.an_officer, kind_code="BLOC_REPORT", source=report)
    text = DocxXml(document.generated_file.read()).text()
    assert "Năm 2025 các đơn vị có 3 sáng kiến, đề tài trong sổ sáng kiến; 2 đã được công nhận" in text
    assert "Số hóa hồ sơ" in text and "Chưa công nhận" in text
    assert text.index("Sáng kiến, đề tài") < text.index("III. KẾT QUẢ BÌNH XÉT")


def test_api_reads_and_writes_the_narrative(world, year_data, client_for):
    import json

    client = client_for(world.an_officer)
    url = f"/api/v1/reports/province/{YEAR}"
    empty = client.get(url).json()
    assert empty["version"] == 0 and empty["blocs"][0]["leader"] == "Ban Tổ chức Tỉnh ủy" and empty["money_unknown"] == 1
    body = {"version": 0, "issuer_unit": str(year_data["snv"].uid), "highlights": "Nổi bật"}
    saved = client.put(url, json.dumps(body), content_type="application/json")
    assert saved.status_code == 200 and saved.json()["version"] == 1 and saved.json()["highlights"] == "Nổi bật"
    stale = client.put(url, json.dumps({**body, "highlights": "Khác"}), content_type="application/json")
    assert stale.status_code == 409
    outsider = client.put(url, json.dumps({"version": 1, "issuer_unit": str(world.qn_unit.uid)}), content_type="application/json")
    assert outsider.status_code == 422 and outsider.json()["error"]["field"] == "issuer_unit"
    assert ProvinceReport.objects.get(year=YEAR).highlights == "Nổi bật"
    unit = client_for(world.unit_officer)
    assert unit.put(url, json.dumps(body), content_type="application/json").status_code == 403
    assert unit.get(url).status_code == 404


def test_the_province_report_counts_the_exemplars_of_the_year(world, year_data, client_for):
    from thidua.exemplars import actions as exemplar_actions

    common = {"story": "Câu chuyện điển hình.", "issuer": "Chủ tịch UBND tỉnh"}
    model = exemplar_actions.do_create_exemplar(actor=None, data={
        "kind": "COLLECTIVE", "unit": world.to_chuc, "year": YEAR, "title": "Chi bộ bốn tốt", "level": "PROVINCE", **common})
    exemplar_actions.do_add_replication(actor=None, exemplar=model, data={
        "place": "Ban Dân vận Tỉnh ủy", "applied_on": dt.date(YEAR, 9, 1), "result": "Áp dụng ở hai chi bộ"})
    person = org.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Phạm Văn Tú", "gender": "NAM"})
    exemplar_actions.do_create_exemplar(actor=None, data={
        "kind": "INDIVIDUAL", "person": person, "year": YEAR, "title": "Tuyên truyền viên tiêu biểu", "level": "BASE", **common})
    exemplar_actions.do_create_exemplar(actor=None, data={  # another year: not counted
        "kind": "COLLECTIVE", "unit": world.tuyen_giao, "year": YEAR - 1, "title": "Điển hình năm trước", "level": "PROVINCE", **common})
    data = province_year(stat_scope(world.an_officer, world.an_giang), YEAR)
    assert (data.exemplars_total, data.exemplars_replicated) == (2, 1)
    assert data.exemplars_by_level == {"PROVINCE": 1, "BASE": 1}
    _save(world, year_data)
    client = client_for(world.an_officer)
    text = DocxXml(client.get(reverse("reports:province_report_docx"), {"nam": YEAR}).content).text()
    assert "5. Điển hình tiên tiến" in text
    assert "Năm 2025 có 2 điển hình tiên tiến được công nhận, biểu dương (1 tập thể, 1 cá nhân); 1 điển hình đã được nhân rộng." in text
    assert text.index("5. Điển hình tiên tiến") < text.index("III. CÔNG TÁC KHEN THƯỞNG")
    assert client.get(f"/api/v1/reports/province/{YEAR}").json()["exemplars"] == 2
