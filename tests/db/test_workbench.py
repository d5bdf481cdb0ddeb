"""Bàn làm việc (the home page) for each role: the province officer sees every block of the year,
a block head its block, a unit officer what its unit owes and its results, and nobody sees
another unit's data. The gathering reads whole sets: its query count does not grow with the
number of blocks and units."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from thidua.accounts.models import Role
from thidua.blocs import actions as bloc_actions
from thidua.blocs.models import BlocKind
from thidua.core.workbench import workbench_for
from thidua.movements import actions as movement_actions
from thidua.org import actions as org_actions
from thidua.org.models import UnitKind
from thidua.proposals import actions as proposal_actions
from thidua.scoring import actions as scoring_actions
from tests.db.test_scoring import build_block, open_round
from tests.factories import grant, make_user

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def _unit(world, name):
    return org_actions.do_create_unit(actor=None, province=world.an_giang_old, data={"name": name, "kind": UnitKind.STATE})


def _other_block(world, name="Cụm thi đua các sở, ngành kinh tế", units=("Sở Tài chính", "Sở Xây dựng")):
    """A second block of the province with its own members (no round)."""
    bloc = bloc_actions.do_create_bloc(actor=None, province=world.an_giang, data={"name": name, "kind": BlocKind.CUM})
    year, _ = bloc_actions.do_open_year(actor=None, bloc=bloc, year=TODAY.year)
    members = [_unit(world, n) for n in units]
    for unit in members:
        bloc_actions.do_add_member(actor=None, bloc_year=year, unit=unit)
    return bloc, year, members


def _decision(world, recipients, number="15"):
    return proposal_actions.do_record_external_decision(
        actor=world.an_officer, province=world.an_giang,
        data={"number": number, "symbol": "QĐ-UBND", "issued_on": TODAY, "level": "PROVINCE", "issuer_unit": world.tuyen_giao,
              "issuer_name": "Chủ tịch UBND tỉnh An Giang", "signer_title": "Chủ tịch", "signer_name": "Hồ Văn Mừng"},
        recipients=recipients,
    )


def _person(unit, name, gender):
    return org_actions.do_create_person(actor=None, unit=unit, data={"full_name": name, "gender": gender, "position_title": "Chuyên viên"})


@pytest.fixture
def year_data(world):
    b = open_round(build_block(world))
    bloc_actions.do_set_deadline(actor=world.an_officer, bloc_year=b.bloc_year, kind="REGISTRATION", due_on=TODAY - dt.timedelta(days=3))
    b.other_bloc, b.other_year, b.other_units = _other_block(world)
    return b


def _page(client, **params):
    response = client.get(reverse("home"), params)
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str, heading: str) -> str:
    """The HTML of the section whose h2 reads `heading` (up to the next section)."""
    start = html.index(f">{heading}</h2>")
    end = html.find("<section", start)
    return html[start:end if end > 0 else len(html)]


def test_province_officer_sees_each_block_its_stage_deadlines_and_what_waits(world, year_data, client_for):
    b = year_data
    reg = movement_actions.do_start_registration(actor=world.an_officer, bloc_year=b.other_year, unit=b.other_units[0])
    movement_actions.do_update_registration(actor=world.an_officer, registration=reg, targets="", items=[{"subject_kind": "collective", "award": "TTLDTT"}],
                                            expected_version=reg.version)
    movement_actions.do_submit_registration(actor=world.an_officer, registration=reg, expected_version=reg.version)
    woman = _person(world.tuyen_giao, "Hà Thị Thu", "NU")
    man = _person(world.tuyen_giao, "Lường Văn Khánh", "NAM")
    _decision(world, [{"person": woman, "award": "BK_TINH", "year": TODAY.year}, {"person": man, "award": "BK_TINH", "year": TODAY.year},
                      {"unit": world.to_chuc, "award": "BK_TINH", "year": TODAY.year}])

    html = _page(client_for(world.an_officer))
    province = _section(html, "Toàn tỉnh")
    # Each block with its stage: the scored block is at "Chấm điểm", the other still registering.
    assert b.bloc.name in province and b.other_bloc.name in province
    assert "Chấm điểm thi đua" in province and "0/3 phiếu đã gửi" in province
    assert "Đăng ký thi đua" in province and "1/2 đơn vị đã gửi" in province
    # Registrations against the deadline: the scored block's deadline passed with nobody registered.
    assert f"hạn {(TODAY - dt.timedelta(days=3)):%d/%m/%Y}" in province
    assert "quá hạn “Đăng ký thi đua”" in province and "Quá hạn" in province
    # What waits for the officer: the submitted registration, linked to the roll-up.
    assert "1 bản đăng ký thi đua chờ duyệt" in province
    assert reverse("movements:registration_rollup", args=[b.other_year.uid]) in province
    # Scoring progress by state, decisions and money of the year.
    assert "Đang tự chấm" in province
    assert "3 lượt được khen thưởng" in province
    # Charts: SVG with their data tables; women's share 1 of 2 individuals = 50 %.
    assert province.count("<svg") >= 3 and "chart-data" in province
    assert "50,0 %" in province
    assert "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh" in province
    # No inline style anywhere (CSP style-src 'self').
    assert not re.search(r"<[^>]+\sstyle=", html)


def test_block_head_sees_their_block_only_and_a_unit_section_for_their_unit(world, year_data, client_for):
    b = year_data
    # Ban Tổ chức is the head unit this year: its officer is Trưởng khối of this block (derived), and its unit officer.
    html = _page(client_for(b.head_officer))
    block = _section(html, "Khối tôi làm Trưởng khối")
    assert b.bloc.name in block
    assert b.other_bloc.name not in html
    assert "Toàn tỉnh" not in html
    unit = _section(html, f"Đơn vị: {world.to_chuc.name}")
    assert "tự chấm điểm và gửi phiếu chấm điểm" in unit
    assert reverse("scoring:sheet", args=[b.tc.uid]) in unit
    # The block's overdue registration shows for its head.
    assert "quá hạn “Đăng ký thi đua”" in block


def test_unit_officer_sees_what_the_unit_owes_and_never_another_units_data(world, year_data, client_for):
    b = year_data
    # Another unit's proposal, sheet and award must not show.
    other = _person(b.dan_van, "Triệu Thị Mai", "NU")
    _decision(world, [{"person": other, "award": "BK_TINH", "year": TODAY.year}], number="16")
    own = _person(world.tuyen_giao, "Nông Văn Tùng", "NAM")
    _decision(world, [{"person": own, "award": "CSTDCS", "year": TODAY.year}], number="17")
    proposal_actions.do_create_proposal(actor=b.peer_officer, proposer_unit=b.dan_van,
                                        data={"year": TODAY.year, "title": "Đề nghị tặng Bằng khen cho Ban Dân vận", "level": "PROVINCE"})
    proposal_actions.do_create_proposal(actor=world.unit_officer, proposer_unit=world.tuyen_giao,
                                        data={"year": TODAY.year, "title": "Đề nghị tặng Bằng khen cho Ban Tuyên giáo", "level": "PROVINCE"})

    html = _page(client_for(world.unit_officer))
    assert "Toàn tỉnh" not in html and "Khối tôi làm Trưởng khối" not in html
    unit = _section(html, f"Đơn vị: {world.tuyen_giao.name}")
    # What the unit owes: its registration (deadline passed), its own score sheet, its draft proposal.
    assert "đơn vị chưa gửi đăng ký thi đua" in unit and "Quá hạn" in unit
    assert reverse("scoring:sheet", args=[b.tg.uid]) in unit
    assert "Đề nghị tặng Bằng khen cho Ban Tuyên giáo" in unit and "chưa gửi" in unit
    # Its results: its own award.
    assert "Nông Văn Tùng" in unit and "Chiến sĩ thi đua cơ sở" in unit
    # Never another unit's data.
    for foreign in (str(b.dv.uid), str(b.tc.uid), "Ban Dân vận", "Triệu Thị Mai", b.other_bloc.name, "Sở Tài chính"):
        assert foreign not in html, foreign


def test_unit_officer_sees_the_cross_check_it_was_assigned(world, year_data, client_for):
    from tests.db.test_scoring import fill_and_submit

    b = year_data
    fill_and_submit(world.unit_officer, b.tg)
    html = _page(client_for(b.peer_officer))
    unit = _section(html, f"Đơn vị: {b.dan_van.name}")
    assert f"chấm chéo phiếu của {world.tuyen_giao.name}" in unit
    assert reverse("scoring:sheet", args=[b.tg.uid]) in unit


def test_user_with_several_roles_sees_a_section_for_each(world, year_data, client_for):
    both = make_user("hai-vai-tro")
    grant(both, Role.PROVINCE_OFFICER, world.an_giang)
    grant(both, Role.UNIT_OFFICER, world.an_giang_old, unit=world.tuyen_giao)
    html = _page(client_for(both))
    assert ">Toàn tỉnh</h2>" in html and f">Đơn vị: {world.tuyen_giao.name}</h2>" in html


def test_outsider_province_officer_sees_none_of_this_province(world, year_data, client_for):
    html = _page(client_for(world.qn_officer))
    assert year_data.bloc.name not in html and year_data.other_bloc.name not in html


def test_year_parameter_and_bad_values(world, year_data, client_for):
    client = client_for(world.an_officer)
    assert f"Bàn làm việc năm {TODAY.year}" in _page(client, nam="abc", khoi="không-phải-mã")
    assert f"Bàn làm việc năm {TODAY.year}" in _page(client, nam="99999")
    last_year = _page(client, nam=str(TODAY.year - 1))
    assert f"Bàn làm việc năm {TODAY.year - 1}" in last_year
    assert f"Chưa có khối, cụm thi đua nào mở năm {TODAY.year - 1}" in last_year and year_data.bloc.name not in last_year


def test_ranking_chart_follows_the_chosen_block(world, year_data, client_for):
    b = year_data
    html = _page(client_for(world.an_officer), khoi=str(b.bloc_year.uid))
    svg = re.search(r'<svg[^>]*id="chart-ranking-toan-tinh".*?</svg>', html, re.S)
    assert svg is not None
    ET.fromstring(svg.group(0))  # well-formed XML
    assert f"Xếp hạng {b.bloc.name}" in svg.group(0) and "tạm tính" in svg.group(0)


def _queries(user) -> int:
    from django.contrib.auth import get_user_model

    fresh = get_user_model().objects.get(pk=user.pk)  # no scope cached on the object
    with CaptureQueriesContext(connection) as ctx:
        workbench_for(fresh)
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_blocks_and_units(world, year_data):
    b = year_data
    officer_before = _queries(world.an_officer)
    head_before = _queries(b.head_officer)
    for n in range(3):
        bloc, year, units = _other_block(world, name=f"Cụm thi đua số {n + 2}", units=(f"Sở số {n}a", f"Sở số {n}b", f"Sở số {n}c"))
        criteria = scoring_actions.do_create_criteria_set(
            actor=world.an_officer, province=world.an_giang, data={"bloc": bloc, "year": TODAY.year, "name": f"Bảng tiêu chí {n}"})
        scoring_actions.do_add_criterion(actor=world.an_officer, criteria_set=criteria,
                                         data={"code": "1", "title": "Hoàn thành nhiệm vụ", "kind": "SCORE", "max_points": 100})
        scoring_actions.do_open_round(actor=world.an_officer, bloc_year=year, criteria_set=criteria)
        bloc_actions.do_set_deadline(actor=world.an_officer, bloc_year=year, kind="REGISTRATION", due_on=TODAY - dt.timedelta(days=1))
        _decision(world, [{"unit": units[0], "award": "BK_TINH", "year": TODAY.year}], number=f"{30 + n}")
    # More blocks, members, sheets and decisions: the same number of queries.
    assert (_queries(world.an_officer), _queries(b.head_officer)) == (officer_before, head_before)
    sections = workbench_for(world.an_officer).sections
    assert len(sections[0].blocks) == 5


def test_every_persona_gets_a_vietnamese_page(world, year_data, client_for):
    from django.test import Client

    for user in (world.admin, world.viewer, world.nobody, world.qn_officer):
        html = _page(client_for(user))
        assert "Bàn làm việc năm" in html and "Vai trò của bạn" in html
    # The administrator and a province-wide viewer see the province's blocks; the viewer is offered no work.
    b = year_data
    reg = movement_actions.do_start_registration(actor=world.an_officer, bloc_year=b.other_year, unit=b.other_units[1])
    movement_actions.do_update_registration(actor=world.an_officer, registration=reg, targets="", items=[{"subject_kind": "collective", "award": "TTLDTT"}],
                                            expected_version=reg.version)
    movement_actions.do_submit_registration(actor=world.an_officer, registration=reg, expected_version=reg.version)
    assert "1 bản đăng ký thi đua chờ duyệt" in _section(_page(client_for(world.admin)), "Toàn tỉnh")
    viewer = _section(_page(client_for(world.viewer)), "Toàn tỉnh")
    assert b.bloc.name in viewer and "1/2 đơn vị đã gửi" in viewer and "chờ duyệt" not in viewer
    assert "chưa được phân quyền" in _page(client_for(world.nobody))
    assert Client().get(reverse("home")).status_code == 302
