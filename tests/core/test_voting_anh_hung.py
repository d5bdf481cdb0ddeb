"""Anh hùng sessions need ≥ 90 % of the council present, not the 2/3 quorum (domain-rules §5,
quorum row: NĐ 98/2023 Điều 47; carried into the NĐ 152/2025 version as an UNCONFIRMED default)."""

from __future__ import annotations

import pytest

from thidua.rules.voting import tally

BOTH = [("2025-03-01", "98/2023", False), ("2026-01-05", "152/2025", True)]


def anh_hung(award="AHLD", *, present, council=20, decided_on="2026-01-05", yes=None):
    return {
        "kind": "voting", "decided_on": decided_on, "award": award, "council_size": council, "present": present,
        "written_opinions": 0, "quota": None, "candidates": [{"id": "A", "name": "Nguyễn Văn An", "yes": present if yes is None else yes}],
    }


@pytest.mark.parametrize("decided_on,decree,unconfirmed", BOTH)
@pytest.mark.parametrize("award", ["AHLD", "AHLLVT"])
def test_anh_hung_needs_ninety_percent_present(award, decided_on, decree, unconfirmed):
    # 20 members: 2/3 would be 14; Anh hùng needs 18 present.
    short = tally(anh_hung(award, present=17, decided_on=decided_on))
    assert short["quorum"]["required"] == 18 and short["quorum"]["met"] is False
    assert not short["results"][0]["selected"]
    assert "90%" in short["quorum"]["text"] and "Anh hùng" in short["quorum"]["text"] and "Điều 47" in short["quorum"]["text"]
    assert decree in short["quorum"]["citation"] and ("chưa xác nhận" in short["quorum"]["citation"]) is unconfirmed
    enough = tally(anh_hung(award, present=18, decided_on=decided_on))
    assert enough["quorum"]["met"] is True and enough["results"][0]["selected"] is True


@pytest.mark.parametrize("council,required", [(11, 10), (15, 14), (10, 9), (21, 19), (1, 1)])
def test_ninety_percent_is_rounded_up(council, required):
    assert tally(anh_hung(present=required, council=council))["quorum"] == tally(anh_hung(present=required, council=council))["quorum"] | {"met": True, "required": required}
    assert tally(anh_hung(present=required - 1, council=council, yes=0))["quorum"]["met"] is False


def test_other_awards_keep_the_meeting_quorum():
    result = tally(anh_hung("CSTD_TINH", present=14))
    assert result["quorum"]["required"] == 14 and result["quorum"]["met"] is True and "Anh hùng" not in result["quorum"]["text"]


def test_a_stricter_province_quorum_still_wins():
    override = {"rule": "*", "param": "quorum_percent", "value": 95, "citation": "Quy chế của tỉnh"}
    result = tally(anh_hung(present=18), overrides=[override])
    assert result["quorum"]["required"] == 19 and result["quorum"]["citation"] == "Quy chế của tỉnh"
    # A weaker one (80 %) does not lower the Anh hùng quorum.
    result = tally(anh_hung(present=17), overrides=[{**override, "value": 80}])
    assert result["quorum"]["required"] == 18 and result["quorum"]["met"] is False
