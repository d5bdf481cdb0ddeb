"""Điển hình tiên tiến pages and actions: accent-insensitive search and filters, Excel export, the
section on person and unit pages, edit with compare-and-set, replications, evidence files; bad
input answered in Vietnamese with nothing written."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from tests.db.matrix_parts.exemplars import pdf_bytes
from thidua.audit.models import AuditLog
from thidua.core.errors import ActionError, ConcurrentEditError, NotPermitted
from thidua.exemplars import actions
from thidua.exemplars.models import Exemplar, ExemplarEvidence, Replication
from thidua.movements import actions as movement_actions
from thidua.org import actions as org_actions

pytestmark = pytest.mark.django_db

STORY = ("Tổ dân vận xã vận động người dân hiến 3.000 m² đất làm đường liên thôn. "
         "Mô hình “Dân vận khéo” giúp 120 hộ thoát nghèo trong hai năm.")


@pytest.fixture
def hoa(world):
    return org_actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Hoàng Thị Hoa", "gender": "NU"})


@pytest.fixture
def movement(world):
    return movement_actions.do_create_movement(actor=None, province=world.an_giang_old, data={
        "title": "Bắc Kạn chung sức xây dựng nông thôn mới", "kind": "REGULAR", "level": "PROVINCE",
        "start_date": dt.date(2021, 1, 1)})


def _collective(world, **extra):
    data = {"kind": "COLLECTIVE", "unit": world.tuyen_giao, "year": 2023, "title": "Điển hình dân vận khéo",
            "story": STORY, "level": "PROVINCE", "issuer": "Chủ tịch UBND tỉnh", "decision_number": "1020/QĐ-UBND",
            "decision_date": dt.date(2023, 6, 9), **extra}
    return actions.do_create_exemplar(actor=None, data=data)


def _individual(world, person, **extra):
    data = {"kind": "INDIVIDUAL", "person": person, "year": 2023, "title": "Cán bộ chuyển đổi số tiêu biểu",
            "story": "Số hóa 12.000 trang hồ sơ lưu trữ của Ban.", "level": "BASE", "issuer": "Trưởng ban", **extra}
    return actions.do_create_exemplar(actor=None, data=data)


@pytest.mark.sqlite
def test_list_search_without_accents_filters_and_export(world, hoa, movement, client_for):
    _collective(world, movement=movement)
    _individual(world, hoa, year=2024)
    _collective(world, unit=world.to_chuc, title="Tổ chức xây dựng Đảng vững mạnh", level="NATIONAL", issuer="Thủ tướng Chính phủ",
                decision_number="", decision_date=None)
    client = client_for(world.an_officer)
    body = client.get("/dien-hinh-tien-tien/", {"q": "dan van kheo"}).content.decode()
    assert "Điển hình dân vận khéo" in body and "Cán bộ chuyển đổi số" not in body
    body = client.get("/dien-hinh-tien-tien/", {"q": "hoang thi hoa"}).content.decode()
    assert "Cán bộ chuyển đổi số tiêu biểu" in body and "Điển hình dân vận khéo" not in body
    body = client.get("/dien-hinh-tien-tien/", {"doi-tuong": "INDIVIDUAL"}).content.decode()
    assert "Hoàng Thị Hoa" in body and "Điển hình dân vận khéo" not in body
    body = client.get("/dien-hinh-tien-tien/", {"cap": "NATIONAL"}).content.decode()
    assert "Tổ chức xây dựng Đảng vững mạnh" in body and "Điển hình dân vận khéo" not in body
    body = client.get("/dien-hinh-tien-tien/", {"phong-trao": str(movement.uid)}).content.decode()
    assert "Điển hình dân vận khéo" in body and "Tổ chức xây dựng Đảng" not in body
    body = client.get("/dien-hinh-tien-tien/", {"don-vi": str(world.to_chuc.uid), "nam": "2023"}).content.decode()
    assert "Tổ chức xây dựng Đảng vững mạnh" in body and "Điển hình dân vận khéo" not in body
    # The export follows the filters.
    response = client.get("/dien-hinh-tien-tien/", {"nam": "2023", "xuat": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:3] == ("Đối tượng", "Tên tập thể, cá nhân", "Đơn vị")
    assert sorted(r[3] for r in rows[1:]) == ["Tổ chức xây dựng Đảng vững mạnh", "Điển hình dân vận khéo"]
    assert {r[4] for r in rows[1:]} == {"Bắc Kạn chung sức xây dựng nông thôn mới", None}
    # Quảng Ninh's officer sees none of An Giang's entries.
    assert "Điển hình dân vận khéo" not in client_for(world.qn_officer).get("/dien-hinh-tien-tien/").content.decode()


def test_person_and_unit_pages_list_their_entries(world, hoa, client_for):
    _collective(world)
    _individual(world, hoa)
    client = client_for(world.viewer)
    person_page = client.get(f"/to-chuc/ca-nhan/{hoa.uid}/").content.decode()
    assert "Điển hình tiên tiến" in person_page and "Cán bộ chuyển đổi số tiêu biểu" in person_page
    assert "Điển hình dân vận khéo" not in person_page
    unit_page = client.get(f"/to-chuc/don-vi/{world.tuyen_giao.uid}/").content.decode()
    assert "Điển hình dân vận khéo" in unit_page and "Cán bộ chuyển đổi số tiêu biểu" in unit_page
    assert "Ghi điển hình" not in unit_page  # the viewer may not add one
    assert "Ghi điển hình" in client_for(world.unit_officer).get(f"/to-chuc/don-vi/{world.tuyen_giao.uid}/").content.decode()


def test_create_through_the_page_and_edit_with_compare_and_set(world, hoa, movement, client_for):
    client = client_for(world.unit_officer)
    url = f"/dien-hinh-tien-tien/them/?don-vi={world.tuyen_giao.uid}"
    form = {"kind": "INDIVIDUAL", "person": str(hoa.uid), "title": "Cán bộ dân vận tiêu biểu", "movement": str(movement.uid),
            "year": 2023, "story": STORY, "level": "PROVINCE", "issuer": "Chủ tịch UBND tỉnh",
            "decision_number": "1020/QĐ-UBND", "decision_date": "09/06/2023"}
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    item = Exemplar.objects.get()
    assert (item.person, item.unit, item.movement, item.decision_date) == (hoa, world.tuyen_giao, movement, dt.date(2023, 6, 9))
    detail = client.get(f"/dien-hinh-tien-tien/{item.uid}/").content.decode()
    assert "09/06/2023" in detail and "Hoàng Thị Hoa" in detail
    edit = f"/dien-hinh-tien-tien/{item.uid}/sua/"
    response = client.post(edit, {**form, "title": "Cán bộ dân vận khéo tiêu biểu", "version": item.version})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "Cán bộ dân vận khéo tiêu biểu" and item.version == 2
    row = AuditLog.objects.filter(action="exemplars.exemplar.update").get()
    assert row.changes["title"] == ["Cán bộ dân vận tiêu biểu", "Cán bộ dân vận khéo tiêu biểu"]
    # A stale version: Vietnamese message, nothing written.
    response = client.post(edit, {**form, "title": "Ghi đè", "version": 1})
    assert response.status_code == 422 and "Đã có người sửa bản ghi này" in response.content.decode()
    item.refresh_from_db()
    assert item.title == "Cán bộ dân vận khéo tiêu biểu"
    assert AuditLog.objects.filter(action="exemplars.exemplar.update").count() == 1


def test_empty_story_refused_on_the_page_and_in_the_action(world, client_for):
    client = client_for(world.an_officer)
    response = client.post(f"/dien-hinh-tien-tien/them/?don-vi={world.tuyen_giao.uid}", {
        "kind": "COLLECTIVE", "title": "Điển hình", "year": 2023, "story": "   ", "level": "PROVINCE", "issuer": "UBND tỉnh"})
    assert response.status_code == 422
    assert "Hãy nhập câu chuyện, thành tích của điển hình" in response.content.decode()
    with pytest.raises(ActionError, match="câu chuyện"):
        _collective(world, story="")
    assert not Exemplar.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="exemplars.").exists()


def test_other_bad_input_refused_with_nothing_written(world, hoa):
    with pytest.raises(ActionError, match="cá nhân điển hình"):
        actions.do_create_exemplar(actor=None, data={"kind": "INDIVIDUAL", "year": 2023, "title": "X", "story": STORY,
                                                     "issuer": "UBND tỉnh"})
    with pytest.raises(ActionError, match="cơ quan, người công nhận"):
        _collective(world, issuer="")
    with pytest.raises(ActionError, match="tương lai"):
        _collective(world, decision_date=dt.date.today() + dt.timedelta(days=3))
    with pytest.raises(ActionError, match="không hợp lệ"):
        _collective(world, year=1800)
    quang_ninh_movement = movement_actions.do_create_movement(actor=None, province=world.quang_ninh, data={
        "title": "Phong trào của Quảng Ninh", "kind": "REGULAR", "level": "PROVINCE", "start_date": dt.date(2023, 1, 1)})
    with pytest.raises(ActionError, match="không thuộc tỉnh"):
        _collective(world, movement=quang_ninh_movement)
    assert not Exemplar.objects.exists()


def test_unit_or_person_outside_scope_refused(world, hoa, client_for):
    # The unit officer of Ban Tuyên giáo may not record Ban Tổ chức's entry, nor a Quảng Ninh person.
    with pytest.raises(NotPermitted):
        _collective_as(world.unit_officer, world, unit=world.to_chuc)
    qn_person = org_actions.do_create_person(actor=None, unit=world.qn_unit, data={"full_name": "Vũ Văn Nam", "gender": "NAM"})
    with pytest.raises(NotPermitted):
        actions.do_create_exemplar(actor=world.an_officer, data={"kind": "INDIVIDUAL", "person": qn_person, "year": 2023,
                                                                 "title": "X", "story": STORY, "issuer": "UBND tỉnh"})
    # Through the page: a unit outside the officer's units is simply not offered.
    client = client_for(world.unit_officer)
    response = client.get(f"/dien-hinh-tien-tien/them/?don-vi={world.to_chuc.uid}")
    assert response.status_code == 404 and "Không tìm thấy đơn vị đã chọn trong phạm vi được giao" in response.content.decode()
    assert world.to_chuc.name not in response.content.decode()
    # A person of another unit posted into the form is refused by the form, nothing written.
    other = org_actions.do_create_person(actor=None, unit=world.to_chuc, data={"full_name": "Đàm Văn Tuấn", "gender": "NAM"})
    response = client.post(f"/dien-hinh-tien-tien/them/?don-vi={world.tuyen_giao.uid}", {
        "kind": "INDIVIDUAL", "person": str(other.uid), "title": "X", "year": 2023, "story": STORY, "level": "PROVINCE",
        "issuer": "UBND tỉnh"})
    assert response.status_code == 422 and "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()
    assert not Exemplar.objects.exists()
    item = _collective(world, unit=world.to_chuc)
    assert client.get(f"/dien-hinh-tien-tien/{item.uid}/sua/").status_code == 404
    assert client.post(f"/dien-hinh-tien-tien/{item.uid}/nhan-rong/", {"place": "Xã A", "applied_on": "01/02/2024",
                                                                       "result": "Tốt"}).status_code == 404
    assert Exemplar.objects.count() == 1 and not Replication.objects.exists()


def _collective_as(actor, world, **extra):
    data = {"kind": "COLLECTIVE", "unit": world.tuyen_giao, "year": 2023, "title": "Điển hình", "story": STORY,
            "level": "PROVINCE", "issuer": "UBND tỉnh", **extra}
    return actions.do_create_exemplar(actor=actor, data=data)


def test_replication_recorded_and_bad_replication_refused(world, client_for):
    item = _collective(world)
    client = client_for(world.unit_officer)
    url = f"/dien-hinh-tien-tien/{item.uid}/nhan-rong/"
    response = client.post(url, {"place": "", "applied_on": "01/03/2024", "result": "Làm thêm 2 km đường"})
    assert response.status_code == 422 and "Hãy chọn đơn vị hoặc ghi nơi đã áp dụng" in response.content.decode()
    response = client.post(url, {"place": "Xã Cẩm Giàng", "applied_on": "01/03/2022", "result": "Tốt"})
    assert response.status_code == 422 and "từ năm 2023" in response.content.decode()
    response = client.post(url, {"place": "Xã Cẩm Giàng", "applied_on": "01/03/2024", "result": ""})
    assert response.status_code == 422 and "Hãy ghi kết quả" in response.content.decode()
    assert not Replication.objects.exists()
    # The unit officer sees only their own unit: another unit is picked by the province officer.
    assert world.to_chuc.name not in client.get(f"/dien-hinh-tien-tien/{item.uid}/").content.decode()
    response = client_for(world.an_officer).post(url, {"unit": str(world.to_chuc.uid), "applied_on": "01/03/2024",
                                                       "result": "Làm thêm 2 km đường"})
    assert response.status_code == 302
    client = client_for(world.unit_officer)
    response = client.post(url, {"place": "Xã Cẩm Giàng", "applied_on": "15/05/2024", "result": "120 hộ hiến đất"})
    assert response.status_code == 302
    detail = client.get(f"/dien-hinh-tien-tien/{item.uid}/").content.decode()
    assert "Ban Tổ chức Tỉnh ủy" in detail and "Xã Cẩm Giàng" in detail and "15/05/2024" in detail
    assert AuditLog.objects.filter(action="exemplars.replication.add").count() == 2


def _docx_bytes(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_evidence_stored_and_bad_files_refused(world, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    item = _collective(world)
    client = client_for(world.unit_officer)
    url = f"/dien-hinh-tien-tien/{item.uid}/minh-chung/"
    for name, data, words in [
        ("qd.pdf", b"%PDF-1.4 not really a pdf", "Không đọc được tệp PDF"),
        ("bai-bao.docx", b"PK\x03\x04 broken", "Không đọc được tệp Word"),
        ("anh.jpg", b"GIF89a", "Không đọc được ảnh"),
        ("ghi-chu.txt", b"plain text", "Tệp minh chứng phải là PDF"),
        ("rong.pdf", b"", "rỗng"),
    ]:
        response = client.post(url, {"file": SimpleUploadedFile(name, data), "description": "Quyết định"})
        assert response.status_code == 422, name
        assert words in response.content.decode(), name
    from thidua.exemplars import files

    big = SimpleUploadedFile("lon.pdf", b"%PDF-" + b"0" * (files.MAX_BYTES + 10))
    response = client.post(url, {"file": big})
    assert response.status_code == 422 and "quá lớn" in response.content.decode()
    assert not ExemplarEvidence.objects.exists()
    assert not AuditLog.objects.filter(action="exemplars.evidence.add").exists()
    response = client.post(url, {"file": SimpleUploadedFile("quyet-dinh.pdf", pdf_bytes()), "description": "Quyết định biểu dương"})
    assert response.status_code == 302
    response = client.post(url, {"file": SimpleUploadedFile("bai-bao.docx", _docx_bytes("Bài báo về mô hình dân vận khéo"))})
    assert response.status_code == 302
    evidence = ExemplarEvidence.objects.get(original_name="quyet-dinh.pdf")
    download = client.get(f"/dien-hinh-tien-tien/minh-chung/{evidence.uid}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == pdf_bytes()
    assert "bai-bao.docx" in client.get(f"/dien-hinh-tien-tien/{item.uid}/").content.decode()
    # Quảng Ninh's officer cannot download An Giang's evidence.
    assert client_for(world.qn_officer).get(f"/dien-hinh-tien-tien/minh-chung/{evidence.uid}/").status_code == 404


def test_stale_version_in_the_action_writes_nothing(world):
    item = _collective(world)
    actions.do_update_exemplar(actor=None, exemplar=item, data={"note": "Đăng báo tỉnh"}, expected_version=1)
    stale = Exemplar.objects.get(pk=item.pk)
    stale.version = 1
    with pytest.raises(ConcurrentEditError):
        actions.do_update_exemplar(actor=None, exemplar=stale, data={"note": "Ghi đè"}, expected_version=1)
    assert Exemplar.objects.get(pk=item.pk).note == "Đăng báo tỉnh"
    assert AuditLog.objects.filter(action="exemplars.exemplar.update").count() == 1


def test_audit_log_page_names_the_replication_in_vietnamese(world, client_for):
    item = _collective(world)
    actions.do_add_replication(actor=world.an_officer, exemplar=item, data={
        "place": "Xã Cẩm Giàng", "applied_on": dt.date(2024, 3, 1), "result": "Làm thêm 2 km đường"})
    body = client_for(world.an_officer).get("/nhat-ky/").content.decode()
    assert "Ghi nơi nhân rộng điển hình" in body and "Nhân rộng" in body and "Xã Cẩm Giàng (01/03/2024)" in body


def test_movement_page_lists_its_exemplars(world, hoa, movement, client_for):
    _collective(world, movement=movement)
    _individual(world, hoa)
    body = client_for(world.an_officer).get(f"/phong-trao/{movement.uid}/").content.decode()
    assert "Điển hình dân vận khéo" in body and "(Ban Tuyên giáo Tỉnh ủy)" in body
    assert "Cán bộ chuyển đổi số tiêu biểu" not in body
    assert f"?phong-trao={movement.uid}" in body
