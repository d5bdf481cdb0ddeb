"""Copy detection for initiatives (sáng kiến): pure, no Django.

A text becomes a set of word 3-shingles taken inside each sentence, after NFC, accent folding
(“Sáng kiến” → “sang kien”) and number masking (every number → “0”, so “giảm 30 %” and “giảm 45 %”
agree). Shingles stay inside a sentence, so reordering sentences changes nothing; a synonym
breaks only the three shingles around it; a changed name breaks the same few.

The score of a stored text against a new one is the overlap divided by the smaller shingle set
(containment), so a new text that takes 60 % of an old one, or is a 60 % part of it, still scores
high. A floor on the divisor keeps two short titles with one phrase in common from scoring 1.

Retrieval: every shingle hash whose value is even is a posting (content-defined sampling: the
same shingle is sampled in both texts, so the sampled overlap estimates the real one at half the
index size). Candidates are the texts with the most shared postings; only they are scored exactly.
`ShingleIndex` does this in memory (tests, bench); the database keeps the same postings in a table.

At province scale a posting of a stock phrase (“góp phần nâng cao chất lượng”) is held by tens of
thousands of texts, and counting those says nothing about who copied whom. So the postings of a
query are read rarest first (each posting's document frequency is kept beside it) until their
rows reach POSTING_BUDGET: a copy shares its original's rare postings, and the work per query
stays bounded however many texts are stored (`selective`). On the planted corpus scaled to
100,000 texts (bench/measurements/initiatives.py) a budget of 10,000 rows kept the original first
for 150 of 150 planted copies in a trial (20,000: 150/150; 5,000: 148/150) while reading ~1 % of
the ~740,000 rows all postings would.

The overlapping passages shown side by side are sentence pairs aligned with rapidfuzz
(token_sort_ratio on the folded sentences: word order inside a sentence may change too).
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from dataclasses import dataclass
from typing import Hashable, Iterable

from rapidfuzz import fuzz, process

from thidua.rules.text import fold, nfc

SHINGLE = 3
# Score from which a stored initiative is flagged as a likely copy. Measured on the planted set of
# tests/core/test_similarity.py: copies score ≥ 0.55, unrelated texts of the same field ≤ 0.37 (their
# stock phrases and sentence patterns are shared).
LIKELY_COPY = 0.45
# Divisor floor (in shingles): a text shorter than this cannot reach a score of 1 on its own.
MIN_SHINGLES = 12
# How many candidates (by shared postings) are scored exactly for one query.
CANDIDATES = 50
# Rows of postings read per query, rarest postings first (see `selective`).
POSTING_BUDGET = 10_000
# A sentence pair is shown as an overlapping passage from this rapidfuzz score (0..100).
PASSAGE_MIN = 70
PASSAGES_SHOWN = 5

_SENTENCE_END = re.compile(r"[.!?;:\n\r•]+")
_WORD = re.compile(r"[a-z0-9]+")
_NUMBER = re.compile(r"^[0-9]+$")


def sentences(text: str) -> list[str]:
    """The sentences of `text` as written (NFC), empty pieces dropped."""
    return [s for s in (nfc(p) for p in _SENTENCE_END.split(text or "")) if len(s.split()) >= 2]


def words(sentence: str) -> list[str]:
    """Folded words of one sentence; numbers masked as “0”."""
    return ["0" if _NUMBER.match(w) else w for w in _WORD.findall(fold(sentence))]


def _hash(gram: tuple[str, ...]) -> int:
    # crc32 is stable across processes (Python's hash() is salted) and fits a signed 32-bit column.
    return zlib.crc32(" ".join(gram).encode()) - 2**31


def shingles(title: str, content: str) -> frozenset[int]:
    """The shingle hashes of an initiative: its title is one more sentence of its text."""
    out: set[int] = set()
    for sentence in [title or "", *sentences(content)]:
        ws = words(sentence)
        if len(ws) < SHINGLE:
            if ws:
                out.add(_hash(tuple(ws)))
            continue
        for i in range(len(ws) - SHINGLE + 1):
            out.add(_hash(tuple(ws[i : i + SHINGLE])))
    return frozenset(out)


def postings(shingle_set: Iterable[int]) -> list[int]:
    """The sampled shingles kept in the retrieval index (even hashes)."""
    return sorted(h for h in shingle_set if h % 2 == 0)


def selective(frequencies: dict[int, int], budget: int = POSTING_BUDGET) -> list[int]:
    """The postings of a query worth reading: rarest first (then by value, for a stable order)
    while their summed document frequencies stay within `budget`; always at least the rarest one.
    `frequencies` maps each of the query's postings to how many stored texts hold it (0 if none:
    read, it costs nothing)."""
    chosen: list[int] = []
    total = 0
    for h, n in sorted(frequencies.items(), key=lambda kv: (kv[1], kv[0])):
        if chosen and total + n > budget:
            break
        chosen.append(h)
        total += n
    return sorted(chosen)


def score(new: frozenset[int], stored: frozenset[int]) -> float:
    """Containment of the smaller text in the larger one, 0..1."""
    if not new or not stored:
        return 0.0
    common = len(new & stored) if len(new) <= len(stored) else len(stored & new)
    return min(1.0, common / max(min(len(new), len(stored)), MIN_SHINGLES))


def is_likely_copy(value: float) -> bool:
    return value >= LIKELY_COPY


@dataclass(frozen=True)
class Passage:
    new: str
    stored: str


Aligned = tuple[tuple[str, ...], tuple[str, ...]]


def aligned(text: str) -> Aligned:
    """A text's sentences and their folded words. Folding is most of the alignment's work: a
    query computes its new text's once and aligns it with each match (`passages_from`)."""
    found = sentences(text or "")
    return tuple(found), tuple(" ".join(words(s)) for s in found)


def passages(new_text: str, stored_text: str, limit: int = PASSAGES_SHOWN) -> list[Passage]:
    """Sentence pairs that overlap, in the new text's order, best `limit` of them."""
    return passages_from(aligned(new_text), stored_text, limit)


def passages_from(new: Aligned, stored_text: str, limit: int = PASSAGES_SHOWN) -> list[Passage]:
    """`passages` with the new text already aligned."""
    new_sentences, folded_new = new
    stored_sentences, folded_stored = aligned(stored_text)
    if not new_sentences or not stored_sentences:
        return []
    found: list[tuple[float, int, Passage]] = []
    used: set[int] = set()
    for i, sentence in enumerate(new_sentences):
        hit = process.extractOne(folded_new[i], folded_stored, scorer=fuzz.token_sort_ratio, score_cutoff=PASSAGE_MIN)
        if hit is None or hit[2] in used:
            continue
        used.add(hit[2])
        found.append((hit[1], i, Passage(new=sentence, stored=stored_sentences[hit[2]])))
    best = sorted(found, key=lambda f: -f[0])[:limit]
    return [p for _, _, p in sorted(best, key=lambda f: f[1])]


def rank(new: frozenset[int], candidates: Iterable[tuple[Hashable, frozenset[int]]], limit: int) -> list[tuple[Hashable, float]]:
    """Score every candidate exactly; best first (ties by key for a stable order)."""
    scored = [(key, score(new, fp)) for key, fp in candidates]
    scored = [s for s in scored if s[1] > 0]
    scored.sort(key=lambda s: (-s[1], str(s[0])))
    return scored[:limit]


class ShingleIndex:
    """In-memory inverted index over the sampled postings, with exact scoring of the candidates."""

    def __init__(self, budget: int = POSTING_BUDGET) -> None:
        self._postings: dict[int, list[Hashable]] = {}
        self._shingles: dict[Hashable, frozenset[int]] = {}
        self.budget = budget

    def __len__(self) -> int:
        return len(self._shingles)

    def add(self, key: Hashable, shingle_set: frozenset[int]) -> None:
        self._shingles[key] = shingle_set
        for h in postings(shingle_set):
            self._postings.setdefault(h, []).append(key)

    def candidates(self, shingle_set: frozenset[int], count: int = CANDIDATES, exclude: Hashable | None = None) -> list[Hashable]:
        hits: Counter = Counter()
        keys = selective({h: len(self._postings.get(h, ())) for h in postings(shingle_set)}, self.budget)
        for h in keys:
            hits.update(self._postings.get(h, ()))
        hits.pop(exclude, None)
        return [key for key, _ in hits.most_common(count)]

    def query(self, shingle_set: frozenset[int], limit: int = 10, exclude: Hashable | None = None) -> list[tuple[Hashable, float]]:
        keys = self.candidates(shingle_set, max(CANDIDATES, limit), exclude)
        return rank(shingle_set, ((k, self._shingles[k]) for k in keys), limit)

    def brute_force(self, shingle_set: frozenset[int], limit: int = 10, exclude: Hashable | None = None) -> list[tuple[Hashable, float]]:
        """The baseline: score every stored text."""
        return rank(shingle_set, ((k, fp) for k, fp in self._shingles.items() if k != exclude), limit)
