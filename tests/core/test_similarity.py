"""Copy detection on the planted set: copies found first and flagged, unrelated texts not flagged."""

from __future__ import annotations

import pytest

from tests.core.initiative_corpus import planted
from thidua.rules import similarity as s


@pytest.fixture(scope="module", params=[13, 2026])
def world(request):
    p = planted(seed=request.param)
    index = s.ShingleIndex()
    for t in p.stored:
        index.add(t.key, s.shingles(t.title, t.content))
    return p, index


def test_planted_set_is_large_enough(world):
    p, index = world
    assert len(index) >= 200 and len(p.copies) >= 60 and len(p.unrelated) >= 60


def test_copies_are_flagged_with_their_original_first(world):
    p, index = world
    found = 0
    for copy, original in p.copies:
        matches = index.query(s.shingles(copy.title, copy.content), limit=5)
        if matches and matches[0][0] == original and s.is_likely_copy(matches[0][1]):
            found += 1
    assert found / len(p.copies) >= 0.95


def test_unrelated_texts_of_the_same_field_are_rarely_flagged(world):
    p, index = world
    flagged = sum(
        1 for t in p.unrelated if any(s.is_likely_copy(score) for _, score in index.query(s.shingles(t.title, t.content), limit=5))
    )
    assert flagged / len(p.unrelated) <= 0.05


def test_index_agrees_with_brute_force_on_the_best_match(world):
    p, index = world
    for copy, _ in p.copies[:20]:
        fp = s.shingles(copy.title, copy.content)
        assert index.query(fp, limit=1) == index.brute_force(fp, limit=1)


def test_reordered_sentences_and_changed_numbers_score_one():
    text = "Tổ công tác số hóa 120 hồ sơ đất đai. Cán bộ tiếp nhận hướng dẫn người dân nộp trực tuyến. Giảm 30 % thời gian."
    moved = "Giảm 45 % thời gian. Cán bộ tiếp nhận hướng dẫn người dân nộp trực tuyến. Tổ công tác số hóa 87 hồ sơ đất đai."
    assert s.score(s.shingles("", text), s.shingles("", moved)) == 1.0


def test_accents_and_decomposed_input_do_not_matter():
    nfd = "Ứng dụng phần mềm quản lý hồ sơ".encode().decode()
    import unicodedata

    a = s.shingles(unicodedata.normalize("NFD", nfd), "")
    b = s.shingles("Ung dung phan mem quan ly ho so", "")
    assert a == b


def test_passages_pair_the_overlapping_sentences_side_by_side():
    stored = "Tổ công tác số hóa 120 hồ sơ đất đai. Mua sắm bàn ghế mới cho hội trường."
    new = "Cây chè được chăm sóc hữu cơ. Tổ công tác số hóa 95 hồ sơ đất đai."
    (passage,) = s.passages(new, stored)
    assert passage.new == "Tổ công tác số hóa 95 hồ sơ đất đai"
    assert passage.stored == "Tổ công tác số hóa 120 hồ sơ đất đai"


def test_empty_text_scores_zero():
    assert s.score(frozenset(), s.shingles("Số hóa hồ sơ", "")) == 0.0


def test_selective_reads_the_rarest_postings_within_the_budget():
    freq = {10: 500, 11: 3, 12: 40, 13: 0, 14: 9000}
    assert s.selective(freq, budget=50) == [11, 12, 13]
    assert s.selective(freq, budget=600) == [10, 11, 12, 13]
    # Even when the rarest one alone is over the budget, it is read.
    assert s.selective({1: 900, 2: 800}, budget=10) == [2]
    assert s.selective({}, budget=10) == []
