"""Sổ sáng kiến pages: accent-insensitive search and export, the copy warning before saving, uploads."""

from __future__ import annotations

import io

import docx
import pytest
from openpyxl import load_workbook

from thidua.history.models import Initiative
from thidua.initiatives import actions
from thidua.org import actions as org_actions

pytestmark = pytest.mark.django_db

TEXT = ("Tổ công tác số hóa hồ sơ đất đai cấp xã. Người dân tra cứu kết quả trên điện thoại. "
        "Cán bộ một cửa trả kết quả qua bưu chính. Thời gian giải quyết giảm 30 %.")


@pytest.fixture
def author(world):
    return org_actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Hà Thị Thu", "gender": "NU"})


def _register(world, author, title="Số hóa hồ sơ đất đai cấp xã", content=TEXT, sector="Cải cách hành chính"):
    return actions.do_register_initiative(None, {"title": title, "content": content, "year": 2024, "unit": world.tuyen_giao,
                                                 "owners": [(author, 100)], "sector": sector})


def _form(author, **extra):
    return {"title": "Đất đai số hóa toàn xã", "kind": "INITIATIVE", "year": 2025, "content": TEXT, "owner_1": str(author.uid),
            "share_1": 100, **extra}


@pytest.mark.sqlite
def test_list_finds_without_accents_and_exports(world, author, client_for):
    _register(world, author)
    _register(world, author, title="Chăm sóc cây quế hữu cơ", content="Trồng quế hữu cơ ven suối. Ủ phân vi sinh.", sector="Nông nghiệp")
    client = client_for(world.an_officer)
    body = client.get("/sang-kien/", {"q": "so hoa ho so dat dai"}).content.decode()
    assert "Số hóa hồ sơ đất đai cấp xã" in body and "Chăm sóc cây quế" not in body
    assert "Chăm sóc cây quế" in client.get("/sang-kien/", {"linh-vuc": "nong nghiep"}).content.decode()
    response = client.get("/sang-kien/", {"xuat": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "Tên sáng kiến" and len(rows) == 3
    assert {r[4] for r in rows[1:]} == {"Hà Thị Thu 100 %"}


@pytest.mark.sqlite
def test_a_likely_copy_is_shown_before_saving_and_saved_only_when_confirmed(world, author, client_for):
    stored = _register(world, author)
    client = client_for(world.unit_officer)
    url = f"/sang-kien/them/?don-vi={world.tuyen_giao.uid}"
    response = client.post(url, _form(author))
    assert response.status_code == 422
    body = response.content.decode()
    assert "Nghi trùng lặp" in body and stored.title in body and "Người dân tra cứu kết quả trên điện thoại" in body
    assert Initiative.objects.count() == 1
    response = client.post(url, _form(author, confirm_copy="on"))
    assert response.status_code == 302
    item = Initiative.objects.exclude(pk=stored.pk).get()
    assert item.likely_copy and item.copy_of_id == stored.pk


def test_content_from_a_docx_upload_and_bad_files_refused(world, author, client_for):
    client = client_for(world.unit_officer)
    url = f"/sang-kien/them/?don-vi={world.tuyen_giao.uid}"
    document = docx.Document()
    document.add_paragraph("Ứng dụng bản đồ số quản lý rừng trồng keo của hợp tác xã.")
    document.add_paragraph("Mỗi lô rừng có mã, diện tích và năm trồng.")
    buffer = io.BytesIO()
    document.save(buffer)
    upload = io.BytesIO(buffer.getvalue())
    upload.name = "sang-kien.docx"
    response = client.post(url, {**_form(author, content=""), "file": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Mỗi lô rừng có mã" in Initiative.objects.get().content
    for name, data, words in [("hong.pdf", b"%PDF-1.4 not really", "Không đọc được tệp PDF"),
                              ("anh.png", b"\x89PNG", "Chỉ nhận tệp Word (.docx) hoặc PDF"),
                              ("hong.docx", b"PK\x03\x04rubbish", "Không đọc được tệp Word")]:
        bad = io.BytesIO(data)
        bad.name = name
        response = client.post(url, {**_form(author, content="", title=f"Sáng kiến {name}"), "file": bad})
        assert response.status_code == 422 and words in response.content.decode()
    assert Initiative.objects.count() == 1


def test_shares_not_summing_to_100_are_refused_on_the_page(world, author, client_for):
    other = org_actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Bế Văn Tùng", "gender": "NAM"})
    client = client_for(world.unit_officer)
    response = client.post(f"/sang-kien/them/?don-vi={world.tuyen_giao.uid}",
                           _form(author, share_1=50, owner_2=str(other.uid), share_2=30))
    assert response.status_code == 422 and "phải bằng 100 %" in response.content.decode()
    assert Initiative.objects.count() == 0


def test_encrypted_and_oversized_files_are_refused():
    from pypdf import PdfWriter

    from thidua.core.errors import ActionError
    from thidua.initiatives import files

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("mat-khau")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(ActionError, match="đặt mật khẩu"):
        files.extract_text("khoa.pdf", buffer.getvalue())
    with pytest.raises(ActionError, match="quá lớn"):
        files.extract_text("lon.pdf", b"0" * (files.MAX_BYTES + 1))
    blank = PdfWriter()
    blank.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    blank.write(buffer)
    with pytest.raises(ActionError, match="không có nội dung chữ"):
        files.extract_text("anh-chup.pdf", buffer.getvalue())


def _workbook(rows):
    from openpyxl import load_workbook

    from thidua.initiatives.importer import SHEET, build_template

    workbook = load_workbook(io.BytesIO(build_template()))
    for row in rows:
        workbook[SHEET].append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "sang-kien.xlsx"
    return buffer


@pytest.mark.sqlite
def test_excel_import_is_all_or_nothing_with_row_errors(world, author, client_for):
    from thidua.audit.models import AuditLog

    other = org_actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Bế Văn Tùng", "gender": "NAM"})
    stored = _register(world, author)
    unit = "Ban Tuyên giáo Tỉnh ủy"
    client = client_for(world.unit_officer)
    bad = _workbook([
        ["Bản đồ số rừng trồng", 2025, unit, "Nông nghiệp", "Mỗi lô rừng có mã. Cập nhật diện tích hằng năm.", "Hà Thị Thu 60; Bế Văn Tùng 30"],
        ["Sổ tay tuyên truyền", 2025, unit, "", "", "Hà Thị Thu 100"],
        ["Phần mềm họp", 2025, "Sở không có thật", "", "Họp không giấy tờ trên máy tính bảng.", "Hà Thị Thu 100"],
        ["Ứng dụng nhắc việc", 2025, unit, "", "Nhắc hạn công việc qua tin nhắn.", "Người Lạ 100"],
    ])
    # The import runs as a background job; its page lists every rejected row.
    response = client.post("/sang-kien/nhap/", {"file": bad}, follow=True)
    assert response.redirect_chain[-1][0].startswith("/cong-viec/")
    body = response.content.decode()
    assert "Không thành công" in body
    for words in ["Dòng 2, cột Tác giả", "phải bằng 100 %", "Dòng 3, cột Nội dung", "Sở không có thật", "Người Lạ"]:
        assert words in body, words
    assert Initiative.objects.count() == 1
    good = _workbook([
        ["Bản đồ số rừng trồng", 2025, unit, "Nông nghiệp", "Mỗi lô rừng có mã. Cập nhật diện tích hằng năm.", "Hà Thị Thu 60; Bế Văn Tùng 40"],
        ["Đất đai số hóa toàn xã", 2025, unit, "", TEXT, "Bế Văn Tùng 100"],
    ])
    response = client.post("/sang-kien/nhap/", {"file": good}, follow=True)
    assert "Đã ghi 2 sáng kiến vào sổ sáng kiến" in response.content.decode()
    imported = Initiative.objects.exclude(pk=stored.pk).order_by("pk")
    assert [(o.person_id, o.share) for o in imported[0].owners.all()] == [(author.pk, 60), (other.pk, 40)]
    assert imported[1].likely_copy and imported[1].copy_of_id == stored.pk
    assert AuditLog.objects.filter(action="initiatives.import").count() == 1
