"""Excel import of units and people: all or nothing, every bad row reported in Vietnamese."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from thidua.audit.models import AuditLog
from thidua.core.errors import NotPermitted
from thidua.org import actions, importer
from thidua.org.import_views import XLSX_TYPE
from thidua.org.models import Department, Person, Unit

pytestmark = pytest.mark.django_db

UNIT_HEADERS = [c.title for c in importer.UNIT_COLUMNS]
PERSON_HEADERS = [c.title for c in importer.PERSON_COLUMNS]


def workbook_bytes(units=(), people=(), *, unit_headers=UNIT_HEADERS, person_headers=PERSON_HEADERS) -> bytes:
    wb = Workbook()
    wb.active.title = "Hướng dẫn"
    ws = wb.create_sheet("Đơn vị")
    ws.append(list(unit_headers))
    for row in units:
        ws.append(list(row))
    ws = wb.create_sheet("Cá nhân")
    ws.append(list(person_headers))
    for row in people:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def unit_row(name, kind="Cơ quan Đảng", **extra):
    values = {"short_name": "", "doc_format": "", "superior_name": "", "parent": "", "address": "", "established_on": ""}
    values.update(extra)
    return [name, values["short_name"], kind, values["doc_format"], values["superior_name"], values["parent"],
            values["address"], values["established_on"]]


def person_row(name, unit, gender="Nam", birth="15/08/1980", **extra):
    values = {"ethnicity": "Kinh", "staff_code": "", "department": "", "position": "Chuyên viên", "leader": "Không", "party": "Có"}
    values.update(extra)
    return [name, gender, birth, values["ethnicity"], values["staff_code"], unit, values["department"], values["position"],
            values["leader"], values["party"]]


def run_import(actor, province, data: bytes, **kwargs):
    return importer.import_workbook(actor=actor, province=province, fileobj=io.BytesIO(data), file_name="danh-muc.xlsx", **kwargs)


def counts():
    return (Unit.objects.count(), Person.objects.count(), Department.objects.count(), AuditLog.objects.count())


def rejected_issues(actor, province, data: bytes) -> list[str]:
    before = counts()
    summaries = AuditLog.objects.filter(action="org.registry.import").count()
    with pytest.raises(importer.ImportRejected) as info:
        run_import(actor, province, data)
    assert counts() == before, "a rejected import must write nothing, not even an audit row"
    assert AuditLog.objects.filter(action="org.registry.import").count() == summaries
    assert "Chưa có dữ liệu nào được ghi" in info.value.message
    return [str(issue) for issue in info.value.issues]


# --------------------------------------------------------------------------- success


def test_good_workbook_imports_units_people_and_departments(world):
    data = workbook_bytes(
        units=[
            unit_row("Ban Nội chính Tỉnh ủy", superior_name="TỈNH ỦY AN GIANG", established_on="01/02/2007"),
            unit_row("Báo An Giang", kind="Đơn vị sự nghiệp công lập", established_on=dt.datetime(1976, 4, 30)),
        ],
        people=[
            person_row("Nguyễn Thị Thu Hà", "Ban Nội chính Tỉnh ủy", gender="Nữ", birth="05/03/1985", staff_code="NC-001",
                       department="Phòng Nghiên cứu", position="Trưởng phòng", leader="Có"),
            person_row("Lê Văn Tám", "Ban Nội chính Tỉnh ủy", birth=dt.datetime(1979, 12, 1), department="Phòng Nghiên cứu"),
            person_row("Trần Quốc Bảo", "Báo An Giang", party="Không"),
            # An existing unit of the pre-2025 province, inside the An Giang officer's scope.
            person_row("Phạm Thị Mai", "Ban Tuyên giáo Tỉnh ủy", gender="Nữ", birth="20/10/1990", ethnicity="Khmer"),
        ],
    )
    before_units, before_people = Unit.objects.count(), Person.objects.count()
    result = run_import(world.an_officer, world.an_giang, data)
    assert (result.units, result.people, result.departments) == (2, 4, 1)
    assert result.message() == "Đã nhập 2 đơn vị, 4 cá nhân (thêm 1 phòng, ban mới)."
    assert Unit.objects.count() == before_units + 2
    assert Person.objects.count() == before_people + 4
    noi_chinh = Unit.objects.get(name="Ban Nội chính Tỉnh ủy", province=world.an_giang)
    assert noi_chinh.doc_format == "HD36"
    assert noi_chinh.established_on == dt.date(2007, 2, 1)
    assert Unit.objects.get(name="Báo An Giang").established_on == dt.date(1976, 4, 30)
    ha = Person.objects.get(full_name="Nguyễn Thị Thu Hà")
    assert (ha.gender, ha.birth_date, ha.unit, ha.department.name) == ("NU", dt.date(1985, 3, 5), noi_chinh, "Phòng Nghiên cứu")
    assert ha.is_leader and ha.is_party_member and ha.given_name == "Hà" and "nguyen thi thu ha" in ha.search_key
    assert Person.objects.get(full_name="Lê Văn Tám").department == ha.department
    mai = Person.objects.get(full_name="Phạm Thị Mai")
    assert mai.unit == world.tuyen_giao and mai.province == world.an_giang_old and mai.ethnicity == "Khmer"
    summary = AuditLog.objects.get(action="org.registry.import")
    assert summary.actor == world.an_officer
    assert summary.changes["people"] == [0, 4]
    assert AuditLog.objects.filter(action="org.person.create", object_uid=str(ha.uid)).exists()
    assert AuditLog.objects.filter(action="org.unit.create", object_uid=str(noi_chinh.uid)).exists()


@pytest.mark.sqlite
def test_upload_page_imports_the_filled_template(world, client_for):
    client = client_for(world.an_officer)
    page = client.get(reverse("orgimport:upload"))
    assert page.status_code == 200
    assert "Nhập đơn vị và cá nhân từ Excel" in page.content.decode()
    template = client.get(reverse("orgimport:template"))
    assert template.status_code == 200
    wb = load_workbook(io.BytesIO(template.content))
    assert wb.sheetnames[:3] == ["Hướng dẫn", "Đơn vị", "Cá nhân"]
    assert [c.value for c in wb["Cá nhân"][1]][:2] == ["Họ và tên *", "Giới tính *"]
    # Drop-down lists for kind, gender and yes/no.
    formulas = {dv.formula1 for dv in wb["Cá nhân"].data_validations.dataValidation}
    assert any("Danh mục" in f for f in formulas)
    wb["Đơn vị"].append(unit_row("Ban Dân vận Tỉnh ủy"))
    wb["Cá nhân"].append(person_row("Võ Thị Kim Ngân", "Ban Dân vận Tỉnh ủy", gender="Nữ"))
    buffer = io.BytesIO()
    wb.save(buffer)
    upload = SimpleUploadedFile("mau.xlsx", buffer.getvalue(), content_type=XLSX_TYPE)
    response = client.post(reverse("orgimport:upload"), {"file": upload}, follow=True)
    assert response.status_code == 200
    assert "Đã nhập 1 đơn vị, 1 cá nhân." in response.content.decode()
    assert Person.objects.get(full_name="Võ Thị Kim Ngân").unit.name == "Ban Dân vận Tỉnh ủy"


def test_dry_run_shows_a_preview_and_writes_nothing(world, client_for):
    client = client_for(world.an_officer)
    data = workbook_bytes(units=[unit_row("Ban Nội chính Tỉnh ủy")], people=[person_row("Đỗ Minh Khôi", "Ban Nội chính Tỉnh ủy")])
    before = counts()
    response = client.post(
        reverse("orgimport:upload"), {"file": SimpleUploadedFile("a.xlsx", data), "dry_run": "on"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Tệp hợp lệ: sẽ nhập 1 đơn vị, 1 cá nhân" in body
    assert "Đỗ Minh Khôi" in body
    assert counts() == before


def test_viewer_cannot_open_the_import_page_or_import(world, client_for):
    assert client_for(world.viewer).get(reverse("orgimport:upload")).status_code == 403
    with pytest.raises(NotPermitted):
        run_import(world.viewer, world.an_giang, workbook_bytes(people=[person_row("Hồ Văn Lâm", "Ban Tuyên giáo Tỉnh ủy")]))


# --------------------------------------------------------------------------- bad rows


BAD_ROWS = [
    pytest.param(
        {"people": [person_row("", "Ban Tuyên giáo Tỉnh ủy")]},
        "Trang “Cá nhân”, Dòng 2, cột Họ và tên: Ô bắt buộc, không được để trống.",
        id="missing-required",
    ),
    pytest.param(
        {"people": [person_row("Hồ Văn Lâm", "Ban Tuyên Giáo Tỉnh Uỷ Cần Thơ")]},
        "Trang “Cá nhân”, Dòng 2, cột Đơn vị: Không tìm thấy đơn vị “Ban Tuyên Giáo Tỉnh Uỷ Cần Thơ”",
        id="unknown-unit",
    ),
    pytest.param(
        # Another province's unit is unknown to the An Giang officer, not revealed as existing.
        {"people": [person_row("Hồ Văn Lâm", "Sở Nội vụ")]},
        "Trang “Cá nhân”, Dòng 2, cột Đơn vị: Không tìm thấy đơn vị “Sở Nội vụ”",
        id="unit-of-another-province",
    ),
    pytest.param(
        {"units": [unit_row("Ban Nội chính Tỉnh ủy"), unit_row("Ban Nội chính tỉnh ủy")]},
        "Trang “Đơn vị”, Dòng 3, cột Tên đơn vị: Trùng tên với đơn vị ở dòng 2 của trang này.",
        id="duplicate-unit-in-file",
    ),
    pytest.param(
        {"units": [unit_row("Ban Kinh tế Tỉnh ủy")]},
        "Trang “Đơn vị”, Dòng 2, cột Tên đơn vị: Đã có đơn vị đang hoạt động tên “Ban Kinh tế Tỉnh ủy” trong tỉnh.",
        id="duplicate-unit-in-database",
    ),
    pytest.param(
        {"people": [person_row("Hồ Văn Lâm", "Ban Tuyên giáo Tỉnh ủy", staff_code="TG-9"),
                    person_row("Hồ Văn Long", "Ban Tuyên giáo Tỉnh ủy", staff_code="TG-9")]},
        "Trang “Cá nhân”, Dòng 3, cột Mã cán bộ: Mã cán bộ “TG-9” trùng với dòng 2 của trang này.",
        id="duplicate-staff-code-in-file",
    ),
    pytest.param(
        {"people": [person_row("Hồ Văn Long", "Ban Tuyên giáo Tỉnh ủy", staff_code="TG-1")]},
        "Trang “Cá nhân”, Dòng 2, cột Mã cán bộ: Mã cán bộ “TG-1” đã được dùng cho người khác trong tỉnh.",
        id="duplicate-staff-code-in-database",
    ),
    pytest.param(
        {"people": [person_row("Nguyễn Văn Bình", "Ban Tuyên giáo Tỉnh ủy", birth="02/09/1975")]},
        "Trang “Cá nhân”, Dòng 2, cột Họ và tên: Đơn vị “Ban Tuyên giáo Tỉnh ủy” đã có “Nguyễn Văn Bình” (ngày sinh 02/09/1975).",
        id="duplicate-person-in-database",
    ),
    pytest.param(
        {"people": [person_row("Lý Thị Hoa", "Ban Tuyên giáo Tỉnh ủy", gender="Nữ"),
                    person_row("Lý Thị Hoa", "Ban Tuyên giáo Tỉnh ủy", gender="Nữ")]},
        "Trang “Cá nhân”, Dòng 3, cột Họ và tên: Trùng với dòng 2 của trang này (cùng họ tên, ngày sinh và đơn vị).",
        id="duplicate-person-in-file",
    ),
    pytest.param(
        {"people": [person_row("Hồ Văn Lâm", "Ban Tuyên giáo Tỉnh ủy", birth="31/02/2020")]},
        "Trang “Cá nhân”, Dòng 2, cột Ngày sinh: Ngày “31/02/2020” không có thật trên lịch",
        id="impossible-date",
    ),
    pytest.param(
        {"people": [person_row("Hồ Văn Lâm", "Ban Tuyên giáo Tỉnh ủy", birth="1980/15/08")]},
        "Trang “Cá nhân”, Dòng 2, cột Ngày sinh: Ngày không hợp lệ: “1980/15/08”",
        id="unreadable-date",
    ),
    pytest.param(
        {"people": [person_row("Hồ Văn Lâm", "Ban Tuyên giáo Tỉnh ủy",
                               birth=(dt.date.today() + dt.timedelta(days=3)).strftime("%d/%m/%Y"))]},
        "Trang “Cá nhân”, Dòng 2, cột Ngày sinh: Ngày sinh không được sau ngày hôm nay.",
        id="future-birth-date",
    ),
    pytest.param(
        {"people": [person_row("Hồ Văn Lâm", "Ban Tuyên giáo Tỉnh ủy", gender="Trai")]},
        "Trang “Cá nhân”, Dòng 2, cột Giới tính: Giá trị “Trai” không có trong danh sách. Chọn một trong: Nam; Nữ.",
        id="bad-gender",
    ),
    pytest.param(
        {"units": [unit_row("Ban Nội chính Tỉnh ủy", kind="Cơ quan Đoàn")]},
        "Trang “Đơn vị”, Dòng 2, cột Loại đơn vị: Giá trị “Cơ quan Đoàn” không có trong danh sách.",
        id="bad-unit-kind",
    ),
    pytest.param(
        {"people": [person_row("Hồ Văn Lâm", "Ban Tuyên giáo Tỉnh ủy", party="Chưa rõ")]},
        "Trang “Cá nhân”, Dòng 2, cột Đảng viên: Giá trị “Chưa rõ” không hợp lệ. Ghi “Có” hoặc “Không”.",
        id="bad-yes-no",
    ),
]


@pytest.mark.parametrize(("rows", "expected"), BAD_ROWS)
def test_a_bad_row_rejects_the_whole_file_with_a_vietnamese_report(world, rows, expected):
    actions.do_create_unit(actor=None, province=world.an_giang, data={"name": "Ban Kinh tế Tỉnh ủy", "kind": "PARTY"})
    actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Trương Văn Tài", "gender": "NAM", "staff_code": "TG-1"})
    actions.do_create_person(
        actor=None, unit=world.tuyen_giao, data={"full_name": "Nguyễn Văn Bình", "gender": "NAM", "birth_date": dt.date(1975, 9, 2)}
    )
    # Good rows around the bad one: none of them may be written either.
    units = list(rows.get("units", [])) + [unit_row("Văn phòng Tỉnh ủy")]
    people = list(rows.get("people", [])) + [person_row("Châu Thị Ngọc", "Văn phòng Tỉnh ủy", gender="Nữ")]
    issues = rejected_issues(world.an_officer, world.an_giang, workbook_bytes(units=units, people=people))
    assert any(issue.startswith(expected) for issue in issues), issues
    assert not Unit.objects.filter(name="Văn phòng Tỉnh ủy").exists()
    assert not Person.objects.filter(full_name="Châu Thị Ngọc").exists()


def test_every_bad_row_and_column_is_listed_at_once(world, client_for):
    data = workbook_bytes(people=[
        person_row("", "Ban Tuyên giáo Tỉnh ủy", birth="31/02/2020"),
        person_row("Hồ Văn Lâm", "Ban Không Có", gender="X"),
    ])
    before = counts()
    last_audit = AuditLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    # The rows are checked by the import's background job; its page lists every rejected row.
    response = client_for(world.an_officer).post(reverse("orgimport:upload"), {"file": SimpleUploadedFile("a.xlsx", data)},
                                                 follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Không thành công" in body
    assert "Không nhập được: tệp có 4 lỗi" in body
    for text in ("Ô bắt buộc, không được để trống.", "Ngày “31/02/2020” không có thật trên lịch",
                 "Không tìm thấy đơn vị “Ban Không Có”", "Giá trị “X” không có trong danh sách"):
        assert text in body
    # Nothing written: no unit, person or department, and no audit row but the job's start.
    assert counts()[:3] == before[:3]
    assert list(AuditLog.objects.filter(pk__gt=last_audit).values_list("action", flat=True)) == ["jobs.job.start"]


# --------------------------------------------------------------------------- the file itself


def test_a_csv_renamed_to_xlsx_is_refused_by_its_content(world, client_for):
    csv_bytes = "Họ và tên,Giới tính,Đơn vị\nHồ Văn Lâm,Nam,Ban Tuyên giáo Tỉnh ủy\n".encode()
    before = counts()
    response = client_for(world.an_officer).post(
        reverse("orgimport:upload"), {"file": SimpleUploadedFile("danh-sach.xlsx", csv_bytes, content_type=XLSX_TYPE)}
    )
    assert response.status_code == 422
    assert "Tệp không phải bảng tính Excel (.xlsx)" in response.content.decode()
    assert counts() == before


def test_old_xls_and_zip_without_workbook_are_refused(world):
    xls = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000
    assert "Excel 97-2003 (.xls)" in rejected_issues(world.an_officer, world.an_giang, xls)[0]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert "không phải bảng tính Excel" in rejected_issues(world.an_officer, world.an_giang, buffer.getvalue())[0]


def test_file_over_the_size_limit_is_refused_before_reading(world, client_for, settings):
    data = workbook_bytes(people=[person_row("Hồ Văn Lâm", "Ban Tuyên giáo Tỉnh ủy")])
    # The real limit is 10 MB; the size check is the same with a small limit and a small file.
    settings.IMPORT_MAX_BYTES = len(data) - 1
    before = counts()
    response = client_for(world.an_officer).post(reverse("orgimport:upload"), {"file": SimpleUploadedFile("a.xlsx", data)})
    assert response.status_code == 422
    assert "Tệp quá lớn" in response.content.decode()
    assert counts() == before


def test_declared_size_over_ten_megabytes_is_refused(world, settings):
    settings.IMPORT_MAX_BYTES = 10 * 1024 * 1024
    data = workbook_bytes(people=[person_row("Hồ Văn Lâm", "Ban Tuyên giáo Tỉnh ủy")])
    sheets, issues = importer.read_workbook(io.BytesIO(data), size=11 * 1024 * 1024)
    assert sheets == {}
    assert str(issues[0]) == "Tệp quá lớn (11,0 MB). Dung lượng tối đa là 10,0 MB; hãy chia nhỏ tệp."


def test_empty_file_and_header_only_file_are_refused(world):
    assert "Tệp rỗng" in rejected_issues(world.an_officer, world.an_giang, b"")[0]
    issue = rejected_issues(world.an_officer, world.an_giang, workbook_bytes())[0]
    assert issue == "Tệp không có dòng dữ liệu nào (chỉ có dòng tiêu đề). Hãy điền dữ liệu từ dòng thứ 2."


def test_workbook_without_the_data_sheets_or_headers_is_refused(world):
    wb = Workbook()
    wb.active.append(["Họ và tên", "Giới tính"])
    buffer = io.BytesIO()
    wb.save(buffer)
    assert "không có trang “Đơn vị” hoặc “Cá nhân”" in rejected_issues(world.an_officer, world.an_giang, buffer.getvalue())[0]
    data = workbook_bytes(people=[["Hồ Văn Lâm", "Nam"]], person_headers=["Họ và tên", "Giới tính"])
    assert "Thiếu cột bắt buộc: Đơn vị" in rejected_issues(world.an_officer, world.an_giang, data)[0]


def test_too_many_rows_are_refused_with_a_message(world, monkeypatch):
    monkeypatch.setattr(importer, "MAX_ROWS", 3)
    data = workbook_bytes(people=[person_row(f"Hồ Văn Lâm {i}", "Ban Tuyên giáo Tỉnh ủy") for i in range(4)])
    assert "Tệp có quá nhiều dòng: tối đa 3 dòng" in rejected_issues(world.an_officer, world.an_giang, data)[0]


# --------------------------------------------------------------------------- text and scope


@pytest.mark.sqlite
def test_decomposed_input_is_stored_in_nfc(world):
    nfd = lambda text: unicodedata.normalize("NFD", text)  # noqa: E731
    data = workbook_bytes(
        units=[unit_row(nfd("Ban Nội chính Tỉnh ủy"))],
        people=[person_row(nfd("Nguyễn  Thị   Thu Hà"), nfd("Ban Nội chính Tỉnh ủy"), gender=nfd("Nữ"),
                           department=nfd("Phòng Nghiên cứu"))],
    )
    assert unicodedata.normalize("NFC", nfd("Hà")) != nfd("Hà")
    run_import(world.an_officer, world.an_giang, data)
    person = Person.objects.get(full_name="Nguyễn Thị Thu Hà")
    assert person.unit.name == "Ban Nội chính Tỉnh ủy" == unicodedata.normalize("NFC", person.unit.name)
    assert person.department.name == "Phòng Nghiên cứu"
    assert person.given_name == "Hà"
    # Searching without accents finds the imported person.
    from thidua.org.selectors import search

    assert list(search(Person.objects.all(), "thu ha")) == [person]


def test_unit_officer_imports_only_people_of_their_own_unit(world):
    good = workbook_bytes(people=[person_row("Hồ Văn Lâm", "Ban Tuyên giáo Tỉnh ủy")])
    result = run_import(world.unit_officer, None, good)
    assert result.people == 1
    assert Person.objects.get(full_name="Hồ Văn Lâm").unit == world.tuyen_giao
    bad = workbook_bytes(
        units=[unit_row("Ban Nội chính Tỉnh ủy")],
        people=[person_row("Lê Thị Cúc", "Ban Tuyên giáo Tỉnh ủy", gender="Nữ"), person_row("Mai Văn Đức", "Ban Tổ chức Tỉnh ủy")],
    )
    issues = rejected_issues(world.unit_officer, None, bad)
    assert "Trang “Đơn vị”, Dòng 2: Bạn không được thêm đơn vị: ngoài phạm vi được phân quyền." in issues
    assert "Trang “Cá nhân”, Dòng 3, cột Đơn vị: Đơn vị “Ban Tổ chức Tỉnh ủy” ngoài phạm vi được phân quyền của bạn." in issues
    assert not Person.objects.filter(full_name="Lê Thị Cúc").exists()


def test_unit_officer_upload_page_has_no_province_choice(world, client_for):
    client = client_for(world.unit_officer)
    data = workbook_bytes(people=[person_row("Hồ Văn Lâm", "Ban Tuyên giáo Tỉnh ủy")])
    response = client.post(reverse("orgimport:upload"), {"file": SimpleUploadedFile("a.xlsx", data)}, follow=True)
    assert "Đã nhập 1 cá nhân." in response.content.decode()
    assert AuditLog.objects.get(action="org.registry.import").province == world.an_giang_old


def test_parent_unit_may_be_an_existing_unit_or_an_earlier_row(world):
    data = workbook_bytes(units=[
        unit_row("Đảng ủy Khối các cơ quan tỉnh", superior_name="ĐẢNG BỘ TỈNH AN GIANG"),
        unit_row("Đảng ủy Sở Tư pháp", parent="Đảng ủy Khối các cơ quan tỉnh"),
        unit_row("Tạp chí Tuyên giáo", kind="Đơn vị sự nghiệp công lập", parent="Ban Tuyên giáo Tỉnh ủy"),
    ])
    run_import(world.an_officer, world.an_giang, data)
    assert Unit.objects.get(name="Đảng ủy Sở Tư pháp").parent.name == "Đảng ủy Khối các cơ quan tỉnh"
    assert Unit.objects.get(name="Tạp chí Tuyên giáo").parent == world.tuyen_giao


def test_parent_unit_on_a_later_row_or_unknown_is_reported(world):
    data = workbook_bytes(units=[
        unit_row("Đảng ủy Sở Y tế", parent="Đảng ủy Khối doanh nghiệp tỉnh"),
        unit_row("Đảng ủy Khối doanh nghiệp tỉnh"),
        unit_row("Đảng ủy Sở Xây dựng", parent="Sở Nội vụ"),
    ])
    issues = rejected_issues(world.an_officer, world.an_giang, data)
    assert issues[0].startswith("Trang “Đơn vị”, Dòng 2, cột Đơn vị cấp trên: Không tìm thấy đơn vị cấp trên “Đảng ủy Khối doanh nghiệp tỉnh”")
    # A unit of another province (Quảng Ninh's Sở Nội vụ) cannot be the parent.
    assert issues[1].startswith("Trang “Đơn vị”, Dòng 4, cột Đơn vị cấp trên: Không tìm thấy đơn vị cấp trên “Sở Nội vụ”")
