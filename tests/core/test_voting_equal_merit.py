"""Women first at equal merit (NĐ 152/2025 Điều 4 khoản 6): what the chair sees at a tie."""

from __future__ import annotations

import datetime as dt

from thidua.rules.voting import equal_merit

ND152_DAY = dt.date(2026, 1, 5)
ND98_DAY = dt.date(2025, 3, 10)


def test_nd152_prefers_the_woman_and_says_why():
    out = equal_merit([{"id": "1", "name": "Nguyễn Văn An", "female": False}, {"id": "2", "name": "Trần Thị Bình", "female": True}], ND152_DAY)
    assert out["in_force"] and out["citation"] == "Nghị định 152/2025/NĐ-CP, Điều 4 khoản 6"
    assert [(c["gender"], c["preferred"]) for c in out["candidates"]] == [("nam", False), ("nữ", True)]
    assert out["preferred_ids"] == ["2"]
    assert "Nguyễn Văn An: nam; Trần Thị Bình: nữ." in out["text"]
    assert "ưu tiên Trần Thị Bình; Chủ tịch hội đồng quyết định" in out["text"] and "Điều 4 khoản 6" in out["text"]


def test_collectives_need_seventy_percent_women_exactly():
    tied = [{"id": "a", "name": "Ban Dân vận", "women": 7, "members": 10}, {"id": "b", "name": "Ban Nội chính", "women": 69, "members": 100},
            {"id": "c", "name": "Văn phòng", "women": 0, "members": 0}]
    out = equal_merit(tied, ND152_DAY)
    assert [c["preferred"] for c in out["candidates"]] == [True, False, False]
    assert out["candidates"][0]["gender"] == "tỷ lệ nữ 70,00% (7/10 người)"
    assert out["candidates"][2]["gender"] == "chưa có danh sách người của tập thể"


def test_all_or_none_preferred_leaves_the_choice_to_the_chair():
    women = equal_merit([{"id": "1", "name": "A", "female": True}, {"id": "2", "name": "B", "female": True}], ND152_DAY)
    assert "đều thuộc diện được ưu tiên" in women["text"]
    unknown = equal_merit([{"id": "1", "name": "A", "female": None}, {"id": "2", "name": "B", "female": False}], ND152_DAY)
    assert unknown["candidates"][0]["gender"] == "chưa ghi giới tính" and unknown["preferred_ids"] == []
    assert "không ai thuộc diện được ưu tiên" in unknown["text"]


def test_before_nd152_the_genders_are_shown_but_no_preference_is_claimed():
    out = equal_merit([{"id": "1", "name": "Nguyễn Văn An", "female": False}, {"id": "2", "name": "Trần Thị Bình", "female": True}], ND98_DAY)
    assert not out["in_force"] and out["preferred_ids"] == []
    assert [c["gender"] for c in out["candidates"]] == ["nam", "nữ"]
    assert "có hiệu lực từ 01/07/2025" in out["text"] and out["citation"] == "Luật Thi đua, khen thưởng 2022, Điều 5 khoản 3"


def test_a_date_before_any_rule():
    out = equal_merit([{"id": "1", "name": "A", "female": True}], dt.date(2020, 1, 1))
    assert out["rule"] is None and "Chưa có quy định" in out["text"]
