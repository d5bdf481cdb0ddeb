from thidua.rules.rotation import PastTerm, propose_leadership

AN_GIANG = [
    "Ban Tuyên giáo",
    "Trường Chính trị",
    "Ban Tổ chức",
    "UBKT",
    "Ban Nội chính",
    "Ban Dân vận",
    "Văn phòng",
    "Đảng ủy Khối",
    "Báo An Giang",
]


def test_last_years_deputy_heads_the_block_next_year():
    proposal = propose_leadership(
        year=2024,
        members=AN_GIANG,
        rotation=["Ban Tuyên giáo", "Trường Chính trị", "Ban Nội chính", "Ban Tổ chức"],
        history=[PastTerm(2023, "Ban Tuyên giáo", "Trường Chính trị")],
    )
    assert proposal.head == "Trường Chính trị"
    assert proposal.deputy == "Ban Nội chính"
    assert any("Phó Trưởng khối năm 2023" in r for r in proposal.reasons)


def test_without_history_the_rotation_order_decides():
    proposal = propose_leadership(year=2018, members=["A", "B", "C"], rotation=["B", "C", "A"], history=[])
    assert (proposal.head, proposal.deputy) == ("B", "C")


def test_a_unit_does_not_head_two_years_running_by_default():
    history = [PastTerm(2017, "A", "X")]  # the deputy left the block
    proposal = propose_leadership(year=2018, members=["A", "B", "C"], rotation=["A", "B", "C"], history=history)
    assert proposal.head == "B"
    assert any("không đề xuất làm tiếp" in r for r in proposal.reasons)
    # When the block allows it, only the rotation order moves the role on.
    allowed = propose_leadership(
        year=2018, members=["A", "B"], rotation=[], history=[PastTerm(2017, "A", None)], no_consecutive_head=False
    )
    assert not any("không đề xuất làm tiếp" in r for r in allowed.reasons)


def test_without_rotation_the_longest_waiting_unit_is_proposed():
    history = [PastTerm(2020, "A", "B"), PastTerm(2021, "B", "C"), PastTerm(2022, "C", "D")]
    proposal = propose_leadership(year=2023, members=["A", "B", "C", "D", "E"], rotation=[], history=history)
    assert proposal.head == "D"  # last year's deputy
    fresh = propose_leadership(year=2023, members=["A", "B", "C", "E"], rotation=[], history=history)
    assert fresh.head == "E" and "chưa từng" in fresh.reasons[0]


def test_head_and_deputy_are_distinct_members():
    for year in range(2020, 2030):
        proposal = propose_leadership(
            year=year, members=["A", "B"], rotation=["A", "B"], history=[PastTerm(year - 1, "A", "B")]
        )
        assert proposal.head != proposal.deputy
        assert {proposal.head, proposal.deputy} <= {"A", "B"}


def test_fewer_than_two_members_gives_no_proposal():
    proposal = propose_leadership(year=2024, members=["A"], rotation=[], history=[])
    assert proposal.head is None and "ít nhất 2" in proposal.reasons[0]
