"""The statistics engine (thidua/rules/statistics.py): definitions as data, validated on load
(an unknown field or value is refused in Vietnamese), versions by date, filters, cells and totals."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from thidua.rules import statistics as s

BASE = {
    "code": "T1", "version": 1, "title": "Thử", "effective_from": "2024-01-01", "unconfirmed": "chưa đối chiếu",
    "rows": {"by": "subject"}, "columns": [{"key": "nu", "label": "Nữ", "where": {"gender": ["NU"]}}],
}


def _def(**changes):
    raw = {**BASE, **changes}
    return s.parse_definition(raw)


def _group(**values):
    base = {"subject": "individual", "kind": "DANH_HIEU", "level": "BASE", "award": "LDTT", "award_type": "MERIT",
            "gender": "NU", "position": "DIRECT", "unit_kind": "STATE"}
    base.update(values)
    return base


def test_shipped_definitions_load_and_cover_every_required_breakdown():
    definitions = s.load_definitions()
    used = set()
    for d in definitions:
        assert d.citation or d.unconfirmed, d.code
        used |= set(d.filters)
        for item in d.rows + d.columns:
            used |= set(item.where)
    # kind/level/subject/gender/leaders vs direct/unit type (issue #13 point 5)
    assert {"kind", "level", "subject", "gender", "position", "unit_kind", "award"} <= used
    assert [d.code for d in s.definitions_for_year(2025)] == sorted(d.code for d in s.definitions_for_year(2025))


def test_unknown_field_is_refused_in_vietnamese():
    with pytest.raises(s.DefinitionError) as error:
        _def(filters={"gioi_tinh": ["NU"]})
    assert "trường «gioi_tinh» không có trong dữ liệu thống kê" in error.value.message
    with pytest.raises(s.DefinitionError) as error:
        _def(rows={"by": "tinh_thanh"})
    assert "«tinh_thanh»" in error.value.message
    with pytest.raises(s.DefinitionError) as error:
        _def(columns=[{"key": "x", "label": "X", "where": {"dan_toc": ["Kinh"]}}])
    assert "«dan_toc»" in error.value.message


def test_unknown_value_missing_citation_and_bad_dates_are_refused():
    with pytest.raises(s.DefinitionError, match="không có giá trị «KHAC»"):
        _def(filters={"gender": ["KHAC"]})
    with pytest.raises(s.DefinitionError, match="căn cứ pháp lý"):
        _def(unconfirmed="")
    with pytest.raises(s.DefinitionError, match="hết hiệu lực trước"):
        _def(effective_to="2023-01-01")
    with pytest.raises(s.DefinitionError, match="không hiểu mục «colums»"):
        s.parse_definition({**BASE, "colums": []})


def test_a_bad_file_is_refused_on_load(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps([{**BASE, "filters": {"nganh": ["X"]}}]), encoding="utf-8")
    with pytest.raises(s.DefinitionError, match="«nganh»"):
        s.load_definitions(tmp_path)
    (tmp_path / "a.json").write_text("{không phải JSON", encoding="utf-8")
    with pytest.raises(s.DefinitionError, match="JSON sai cú pháp"):
        s.load_definitions(tmp_path)


def test_versions_are_chosen_by_the_year_and_may_not_overlap():
    old = {**BASE, "effective_to": "2025-06-30"}
    new = {**BASE, "version": 2, "effective_from": "2025-07-01", "title": "Mẫu mới"}
    defs = s.parse_definitions([old, new])
    assert s.definition_for("T1", 2024, defs).version == 1
    assert s.definition_for("T1", 2025, defs).version == 2
    with pytest.raises(s.DefinitionError, match="chồng nhau"):
        s.parse_definitions([{**BASE}, {**new}])


def test_filters_rows_columns_and_totals():
    d = _def(filters={"level": ["BASE", "PROVINCE"]})
    groups = [
        (_group(), 3),  # cá nhân nữ cơ sở
        (_group(gender="NAM"), 2),
        (_group(subject="collective", gender=None, position=None), 4),
        (_group(level="CENTRAL"), 7),  # filtered out
    ]
    table = s.compute(d, 2025, groups)
    assert table.value("individual", "nu") == 3
    assert table.value("individual", "total") == 5
    assert table.value("collective", "total") == 4 and table.value("collective", "nu") == 0
    assert table.value("total", "total") == 9 and table.value("total", "nu") == 3
    assert s.cell_where(d, "individual", "nu") == {"level": frozenset({"BASE", "PROVINCE"}), "subject": frozenset({"individual"}),
                                                   "gender": frozenset({"NU"})}
    assert s.cell_where(d, "individual", "nope") is None
    assert "Cấp cơ sở" in s.describe(d, 2025) and "2025" in s.describe(d, 2025)


def test_dimensions_of_a_record():
    info = s.catalogue_info()
    v = s.dimensions_of(award_code="BK_TTG", award_type="MERIT", decision_level="", is_person=True, gender="NU", is_leader=True,
                        unit_kind="PARTY", info=info)
    assert v["level"] == s.CENTRAL and v["kind"] == "HINH_THUC" and v["position"] == s.LEADER
    # The decision's own level wins over the catalogue's.
    assert s.dimensions_of(award_code="GIAY_KHEN", award_type="MERIT", decision_level="PROVINCE", is_person=False, gender=None,
                           is_leader=None, unit_kind="STATE", info=info)["level"] == s.PROVINCE
    unit = s.dimensions_of(award_code="TTLDTT", award_type="MERIT", decision_level="", is_person=False, gender=None, is_leader=None,
                           unit_kind="STATE", info=info)
    assert unit["gender"] is None and unit["position"] is None and unit["subject"] == "collective"


def test_unit_kinds_follow_the_registry():
    from thidua.org.models import UnitKind

    assert s.UNIT_KINDS == {value: label for value, label in UnitKind.choices}


def test_definition_in_force_dates():
    d = _def(effective_to="2025-12-31")
    assert d.in_force(dt.date(2025, 12, 31)) and not d.in_force(dt.date(2026, 1, 1))
