"""The demo data of the seed articles: idempotent, faithful to the seeds, usable for trying roles."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from thidua.accounts.models import Grant
from thidua.audit.models import AuditLog
from thidua.core.access import scoped
from thidua.org import demo, selectors
from thidua.org.models import Department, LineageEvent, LineageLink, Person, Province, Unit

pytestmark = pytest.mark.django_db

AN_GIANG_PARTY_BLOCK = [
    "Ban Tuyên giáo Tỉnh ủy", "Trường Chính trị Tôn Đức Thắng", "Ban Tổ chức Tỉnh ủy", "Ủy ban Kiểm tra Tỉnh ủy",
    "Ban Nội chính Tỉnh ủy", "Ban Dân vận Tỉnh ủy", "Văn phòng Tỉnh ủy", "Đảng uỷ Khối Cơ quan và Doanh nghiệp tỉnh", "Báo An Giang",
]
QUANG_NINH_GENERAL_BLOCK = [
    "Văn phòng HĐND tỉnh", "Văn phòng UBND tỉnh", "Sở Nội vụ", "Sở Ngoại vụ", "Sở Kế hoạch và Đầu tư", "Sở Tư pháp", "Thanh tra tỉnh",
]
LAI_CHAU_PARTY_BLOCK = [
    "Văn phòng Tỉnh ủy", "Ban Tổ chức Tỉnh ủy", "Ủy ban Kiểm tra Tỉnh ủy", "Ban Tuyên giáo Tỉnh ủy", "Ban Dân vận Tỉnh ủy",
    "Ban Nội chính Tỉnh ủy", "Báo Lai Châu", "Đảng ủy Khối các Cơ quan và Doanh nghiệp tỉnh",
]


def snapshot_counts():
    return {
        "units": Unit.objects.count(),
        "departments": Department.objects.count(),
        "people": Person.objects.count(),
        "events": LineageEvent.objects.count(),
        "links": LineageLink.objects.count(),
        "grants": Grant.objects.count(),
        "users": get_user_model().objects.count(),
        "audit": AuditLog.objects.count(),
    }


@pytest.fixture
def demo_loaded(db):
    summary = demo.load_demo()
    return summary


@pytest.mark.sqlite
def test_loading_twice_creates_nothing_new(demo_loaded):
    first = snapshot_counts()
    assert first["people"] > 300 and first["units"] >= 44
    assert "664 cá nhân" in demo_loaded and "angiang" in demo_loaded
    names_before = list(Person.objects.order_by("staff_code", "pk").values_list("staff_code", "full_name", "birth_date"))
    summary = demo.load_demo()
    assert snapshot_counts() == first
    assert "không thêm gì mới" in summary
    assert "thidua-demo-2026" in summary  # the lead prints the demo accounts from this summary
    assert list(Person.objects.order_by("staff_code", "pk").values_list("staff_code", "full_name", "birth_date")) == names_before


def test_an_giang_party_block_2023_is_in_the_old_province(demo_loaded):
    old = Province.objects.get(code="89")
    assert old.name == "An Giang" and old.valid_to == dt.date(2025, 6, 30)
    units = {u.name: u for u in Unit.objects.filter(province=old)}
    assert sorted(units) == sorted(AN_GIANG_PARTY_BLOCK)
    school = units["Trường Chính trị Tôn Đức Thắng"]
    assert (school.kind, school.doc_format) == ("PUBLIC_SERVICE", "ND30")
    assert units["Báo An Giang"].kind == "PUBLIC_SERVICE"
    assert (units["Ban Tổ chức Tỉnh ủy"].kind, units["Ban Tổ chức Tỉnh ủy"].doc_format) == ("PARTY", "HD36")
    assert units["Ban Tổ chức Tỉnh ủy"].superior_name == "TỈNH ỦY AN GIANG"
    assert units["Đảng uỷ Khối Cơ quan và Doanh nghiệp tỉnh"].superior_name == "ĐẢNG BỘ TỈNH AN GIANG"
    # The named head of the block in the seed article.
    head = Person.objects.get(full_name="Trần Thị Thanh Hương")
    assert head.unit == units["Ban Tuyên giáo Tỉnh ủy"] and head.position_title == "Trưởng ban" and head.birth_date is None


def test_quang_ninh_and_lai_chau_blocks(demo_loaded):
    qn = Unit.objects.filter(province__code="22", province__name="Quảng Ninh").values_list("name", flat=True)
    assert sorted(qn) == sorted(QUANG_NINH_GENERAL_BLOCK)
    assert set(Unit.objects.filter(province__code="22").values_list("kind", flat=True)) == {"STATE"}
    lc = Unit.objects.filter(province__code="12", province__name="Lai Châu")
    assert set(LAI_CHAU_PARTY_BLOCK) <= set(lc.values_list("name", flat=True))
    # Besides the block's eight units, only the unit formed by the 2025 merger.
    assert sorted(set(lc.values_list("name", flat=True)) - set(LAI_CHAU_PARTY_BLOCK)) == ["Ban Tuyên giáo và Dân vận Tỉnh ủy"]


def test_bac_kan_block_and_its_government_flag(demo_loaded):
    bk = {u.name: u for u in Unit.objects.filter(province__code="06", province__name="Bắc Kạn")}
    assert {"Ban Dân vận Tỉnh ủy", "Ban Bảo vệ, chăm sóc sức khỏe cán bộ tỉnh", "Báo Bắc Kạn"} <= set(bk)
    data = json.loads(demo.DATA_FILE.read_text(encoding="utf-8"))
    block = next(b for b in data["blocks"] if b["key"] == "bac-kan-2023")
    roles = {u["name"]: u["block_role"] for u in block["units"]}
    assert roles["Ban Dân vận Tỉnh ủy"] == "head"
    assert roles["Ban Bảo vệ, chăm sóc sức khỏe cán bộ tỉnh"] == "deputy"
    flag = next(a for a in data["awards"] if a["recipient"][2] == "Báo Bắc Kạn")
    assert flag["award"] == "Cờ thi đua của Chính phủ"
    assert (flag["decision_number"], flag["decision_date"], flag["achievement_year"]) == ("770/QĐ-TTg", "2023-06-29", 2022)


def test_seed_000_province_has_11_units_44_departments_289_people(demo_loaded):
    data = json.loads(demo.DATA_FILE.read_text(encoding="utf-8"))
    code, name = data["seed_000_province"]["province"]
    assert (code, name) == ("34", "Thái Bình")
    assert any("Đông Phương" in line for line in data["seed_000_province"]["reasoning"])
    province = Province.objects.get(code=code, name=name)
    assert province.merged_into.name == "Hưng Yên"
    assert Unit.objects.filter(province=province).count() == 11
    assert Department.objects.filter(province=province).count() == 44
    assert Person.objects.filter(province=province).count() == 289
    block = next(b for b in data["blocks"] if b["source"] == "000")
    head = next(u["name"] for u in block["units"] if u["block_role"] == "head")
    assert head == "Ban Bảo vệ và Chăm sóc sức khỏe cán bộ tỉnh"
    assert Unit.objects.filter(province=province, name=head).exists()


def test_generated_people_look_real(demo_loaded):
    people = list(Person.objects.all())
    for person in people:
        assert "test" not in person.full_name.casefold() and "lorem" not in person.full_name.casefold()
        if " Thị " in f" {person.full_name} ":
            assert person.gender == "NU", person.full_name
        if " Văn " in f" {person.full_name} ":
            assert person.gender == "NAM", person.full_name
        if person.birth_date:
            assert dt.date(1965, 1, 1) <= person.birth_date <= dt.date(2000, 12, 31)
        assert person.given_name == person.full_name.split()[-1]
    codes = [p.staff_code for p in people]
    assert len(codes) == len(set(codes))
    party_units = [p for p in people if p.unit.kind == "PARTY"]
    assert sum(p.is_party_member for p in party_units) / len(party_units) > 0.9
    bac_kan = [p.ethnicity for p in people if p.province.code == "06"]
    assert "Tày" in bac_kan and "Kinh" in bac_kan
    titles = {p.position_title for p in people}
    assert {"Trưởng ban", "Phó Trưởng ban", "Chánh Văn phòng", "Trưởng phòng", "Chuyên viên"} <= titles


def test_2025_merger_is_recorded_as_lineage(demo_loaded):
    new_ag = Province.objects.get(code="91", name="An Giang")
    merged = Unit.objects.get(province=new_ag, name="Ban Tuyên giáo và Dân vận Tỉnh ủy")
    before = {(u.name, u.province.code) for u, _ in selectors.predecessors(merged)}
    assert {("Ban Tuyên giáo Tỉnh ủy", "89"), ("Ban Dân vận Tỉnh ủy", "89")} <= before
    event = selectors.predecessors(merged)[0][1]
    assert event.kind == "MERGE" and event.effective_on == dt.date(2025, 7, 1)
    assert event.decision_number == ""  # never invented
    assert "chủ trương sắp xếp năm 2025" in event.note
    old_tg = Unit.objects.get(province__code="89", name="Ban Tuyên giáo Tỉnh ủy")
    assert old_tg.ended_on == dt.date(2025, 6, 30)
    assert AuditLog.objects.filter(action="org.lineage.merge", object_uid=str(event.uid)).exists()
    lc = Unit.objects.get(province__code="12", name="Ban Tuyên giáo và Dân vận Tỉnh ủy")
    assert {u.name for u, _ in selectors.predecessors(lc)} == {"Ban Tuyên giáo Tỉnh ủy", "Ban Dân vận Tỉnh ủy"}
    duk = Unit.objects.get(province__code="89", name="Đảng uỷ Khối Cơ quan và Doanh nghiệp tỉnh")
    assert duk.ended_on is not None
    thai_nguyen = Unit.objects.get(province__code="19", name="Ban Tuyên giáo và Dân vận Tỉnh ủy")
    assert {u.province.name for u, _ in selectors.predecessors(thai_nguyen)} == {"Bắc Kạn"}


@pytest.mark.sqlite
def test_demo_accounts_see_what_their_role_allows(demo_loaded, client):
    User = get_user_model()
    angiang = User.objects.get(username="angiang")
    assert angiang.check_password("thidua-demo-2026")
    visible = set(scoped(angiang, Unit).values_list("province__code", "name"))
    assert {("89", n) for n in AN_GIANG_PARTY_BLOCK} <= visible
    assert not any(code == "22" for code, _ in visible)
    quangninh = User.objects.get(username="quangninh")
    assert set(scoped(quangninh, Unit).values_list("name", flat=True)) == set(QUANG_NINH_GENERAL_BLOCK)
    officer = User.objects.get(username="tuyengiao-ag")
    # The merged unit's officer reads its two predecessors' records and edits only the merged unit.
    assert set(scoped(officer, Unit).values_list("name", flat=True)) == {
        "Ban Tuyên giáo và Dân vận Tỉnh ủy", "Ban Tuyên giáo Tỉnh ủy", "Ban Dân vận Tỉnh ủy",
    }
    assert list(scoped(officer, Unit, "person.edit").values_list("name", flat=True)) == ["Ban Tuyên giáo và Dân vận Tỉnh ủy"]
    hungyen = User.objects.get(username="hungyen")
    assert scoped(hungyen, Person).filter(province__code="34").count() == 289
    viewer = User.objects.get(username="xem-laichau")
    assert client.login(username="xem-laichau", password="thidua-demo-2026")
    assert scoped(viewer, Unit).filter(province__code="12").count() == 9


def test_demo_password_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "mat-khau-rieng-2026")
    assert demo.demo_password() == "mat-khau-rieng-2026"
    assert "mật khẩu: mat-khau-rieng-2026" in demo.accounts_summary()
    monkeypatch.delenv("DEMO_PASSWORD")
    assert demo.demo_password() == "thidua-demo-2026"


def test_block_years_of_the_seeds(demo_loaded):
    """Who headed which block which year, as the articles report."""
    from thidua.blocs.models import Bloc, BlocYear, Covenant, CovenantState, Meeting
    from thidua.movements.models import Movement, Registration

    def year(code, name, block, y):
        return BlocYear.objects.select_related("head_unit", "deputy_unit").get(
            bloc__province__code=code, bloc__province__name=name, bloc__name=block, year=y
        )

    ag2023 = year("89", "An Giang", "Khối thi đua các cơ quan Đảng tỉnh", 2023)
    assert ag2023.memberships.count() == 9
    assert (ag2023.head_unit.name, ag2023.deputy_unit.name) == ("Ban Tuyên giáo Tỉnh ủy", "Trường Chính trị Tôn Đức Thắng")
    ag2024 = year("89", "An Giang", "Khối thi đua các cơ quan Đảng tỉnh", 2024)
    assert (ag2024.head_unit.name, ag2024.deputy_unit.name) == ("Trường Chính trị Tôn Đức Thắng", "Ban Nội chính Tỉnh ủy")
    assert Meeting.objects.get(bloc_year=ag2023).held_on == dt.date(2023, 12, 29)

    qn2017 = year("22", "Quảng Ninh", "Khối thi đua các đơn vị tổng hợp", 2017)
    qn2018 = year("22", "Quảng Ninh", "Khối thi đua các đơn vị tổng hợp", 2018)
    assert qn2017.head_unit.name == "Văn phòng HĐND tỉnh" and qn2018.head_unit.name == "Sở Nội vụ"
    covenant = Covenant.objects.get(bloc_year=qn2018)
    assert covenant.state == CovenantState.SIGNED and covenant.signed_on == dt.date(2017, 12, 20)
    assert covenant.commitments.count() == 7 and not covenant.commitments.filter(confirmed_at__isnull=True).exists()
    # Confirmed on the signing day of the article, never on the day the demo was loaded.
    assert {c.confirmed_at.date() for c in covenant.commitments.all()} == {dt.date(2017, 12, 20)}
    from thidua.scoring.models import ScoringRound

    published = ScoringRound.objects.get(bloc_year=qn2017).published_at
    assert timezone.localtime(published).date() == dt.date(2017, 12, 20)

    lc2022 = year("12", "Lai Châu", "Khối thi đua Khối Đảng tỉnh", 2022)
    assert lc2022.head_unit.name == "Đảng ủy Khối các Cơ quan và Doanh nghiệp tỉnh"
    states = set(Registration.objects.filter(bloc_year=lc2022).values_list("state", flat=True))
    assert Registration.objects.filter(bloc_year=lc2022).count() == 8 and {"APPROVED", "SUBMITTED", "RETURNED"} == states
    # "ngay từ đầu năm": every registration sent early in 2022, none late, no load-day date.
    from thidua.movements.selectors import rollup

    assert not any(row["late"] for row in rollup(lc2022, Registration.objects.filter(bloc_year=lc2022)))
    assert {r.submitted_at.year for r in Registration.objects.filter(bloc_year=lc2022)} == {2022}

    bk2023 = year("06", "Bắc Kạn", "Khối thi đua các cơ quan Đảng tỉnh", 2023)
    assert (bk2023.head_unit.name, bk2023.deputy_unit.name) == ("Ban Dân vận Tỉnh ủy", "Ban Bảo vệ, chăm sóc sức khỏe cán bộ tỉnh")
    assert Movement.objects.filter(province__code="06", title__contains="chuyển đổi số").exists()

    tb2022 = year("34", "Thái Bình", "Khối thi đua các cơ quan Đảng tỉnh", 2022)
    assert tb2022.head_unit.name == "Ban Bảo vệ và Chăm sóc sức khỏe cán bộ tỉnh" and tb2022.memberships.count() == 11
    assert Bloc.objects.count() == 5
