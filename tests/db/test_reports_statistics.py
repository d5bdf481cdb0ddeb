"""Statistics tables over hand-counted award records: every figure, the drill-down list behind
every figure, the Excel export in the table's layout, the scope of a unit user, the API."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from thidua.history.models import AwardRecord
from thidua.org import actions as org
from thidua.org.models import UnitKind
from thidua.reports.statistics import cell_records, compute_tables, stat_scope
from thidua.rules import statistics as core

pytestmark = pytest.mark.django_db
YEAR = 2025


def _award(person=None, unit=None, code="LDTT", year=YEAR, **extra):
    province_id = (person or unit).province_id
    return AwardRecord.objects.create(province_id=province_id, person=person, unit=unit, award_code=code, year=year, **extra)


@pytest.fixture
def data(world):
    """2025, An Giang (hand count in the comments):
    P1 nữ, lãnh đạo, Ban Tuyên giáo (cơ quan Đảng): LĐTT, CSTĐCS
    P2 nam, trực tiếp, Ban Tuyên giáo: LĐTT, Bằng khen tỉnh (QĐ cấp tỉnh)
    P3 nữ, trực tiếp, Sở Nội vụ (cơ quan nhà nước): LĐTT, Bằng khen Thủ tướng
    Ban Tuyên giáo: Tập thể LĐXS; Sở Nội vụ: Tập thể LĐTT (and a revoked Cờ thi đua, not counted)
    Not counted: P1's LĐTT of 2024; a Quảng Ninh person's LĐTT 2025."""
    snv = org.do_create_unit(actor=None, province=world.an_giang, data={"name": "Sở Nội vụ", "kind": UnitKind.STATE})
    p1 = org.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Lê Thị Hoa", "gender": "NU", "is_leader": True})
    p2 = org.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Trần Văn Bình", "gender": "NAM"})
    p3 = org.do_create_person(actor=None, unit=snv, data={"full_name": "Ngô Thị Cúc", "gender": "NU"})
    qn = org.do_create_person(actor=None, unit=world.qn_unit, data={"full_name": "Phạm Văn Dũng", "gender": "NAM"})
    for p in (p1, p2, p3):
        _award(person=p, code="LDTT")
    _award(person=p1, code="CSTDCS")
    _award(person=p2, code="BK_TINH", decision_level="PROVINCE", decision_number="12/QĐ-UBND")
    _award(person=p3, code="BK_TTG")
    _award(unit=world.tuyen_giao, code="TTLDXS")
    _award(unit=snv, code="TTLDTT")
    _award(unit=snv, code="CO_TINH", revoked=True, revoked_reason="Thu hồi")
    _award(person=p1, code="LDTT", year=2024)
    _award(person=qn, code="LDTT")
    return {"snv": snv, "p1": p1, "p2": p2, "p3": p3}


def _tables(user, province):
    scope = stat_scope(user, province)
    return {t.definition.code: t for t in compute_tables(scope, YEAR, core.definitions_for_year(YEAR))}, scope


def test_figures_match_the_hand_count(world, data):
    tables, _ = _tables(world.an_officer, world.an_giang)
    t1, t2, t3, t4 = tables["TK01"], tables["TK02"], tables["TK03"], tables["TK04"]
    assert t1.value("LDTT", "individual") == 3 and t1.value("CSTDCS", "individual") == 1
    assert t1.value("TTLDXS", "collective") == 1 and t1.value("TTLDTT", "collective") == 1
    assert t1.value("CO_TINH", "total") == 0  # revoked
    assert (t1.value("total", "individual"), t1.value("total", "collective"), t1.value("total", "total")) == (6, 2, 8)
    # by level × kind × subject
    assert t2.value("CENTRAL", "ht_cn") == 1
    assert (t2.value("PROVINCE", "ht_cn"), t2.value("PROVINCE", "dh_tt")) == (1, 1)
    assert (t2.value("BASE", "dh_cn"), t2.value("BASE", "dh_tt")) == (4, 1)
    assert t2.value("total", "total") == 8
    # individuals: gender, leaders vs people working directly
    assert [t3.value("BASE", c) for c in ("nu", "nam", "lanh_dao", "truc_tiep", "total")] == [3, 1, 2, 2, 4]
    assert [t3.value("total", c) for c in ("nu", "nam", "lanh_dao", "truc_tiep", "total")] == [4, 2, 2, 4, 6]
    # unit type
    assert [t4.value("PARTY", c) for c in ("tap_the", "ca_nhan", "ca_nhan_nu")] == [1, 4, 2]
    assert [t4.value("STATE", c) for c in ("tap_the", "ca_nhan", "ca_nhan_nu")] == [1, 2, 2]


def test_every_figure_drills_down_to_exactly_the_records_it_counts(world, data):
    tables, scope = _tables(world.an_officer, world.an_giang)
    checked = 0
    for table in tables.values():
        for row, cells in table.grid():
            for column, value in cells:
                records = cell_records(scope, YEAR, table.definition, row.key, column.key)
                assert records.count() == value, (table.definition.code, row.key, column.key)
                checked += 1
    assert checked > 100
    names = {r.subject_name for r in cell_records(scope, YEAR, tables["TK03"].definition, "BASE", "lanh_dao")}
    assert names == {"Lê Thị Hoa"}


def test_a_unit_user_counts_only_their_unit(world, data, client_for):
    tables, scope = _tables(world.unit_officer, world.an_giang)
    assert not scope.whole_province
    t1 = tables["TK01"]
    assert t1.value("LDTT", "individual") == 2 and t1.value("TTLDTT", "collective") == 0
    assert t1.value("total", "total") == 5
    names = {r.subject_name for r in cell_records(scope, YEAR, t1.definition, "total", "total")}
    assert "Ngô Thị Cúc" not in names and "Sở Nội vụ" not in names
    # The page answers the same figures; another province's officer cannot pick An Giang.
    page = client_for(world.unit_officer).get(reverse("reports:statistics"), {"nam": YEAR})
    assert page.status_code == 200 and "Ngô Thị Cúc" not in page.content.decode()
    client = client_for(world.qn_officer)
    assert client.get(reverse("reports:statistics"), {"nam": YEAR, "tinh": world.an_giang.uid}).status_code == 404


def test_pages_link_each_figure_to_its_list(world, data, client_for):
    client = client_for(world.an_officer)
    page = client.get(reverse("reports:statistics"), {"nam": YEAR})
    html = page.content.decode()
    assert page.status_code == 200 and "Biểu TK03" in html and "CHƯA XÁC MINH" in html
    assert "bang=TK03&amp;dong=BASE&amp;cot=lanh_dao" in html
    listing = client.get(reverse("reports:statistics_records"), {"nam": YEAR, "bang": "TK03", "dong": "BASE", "cot": "lanh_dao"})
    text = listing.content.decode()
    assert listing.status_code == 200 and "Lê Thị Hoa" in text and "Trần Văn Bình" not in text
    assert client.get(reverse("reports:statistics_records"), {"nam": YEAR, "bang": "TK03", "dong": "X", "cot": "nu"}).status_code == 404
    bad = client.get(reverse("reports:statistics"), {"nam": "hai nghìn"})
    assert bad.status_code == 200 and "Năm phải là số" in bad.content.decode()


def test_excel_export_follows_the_table_layout(world, data, client_for):
    client = client_for(world.an_officer)
    response = client.get(reverse("reports:statistics"), {"nam": YEAR, "xuat": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["TK01", "TK02", "TK03", "TK04", "TK05"]
    sheet = book["TK03"]
    assert sheet["A1"].value.startswith("Biểu TK03. CÁ NHÂN ĐƯỢC KHEN THƯỞNG")
    assert "CHƯA XÁC MINH" in sheet["A3"].value
    header = [c.value for c in sheet[5]]
    assert header == ["STT", "Nội dung", "Nữ", "Nam", "Lãnh đạo, quản lý", "Trực tiếp lao động, công tác", "Tổng số"]
    rows = {r[1]: r[2:] for r in sheet.iter_rows(min_row=6, values_only=True)}
    assert rows["Cấp cơ sở"] == (3, 1, 2, 2, 4) and rows["Tổng số"] == (4, 2, 2, 4, 6)
    one = client.get(reverse("reports:statistics"), {"nam": YEAR, "xuat": "xlsx", "bang": "TK01"})
    assert load_workbook(io.BytesIO(one.content)).sheetnames == ["TK01"]


def test_api_lists_definitions_and_computes_tables_in_scope(world, data, client_for):
    client = client_for(world.an_officer)
    definitions = client.get("/api/v1/reports/statistics/definitions", {"year": YEAR}).json()
    assert [d["code"] for d in definitions] == ["TK01", "TK02", "TK03", "TK04", "TK05"]
    assert definitions[2]["filters"] == {"subject": ["individual"]}
    table = client.get("/api/v1/reports/statistics/TK03", {"year": YEAR}).json()
    base = next(r for r in table["rows"] if r["key"] == "BASE")
    assert base["values"] == [3, 1, 2, 2, 4] and table["unconfirmed"]
    records = client.get("/api/v1/reports/statistics/TK03/records", {"year": YEAR, "row": "BASE", "column": "lanh_dao"}).json()
    assert records["count"] == 2 and {i["name"] for i in records["items"]} == {"Lê Thị Hoa"}
    unit_table = client_for(world.unit_officer).get("/api/v1/reports/statistics/TK01", {"year": YEAR}).json()
    assert next(r for r in unit_table["rows"] if r["key"] == "total")["values"][-1] == 5
    assert client.get("/api/v1/reports/statistics/TK99", {"year": YEAR}).status_code == 404
    bad = client.get("/api/v1/reports/statistics/TK01", {"year": 1800})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "year" and "1945" in bad.json()["error"]["message"]
    early = client.get("/api/v1/reports/statistics/TK01", {"year": 1990})  # a year, but before any statistics
    assert early.status_code == 422 and "Năm phải" in early.json()["error"]["message"]
