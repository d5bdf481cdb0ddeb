"""Issue #15 point 3: the national export of a province's decisions and awards.

An Giang (with Ban Tuyên giáo of the pre-2025 province) has a decision of the Chủ tịch UBND tỉnh
(one Lao động tiên tiến for a person, one Bằng khen for the unit) and an imported Tập thể lao
động xuất sắc from the history; Quảng Ninh has its own decision, which An Giang never exports.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json

import jsonschema_rs
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from thidua.audit.models import AuditLog
from thidua.core.errors import ActionError, NotPermitted
from thidua.exports import actions, national
from thidua.exports.models import NationalExport
from thidua.history import actions as history_actions
from thidua.org import actions as org_actions
from thidua.proposals import actions as proposal_actions

pytestmark = pytest.mark.django_db

FROM, TO = dt.date(2026, 1, 1), dt.date(2026, 6, 30)


def _data(world):
    person = org_actions.do_create_person(
        actor=None, unit=world.tuyen_giao,
        data={"full_name": "Nguyễn Thị Hòa", "gender": "NU", "birth_date": dt.date(1985, 4, 12), "position_title": "Chuyên viên"},
    )
    decision = proposal_actions.do_record_external_decision(
        actor=None, province=world.an_giang,
        data={"number": "15", "symbol": "QĐ-UBND", "issued_on": dt.date(2026, 1, 10), "level": "PROVINCE",
              "issuer_name": "Chủ tịch UBND tỉnh An Giang", "signer_name": "Hồ Văn Mừng", "signer_title": "Chủ tịch"},
        recipients=[{"person": person, "award": "LDTT", "year": 2025}, {"unit": world.tuyen_giao, "award": "BK_TINH", "year": 2025}],
    )
    history_actions.do_record_award(
        None, world.to_chuc, "TTLDXS", 2025,
        decision={"decision_number": "120/QĐ-UBND", "decision_date": dt.date(2026, 2, 3), "decision_issuer": "Chủ tịch UBND tỉnh An Giang"},
        source="IMPORTED",
    )
    qn = proposal_actions.do_record_external_decision(
        actor=None, province=world.quang_ninh,
        data={"number": "77", "symbol": "QĐ-UBND", "issued_on": dt.date(2026, 1, 20), "level": "PROVINCE", "issuer_name": "Chủ tịch UBND tỉnh Quảng Ninh"},
        recipients=[{"unit": world.qn_unit, "award": "BK_TINH", "year": 2025}],
    )
    return person, decision, qn


def _export(world, fmt="json", actor=None, province=None):
    return actions.do_create_national_export(
        actor=actor or world.an_officer, province=province or world.an_giang, date_from=FROM, date_to=TO, fmt=fmt
    )


def test_the_export_validates_keeps_titles_and_forms_apart_and_is_logged(world):
    person, decision, qn = _data(world)
    before = AuditLog.objects.count()
    log, data = _export(world)
    document = json.loads(data)
    # Valid against the schema shipped in the repository, checked here independently.
    schema = json.loads(national.SCHEMA_PATH.read_text(encoding="utf-8"))
    assert jsonschema_rs.validator_for(schema, validate_formats=True).is_valid(document)
    assert document["schema_version"] == "1.0" and document["period"] == {"from": "2026-01-01", "to": "2026-06-30"}
    assert document["province"] == {"code": world.an_giang.code, "name": "An Giang"}

    # Danh hiệu and hình thức in separate lists, each line of the right kind.
    assert {(t["award"]["code"], t["award"]["category"]) for t in document["titles"]} == {("LDTT", "DANH_HIEU"), ("TTLDXS", "DANH_HIEU")}
    assert [(f["award"]["code"], f["award"]["category"]) for f in document["forms"]] == [("BK_TINH", "HINH_THUC")]

    # Decision number, date and issuer; the subject's identity.
    [exported] = document["decisions"]
    assert exported["number"] == "15/QĐ-UBND" and exported["issued_on"] == "2026-01-10"
    assert exported["issuer"]["name"] == "Chủ tịch UBND tỉnh An Giang" and exported["signer"] == {"name": "Hồ Văn Mừng", "title": "Chủ tịch"}
    ldtt = next(t for t in document["titles"] if t["award"]["code"] == "LDTT")
    assert ldtt["decision"] == {"id": str(decision.uid), "number": "15/QĐ-UBND", "issued_on": "2026-01-10", "issuer": "Chủ tịch UBND tỉnh An Giang"}
    assert ldtt["subject"]["kind"] == "individual"
    who = ldtt["subject"]["person"]
    assert (who["full_name"], who["birth_date"], who["gender"], who["position"]) == ("Nguyễn Thị Hòa", "1985-04-12", "NU", "Chuyên viên")
    assert who["unit"]["name"] == "Ban Tuyên giáo Tỉnh ủy" and who["unit"]["code"] == str(world.tuyen_giao.uid)
    assert ldtt["award"]["name"] == "Lao động tiên tiến" and ldtt["year"] == 2025
    ttldxs = next(t for t in document["titles"] if t["award"]["code"] == "TTLDXS")
    assert ttldxs["source"] == "IMPORTED" and ttldxs["decision"]["number"] == "120/QĐ-UBND" and ttldxs["decision"]["id"] is None
    assert ttldxs["subject"] == {"kind": "collective", "unit": {"code": str(world.to_chuc.uid), "name": "Ban Tổ chức Tỉnh ủy",
                                                               "province": {"code": world.an_giang_old.code, "name": world.an_giang_old.name}}}
    assert document["totals"]["decisions"] == 1 and document["totals"]["titles"] == 2 and document["totals"]["forms"] == 1

    # Another province's decision is never in An Giang's export.
    assert str(qn.uid) not in data.decode() and "Quảng Ninh" not in data.decode()

    # The log: who, when, period, scope, counts, hash of the very bytes handed out.
    assert log.actor == world.an_officer and log.province == world.an_giang and log.fmt == "json"
    assert (log.decision_count, log.title_count, log.form_count) == (1, 2, 1)
    assert log.sha256 == hashlib.sha256(data).hexdigest() and log.size == len(data)
    assert AuditLog.objects.count() == before + 1


def test_a_broken_record_is_refused_in_vietnamese_and_nothing_is_logged(world):
    _data(world)
    history_actions.do_record_award(
        None, world.tuyen_giao, "GIAY_KHEN", 2025,
        decision={"decision_date": dt.date(2026, 3, 1), "decision_issuer": "Trưởng ban Tuyên giáo"}, source="MANUAL",
    )
    audit_before = AuditLog.objects.count()
    with pytest.raises(ActionError) as refused:
        _export(world)
    message = refused.value.message
    assert message.startswith("Chưa xuất được: dữ liệu không đúng mẫu dữ liệu quốc gia (phiên bản 1.0).")
    assert "Hình thức khen thưởng — Ban Tuyên giáo Tỉnh ủy — Giấy khen năm 2025 (hồ sơ thành tích): số, ký hiệu quyết định để trống" in message
    assert NationalExport.objects.count() == 0 and AuditLog.objects.count() == audit_before

    # The page shows the same message and hands out no file.
    from django.test import Client

    client = Client()
    client.force_login(world.an_officer)
    response = client.post(reverse("exports:national"), {"province": str(world.an_giang.uid), "date_from": "01/01/2026",
                                                         "date_to": "30/06/2026", "fmt": "xlsx"})
    assert response.status_code == 422 and "attachment" not in response.get("Content-Disposition", "")
    assert "số, ký hiệu quyết định để trống" in response.content.decode()
    assert NationalExport.objects.count() == 0


def test_scope_another_province_is_never_exported(world):
    _data(world)
    with pytest.raises(NotPermitted):
        _export(world, province=world.quang_ninh)
    log, data = _export(world, actor=world.qn_officer, province=world.quang_ninh)
    document = json.loads(data)
    assert [d["issuer"]["name"] for d in document["decisions"]] == ["Chủ tịch UBND tỉnh Quảng Ninh"]
    assert "An Giang" not in data.decode() and "Tuyên giáo" not in data.decode()
    # Each officer's log lists only their province's exports.
    from thidua.exports.selectors import export_log

    _export(world)
    assert [e.province_id for e in export_log(world.qn_officer)] == [world.quang_ninh.pk]
    assert [e.province_id for e in export_log(world.an_officer)] == [world.an_giang.pk]


def test_the_excel_shape_has_the_same_rows_on_separate_sheets(world):
    _data(world)
    log, data = _export(world, fmt="xlsx")
    assert log.fmt == "xlsx" and log.sha256 == hashlib.sha256(data).hexdigest()
    book = load_workbook(io.BytesIO(data), read_only=True)
    assert book.sheetnames == ["Thông tin", "Quyết định", "Danh hiệu thi đua", "Hình thức khen thưởng"]
    titles = list(book["Danh hiệu thi đua"].iter_rows(values_only=True))
    forms = list(book["Hình thức khen thưởng"].iter_rows(values_only=True))
    header = titles[0]
    assert header[:7] == ("STT", "Đối tượng", "Họ và tên / Tên tập thể", "Ngày sinh", "Giới tính", "Chức vụ", "Đơn vị")
    person_row = next(r for r in titles[1:] if r[2] == "Nguyễn Thị Hòa")
    assert person_row[3] == "12/04/1985" and person_row[4] == "Nữ" and person_row[10] == "Lao động tiên tiến"
    assert person_row[14] == "15/QĐ-UBND" and person_row[15] == "10/01/2026"
    assert [r[10] for r in forms[1:]] == ["Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"]
    assert not any(r[10] == "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh" for r in titles[1:])


def test_api_exports_lists_the_log_and_downloads_again(world, client):
    _data(world)
    client.force_login(world.an_officer)
    url = "/api/v1/exports/national"
    response = client.get(url, {"from": "2026-01-01", "to": "2026-06-30", "format": "json"})
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-SHA256"] == hashlib.sha256(response.content).hexdigest()
    assert json.loads(response.content)["totals"]["forms"] == 1

    page = client.get(url + "/log").json()
    assert page["count"] == 1
    [entry] = page["items"]
    assert entry["from"] == "2026-01-01" and entry["format"] == "json" and entry["titles"] == 2 and entry["actor"] == "can-bo-an-giang"
    again = client.get(entry["download_url"])
    assert again.status_code == 200 and again.content == response.content

    assert client.get(url + "/schema").json()["$id"].endswith("national-export-v1.schema.json")
    # Bad input: a Vietnamese message, nothing logged.
    bad = client.get(url, {"from": "2026-06-30", "to": "2026-01-01"})
    assert bad.status_code == 422 and "phải sau hoặc trùng ngày bắt đầu" in bad.json()["error"]["message"]
    other = client.get(url, {"from": "2026-01-01", "to": "2026-06-30", "province": str(world.quang_ninh.uid)})
    assert other.status_code == 404
    assert NationalExport.objects.count() == 1

    # Roles without the export and other provinces' officers.
    client.force_login(world.unit_officer)
    assert client.get(url, {"from": "2026-01-01", "to": "2026-06-30"}).status_code == 403
    client.force_login(world.qn_officer)
    assert client.get(entry["download_url"]).status_code == 404
    assert client.get(url + "/log").json()["count"] == 0


def test_page_downloads_and_lists_past_exports(world, client):
    _data(world)
    client.force_login(world.an_officer)
    page = client.get(reverse("exports:national"))
    assert page.status_code == 200 and "Chưa có lần xuất nào." in page.content.decode()
    response = client.post(reverse("exports:national"), {"province": str(world.an_giang.uid), "date_from": "01/01/2026",
                                                         "date_to": "30/06/2026", "fmt": "xlsx"})
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    log = NationalExport.objects.get()
    listing = client.get(reverse("exports:national")).content.decode()
    assert "01/01/2026 – 30/06/2026" in listing and log.sha256[:8] in listing
    assert reverse("exports:national_download", kwargs={"uid": log.uid}) in listing
