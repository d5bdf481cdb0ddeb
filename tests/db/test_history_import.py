"""Importing award history from Excel: all or nothing, Vietnamese errors by sheet/row/column, dry run."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from thidua.audit.models import AuditLog
from thidua.core.errors import NotPermitted
from thidua.history import importer
from thidua.history.models import AwardRecord, TaskRating
from thidua.org import actions as org_actions

pytestmark = pytest.mark.django_db

HISTORY = ["Mã cán bộ", "Họ và tên", "Đơn vị *", "Năm *", "Mức độ hoàn thành nhiệm vụ", "Danh hiệu, hình thức khen thưởng",
           "Loại hình khen thưởng", "Số quyết định", "Ngày quyết định", "Cơ quan, người quyết định", "Cấp quyết định",
           "Quyết định của cấp trên"]
RATINGS = ["Mã cán bộ", "Họ và tên", "Đơn vị *", "Năm *", "Mức độ hoàn thành nhiệm vụ *"]


def _xlsx(history_rows=(), rating_rows=()) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Hồ sơ thành tích"
    sheet.append(HISTORY)
    for row in history_rows:
        sheet.append(list(row))
    ratings = workbook.create_sheet("Đánh giá cá nhân")
    ratings.append(RATINGS)
    for row in rating_rows:
        ratings.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def _people(world, n):
    return [org_actions.do_create_person(actor=None, unit=world.tuyen_giao,
                                         data={"full_name": f"Cán bộ {i:03d}", "gender": "NU", "staff_code": f"TG{i:03d}"})
            for i in range(n)]


@pytest.mark.sqlite
def test_unit_ratings_of_hundreds_of_staff_and_history_rows(world):
    people = _people(world, 300)
    rating_rows = [(p.staff_code, None, "Ban Tuyên giáo Tỉnh ủy", 2025, "Hoàn thành tốt nhiệm vụ") for p in people]
    history_rows = [
        (None, "Cán bộ 001", "Ban Tuyên giáo Tỉnh ủy", 2024, "Hoàn thành xuất sắc nhiệm vụ", "Chiến sĩ thi đua cơ sở", None,
         "12/QĐ-BTG", "10/01/2025", "Trưởng Ban", None, None),
        (None, None, "Ban Tuyên giáo Tỉnh ủy", 2024, "Hoàn thành xuất sắc nhiệm vụ", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
         None, "88/QĐ-UBND", "20/01/2025", "Chủ tịch UBND tỉnh An Giang", "Bộ, ban, ngành, tỉnh", "Có"),
    ]
    before = AuditLog.objects.count()
    result = importer.import_history(actor=world.unit_officer, fileobj=_xlsx(history_rows, rating_rows), file_name="ho-so.xlsx")
    assert (result.ratings_new, result.awards) == (302, 2)
    assert AuditLog.objects.count() == before + 1
    assert TaskRating.objects.filter(year=2025, rated_in_unit=world.tuyen_giao).count() == 300
    flag = AwardRecord.objects.get(unit=world.tuyen_giao)
    assert flag.source == "EXTERNAL" and flag.decision_number == "88/QĐ-UBND" and flag.decision_level == "PROVINCE"
    assert AwardRecord.objects.get(person=people[1]).award_code == "CSTDCS"


@pytest.mark.sqlite
def test_one_bad_row_writes_nothing_and_every_error_is_named(world):
    _people(world, 3)
    rows = [
        ("TG000", None, "Ban Tuyên giáo Tỉnh ủy", 2025, "Hoàn thành tốt nhiệm vụ"),
        ("TG999", None, "Ban Tuyên giáo Tỉnh ủy", 2025, "Hoàn thành tốt nhiệm vụ"),
        ("TG001", None, "Ban Tuyên giáo Tỉnh ủy", 2025, "Xuất sắc lắm"),
        ("TG002", None, "Ban Không Có", 2025, "Hoàn thành nhiệm vụ"),
        ("TG000", None, "Ban Tuyên giáo Tỉnh ủy", "năm nay", "Hoàn thành nhiệm vụ"),
    ]
    history = [(None, None, "Ban Tuyên giáo Tỉnh ủy", 2025, None, "Lao động tiên tiến")]
    with pytest.raises(importer.ImportRejected) as rejected:
        importer.import_history(actor=world.an_officer, fileobj=_xlsx(history, rows))
    messages = [str(i) for i in rejected.value.issues]
    assert any("Dòng 3, cột Mã cán bộ" in m and "TG999" in m for m in messages)
    assert any("Dòng 4, cột Mức độ hoàn thành nhiệm vụ" in m for m in messages)
    assert any("Dòng 5, cột Đơn vị" in m and "Không có đơn vị" in m for m in messages)
    assert any("Dòng 6, cột Năm" in m for m in messages)
    assert any("Trang “Hồ sơ thành tích”, Dòng 2" in m and "không xét tặng cho tập thể" in m for m in messages)
    assert TaskRating.objects.count() == 0


@pytest.mark.sqlite
def test_scope_dry_run_and_file_guards(world):
    outsider = org_actions.do_create_person(actor=None, unit=world.qn_unit, data={"full_name": "Lê Văn Cường", "gender": "NAM"})
    rows = [(None, outsider.full_name, "Sở Nội vụ", 2025, "Hoàn thành tốt nhiệm vụ")]
    with pytest.raises(importer.ImportRejected) as rejected:
        importer.import_history(actor=world.unit_officer, fileobj=_xlsx((), rows))
    assert "không có quyền" in str(rejected.value.issues[0])
    with pytest.raises(NotPermitted):
        importer.import_history(actor=world.viewer, fileobj=_xlsx((), rows))
    people = _people(world, 2)
    result = importer.import_history(actor=world.an_officer, dry_run=True,
                                     fileobj=_xlsx((), [(p.staff_code, None, "Ban Tuyên giáo Tỉnh ủy", 2025, "Hoàn thành nhiệm vụ") for p in people]))
    assert result.dry_run and result.ratings_new == 2 and "Chưa ghi gì" in result.message()
    assert TaskRating.objects.count() == 0
    with pytest.raises(importer.ImportRejected) as rejected:
        importer.import_history(actor=world.an_officer, fileobj=io.BytesIO(b"ho ten,nam\nA,2025\n"))
    assert "không phải bảng tính Excel" in str(rejected.value.issues[0])


@pytest.mark.sqlite
def test_import_page_and_template(world, client_for):
    client = client_for(world.unit_officer)
    template = client.get(reverse("history:import_template"))
    sheets = load_workbook(io.BytesIO(template.content)).sheetnames
    assert "Hồ sơ thành tích" in sheets and "Đánh giá cá nhân" in sheets
    bad = SimpleUploadedFile("x.xlsx", _xlsx((), [("TG404", None, "Ban Tuyên giáo Tỉnh ủy", 2025, "Hoàn thành nhiệm vụ")]).getvalue())
    # The import runs as a background job: its page shows the rejected row.
    response = client.post(reverse("history:import"), {"file": bad}, follow=True)
    assert response.redirect_chain[-1][0].startswith("/cong-viec/")
    body = response.content.decode()
    assert "Không thành công" in body and "TG404" in body
