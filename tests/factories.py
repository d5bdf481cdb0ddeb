"""Test data built in code through the real actions (healthchecks' alice/bob/charlie idea).

The cast, in two provinces:
- admin: system administrator.
- an_officer: Cán bộ TĐKT tỉnh of An Giang (sees all An Giang, incl. its predecessor provinces).
- unit_officer: Cán bộ TĐKT đơn vị of Ban Tuyên giáo Tỉnh ủy (An Giang) only.
- viewer: Người xem for An Giang.
- qn_officer: Cán bộ TĐKT tỉnh of Quảng Ninh — the outsider for An Giang data.
- nobody: a signed-in account with no grant.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from thidua.accounts.models import Grant, Role, ScopeKind
from thidua.org import actions
from thidua.org.models import Province, Unit, UnitKind
from thidua.org.provinces import load_provinces

PASSWORD = "mat-khau-thu-nghiem-1"


@dataclass
class World:
    an_giang: Province
    an_giang_old: Province
    quang_ninh: Province
    tuyen_giao: Unit
    to_chuc: Unit
    qn_unit: Unit
    admin: object
    an_officer: object
    unit_officer: object
    viewer: object
    qn_officer: object
    nobody: object


def make_user(username: str, **extra):
    User = get_user_model()
    return User.objects.create_user(username=username, password=PASSWORD, **extra)


def grant(user, role: str, province: Province, unit: Unit | None = None, valid_from: dt.date | None = None, valid_to=None):
    return Grant.objects.create(
        user=user,
        role=role,
        scope_kind=ScopeKind.UNIT if unit else ScopeKind.PROVINCE,
        province=province,
        unit=unit,
        valid_from=valid_from or dt.date(2020, 1, 1),
        valid_to=valid_to,
    )


def build_world() -> World:
    load_provinces()
    an_giang = Province.objects.get(code="91", name="An Giang")
    an_giang_old = Province.objects.get(code="89")
    quang_ninh = Province.objects.get(code="22")
    # Units of the pre-2025 An Giang keep their old province.
    tuyen_giao = actions.do_create_unit(
        actor=None, province=an_giang_old, data={"name": "Ban Tuyên giáo Tỉnh ủy", "kind": UnitKind.PARTY}
    )
    to_chuc = actions.do_create_unit(actor=None, province=an_giang_old, data={"name": "Ban Tổ chức Tỉnh ủy", "kind": UnitKind.PARTY})
    qn_unit = actions.do_create_unit(actor=None, province=quang_ninh, data={"name": "Sở Nội vụ", "kind": UnitKind.STATE})
    User = get_user_model()
    admin = User.objects.create_superuser(username="admin", password=PASSWORD)
    an_officer = make_user("can-bo-an-giang", first_name="Nguyễn Thị", last_name="Lan")
    grant(an_officer, Role.PROVINCE_OFFICER, an_giang)
    unit_officer = make_user("can-bo-tuyen-giao")
    grant(unit_officer, Role.UNIT_OFFICER, an_giang_old, unit=tuyen_giao)
    viewer = make_user("nguoi-xem")
    grant(viewer, Role.VIEWER, an_giang)
    qn_officer = make_user("can-bo-quang-ninh")
    grant(qn_officer, Role.PROVINCE_OFFICER, quang_ninh)
    nobody = make_user("chua-phan-quyen")
    return World(an_giang, an_giang_old, quang_ninh, tuyen_giao, to_chuc, qn_unit, admin, an_officer, unit_officer, viewer, qn_officer, nobody)
