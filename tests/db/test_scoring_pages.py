"""The scoring pages (issue #5): criteria sets, the round of a block year, score sheets, the
ranking and its chart, as each persona sees them; forms go through the actions; a save that lost a
race keeps the user's input on screen; sheets and results stay private until published."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.core.docx_xml import DocxXml
from thidua.accounts.models import Role
from thidua.blocs import actions as bloc_actions
from thidua.blocs.models import BlocKind, MeetingKind
from thidua.scoring import actions
from thidua.scoring.models import CriteriaSet, Criterion, Score, ScoreChange, ScoreSheet, ScoringRound, SetState, SheetState
from tests.factories import grant, make_user

pytestmark = pytest.mark.django_db

YEAR = dt.date.today().year  # the head unit's officers are Trưởng khối during this year's term


@pytest.fixture
def block(world):
    """A block of this year: Ban Tuyên giáo and Ban Tổ chức, Ban Tổ chức heads it; an officer of
    Ban Tổ chức (world.head) is therefore Trưởng khối."""
    bloc = bloc_actions.do_create_bloc(actor=None, province=world.an_giang, data={"name": "Khối các cơ quan Đảng tỉnh", "kind": BlocKind.KHOI})
    year, _ = bloc_actions.do_open_year(actor=None, bloc=bloc, year=YEAR)
    for unit in (world.tuyen_giao, world.to_chuc):
        bloc_actions.do_add_member(actor=None, bloc_year=year, unit=unit)
    year = bloc_actions.do_set_leadership(actor=None, bloc_year=year, head_unit=world.to_chuc, deputy_unit=None, expected_version=year.version)
    world.head = make_user("can-bo-to-chuc", first_name="Trần Văn", last_name="Minh")
    grant(world.head, Role.UNIT_OFFICER, world.an_giang_old, unit=world.to_chuc)
    world.bloc, world.year = bloc, year
    return year


def make_set(world, bloc=None, year=YEAR, name="Bảng tiêu chí chấm điểm thi đua"):
    criteria_set = actions.do_create_criteria_set(
        actor=None, province=world.an_giang, data={"name": name, "year": year, "bloc": bloc, "tie_breakers": ["MORE_BONUS"]}
    )
    rows = [
        ("1", "Công tác tham mưu", "GROUP", "60", None, False),
        ("1.1", "Tham mưu ban hành văn bản đúng hạn", "SCORE", "30", "1", False),
        ("1.2", "Tổ chức thực hiện nhiệm vụ được giao", "SCORE", "30", "1", False),
        ("2", "Phong trào thi đua", "GROUP", "40", None, False),
        ("2.1", "Tổ chức phong trào thi đua", "SCORE", "40", "2", False),
        ("3", "Điểm thưởng", "GROUP", "5", None, False),
        ("3.1", "Được tặng Cờ thi đua", "BONUS", "5", "3", False),
        ("4", "Bị nhắc nhở về chậm báo cáo", "DEDUCTION", "5", None, False),
    ]
    for code, title, kind, max_points, parent, evidence in rows:
        actions.do_add_criterion(
            actor=None, criteria_set=criteria_set,
            data={"code": code, "title": title, "kind": kind, "max_points": Decimal(max_points), "parent_code": parent, "evidence_required": evidence},
        )
    return CriteriaSet.objects.get(pk=criteria_set.pk)


@pytest.fixture
def scoring_round(world, block):
    criteria_set = make_set(world, bloc=world.bloc)
    return actions.do_open_round(actor=None, bloc_year=block, criteria_set=criteria_set, quota=1)


def sheet_of(scoring_round, unit):
    return ScoreSheet.objects.get(round=scoring_round, unit=unit)


def fill(sheet, points: dict, level="SELF", reasons=None):
    sheet = ScoreSheet.objects.get(pk=sheet.pk)
    return actions.do_save_scores(actor=None, sheet=sheet, level=level, values=points, reasons=reasons, expected_version=sheet.version)


def step(sheet, event, reason=""):
    sheet = ScoreSheet.objects.get(pk=sheet.pk)
    return actions.do_transition_sheet(actor=None, sheet=sheet, event=event, reason=reason, expected_version=sheet.version)


FULL = {"1.1": "28", "1.2": "27", "2.1": "35", "3.1": "0", "4": "0"}


def appraised(scoring_round, unit, points=FULL):
    sheet = sheet_of(scoring_round, unit)
    fill(sheet, points)
    for event in ("submit", "cross_check", "appraise"):
        step(sheet, event)
    return ScoreSheet.objects.get(pk=sheet.pk)


def publish(world, scoring_round):
    meeting = bloc_actions.do_record_meeting(
        actor=None, bloc_year=scoring_round.bloc_year, data={"kind": MeetingKind.OTHER, "held_on": dt.date(YEAR, 12, 15), "place": "An Giang"},
        attending=[world.tuyen_giao, world.to_chuc],
    )
    scoring_round = ScoringRound.objects.get(pk=scoring_round.pk)
    return actions.do_publish_results(actor=None, round=scoring_round, meeting=meeting, expected_version=scoring_round.version), meeting


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# ---------------------------------------------------------------- home and menu


@pytest.mark.sqlite
def test_home_lists_the_round_and_the_sheet_the_unit_must_fill(world, scoring_round, client_for):
    client = client_for(world.unit_officer)
    response = client.get(reverse("scoring:home"))
    assert response.status_code == 200
    body = text(response)
    assert ">Chấm điểm</a>" in body  # the menu entry exists once the route does
    assert "Phiếu cần tự chấm và gửi" in body
    assert reverse("scoring:sheet", args=[sheet_of(scoring_round, world.tuyen_giao).uid]) in body
    # Not the other unit's sheet.
    assert reverse("scoring:sheet", args=[sheet_of(scoring_round, world.to_chuc).uid]) not in body


def test_home_tells_the_block_head_what_to_cross_check_and_appraise(world, scoring_round):
    fill(sheet_of(scoring_round, world.tuyen_giao), FULL)
    step(sheet_of(scoring_round, world.tuyen_giao), "submit")
    client = Client()
    client.force_login(world.head)
    body = text(client.get(reverse("scoring:home")))
    assert "Phiếu cần chấm chéo" in body and "Ban Tuyên giáo Tỉnh ủy" in body


def test_home_of_a_province_officer_offers_to_open_a_round(world, block, client_for):
    body = text(client_for(world.an_officer).get(reverse("scoring:home")))
    assert "Năm thi đua chưa mở đợt chấm điểm" in body
    assert reverse("scoring:round", args=[block.uid]) in body


# ---------------------------------------------------------------- criteria sets


@pytest.mark.sqlite
def test_officer_creates_a_set_adds_a_group_and_a_criterion_through_the_pages(world, block, client_for):
    client = client_for(world.an_officer)
    response = client.post(reverse("scoring:set_create"), {
        "name": "Bảng tiêu chí khối Đảng", "year": YEAR, "bloc": str(world.bloc.uid), "tie_1": "MORE_BONUS", "tie_2": "FEWER_DEDUCTIONS",
        "band_XUAT_SAC": "95", "band_TOT": "85", "band_KHA": "70", "band_TRUNG_BINH": "50", "band_YEU": "0",
    })
    criteria_set = CriteriaSet.objects.get(name="Bảng tiêu chí khối Đảng")
    assert response.status_code == 302 and criteria_set.tie_breakers == ["MORE_BONUS", "FEWER_DEDUCTIONS"]
    add = reverse("scoring:criterion_add", args=[criteria_set.uid])
    client.post(add, {"code": "1", "title": "Công tác chuyên môn", "kind": "GROUP", "max_points": "60"})
    group = Criterion.objects.get(criteria_set=criteria_set, code="1")
    response = client.post(add, {"code": "1.1", "title": "Hoàn thành nhiệm vụ", "kind": "SCORE", "max_points": "60", "parent": str(group.uid),
                                 "evidence_required": "on", "guidance": "Đủ văn bản: 60 điểm"}, follow=True)
    body = text(response)
    assert "Đã thêm tiêu chí chấm điểm 1.1." in body
    assert "Hoàn thành nhiệm vụ" in body and "Đủ văn bản: 60 điểm" in body and "Bắt buộc" in body
    child = Criterion.objects.get(criteria_set=criteria_set, code="1.1")
    assert child.parent_id == group.pk and child.evidence_required
    # A bad criterion: the action's Vietnamese refusal on the form, nothing written.
    response = client.post(add, {"code": "1.2", "title": "Vượt mức nhóm", "kind": "SCORE", "max_points": "10", "parent": str(group.uid)})
    assert response.status_code == 400
    assert "vượt điểm tối đa của nhóm" in text(response)
    assert not Criterion.objects.filter(criteria_set=criteria_set, code="1.2").exists()


def test_criterion_edit_opens_inline_with_htmx_and_saves(world, block, client_for):
    criteria_set = make_set(world, bloc=world.bloc)
    criterion = Criterion.objects.get(criteria_set=criteria_set, code="2.1")
    client = client_for(world.an_officer)
    fragment = client.get(reverse("scoring:criterion_edit", args=[criterion.uid]), HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert fragment.content.decode().lstrip().startswith("<tr") and "Lưu tiêu chí" in fragment.content.decode()
    response = client.post(reverse("scoring:criterion_edit", args=[criterion.uid]), {
        "version": criterion.version, "code": "2.1", "title": "Tổ chức, hưởng ứng phong trào thi đua", "kind": "SCORE", "max_points": "40",
        "parent": str(criterion.parent.uid),
    })
    assert response.status_code == 302
    assert Criterion.objects.get(pk=criterion.pk).title == "Tổ chức, hưởng ứng phong trào thi đua"


def test_a_set_in_use_says_why_it_is_frozen_and_makes_a_new_version(world, scoring_round, client_for):
    criteria_set = scoring_round.criteria_set
    client = client_for(world.an_officer)
    body = text(client.get(reverse("scoring:set_detail", args=[criteria_set.uid])))
    assert "đang được sử dụng nên không sửa được" in body
    assert "Khối các cơ quan Đảng tỉnh năm" in body  # which round uses it
    assert "Tạo phiên bản mới để sửa" in body
    assert reverse("scoring:criterion_add", args=[criteria_set.uid]) not in body
    response = client.post(reverse("scoring:set_copy", args=[criteria_set.uid]), {"mode": "version"})
    copy = CriteriaSet.objects.exclude(pk=criteria_set.pk).get()
    assert response.status_code == 302 and response["Location"] == reverse("scoring:set_detail", args=[copy.uid])
    assert copy.state == SetState.DRAFT and copy.version_no == 2 and copy.criteria.count() == 8
    # The frozen set refuses a criterion edit even when posted directly.
    criterion = criteria_set.criteria.get(code="1.1")
    response = client.post(reverse("scoring:criterion_edit", args=[criterion.uid]), {
        "version": criterion.version, "code": "1.1", "title": "Đổi", "kind": "SCORE", "max_points": "30", "parent": str(criterion.parent.uid)})
    assert response.status_code == 400 and "hãy tạo phiên bản mới" in text(response)


def test_last_years_set_is_copied_to_this_year(world, block, client_for):
    old = make_set(world, bloc=world.bloc, year=YEAR - 1)
    client = client_for(world.an_officer)
    response = client.post(reverse("scoring:set_copy", args=[old.uid]), {"mode": "copy", "year": YEAR, "bloc": str(world.bloc.uid)})
    copy = CriteriaSet.objects.get(year=YEAR)
    assert response.status_code == 302 and copy.based_on_id == old.pk and copy.criteria.count() == 8


def test_a_set_goes_to_excel_and_back_and_a_bad_file_lists_its_rows(world, block, client_for):
    source = make_set(world, bloc=world.bloc)
    client = client_for(world.an_officer)
    exported = client.get(reverse("scoring:set_export", args=[source.uid]))
    assert exported.status_code == 200 and exported["Content-Type"].startswith("application/vnd.openxmlformats")
    upload = SimpleUploadedFile("bang-tieu-chi.xlsx", exported.content)
    response = client.post(reverse("scoring:set_import"), {"file": upload, "name": "Bảng nhập lại", "year": YEAR + 1, "bloc": str(world.bloc.uid)})
    imported = CriteriaSet.objects.get(name="Bảng nhập lại")
    assert response.status_code == 302
    assert sorted(imported.criteria.values_list("code", flat=True)) == sorted(source.criteria.values_list("code", flat=True))
    # A row over its maximum: nothing is created and the row is named.
    workbook = load_workbook(io.BytesIO(exported.content))
    sheet = workbook.worksheets[0]
    for row in sheet.iter_rows():
        if row[0].value == "2.1":
            row[4].value = 400
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = CriteriaSet.objects.count()
    response = client.post(reverse("scoring:set_import"), {
        "file": SimpleUploadedFile("sai.xlsx", buffer.getvalue()), "name": "Bảng lỗi", "year": YEAR + 2, "bloc": str(world.bloc.uid)})
    assert response.status_code == 400
    assert "“2”" in text(response) and CriteriaSet.objects.count() == before


# ---------------------------------------------------------------- sheets


@pytest.mark.sqlite
def test_unit_fills_and_submits_its_sheet_through_the_page(world, scoring_round, client_for):
    sheet = sheet_of(scoring_round, world.tuyen_giao)
    client = client_for(world.unit_officer)
    page = text(client.get(reverse("scoring:sheet", args=[sheet.uid])))
    assert 'name="points-1.1"' in page and "Nhập điểm tự chấm" in page
    data = {"version": sheet.version, **{f"points-{k}": v for k, v in FULL.items()}, "note-1.1": "Đủ 12/12 văn bản",
            "evidence-1.2": SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 minh chung")}
    response = client.post(reverse("scoring:sheet_save", args=[sheet.uid]), {**data, "submit_after_save": "1"}, follow=True)
    body = text(response)
    assert "Đã lưu và gửi phiếu chấm điểm để chấm chéo." in body
    sheet.refresh_from_db()
    assert sheet.state == SheetState.SUBMITTED
    score = Score.objects.get(sheet=sheet, criterion__code="1.1")
    assert score.self_points == Decimal("28") and score.self_note == "Đủ 12/12 văn bản"
    assert "bao-cao.pdf" in body and "Đã gửi, chờ chấm chéo" in body
    assert 'name="points-1.1"' not in body  # the unit no longer enters points


def test_a_refused_save_shows_the_row_error_and_keeps_the_input(world, scoring_round, client_for):
    sheet = sheet_of(scoring_round, world.tuyen_giao)
    client = client_for(world.unit_officer)
    response = client.post(reverse("scoring:sheet_save", args=[sheet.uid]), {"version": sheet.version, "points-1.1": "31", "points-2.1": "35"})
    assert response.status_code == 400
    body = text(response)
    assert "vượt mức tối đa 30" in body
    assert 'name="points-1.1" value="31"' in body and 'name="points-2.1" value="35"' in body
    assert Score.objects.get(sheet=sheet, criterion__code="2.1").self_points is None


def test_submitting_an_incomplete_sheet_names_the_missing_criteria(world, scoring_round, client_for):
    sheet = sheet_of(scoring_round, world.tuyen_giao)
    client = client_for(world.unit_officer)
    response = client.post(reverse("scoring:sheet_save", args=[sheet.uid]), {"version": sheet.version, "points-1.1": "0", "submit_after_save": "1"}, follow=True)
    body = text(response)
    assert "Đã lưu điểm." in body and "chưa chấm điểm" in body and "1.2. Tổ chức thực hiện nhiệm vụ được giao" in body
    assert ScoreSheet.objects.get(pk=sheet.pk).state == SheetState.DRAFT


@pytest.mark.sqlite
def test_the_second_of_two_concurrent_saves_is_refused_and_keeps_its_input(world, scoring_round, client_for):
    sheet = sheet_of(scoring_round, world.tuyen_giao)
    loaded_version = sheet.version
    colleague = make_user("dong-nghiep-tuyen-giao")
    grant(colleague, Role.UNIT_OFFICER, world.an_giang_old, unit=world.tuyen_giao)
    first = Client()
    first.force_login(colleague)
    assert first.post(reverse("scoring:sheet_save", args=[sheet.uid]), {"version": loaded_version, "points-1.1": "20"}).status_code == 302
    second = client_for(world.unit_officer)
    response = second.post(reverse("scoring:sheet_save", args=[sheet.uid]), {"version": loaded_version, "points-1.1": "25", "note-1.1": "Theo báo cáo quý IV"})
    assert response.status_code == 409
    body = text(response)
    assert "Đã có người sửa phiếu này" in body
    assert 'name="points-1.1" value="25"' in body and 'value="Theo báo cáo quý IV"' in body
    assert f'name="version" value="{loaded_version + 1}"' in body  # saving again now works on the new version
    assert Score.objects.get(sheet=sheet, criterion__code="1.1").self_points == Decimal("20")  # no lost update


def test_cross_check_needs_a_reason_per_changed_criterion_and_keeps_history(world, scoring_round):
    sheet = sheet_of(scoring_round, world.tuyen_giao)
    fill(sheet, FULL)
    step(sheet, "submit")
    sheet.refresh_from_db()
    head = Client()
    head.force_login(world.head)
    page = text(head.get(reverse("scoring:sheet", args=[sheet.uid])))
    assert "Nhập điểm chấm chéo" in page and 'name="reason-1.1"' in page
    assert 'name="points-1.1" value="28"' in page  # the reviewer starts from the unit's points
    posted = {"version": sheet.version, **{f"points-{k}": v for k, v in FULL.items()}, "points-1.1": "25"}
    response = head.post(reverse("scoring:sheet_save", args=[sheet.uid]), posted)
    assert response.status_code == 400
    assert "hãy ghi lý do sửa điểm (28 → 25)" in text(response) and 'name="points-1.1" value="25"' in text(response)
    response = head.post(reverse("scoring:sheet_save", args=[sheet.uid]), {**posted, "reason-1.1": "Thiếu 2 văn bản quý III"}, follow=True)
    body = text(response)
    assert "Đã lưu điểm." in body
    change = ScoreChange.objects.get(sheet=sheet)
    assert (change.old_points, change.new_points, change.reason) == (Decimal("28"), Decimal("25"), "Thiếu 2 văn bản quý III")
    assert "28 → 25" in body and "Thiếu 2 văn bản quý III" in body and "Chấm chéo" in body
    # Return one level with a reason: back to the unit, and the reason is shown.
    sheet.refresh_from_db()
    response = head.post(reverse("scoring:sheet_transition", args=[sheet.uid]), {"version": sheet.version, "event": "return", "reason": ""}, follow=True)
    assert "Trả lại phiếu phải ghi rõ lý do." in text(response)
    response = head.post(
        reverse("scoring:sheet_transition", args=[sheet.uid]), {"version": sheet.version, "event": "return", "reason": "Bổ sung minh chứng 1.2"}, follow=True
    )
    assert "Đã trả lại phiếu một cấp" in text(response)
    assert ScoreSheet.objects.get(pk=sheet.pk).state == SheetState.DRAFT
    unit = Client()
    unit.force_login(world.unit_officer)
    unit_page = text(unit.get(reverse("scoring:sheet", args=[sheet.uid])))
    assert "Lý do trả lại" in unit_page and "Bổ sung minh chứng 1.2" in unit_page and 'name="points-1.1"' in unit_page


def test_viewer_sees_a_sheet_read_only_and_cannot_save(world, scoring_round, client_for):
    sheet = sheet_of(scoring_round, world.tuyen_giao)
    client = client_for(world.viewer)
    page = client.get(reverse("scoring:sheet", args=[sheet.uid]))
    # The province's viewer does not see sheets before publication.
    assert page.status_code == 404
    response = client.post(reverse("scoring:sheet_save", args=[sheet.uid]), {"version": sheet.version, "points-1.1": "1"})
    assert response.status_code == 404
    assert Score.objects.get(sheet=sheet, criterion__code="1.1").self_points is None


def test_sheet_goes_to_excel_and_back(world, scoring_round, client_for):
    sheet = sheet_of(scoring_round, world.tuyen_giao)
    client = client_for(world.unit_officer)
    exported = client.get(reverse("scoring:sheet_export", args=[sheet.uid]))
    assert exported.status_code == 200
    workbook = load_workbook(io.BytesIO(exported.content))
    ws = workbook["Phiếu chấm điểm"]
    header_row = next(r for r in ws.iter_rows() if any(c.value == "Điểm chấm" for c in r))
    points_col = next(c.column for c in header_row if c.value == "Điểm chấm")
    for row in ws.iter_rows(min_row=header_row[0].row + 1):
        code = row[0].value
        if code in FULL:
            ws.cell(row=row[0].row, column=points_col, value=int(FULL[code]) if code != "1.1" else 99)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client.post(reverse("scoring:sheet_import", args=[sheet.uid]), {"version": sheet.version, "file": SimpleUploadedFile("phieu.xlsx", buffer.getvalue())})
    assert response.status_code == 400
    assert "vượt mức tối đa 30" in text(response) and "Dòng" in text(response)
    assert not Score.objects.filter(sheet=sheet, self_points__isnull=False).exists()  # all or nothing
    for row in ws.iter_rows(min_row=header_row[0].row + 1):
        if row[0].value == "1.1":
            ws.cell(row=row[0].row, column=points_col, value=28)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client.post(reverse("scoring:sheet_import", args=[sheet.uid]), {"version": sheet.version, "file": SimpleUploadedFile("phieu.xlsx", buffer.getvalue())}, follow=True)
    assert "Đã nhập điểm 5 tiêu chí từ tệp Excel." in text(response)
    assert Score.objects.get(sheet=sheet, criterion__code="1.1").self_points == Decimal("28")


# ---------------------------------------------------------------- round, ranking, visibility


def test_round_is_opened_from_the_block_year_page(world, block, client_for):
    criteria_set = make_set(world, bloc=world.bloc)
    client = client_for(world.an_officer)
    page = text(client.get(reverse("scoring:round", args=[block.uid])))
    assert "Mở đợt chấm điểm năm" in page
    response = client.post(reverse("scoring:round_open", args=[block.uid]), {"criteria_set": str(criteria_set.uid), "quota": "1"}, follow=True)
    assert "Đã mở đợt chấm điểm" in text(response)
    assert ScoreSheet.objects.filter(round__bloc_year=block).count() == 2
    assert CriteriaSet.objects.get(pk=criteria_set.pk).state == SetState.IN_USE


def test_members_see_only_their_sheets_and_no_ranking_before_publication_then_everything(world, scoring_round, client_for):
    appraised(scoring_round, world.tuyen_giao)
    other = appraised(scoring_round, world.to_chuc, {**FULL, "1.1": "30", "3.1": "5"})
    client = client_for(world.unit_officer)
    page = text(client.get(reverse("scoring:round", args=[scoring_round.bloc_year.uid])))
    assert "Bảng xếp hạng" not in page and "<svg" not in page
    assert reverse("scoring:sheet", args=[other.uid]) not in page
    assert client.get(reverse("scoring:sheet", args=[other.uid])).status_code == 404
    assert client.get(reverse("scoring:round_export", args=[scoring_round.uid])).status_code == 403
    assert client.get(reverse("scoring:round_export_pdf", args=[scoring_round.uid])).status_code == 403
    year_page = text(client.get(reverse("blocs:year_detail", args=[scoring_round.bloc_year.uid])))
    assert "Xếp hạng / xếp loại" not in year_page

    publish(world, scoring_round)
    page = text(client.get(reverse("scoring:round", args=[scoring_round.bloc_year.uid])))
    assert "Bảng xếp hạng" in page and "(tạm tính" not in page
    assert client.get(reverse("scoring:sheet", args=[other.uid])).status_code == 200
    export = client.get(reverse("scoring:round_export", args=[scoring_round.uid]))
    assert export.status_code == 200
    # The same table as DOCX in the layout councils use: landscape, the block's heading, its head signs.
    docx = client.get(reverse("scoring:round_export_docx", args=[scoring_round.uid]))
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    xml = DocxXml(docx.content)
    table_text = xml.text()
    assert xml.page_mm() == (297.0, 210.0)
    assert "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG THI ĐUA" in table_text and "KHỐI CÁC CƠ QUAN ĐẢNG TỈNH" in table_text
    assert "Ban Tuyên giáo Tỉnh ủy" in table_text and "Ban Tổ chức Tỉnh ủy" in table_text and "Tổng điểm" in table_text
    assert "TRƯỞNG KHỐI" in table_text and "Kết quả đã công bố ngày " in table_text and "Số" not in table_text.split("BẢNG TỔNG HỢP")[0]
    # And as PDF, what a văn thư prints: the title on the page, the head's signature after the table.
    pdf = client.get(reverse("scoring:round_export_pdf", args=[scoring_round.uid]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    import subprocess

    printed = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf.content, capture_output=True, check=True).stdout.decode()
    assert "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG THI ĐUA" in printed
    assert printed.index("Tổng") < printed.index("Ban Tổ chức Tỉnh ủy") < printed.rindex("TRƯỞNG KHỐI")
    year_page = text(client.get(reverse("blocs:year_detail", args=[scoring_round.bloc_year.uid])))
    assert "Xếp hạng / xếp loại" in year_page and "Hạng 1" in year_page and "Hạng 2" in year_page


@pytest.mark.sqlite
def test_ranking_table_and_chart_show_rank_band_leader_and_unranked_reason(world, block, client_for):
    criteria_set = make_set(world, bloc=world.bloc)
    scoring_round = actions.do_open_round(actor=None, bloc_year=block, criteria_set=criteria_set, quota=1)
    appraised(scoring_round, world.to_chuc, {**FULL, "1.1": "30", "1.2": "30", "2.1": "38", "3.1": "5"})  # 98 + 5 = 103
    fill(sheet_of(scoring_round, world.tuyen_giao), FULL)  # still a draft
    client = Client()
    client.force_login(world.head)
    body = text(client.get(reverse("scoring:round", args=[block.uid])))
    assert "Bảng xếp hạng (tạm tính, chưa công bố)" in body
    assert "Đề xuất dẫn đầu" in body and "Xuất sắc" in body
    assert "Phiếu chưa gửi (đơn vị đang tự chấm): không xếp hạng" in body
    # The chart: server-side SVG, colours from CSS classes, never a style attribute.
    svg = body[body.index("<svg"): body.index("</svg>")]
    assert 'class="seg s0"' in svg and 'class="seg bonus"' in svg and "style=" not in svg
    assert "Ban Tổ chức Tỉnh ủy" in svg and "103" in svg
    assert 'href="/static/css/scoring.css"' in body


def test_head_publishes_at_a_meeting_and_confirms_the_leader(world, scoring_round):
    appraised(scoring_round, world.to_chuc, {**FULL, "1.1": "30"})
    sheet = sheet_of(scoring_round, world.tuyen_giao)
    fill(sheet, FULL)
    meeting = bloc_actions.do_record_meeting(
        actor=None, bloc_year=scoring_round.bloc_year, data={"kind": MeetingKind.OTHER, "held_on": dt.date(YEAR, 12, 15), "place": "An Giang"},
        attending=[world.tuyen_giao, world.to_chuc],
    )
    client = Client()
    client.force_login(world.head)
    round_url = reverse("scoring:round", args=[scoring_round.bloc_year.uid])
    page = text(client.get(round_url))
    assert "Công bố kết quả tại hội nghị" in page and f'name="unranked-{sheet.uid}"' in page
    scoring_round.refresh_from_db()
    publish_url = reverse("scoring:round_publish", args=[scoring_round.uid])
    response = client.post(publish_url, {"version": scoring_round.version, "meeting": str(meeting.uid)})
    assert response.status_code == 400 and "còn 1 phiếu chưa thẩm định" in text(response)
    response = client.post(
        publish_url, {"version": scoring_round.version, "meeting": str(meeting.uid), f"unranked-{sheet.uid}": "Nộp phiếu quá hạn"}, follow=True
    )
    body = text(response)
    assert "Đã công bố kết quả chấm điểm" in body and "Không xếp hạng: Nộp phiếu quá hạn" in body
    scoring_round.refresh_from_db()
    assert scoring_round.is_published
    assert "Xác nhận đơn vị dẫn đầu" in body
    response = client.post(reverse("scoring:round_leader", args=[scoring_round.uid]), {
        "version": scoring_round.version, "unit": str(world.to_chuc.uid), "how": "ACCLAMATION", "note": "Hội nghị suy tôn 2/2 đơn vị"}, follow=True)
    assert "Đã ghi nhận Ban Tổ chức Tỉnh ủy là đơn vị dẫn đầu" in text(response)
    assert ScoringRound.objects.get(pk=scoring_round.pk).confirmed_leader_id == world.to_chuc.pk
    # Published: the sheet pages are read only.
    published_sheet = sheet_of(scoring_round, world.to_chuc)
    assert 'name="points-1.1"' not in text(client.get(reverse("scoring:sheet", args=[published_sheet.uid])))


def test_the_outsider_province_gets_404_on_every_scoring_page(world, scoring_round, client_for):
    client = client_for(world.qn_officer)
    sheet = sheet_of(scoring_round, world.tuyen_giao)
    for url in (
        reverse("scoring:round", args=[scoring_round.bloc_year.uid]),
        reverse("scoring:sheet", args=[sheet.uid]),
        reverse("scoring:set_detail", args=[scoring_round.criteria_set.uid]),
    ):
        assert client.get(url).status_code == 404, url
    assert "Khối các cơ quan Đảng tỉnh" not in text(client.get(reverse("scoring:home")))


def test_an_assigned_peer_unit_sees_and_cross_checks_the_sheet(world, block, client_for):
    from thidua.org import actions as org_actions

    office = org_actions.do_create_unit(actor=None, province=world.an_giang_old, data={"name": "Văn phòng Tỉnh ủy", "kind": "PARTY"})
    bloc_actions.do_add_member(actor=None, bloc_year=block, unit=office)
    peer = make_user("can-bo-van-phong")
    grant(peer, Role.UNIT_OFFICER, world.an_giang_old, unit=office)
    scoring_round = actions.do_open_round(actor=None, bloc_year=block, criteria_set=make_set(world, bloc=world.bloc))
    sheet = sheet_of(scoring_round, world.tuyen_giao)
    fill(sheet, FULL)
    step(sheet, "submit")
    peer_client = Client()
    peer_client.force_login(peer)
    assert peer_client.get(reverse("scoring:sheet", args=[sheet.uid])).status_code == 404
    officer = client_for(world.an_officer)
    page = text(officer.get(reverse("scoring:round", args=[block.uid])))
    assert "Phân công chấm chéo" in page
    response = officer.post(reverse("scoring:round_assign", args=[scoring_round.uid]), {"sheet": str(sheet.uid), "reviewer_units": [str(office.uid)]}, follow=True)
    assert "Đã phân công Văn phòng Tỉnh ủy chấm chéo phiếu của Ban Tuyên giáo Tỉnh ủy." in text(response)
    # A unit cannot cross-check its own sheet: refused with the reason on the form.
    response = officer.post(reverse("scoring:round_assign", args=[scoring_round.uid]), {"sheet": str(sheet.uid), "reviewer_units": [str(world.tuyen_giao.uid)]})
    assert response.status_code == 400 and "không tự chấm chéo phiếu của chính mình" in text(response)
    page = text(peer_client.get(reverse("scoring:sheet", args=[sheet.uid])))
    assert "Nhập điểm chấm chéo" in page
    assert "Phiếu cần chấm chéo" in text(peer_client.get(reverse("scoring:home")))
    assert peer_client.get(reverse("scoring:sheet", args=[sheet_of(scoring_round, world.to_chuc).uid])).status_code == 404


def test_the_unit_removes_an_evidence_file_while_drafting(world, scoring_round, client_for):
    sheet = sheet_of(scoring_round, world.tuyen_giao)
    evidence = actions.do_attach_evidence(actor=None, sheet=sheet, code="1.2", upload=SimpleUploadedFile("cu.pdf", b"%PDF-1.4 cu"))
    client = client_for(world.unit_officer)
    page = text(client.get(reverse("scoring:sheet", args=[sheet.uid])))
    assert f'form="xoa-{evidence.uid}"' in page and f'id="xoa-{evidence.uid}"' in page
    download = client.get(reverse("scoring:evidence", args=[evidence.uid]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 cu"
    response = client.post(reverse("scoring:evidence_remove", args=[evidence.uid]), follow=True)
    assert "Đã xóa tệp minh chứng “cu.pdf”." in text(response)
    assert not sheet.scores.filter(evidence__isnull=False).exists()


def test_set_settings_are_edited_and_a_bad_band_order_is_refused(world, block, client_for):
    criteria_set = make_set(world, bloc=world.bloc)
    client = client_for(world.an_officer)
    url = reverse("scoring:set_edit", args=[criteria_set.uid])
    form = text(client.get(url))
    assert 'value="95"' in form and "Nhiều điểm thưởng hơn" in form
    data = {"version": criteria_set.version, "name": "Bảng tiêu chí (sửa)", "tie_1": "FEWER_DEDUCTIONS", "results_visible_before_publish": "on",
            "band_XUAT_SAC": "90", "band_TOT": "80", "band_KHA": "65", "band_TRUNG_BINH": "50", "band_YEU": "0"}
    response = client.post(url, {**data, "band_TOT": "92"})
    assert response.status_code == 400 and "phải giảm dần" in text(response)
    response = client.post(url, data, follow=True)
    assert "Đã lưu bảng tiêu chí." in text(response) and "Xuất sắc từ 90 điểm" in text(response)
    criteria_set.refresh_from_db()
    assert criteria_set.tie_breakers == ["FEWER_DEDUCTIONS"] and criteria_set.results_visible_before_publish


def test_a_block_that_shows_results_early_lets_members_see_each_other_before_publication(world, block, client_for):
    criteria_set = make_set(world, bloc=world.bloc)
    criteria_set = actions.do_update_criteria_set(
        actor=None, criteria_set=criteria_set, data={"results_visible_before_publish": True}, expected_version=criteria_set.version
    )
    scoring_round = actions.do_open_round(actor=None, bloc_year=block, criteria_set=criteria_set)
    other = appraised(scoring_round, world.to_chuc)
    client = client_for(world.unit_officer)
    page = text(client.get(reverse("scoring:round", args=[block.uid])))
    assert "Bảng xếp hạng (tạm tính, chưa công bố)" in page and "<svg" in page
    assert client.get(reverse("scoring:sheet", args=[other.uid])).status_code == 200


def test_a_save_refused_because_the_sheet_moved_on_still_shows_what_was_typed(world, scoring_round, client_for):
    sheet = sheet_of(scoring_round, world.tuyen_giao)
    loaded_version = sheet.version
    fill(sheet, FULL)
    step(sheet, "submit")  # a colleague saved and submitted meanwhile
    response = client_for(world.unit_officer).post(
        reverse("scoring:sheet_save", args=[sheet.uid]), {"version": loaded_version, "points-1.1": "29", "note-1.1": "Bổ sung văn bản"}
    )
    body = text(response)
    assert response.status_code == 409
    assert "Phiếu đã chuyển sang bước “Đã gửi, chờ chấm chéo”" in body
    assert "Điểm bạn vừa nhập (chưa được lưu)" in body and "Bổ sung văn bản" in body and ">29<" in body
    assert Score.objects.get(sheet=sheet, criterion__code="1.1").self_points == Decimal("28")
