"""No query per row: every list and detail page below is fetched with a few rows, then with many
more, and the number of database queries must not grow (issue #17 point 3; NetBox keeps one such
baseline per view). A page that loads a relation per row (an N+1) fails here with both counts and
the queries that were added.

Each case builds its target once (`setup`), then `grow(ctx, n)` adds n more rows of what the page
lists: units, people, history years, members, proposals, items, polls, candidates, initiatives…
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from thidua.blocs import actions as bloc_actions
from thidua.blocs.models import BlocKind
from thidua.history import actions as history_actions
from thidua.history.models import AwardSource
from thidua.initiatives import actions as initiative_actions
from thidua.movements import actions as movement_actions
from thidua.org import actions as org_actions
from thidua.org.models import UnitKind
from thidua.proposals import actions as proposal_actions
from thidua.voting import actions as voting_actions
from thidua.voting.models import CouncilLevel, CouncilRole

pytestmark = pytest.mark.django_db

SMALL, MORE = 2, 5
_serial = itertools.count(1)


def _n() -> int:
    return next(_serial)


@dataclass
class Case:
    name: str
    url: Callable[[Any], str]
    setup: Callable[[Any], Any]
    grow: Callable[[Any, Any, int], None]


# --------------------------------------------------------------------------- builders


def _unit(world, name=None):
    return org_actions.do_create_unit(actor=None, province=world.an_giang_old,
                                      data={"name": name or f"Ban thử nghiệm số {_n()}", "kind": UnitKind.PARTY})


def _person(world, unit=None):
    i = _n()
    return org_actions.do_create_person(actor=None, unit=unit or world.tuyen_giao,
                                        data={"full_name": f"Nguyễn Văn Thử {i}", "gender": "NAM" if i % 2 else "NU",
                                              "position_title": "Chuyên viên"})


def _units(world, ctx, n):
    for _ in range(n):
        _unit(world)


def _people(world, ctx, n):
    for _ in range(n):
        _person(world)


def _unit_staff(world, unit, n):
    for _ in range(n):
        person = _person(world, unit)
        history_actions.do_set_task_rating(None, person, 2024, "EXCELLENT")


def _person_years(world, person, n):
    start = 2024 - len(person.__dict__.setdefault("_years", []))
    for year in range(start, start - n, -1):
        person._years.append(year)
        history_actions.do_set_task_rating(None, person, year, "EXCELLENT")
        history_actions.do_record_award(None, person, "LDTT", year, source=AwardSource.IMPORTED)


def _bloc(world, members=2):
    bloc = bloc_actions.do_create_bloc(actor=world.an_officer, province=world.an_giang,
                                       data={"name": f"Khối thi đua thử {_n()}", "kind": BlocKind.KHOI})
    year, _ = bloc_actions.do_open_year(actor=world.an_officer, bloc=bloc, year=2025)
    for _ in range(members):
        bloc_actions.do_add_member(actor=world.an_officer, bloc_year=year, unit=_unit(world))
    return bloc, year


def _proposal(world):
    return proposal_actions.do_create_proposal(
        actor=world.unit_officer, proposer_unit=world.tuyen_giao,
        data={"title": f"Đề nghị khen thưởng số {_n()}", "year": 2025, "level": "UNIT"},
    )


def _proposal_items(world, proposal, n):
    for _ in range(n):
        proposal_actions.do_add_item(actor=world.unit_officer, proposal=proposal,
                                     data={"person": _person(world), "award": "LDTT", "achievements": "Hoàn thành tốt nhiệm vụ"})


def _decision(world, recipients):
    return proposal_actions.do_record_external_decision(
        actor=None, province=world.an_giang,
        data={"number": str(_n()), "symbol": "QĐ-UBND", "issued_on": dt.date(2026, 1, 10), "level": "PROVINCE",
              "issuer_name": "Chủ tịch UBND tỉnh An Giang"},
        recipients=recipients,
    )


def _council(world):
    return voting_actions.do_create_council(
        actor=world.an_officer, province=world.an_giang,
        data={"name": f"Hội đồng Thi đua - Khen thưởng thử {_n()}", "level": CouncilLevel.PROVINCE,
              "founding_decision": "12/QĐ-UBND", "founding_date": dt.date(2025, 7, 1), "active_from": dt.date(2025, 7, 1)},
    )


def _council_members(world, council, n):
    for _ in range(n):
        voting_actions.do_add_council_member(
            actor=world.an_officer, council=council,
            data={"full_name": f"Thành viên {_n()}", "role": CouncilRole.MEMBER, "user": None, "term_from": dt.date(2025, 7, 1)},
        )


def _poll(world, council, labels):
    from tests.db.test_voting import make_poll

    return make_poll(world, council, labels=tuple(labels), quota=max(1, len(labels) - 1))


def _initiative(world, author):
    i = _n()
    return initiative_actions.do_register_initiative(None, {
        "title": f"Sáng kiến cải tiến quy trình số {i}", "year": 2024, "unit": world.tuyen_giao, "owners": [(author, 100)],
        "content": f"Rút ngắn thời gian xử lý hồ sơ loại {i} bằng biểu mẫu điện tử và kiểm tra chéo.", "sector": "Cải cách hành chính",
    })


def _movement(world):
    return movement_actions.do_create_movement(
        actor=world.an_officer, province=world.an_giang,
        data={"title": f"Phong trào thi đua thử {_n()}", "kind": "REGULAR", "level": "PROVINCE", "start_date": dt.date(2025, 1, 1)},
    )


def _no_registration_rule(world):
    from thidua.org.models import Province

    province = Province.objects.get(pk=world.an_giang.pk)
    org_actions.do_update_province_settings(actor=None, province=province, data={"registration_required_for_proposal": False},
                                            expected_version=province.version)


# --------------------------------------------------------------------------- the pages


def _with_council(world):
    council = _council(world)
    _council_members(world, council, 1)
    return council


CASES = [
    Case("danh sách đơn vị", lambda ctx: reverse("org:unit_list"), lambda w: None, _units),
    Case("danh sách cá nhân", lambda ctx: reverse("org:person_list"), lambda w: None, _people),
    Case("trang đơn vị", lambda ctx: reverse("org:unit_detail", kwargs={"uid": ctx.uid}),
         lambda w: w.tuyen_giao, lambda w, unit, n: _unit_staff(w, unit, n)),
    Case("trang cá nhân", lambda ctx: reverse("org:person_detail", kwargs={"uid": ctx.uid}),
         lambda w: _person(w), lambda w, person, n: _person_years(w, person, n)),
    Case("hồ sơ thành tích cá nhân", lambda ctx: reverse("history:subject", kwargs={"kind": "ca-nhan", "uid": ctx.uid}),
         lambda w: _person(w), lambda w, person, n: _person_years(w, person, n)),
    Case("danh sách khối", lambda ctx: reverse("blocs:bloc_list"), lambda w: None,
         lambda w, ctx, n: [_bloc(w) for _ in range(n)]),
    Case("năm thi đua của khối", lambda ctx: reverse("blocs:year_detail", kwargs={"uid": ctx[1].uid}),
         lambda w: _bloc(w), lambda w, ctx, n: [bloc_actions.do_add_member(actor=w.an_officer, bloc_year=ctx[1], unit=_unit(w)) for _ in range(n)]),
    Case("danh sách phong trào", lambda ctx: reverse("movements:movement_list"), lambda w: None,
         lambda w, ctx, n: [_movement(w) for _ in range(n)]),
    Case("danh sách hồ sơ đề nghị", lambda ctx: reverse("proposals:proposal_list"), lambda w: None,
         lambda w, ctx, n: [_proposal(w) for _ in range(n)]),
    Case("hồ sơ đề nghị", lambda ctx: reverse("proposals:proposal_detail", kwargs={"uid": ctx.uid}),
         lambda w: (_no_registration_rule(w), _proposal(w))[1], lambda w, proposal, n: _proposal_items(w, proposal, n)),
    Case("danh sách quyết định", lambda ctx: reverse("proposals:decision_list"), lambda w: None,
         lambda w, ctx, n: [_decision(w, [{"unit": _unit(w), "award": "BK_TINH", "year": 2025}]) for _ in range(n)]),
    Case("quyết định khen thưởng", lambda ctx: reverse("proposals:decision_detail", kwargs={"uid": ctx["decision"].uid}),
         lambda w: {"units": []}, None),  # grown below: a decision is written once with its list
    Case("danh sách hội đồng", lambda ctx: reverse("voting:council_list"), lambda w: None,
         lambda w, ctx, n: [_with_council(w) for _ in range(n)]),
    Case("hội đồng", lambda ctx: reverse("voting:council_detail", kwargs={"uid": ctx.uid}),
         lambda w: _council(w), lambda w, council, n: _council_members(w, council, n)),
    Case("bình xét, bỏ phiếu", lambda ctx: reverse("voting:home"), lambda w: {"council": _with_council(w)},
         lambda w, ctx, n: [_poll(w, ctx["council"], ("Nguyễn Văn An", "Trần Thị Bình")) for _ in range(n)]),
    Case("cuộc bỏ phiếu", lambda ctx: reverse("voting:poll_detail", kwargs={"uid": ctx["poll"].uid}),
         lambda w: {"council": _with_council(w)}, None),  # grown below: candidates are fixed at creation
    Case("sổ sáng kiến", lambda ctx: reverse("initiatives:list"), lambda w: {"author": _person(w)},
         lambda w, ctx, n: [_initiative(w, ctx["author"]) for _ in range(n)]),
    Case("ai đủ điều kiện", lambda ctx: reverse("history:batch") + "?nam=2024", lambda w: None,
         lambda w, ctx, n: _unit_staff(w, w.tuyen_giao, n)),
    Case("nhật ký", lambda ctx: reverse("audit:log_list"), lambda w: None, _units),
]


def _decision_grow(world, ctx, n):
    # A decision's list is fixed when it is recorded: record a new one with n more recipients.
    ctx["units"].extend(_unit(world) for _ in range(n))
    ctx["decision"] = _decision(world, [{"unit": u, "award": "BK_TINH", "year": 2025} for u in ctx["units"]])


def _poll_grow(world, ctx, n):
    ctx.setdefault("labels", [])
    ctx["labels"].extend(f"Ứng viên {_n()}" for _ in range(n))
    ctx["poll"] = _poll(world, ctx["council"], ctx["labels"])


for case in CASES:
    if case.name == "quyết định khen thưởng":
        case.grow = _decision_grow
    elif case.name == "cuộc bỏ phiếu":
        case.grow = _poll_grow


def _shape(sql: str) -> str:
    """The query without its values, so the same query for another row counts as the same shape."""
    sql = re.sub(r'"_django_curs_[^"]*"', "cursor", sql)
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(\.\d+)?\b", "?", sql)
    return re.sub(r"\(\?(, \?)*\)", "(…)", sql)


def _count(client, url: str) -> Counter:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:400])
    return Counter(_shape(q["sql"]) for q in queries.captured_queries)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_page_needs_no_query_per_row(world, client, case):
    client.force_login(world.admin)
    ctx = case.setup(world)
    case.grow(world, ctx, SMALL)
    client.get(case.url(ctx))  # warm the session, caches and lazily loaded settings
    small = _count(client, case.url(ctx))
    case.grow(world, ctx, MORE)
    client.get(case.url(ctx))
    large = _count(client, case.url(ctx))
    grown = [(n, sql[:300]) for sql, n in (large - small).items()]
    assert sum(large.values()) <= sum(small.values()), (
        f"{case.name}: {sum(small.values())} truy vấn với {SMALL} dòng, {sum(large.values())} với {SMALL + MORE}; tăng thêm: {grown}"
    )
