"""Word dossiers read in (issue #15, point 2): a lower unit's danh sách / tờ trình (.docx) becomes a
draft proposal only when the officer confirms; people matched whatever the tone placement, two
people of one name asked about, unknown people reported, award names mapped to the catalogue; and
every bad file refused in Vietnamese with nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from thidua.accounts import actions as account_actions
from thidua.audit.models import AuditLog
from thidua.docimport import actions
from thidua.docimport.models import ProposalImport
from thidua.org import actions as org_actions
from thidua.org.models import Province
from thidua.proposals.models import Proposal, ProposalAttachment, ProposalItem
from thidua.rules import docimport as core
from tests import docx_samples as samples

pytestmark = pytest.mark.django_db

API = "/api/v1/proposal-imports"


@pytest.fixture
def staff(world):
    province = Province.objects.get(pk=world.an_giang.pk)
    org_actions.do_update_province_settings(
        actor=None, province=province, data={"registration_required_for_proposal": False}, expected_version=province.version
    )

    def person(name, born=None):
        return org_actions.do_create_person(actor=None, unit=world.tuyen_giao, data={
            "full_name": name, "gender": "NU" if " Thị " in name else "NAM", "position_title": "Chuyên viên",
            "birth_date": dt.date(born, 3, 1) if born else None})

    return {
        # The registry writes the new tone placement; the lists write "Hoà".
        "hoa": person("Nguyễn Thị Hòa", 1985),
        "binh_80": person("Trần Văn Bình", 1980),
        "binh_88": person("Trần Văn Bình", 1988),
        "tam": person("Lê Văn Tâm", 1979),
        # Another unit's namesake is never a candidate.
        "other": org_actions.do_create_person(actor=None, unit=world.to_chuc, data={"full_name": "Phạm Minh Khang", "gender": "NAM"}),
    }


def _bearer(user) -> Client:
    _, secret = account_actions.do_create_api_token(actor=user, name="Cổng thông tin tỉnh")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _upload(client, data, *, unit, year=2025, name="danh-sach.docx"):
    return client.post(API, {"file": SimpleUploadedFile(name, data), "unit": str(unit.uid), "year": str(year)})


def _by_name(body):
    return {r["name"]: r for r in body["rows"]}


def _nothing_written():
    return ProposalImport.objects.count() == 0 and Proposal.objects.count() == 0


# ------------------------------------------------------------------------------- pure core


def test_name_key_ignores_tone_placement_but_keeps_tones():
    assert core.name_key("Nguyễn Thị Hoà") == core.name_key("Nguyễn Thị Hòa") == core.name_key("nguyễn thị hòa")
    assert core.name_key("Thuỷ") == core.name_key("Thủy")
    assert core.name_key("Nguyễn Thị Hòa") != core.name_key("Nguyễn Thị Hoa")
    assert core.loose_key("Nguyen Thi Hoa") == core.loose_key("Nguyễn Thị Hòa")


@pytest.mark.parametrize("text,code", [
    ("Lao động tiên tiến", "LDTT"), ("CSTĐCS", "CSTDCS"), ("Chiến sĩ thi đua cấp tỉnh", "CSTD_TINH"),
    ("Bằng khen của Chủ tịch UBND tỉnh", "BK_TINH"), ("Đề nghị tặng Bằng khen của Thủ tướng Chính phủ", "BK_TTG"),
    ("Giấy khen của Giám đốc Sở", "GIAY_KHEN"), ("Tập thể lao động tiên tiến", "TTLDTT"),
    # Catalogue entries that go through manual appraisal are recognised too.
    ("Huân chương Lao động hạng Nhì", "HCLD_2"), ("Kỷ niệm chương", "KNC"), ("Anh hùng Lao động", "AHLD"),
    ("Bằng khen", None), ("Bằng khen của Ban Thường vụ Tỉnh ủy", None),
])
def test_award_names_map_to_the_catalogue(text, code):
    from thidua.docimport.matching import catalogue_entries

    assert core.match_award(text, core.award_index(catalogue_entries(None))) == code


# ------------------------------------------------------------------------------- reading and matching


def test_state_layout_with_merged_header_matches_people_and_awards(world, staff):
    client = _bearer(world.unit_officer)
    response = _upload(client, samples.state_list(), unit=world.tuyen_giao)
    assert response.status_code == 200, response.content
    body = response.json()
    rows = _by_name(body)
    assert set(rows) == {"Nguyễn Thị Hoà", "Trần Văn Bình", "Lê Văn Tâm", "Phạm Minh Khang"}
    assert [r["row"] for r in body["rows"]] == [1, 2, 3, 4]
    hoa = rows["Nguyễn Thị Hoà"]
    assert (hoa["status"], hoa["person"], hoa["award"]) == ("MATCHED", str(staff["hoa"].uid), "CSTDCS")
    binh = rows["Trần Văn Bình"]
    assert binh["status"] == "AMBIGUOUS" and binh["person"] is None
    assert set(binh["candidates"]) == {str(staff["binh_80"].uid), str(staff["binh_88"].uid)}
    assert "2 người" in binh["problems"][0]
    assert rows["Lê Văn Tâm"]["award"] == "BK_TINH"  # the "Hình thức khen thưởng" column under the merged heading
    khang = rows["Phạm Minh Khang"]  # only Ban Tổ chức has a Phạm Minh Khang
    assert khang["status"] == "UNKNOWN" and khang["candidates"] == [] and "Không có ai" in khang["problems"][0]
    assert body["problems"] == []
    # Read, not proposed.
    assert Proposal.objects.count() == 0
    imp = ProposalImport.objects.get(uid=body["uid"])
    assert (imp.unit, imp.year, imp.state, imp.title) == (world.tuyen_giao, 2025, "OPEN", "Danh sách đề nghị khen thưởng năm 2025")


def test_party_layout_award_in_heading_and_honorifics(world, staff):
    body = _upload(_bearer(world.unit_officer), samples.party_list(), unit=world.tuyen_giao).json()
    rows = _by_name(body)
    assert set(rows) == {"Nguyễn Thị Hoà", "Lê Văn Tâm", "Trần Văn Bình"}  # "Đồng chí", "Đ/c" and the chức vụ line gone
    assert {r["award"] for r in body["rows"]} == {"GIAY_KHEN"}  # "đề nghị tặng Giấy khen" in the heading
    assert rows["Lê Văn Tâm"]["status"] == "MATCHED"
    assert rows["Trần Văn Bình"]["status"] == "AMBIGUOUS"


def test_two_tables_and_a_name_without_accents(world, staff):
    body = _upload(_bearer(world.unit_officer), samples.two_tables(), unit=world.tuyen_giao).json()
    rows = _by_name(body)
    assert list(rows) == ["Phạm Minh Khang", "Nguyen Thi Hoa", "Lê Văn Tâm"]  # both tables, the heading table skipped
    assert {r["award"] for r in body["rows"]} == {"LDTT"}  # the tờ trình's V/v names the award
    unaccented = rows["Nguyen Thi Hoa"]
    assert unaccented["status"] == "AMBIGUOUS" and unaccented["candidates"] == [str(staff["hoa"].uid)]
    assert "bỏ dấu" in unaccented["problems"][0]
    imp = ProposalImport.objects.get(uid=body["uid"])
    assert imp.title == "Đề nghị công nhận danh hiệu Lao động tiên tiến năm 2025"


def test_birth_year_tells_namesakes_apart_and_duplicates_are_flagged(world, staff):
    rows = [["1", "Trần Văn Bình", "1988", "Chuyên viên", "Lao động tiên tiến", "", ""],
            ["2", "Nguyễn Thị Hòa", "", "Chuyên viên", "Lao động tiên tiến", "", ""],
            ["3", "Nguyễn Thị Hoà", "", "Chuyên viên", "Lao động tiên tiến", "", ""],
            ["4", "Lê Văn Tâm", "", "Chuyên viên", "Bằng khen của Ban Thường vụ Tỉnh ủy", "", ""]]
    body = _upload(_bearer(world.unit_officer), samples.state_list(rows), unit=world.tuyen_giao).json()
    out = body["rows"]
    assert (out[0]["status"], out[0]["person"]) == ("MATCHED", str(staff["binh_88"].uid))
    assert out[1]["person"] == out[2]["person"] == str(staff["hoa"].uid)
    assert any("Trùng với dòng 2" in p for p in out[2]["problems"])
    assert out[3]["award"] is None and "không nhận ra" in out[3]["problems"][0].lower()


# ------------------------------------------------------------------------------- resolve and confirm


def test_confirm_refused_until_rows_resolved_then_makes_the_draft(world, staff):
    client = _bearer(world.unit_officer)
    body = _upload(client, samples.state_list(), unit=world.tuyen_giao).json()
    uid, rows = body["uid"], _by_name(body)
    refused = client.post(f"{API}/{uid}/confirm")
    assert refused.status_code == 422
    assert "Trần Văn Bình" in refused.json()["error"]["message"] and refused.json()["error"]["field"] == "rows"
    assert Proposal.objects.count() == 0
    # A person of another unit is refused; a candidate is accepted.
    stranger = client.patch(f"{API}/{uid}/rows/{rows['Trần Văn Bình']['row']}", {"person": str(staff["other"].uid)}, content_type="application/json")
    assert stranger.status_code in (404, 422)
    ok = client.patch(f"{API}/{uid}/rows/{rows['Trần Văn Bình']['row']}", {"person": str(staff["binh_88"].uid)}, content_type="application/json")
    assert ok.status_code == 200
    resolved = _by_name(ok.json())["Trần Văn Bình"]
    assert (resolved["status"], resolved["person"], resolved["resolved"]) == ("MATCHED", str(staff["binh_88"].uid), True)
    assert (ok.json()["status"], ok.json()["person"], ok.json()["uid"]) == ("MATCHED", str(staff["binh_88"].uid), uid)  # the row itself
    assert AuditLog.objects.filter(action="docimport.import.resolve_row", object_uid=uid).count() == 1
    # The unknown person is still pending.
    assert client.post(f"{API}/{uid}/confirm").status_code == 422
    skipped = client.patch(f"{API}/{uid}/rows/{rows['Phạm Minh Khang']['row']}", {"skip": True}, content_type="application/json")
    assert skipped.status_code == 200 and skipped.json()["pending"] == 0
    confirmed = client.post(f"{API}/{uid}/confirm")
    assert confirmed.status_code == 201, confirmed.content
    proposal = Proposal.objects.get(uid=confirmed.json()["proposal"])
    assert (proposal.proposer_unit, proposal.year, proposal.state, proposal.title) == (world.tuyen_giao, 2025, "DRAFT", "Danh sách đề nghị khen thưởng năm 2025")
    items = {(i.person_id, i.award) for i in ProposalItem.objects.filter(proposal=proposal)}
    assert items == {(staff["hoa"].pk, "CSTDCS"), (staff["binh_88"].pk, "LDTT"), (staff["tam"].pk, "BK_TINH")}
    assert ProposalItem.objects.filter(proposal=proposal).exclude(eligibility=None).count() == 3  # checked like items added by hand
    attachment = ProposalAttachment.objects.get(proposal=proposal)
    assert attachment.original_name == "danh-sach.docx"
    assert AuditLog.objects.filter(action="proposals.proposal.create_from_import", object_uid=str(proposal.uid)).count() == 1
    # The proposal is the existing one: the API shows it with its three items.
    shown = client.get(f"/api/v1/proposals/{proposal.uid}").json()
    assert len(shown["items"]) == 3
    again = client.post(f"{API}/{uid}/confirm")
    assert again.status_code == 409 and Proposal.objects.count() == 1
    assert client.patch(f"{API}/{uid}/rows/1", {"skip": True}, content_type="application/json").status_code == 409
    assert client.get(f"{API}/{uid}").json()["proposal"] == str(proposal.uid)


def test_rows_without_a_catalogue_award_are_left_out_or_given_one(world, staff):
    client = _bearer(world.unit_officer)
    only = _upload(client, samples.state_list([["1", "Lê Văn Tâm", "", "Phó Trưởng ban", "", "", ""]]), unit=world.tuyen_giao).json()
    assert only["rows"][0]["award"] is None and only["left_out"] == [1] and only["pending"] == 0
    refused = client.post(f"{API}/{only['uid']}/confirm")  # nobody left to propose
    assert refused.status_code == 422 and Proposal.objects.count() == 0
    bad = client.patch(f"{API}/{only['uid']}/rows/1", {"award": "TTLDXS"}, content_type="application/json")
    assert bad.status_code == 422 and "không dành cho cá nhân" in bad.json()["error"]["message"]
    assert client.patch(f"{API}/{only['uid']}/rows/1", {"award": "LDTT"}, content_type="application/json").json()["left_out"] == []
    assert client.post(f"{API}/{only['uid']}/confirm").status_code == 201
    # A Party award the catalogue does not hold: that row stays out, the others are proposed.
    rows = [["1", "Lê Văn Tâm", "", "Phó Trưởng ban", "", "Bằng khen của Ban Thường vụ Tỉnh ủy", ""],
            ["2", "Nguyễn Thị Hòa", "", "Chuyên viên", "Lao động tiên tiến", "", ""]]
    mixed = _upload(client, samples.state_list(rows), unit=world.tuyen_giao).json()
    confirmed = client.post(f"{API}/{mixed['uid']}/confirm")
    assert confirmed.status_code == 201 and confirmed.json()["left_out"] == [1]
    proposal = Proposal.objects.get(uid=confirmed.json()["proposal"])
    assert [(i.person_id, i.award) for i in proposal.items.all()] == [(staff["hoa"].pk, "LDTT")]


def test_committed_fixtures_read_as_their_layouts(world, staff):
    """tests/fixtures holds the two layouts as files (for trying the page by hand); they read alike."""
    client = _bearer(world.unit_officer)
    for name, awards in (("danh-sach-chinh-quyen.docx", {"CSTDCS", "LDTT", "BK_TINH"}), ("danh-sach-dang.docx", {"GIAY_KHEN"})):
        body = _upload(client, (samples.FIXTURES / name).read_bytes(), unit=world.tuyen_giao, name=name).json()
        assert {r["award"] for r in body["rows"]} == awards
        assert _by_name(body)["Nguyễn Thị Hoà"]["person"] == str(staff["hoa"].uid)


# ------------------------------------------------------------------------------- collectives (tập thể)


@pytest.fixture
def sub_units(world, staff):
    def unit(name, parent=world.tuyen_giao):
        return org_actions.do_create_unit(actor=None, province=parent.province, data={"name": name, "kind": "PARTY", "parent": parent})

    org_actions.do_create_department(actor=None, unit=world.tuyen_giao, name="Phòng Tài vụ")
    return {
        "van_phong": unit("Chi bộ Văn phòng"),
        "th_hc": unit("Phòng Tổng hợp - Hành chính"),
        "th_lt": unit("Phòng Tổng hợp - Lưu trữ"),
        # Another unit's sub-unit of the same name is never a candidate.
        "elsewhere": unit("Phòng Tổng hợp", parent=world.to_chuc),
    }


def test_collective_rows_are_matched_to_units_resolved_and_confirmed(world, staff, sub_units):
    client = _bearer(world.unit_officer)
    response = _upload(client, samples.collective_list(), unit=world.tuyen_giao)
    assert response.status_code == 200, response.content
    body = response.json()
    uid, rows = body["uid"], _by_name(body)
    for r in body["rows"]:
        assert {"row", "name", "person", "status", "candidates", "award", "problems"} <= set(r)
    assert (rows["Nguyễn Thị Hoà"]["status"], rows["Nguyễn Thị Hoà"]["unit"]) == ("MATCHED", None)
    van_phong = rows["Chi bộ Văn phòng"]
    assert (van_phong["status"], van_phong["person"], van_phong["unit"], van_phong["award"], van_phong["subject"]) == (
        "MATCHED", None, str(sub_units["van_phong"].uid), "TTLDTT", "collective")
    tong_hop = rows["Phòng Tổng hợp"]
    assert (tong_hop["status"], tong_hop["person"], tong_hop["unit"]) == ("AMBIGUOUS", None, None)
    assert set(tong_hop["candidates"]) == {str(sub_units["th_hc"].uid), str(sub_units["th_lt"].uid)}
    assert "hãy chọn đúng tập thể" in tong_hop["problems"][0]
    tai_vu = rows["Phòng Tài vụ"]  # a phòng, ban is no proposal subject
    assert (tai_vu["status"], tai_vu["candidates"]) == ("UNKNOWN", []) and "là phòng, ban của Ban Tuyên giáo Tỉnh ủy" in tai_vu["problems"][0]
    itself = rows["Ban Tuyên giáo Tỉnh uỷ"]  # "uỷ" / "ủy"
    assert (itself["status"], itself["unit"], itself["award"]) == ("MATCHED", str(world.tuyen_giao.uid), "BK_TINH")

    refused = client.post(f"{API}/{uid}/confirm")
    assert refused.status_code == 422 and "Phòng Tổng hợp: trùng tên, chưa chọn tập thể" in refused.json()["error"]["message"]
    ok = client.patch(f"{API}/{uid}/rows/{tong_hop['row']}", {"unit": str(sub_units["th_lt"].uid)}, content_type="application/json")
    assert ok.status_code == 200, ok.content
    assert (ok.json()["status"], ok.json()["unit"], ok.json()["person"], ok.json()["resolved"]) == ("MATCHED", str(sub_units["th_lt"].uid), None, True)
    client.patch(f"{API}/{uid}/rows/{tai_vu['row']}", {"skip": True}, content_type="application/json")
    confirmed = client.post(f"{API}/{uid}/confirm")
    assert confirmed.status_code == 201, confirmed.content
    proposal = Proposal.objects.get(uid=confirmed.json()["proposal"])
    items = {(i.person_id, i.unit_id, i.award) for i in ProposalItem.objects.filter(proposal=proposal)}
    assert items == {(staff["hoa"].pk, None, "LDTT"), (None, sub_units["van_phong"].pk, "TTLDTT"),
                     (None, sub_units["th_lt"].pk, "TTLDTT"), (None, world.tuyen_giao.pk, "BK_TINH")}
    shown = client.get(f"/api/v1/proposals/{proposal.uid}").json()
    assert len(shown["items"]) == 4


def test_a_unit_named_where_no_person_has_that_name_is_a_collective(world, staff, sub_units):
    body = _upload(_bearer(world.unit_officer), samples.state_list([["1", "Chi bo Van phong", "", "", "", "Giấy khen", ""]]),
                   unit=world.tuyen_giao).json()
    row = body["rows"][0]
    assert (row["status"], row["unit"], row["candidates"], row["award"]) == ("AMBIGUOUS", None, [str(sub_units["van_phong"].uid)], "GIAY_KHEN")


def test_patch_a_unit_outside_the_dossier_is_refused_and_nothing_written(world, staff, sub_units):
    client = _bearer(world.unit_officer)
    body = _upload(client, samples.collective_list(), unit=world.tuyen_giao).json()
    uid, row = body["uid"], _by_name(body)["Phòng Tổng hợp"]["row"]
    imp = ProposalImport.objects.get(uid=uid)
    audit_before, version_before = AuditLog.objects.count(), imp.version
    for outsider in (sub_units["elsewhere"], world.to_chuc, world.qn_unit):
        response = client.patch(f"{API}/{uid}/rows/{row}", {"unit": str(outsider.uid)}, content_type="application/json")
        assert response.status_code in (404, 422)
        error = response.json()["error"]
        assert error["field"] == "unit" and ("không phải Ban Tuyên giáo Tỉnh ủy hoặc đơn vị trực thuộc" in error["message"]
                                             or "Không tìm thấy đơn vị" in error["message"])
    with pytest.raises(Exception) as refused:
        actions.do_resolve_row(actor=world.unit_officer, imp=imp, row=row, unit=sub_units["elsewhere"])
    assert "không phải Ban Tuyên giáo Tỉnh ủy hoặc đơn vị trực thuộc" in str(refused.value)
    both = client.patch(f"{API}/{uid}/rows/{row}", {"unit": str(sub_units["th_hc"].uid), "person": str(staff["tam"].uid)},
                        content_type="application/json")
    assert both.status_code == 422 and "không chọn cả hai" in both.json()["error"]["message"]
    person_award = client.patch(f"{API}/{uid}/rows/{row}", {"award": "LDTT"}, content_type="application/json")
    assert person_award.status_code == 422 and "không dành cho tập thể" in person_award.json()["error"]["message"]
    imp.refresh_from_db()
    assert (imp.row(row)["status"], imp.row(row)["unit"], imp.version) == ("AMBIGUOUS", None, version_before)
    assert AuditLog.objects.count() == audit_before and Proposal.objects.count() == 0


def test_review_page_offers_the_unit_picker_for_an_ambiguous_collective(world, staff, sub_units, client):
    client.force_login(world.unit_officer)
    body = _upload(_bearer(world.unit_officer), samples.collective_list(), unit=world.tuyen_giao).json()
    imp = ProposalImport.objects.get(uid=body["uid"])
    page = client.get(reverse("docimport:detail", args=[imp.uid])).content.decode()
    assert "Chọn đúng tập thể" in page and "Phòng Tổng hợp - Hành chính" in page and "Phòng Tổng hợp - Lưu trữ" in page
    row = _by_name(body)["Phòng Tổng hợp"]["row"]
    client.post(reverse("docimport:row", args=[imp.uid, row]), {"unit": str(sub_units["th_hc"].uid), "version": imp.version})
    imp.refresh_from_db()
    assert (imp.row(row)["status"], imp.row(row)["unit"]) == ("MATCHED", str(sub_units["th_hc"].uid))


# ------------------------------------------------------------------------------- bad input


def _zip_bomb() -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document/>" + b" " * (120 * 1024 * 1024))
    return out.getvalue()


def test_a_zip_that_inflates_too_far_is_refused(world, staff):
    response = _upload(_bearer(world.unit_officer), _zip_bomb(), unit=world.tuyen_giao)
    assert response.status_code == 422 and "quá nhiều dữ liệu khi giải nén" in response.json()["error"]["message"]
    assert _nothing_written()


@pytest.mark.parametrize("build,expected", [
    (samples.no_table, "không có bảng nào"),
    (samples.no_name_column, "Không tìm thấy cột “Họ và tên”"),
    (samples.encrypted, "đặt mật khẩu"),
    (samples.macro_enabled, "có macro"),
    (samples.word97, "Word 97-2003"),
    (lambda: b"STT;Ho va ten\n1;Nguyen Van A\n", "không phải tệp Word"),
])
def test_bad_files_are_refused_in_vietnamese_and_nothing_is_written(world, staff, build, expected):
    client = _bearer(world.unit_officer)
    audit_before = AuditLog.objects.count()
    response = _upload(client, build(), unit=world.tuyen_giao)
    assert response.status_code == 422
    error = response.json()["error"]
    assert expected in error["message"] and error["field"] == "file"
    assert _nothing_written()
    assert AuditLog.objects.count() == audit_before


def test_file_over_the_cap_is_refused(world, staff, settings):
    settings.DOCIMPORT_MAX_BYTES = 20_000
    data = samples.state_list()
    assert len(data) > 20_000
    response = _upload(_bearer(world.unit_officer), data, unit=world.tuyen_giao)
    assert response.status_code == 422
    assert "quá lớn" in response.json()["error"]["message"] and "tối đa 0,0 MB" not in response.json()["error"]["message"]
    assert _nothing_written()


def test_unit_outside_scope_and_bad_year_are_refused(world, staff):
    officer = _bearer(world.unit_officer)
    response = _upload(officer, samples.state_list(), unit=world.to_chuc)
    assert response.status_code == 404 and response.json()["error"]["field"] == "unit"
    assert "đơn vị" in response.json()["error"]["message"]
    response = _upload(_bearer(world.qn_officer), samples.state_list(), unit=world.tuyen_giao)
    assert response.status_code == 404
    response = _upload(officer, samples.state_list(), unit=world.tuyen_giao, year=1890)
    assert response.status_code == 422 and response.json()["error"]["field"] == "year"
    assert _nothing_written()
    with pytest.raises(Exception) as refused:
        actions.do_create_import(actor=world.unit_officer, unit=world.to_chuc, year=2025, file_name="x.docx", data=samples.state_list())
    assert "quyền" in str(refused.value)


def test_another_province_cannot_see_or_confirm_an_import(world, staff):
    body = _upload(_bearer(world.unit_officer), samples.party_list(), unit=world.tuyen_giao).json()
    outsider = _bearer(world.qn_officer)
    assert outsider.get(f"{API}/{body['uid']}").status_code == 404
    assert outsider.post(f"{API}/{body['uid']}/confirm").status_code == 404
    assert _bearer(world.viewer).get(f"{API}/{body['uid']}").status_code == 403
    assert _bearer(world.an_officer).get(f"{API}/{body['uid']}").status_code == 200


# ------------------------------------------------------------------------------- pages


def test_pages_upload_review_pick_and_confirm(world, staff, client):
    client.force_login(world.unit_officer)
    form = client.get(reverse("docimport:upload"))
    assert form.status_code == 200 and "Nhập danh sách từ tệp Word" in form.content.decode()
    bad = client.post(reverse("docimport:upload"), {"unit": world.tuyen_giao.pk, "year": 2025,
                                                    "file": SimpleUploadedFile("ds.docx", samples.no_table())})
    assert bad.status_code == 200 and "không có bảng nào" in bad.content.decode() and _nothing_written()
    response = client.post(reverse("docimport:upload"), {"unit": world.tuyen_giao.pk, "year": 2025,
                                                         "file": SimpleUploadedFile("ds.docx", samples.state_list())})
    assert response.status_code == 302
    imp = ProposalImport.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "Trùng tên, cần chọn" in page and "Không tìm thấy" in page and "Đã khớp" in page
    assert "sinh năm 1980" in page and "sinh năm 1988" in page  # the picker tells namesakes apart
    binh = next(r for r in imp.rows if r["name"] == "Trần Văn Bình")
    client.post(reverse("docimport:row", args=[imp.uid, binh["row"]]), {"person": str(staff["binh_80"].uid), "version": imp.version})
    khang = next(r for r in imp.rows if r["name"] == "Phạm Minh Khang")
    imp.refresh_from_db()
    client.post(reverse("docimport:row", args=[imp.uid, khang["row"]]), {"skip": "1", "version": imp.version})
    imp.refresh_from_db()
    done = client.post(reverse("docimport:confirm", args=[imp.uid]), {"version": imp.version})
    proposal = Proposal.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("proposals:proposal_detail", args=[proposal.uid])
    assert proposal.items.filter(person=staff["binh_80"]).exists()


def test_demo_loader_leaves_a_word_list_waiting_for_the_officer(db):
    from thidua.org.demo import load_demo

    summary = load_demo()
    assert "danh sách đề nghị nhập từ Word" in summary
    imp = ProposalImport.objects.get(file_name="danh-sach-de-nghi-ban-tuyen-giao-2025.docx")
    statuses = {r["name"]: r["status"] for r in imp.rows}
    assert statuses.pop("Phạm Văn Khải") == "UNKNOWN"
    collective = next(r for r in imp.rows if r.get("subject") == "collective")
    assert (collective["status"], collective["unit"], collective["award"]) == ("MATCHED", str(imp.unit.uid), "TTLDXS")
    assert set(statuses.values()) == {"MATCHED"}
    assert imp.state == "OPEN" and imp.left_out_rows() and Proposal.objects.filter(title=imp.title).count() == 0
    load_demo()  # idempotent
    assert ProposalImport.objects.count() == 1
