"""Issue #19: awards of other issuers and `AwardType.counts_as_basis`, passed to the pure engine as data.

A Bằng khen of a ministry counts as the Bằng khen cấp bộ, ban, ngành, tỉnh a higher award needs
(`counts_as`); one whose catalogue entry does not count as a basis (Hội Nhà báo Việt Nam, a sector's
ad hoc award: domain-rules §3) never satisfies it (`basis: false`), whatever code it carries.
"""

from __future__ import annotations

import pytest

from tests.core.eligibility_helpers import entry, evaluate, route_failing
from thidua.rules.errors import WhatIfError

NO_QUALITATIVE = {"outstanding": False, "exceptional_achievement": False}


def _history(award):
    history = []
    for y in range(2015, 2026):
        titles = ["LDTT"] + (["CSTDCS"] if y in (2021, 2023, 2025) else [])
        history.append(entry(y, "GOOD", titles, [award] if y == 2019 else []))
    return history


def _check(result):
    return next(c for c in result["checks"] if c["code"] == "bk_tinh_before" and c.get("route") == "73.1.b")


def test_a_ministry_bang_khen_counted_as_the_provincial_level_basis():
    award = {"code": "BK_BCA", "counts_as": "BK_TINH", "name": "Bằng khen của Bộ trưởng Bộ Công an"}
    result = evaluate("BK_TTG", _history(award), confirmations=NO_QUALITATIVE)
    assert result["outcome"] == "ELIGIBLE" and route_failing(result, "73.1.b") == set()
    assert "Bằng khen của Bộ trưởng Bộ Công an (tính như Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh) năm 2019" in _check(result)["text"]


def test_an_award_that_is_no_basis_never_satisfies_the_prerequisite():
    award = {"code": "BK_HNBVN", "counts_as": "BK_TINH", "basis": False, "name": "Bằng khen của Hội Nhà báo Việt Nam"}
    result = evaluate("BK_TTG", _history(award), confirmations=NO_QUALITATIVE)
    assert result["outcome"] == "NOT_ELIGIBLE" and route_failing(result, "73.1.b") == {"bk_tinh_before"}
    text = _check(result)["text"]
    assert "Bằng khen của Hội Nhà báo Việt Nam năm 2019" in text and "không tính làm căn cứ" in text
    # Even under the very code of the prerequisite.
    same_code = evaluate("BK_TTG", _history({"code": "BK_TINH", "basis": False}), confirmations=NO_QUALITATIVE)
    assert route_failing(same_code, "73.1.b") == {"bk_tinh_before"}
    # An award without counts_as is simply another award: no basis either.
    plain = evaluate("BK_TTG", _history({"code": "BK_HNBVN"}), confirmations=NO_QUALITATIVE)
    assert route_failing(plain, "73.1.b") == {"bk_tinh_before"}


@pytest.mark.parametrize("bad,field", [
    ({"code": "BK_X", "counts_as": "GIAY_KHEN"}, "counts_as"),
    ({"code": "BK_X", "basis": "no"}, "basis"),
    ({"code": "BK_X", "name": ""}, "name"),
])
def test_bad_basis_fields_are_refused_in_vietnamese(bad, field):
    with pytest.raises(WhatIfError) as caught:
        evaluate("BK_TTG", _history(bad), confirmations=NO_QUALITATIVE)
    assert caught.value.code == "invalid_field" and caught.value.field.endswith(field)
    assert "phải" in caught.value.message or "không" in caught.value.message
