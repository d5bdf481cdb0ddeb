"""Paper tally checks (thidua/rules/counting.py): table-driven, one row per way a tally can fail."""

from __future__ import annotations

import pytest

from thidua.rules.counting import APPROVE_EACH, CHOOSE_ONE, check, compare, totals_line, valid_ballots

CANDIDATES = [("1", "Nguyễn Văn An"), ("2", "Trần Thị Bình"), ("3", "Lê Văn Cường")]


def _counts(**changes):
    """A council of 15: 13 present, 2 written opinions, 16 ballots issued (1 spoiled and exchanged)."""
    counts = {
        "present": 13, "written_opinions": 2,
        "ballots_issued": 16, "ballots_used": 15, "ballots_spoiled": 1, "ballots_invalid": 1, "ballots_blank": 0,
        "candidates": {"1": {"yes": 14, "no": 0}, "2": {"yes": 10, "no": 4}, "3": {"yes": 3, "no": 11}},
    }
    candidates = changes.pop("candidates", None)
    counts.update(changes)
    if candidates:
        for cid, row in candidates.items():
            counts["candidates"][cid] = {**counts["candidates"][cid], **row}
    return counts


def _problems(counts, method=APPROVE_EACH, quota=2, electorate=15, **kwargs):
    return check(counts, candidates=CANDIDATES, method=method, electorate=electorate, quota=quota, **kwargs)


def test_a_tally_that_adds_up_has_no_problem():
    assert _problems(_counts()) == []
    assert valid_ballots(_counts()) == 14


@pytest.mark.parametrize(
    "changes, field, words",
    [
        # phát ra = thu vào + hỏng
        ({"ballots_issued": 17}, "ballots_issued", "(15 + 1 = 16)"),
        ({"ballots_spoiled": 0}, "ballots_issued", "phải bằng số phiếu thu vào"),
        # more ballots taken in than voters
        ({"ballots_used": 16, "ballots_issued": 17}, "ballots_used", "13 có mặt + 2 ý kiến bằng văn bản = 15"),
        ({"present": 12}, "ballots_used", "lớn hơn số người bỏ phiếu"),
        # people
        ({"present": 16}, "present", "lớn hơn tổng số thành viên (15)"),
        ({"written_opinions": 3}, "written_opinions", "15 − 13 = 2"),
        # invalid and blank
        ({"ballots_invalid": 16}, "ballots_invalid", "lớn hơn số phiếu thu vào (15)"),
        ({"ballots_blank": 15}, "ballots_blank", "lớn hơn số phiếu hợp lệ (15 − 1 = 14)"),
        # per candidate yes ≤ valid
        ({"candidates": {"1": {"yes": 15, "no": 0}}}, "candidates.1.yes", "lớn hơn số phiếu hợp lệ (15 − 1 = 14)"),
        # yes + no = valid
        ({"candidates": {"2": {"no": 1}}}, "candidates.2.no", "đồng ý (10) cộng không đồng ý (1)"),
        # a blank ballot agrees with nobody
        ({"ballots_blank": 1, "candidates": {"1": {"yes": 14, "no": 0}}}, "candidates.1.yes", "không trắng (14 − 1 = 13)"),
        # whole non-negative numbers, nothing missing
        ({"ballots_used": -1}, "ballots_used", "số nguyên không âm"),
        ({"ballots_used": 2.5}, "ballots_used", "số nguyên không âm"),
        ({"ballots_used": True}, "ballots_used", "số nguyên không âm"),
        ({"ballots_invalid": None}, "ballots_invalid", "Chưa nhập số phiếu không hợp lệ"),
        ({"candidates": {"3": {"yes": None}}}, "candidates.3.yes", "Chưa nhập số phiếu đồng ý của “Lê Văn Cường”"),
    ],
)
def test_inconsistent_tallies_are_refused_with_the_reason(changes, field, words):
    problems = _problems(_counts(**changes))
    assert problems, f"{changes} should be refused"
    assert any(p.field == field and words in p.message for p in problems), [(p.field, p.message) for p in problems]


def test_approvals_over_the_quota_cannot_add_up():
    # 14 valid ballots, quota 2: at most 28 approvals in all.
    counts = _counts(candidates={"1": {"yes": 14, "no": 0}, "2": {"yes": 14, "no": 0}, "3": {"yes": 1, "no": 13}})
    [problem] = _problems(counts, quota=2)
    assert problem.field == "candidates" and "14 phiếu hợp lệ không trắng × 2 (chỉ tiêu) = 28" in problem.message
    assert _problems(counts, quota=3) == []
    assert _problems(counts, quota=None) == []


def test_every_marked_ballot_approves_someone():
    counts = _counts(candidates={"1": {"yes": 5, "no": 9}, "2": {"yes": 4, "no": 10}, "3": {"yes": 4, "no": 10}})
    [problem] = _problems(counts)
    assert "nhỏ hơn số phiếu hợp lệ không trắng (14)" in problem.message


def test_no_is_optional_unless_required():
    counts = _counts(candidates={"1": {"no": None}})
    assert _problems(counts) == []
    assert [p.field for p in _problems(counts, require_no=True)] == ["candidates.1.no"]


@pytest.mark.parametrize(
    "yes, blank, ok",
    [
        ((8, 4, 2), 0, True),  # 14 valid ballots, each names one
        ((8, 4, 1), 1, True),  # one blank
        ((8, 4, 1), 0, False),  # one ballot unaccounted for
        ((8, 5, 2), 0, False),  # total 15 > 14 valid
        ((15, 0, 0), 0, False),  # one candidate over the valid ballots
    ],
)
def test_choose_one_totals_equal_the_valid_ballots(yes, blank, ok):
    counts = _counts(ballots_blank=blank, candidates={str(i + 1): {"yes": n, "no": None} for i, n in enumerate(yes)})
    problems = _problems(counts, method=CHOOSE_ONE, quota=1)
    assert (problems == []) is ok, [p.message for p in problems]


def test_unknown_candidate_is_refused():
    counts = _counts()
    counts["candidates"]["99"] = {"yes": 1}
    assert any("“99”" in p.message for p in _problems(counts))


def test_a_result_from_elsewhere_may_lack_ballot_figures():
    counts = {"present": 13, "written_opinions": 2, "candidates": {"1": {"yes": 14}, "2": {"yes": 12}, "3": {"yes": 9}}}
    assert _problems(counts, require_ballots=False) == []
    assert {p.field for p in _problems(counts)} == {"ballots_issued", "ballots_used", "ballots_spoiled", "ballots_invalid", "ballots_blank"}
    counts["candidates"]["1"]["yes"] = 16
    [problem] = _problems(counts, require_ballots=False)
    assert problem.field == "candidates.1.yes" and "số người bỏ phiếu (15)" in problem.message


def test_matching_entries_have_no_difference():
    assert compare(_counts(), _counts(), candidates=CANDIDATES) == []


def test_differences_are_listed_field_by_field_in_form_order():
    second = _counts(ballots_invalid=2, ballots_issued=17, candidates={"2": {"yes": 11, "no": 3}})
    differences = compare(_counts(), second, candidates=CANDIDATES)
    assert [d.field for d in differences] == ["ballots_issued", "ballots_invalid", "candidates.2.yes", "candidates.2.no"]
    assert differences[0].message == "Số phiếu phát ra: lần nhập 1 ghi 16, lần nhập 2 ghi 17."
    assert differences[2].message == "Số phiếu đồng ý của “Trần Thị Bình”: lần nhập 1 ghi 10, lần nhập 2 ghi 11."
    missing = compare(_counts(candidates={"3": {"no": None}}), _counts(), candidates=CANDIDATES)
    assert missing[0].message == "Số phiếu không đồng ý của “Lê Văn Cường”: lần nhập 1 ghi (để trống), lần nhập 2 ghi 11."


def test_totals_line():
    assert totals_line(_counts()) == "Số phiếu: phát ra 16, thu vào 15, hỏng, không sử dụng 1, không hợp lệ 1, hợp lệ 14 (trắng 0)."
