"""The one way pages and the API read a report request: which province (among those the user may
look at) and which year; then the statistics scope and the tables. Shared by views and /api/v1."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from thidua.org.models import Province
from thidua.reports.statistics import StatScope, default_year, report_provinces, stat_scope

FIRST_YEAR, LAST_YEAR = 2000, 2100


class BadYear(ValueError):
    message = f"Năm phải là số từ {FIRST_YEAR} đến {LAST_YEAR}, ví dụ 2025."


@dataclass
class Picked:
    provinces: list[Province]
    province: Province | None
    year: int
    scope: StatScope | None


def parse_year(value) -> int:
    """The year asked for; empty means the default year. Raises BadYear."""
    if value in (None, ""):
        return default_year()
    try:
        year = int(str(value).strip())
    except ValueError:
        raise BadYear() from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise BadYear()
    return year


def pick(user, province_uid, year: int) -> Picked:
    """The province the user asked for (404 when it is not one they may look at), or their first."""
    provinces = report_provinces(user)
    province = None
    if province_uid:
        province = next((p for p in provinces if str(p.uid) == str(province_uid)), None)
        if province is None:
            raise Http404("Không tìm thấy")
    elif provinces:
        province = provinces[0]
    scope = stat_scope(user, province) if province is not None else None
    return Picked(provinces, province, year, scope)


def scope_text(scope: StatScope) -> str:
    if scope.whole_province:
        return f"toàn tỉnh {scope.province.name}"
    count = len(scope.unit_ids or ())
    return f"{count} đơn vị trong phạm vi được giao (tỉnh {scope.province.name})"
