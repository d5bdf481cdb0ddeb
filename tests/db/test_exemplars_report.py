"""The block's tổng kết report gains the điển hình tiên tiến and sáng kiến of its member units that year."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.core.docx_xml import DocxXml
from thidua.blocs import actions as bloc_actions
from thidua.blocs.models import BlocKind, BlocReport
from thidua.documents.models import IssuedDocument
from thidua.exemplars import actions
from thidua.initiatives import actions as initiative_actions
from thidua.org import actions as org_actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(world):
    bloc = bloc_actions.do_create_bloc(actor=None, province=world.an_giang, data={"name": "Khối thi đua các cơ quan Đảng tỉnh", "kind": BlocKind.KHOI})
    bloc_year, _ = bloc_actions.do_open_year(actor=None, bloc=bloc, year=2024)
    for unit in (world.tuyen_giao, world.to_chuc):
        bloc_actions.do_add_member(actor=None, bloc_year=bloc_year, unit=unit)
    bloc_actions.do_set_leadership(actor=None, bloc_year=bloc_year, head_unit=world.tuyen_giao, deputy_unit=None,
                                   expected_version=bloc_year.version)
    bloc_year.refresh_from_db()
    return bloc_year


def _exemplar(unit, year, title, **extra):
    return actions.do_create_exemplar(actor=None, data={
        "kind": "COLLECTIVE", "unit": unit, "year": year, "title": title, "story": "Câu chuyện điển hình.", "level": "PROVINCE",
        "issuer": "Chủ tịch UBND tỉnh", **extra})


def _initiative(unit, person, year, title, content):
    return initiative_actions.do_register_initiative(None, {"title": title, "content": content, "year": year, "unit": unit,
                                                            "owners": [(person, 100)]})


def test_block_report_lists_the_members_exemplars_and_initiatives_of_the_year(world, year, client_for):
    tuan = org_actions.do_create_person(actor=None, unit=world.to_chuc, data={"full_name": "Đàm Văn Tuấn", "gender": "NAM"})
    hoa = org_actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Hoàng Thị Hoa", "gender": "NU"})
    model = _exemplar(world.tuyen_giao, 2024, "Điển hình tuyên truyền trên mạng xã hội",
                      decision_number="1020/QĐ-UBND", decision_date=dt.date(2024, 6, 9))
    actions.do_add_replication(actor=None, exemplar=model, data={"place": "Huyện Chợ Mới", "applied_on": dt.date(2024, 9, 1),
                                                                 "result": "Lập 12 trang tin xã"})
    actions.do_create_exemplar(actor=None, data={
        "kind": "INDIVIDUAL", "person": tuan, "year": 2024, "title": "Cán bộ tổ chức tiêu biểu", "story": "Câu chuyện.",
        "level": "BASE", "issuer": "Trưởng Ban Tổ chức Tỉnh ủy"})
    _exemplar(world.tuyen_giao, 2023, "Điển hình của năm trước")
    _exemplar(world.qn_unit, 2024, "Điển hình của Quảng Ninh")
    first = _initiative(world.to_chuc, tuan, 2024, "Phần mềm quản lý hồ sơ đảng viên",
                        "Hồ sơ đảng viên được số hóa và tra cứu theo chi bộ. Báo cáo tự động hằng quý.")
    initiative_actions.do_recognise_initiative(None, first, level="BASE", body="Hội đồng sáng kiến Ban Tổ chức",
                                               decision_number="45-QĐ/BTCTU", decided_on=dt.date(2024, 11, 2),
                                               expected_version=first.version)
    _initiative(world.tuyen_giao, hoa, 2024, "Bản tin tuyên truyền bằng tiếng dân tộc",
                "Bản tin phát thanh bằng tiếng Khmer và tiếng Chăm cho các xã vùng đồng bào.")
    _initiative(world.tuyen_giao, hoa, 2023, "Sáng kiến năm trước", "Nội dung năm trước, không thuộc năm báo cáo.")

    client = client_for(world.an_officer)
    response = client.post(reverse("blocs:report", args=[year.uid, "tong-ket"]), {
        "situation": "Các đơn vị đoàn kết.", "results": "", "deliberation": "", "proposals": "", "directions": "", "generate": "1"})
    assert response.status_code == 302
    report = BlocReport.objects.get(bloc_year=year)
    document = IssuedDocument.objects.get(kind="BLOC_REPORT", source_key=str(report.uid))
    text = DocxXml(document.generated_file.read()).text()
    assert "Công tác phát hiện, bồi dưỡng, nhân rộng điển hình tiên tiến" in text
    assert "Năm 2024 có 2 điển hình tiên tiến được công nhận, biểu dương (1 tập thể, 1 cá nhân); 1 điển hình đã được nhân rộng." in text
    assert "Điển hình tuyên truyền trên mạng xã hội" in text and "QĐ số 1020/QĐ-UBND ngày 09/06/2024" in text
    assert "Huyện Chợ Mới (09/2024): Lập 12 trang tin xã" in text
    assert "Đàm Văn Tuấn (Ban Tổ chức Tỉnh ủy)" in text
    assert "Điển hình của năm trước" not in text and "Điển hình của Quảng Ninh" not in text
    assert "Năm 2024 các đơn vị có 2 sáng kiến, đề tài trong sổ sáng kiến; 1 đã được công nhận (1 cấp cơ sở)." in text
    assert "Phần mềm quản lý hồ sơ đảng viên" in text and "Đàm Văn Tuấn 100 %" in text and "45-QĐ/BTCTU" in text
    assert "Bản tin tuyên truyền bằng tiếng dân tộc" in text and "Chưa công nhận" in text
    assert "Sáng kiến năm trước" not in text
    # The sections come inside part II, before the deliberation results.
    assert text.index("Sáng kiến, đề tài") < text.index("III. KẾT QUẢ BÌNH XÉT, XẾP LOẠI")


def test_block_report_says_when_there_is_nothing_to_report(world, year, client_for):
    client = client_for(world.an_officer)
    client.post(reverse("blocs:report", args=[year.uid, "tong-ket"]), {"situation": "x", "generate": "1"})
    document = IssuedDocument.objects.get(kind="BLOC_REPORT")
    text = DocxXml(document.generated_file.read()).text()
    assert "Năm 2024 chưa ghi nhận điển hình tiên tiến nào của các đơn vị." in text
    assert "Năm 2024 các đơn vị chưa đăng ký sáng kiến nào vào sổ sáng kiến." in text
