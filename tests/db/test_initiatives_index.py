"""The copy-detection index keeps each posting's document frequency (how many stored initiatives
hold it) with every write, and the similarity query reads a text's rarest postings first within a
bounded number of rows (thidua.rules.similarity.selective): bounded work at province scale, and a
planted copy is still found first."""

from __future__ import annotations

import pytest
from django.db.models import Count

from tests.core.initiative_corpus import planted
from thidua.history import actions as history_actions
from thidua.history.models import Initiative
from thidua.initiatives import actions, selectors
from thidua.initiatives.models import InitiativePosting, InitiativePostingCount
from thidua.org import actions as org_actions
from thidua.rules import similarity

pytestmark = pytest.mark.django_db


def _store(world, text):
    owner = org_actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Tác giả " + text.key, "gender": "NU"})
    return actions.do_register_initiative(None, {"title": text.title, "content": text.content, "year": text.year,
                                                 "unit": world.tuyen_giao, "owners": [(owner, 100)], "sector": text.field})


def _counts_match_postings():
    truth = {(r["province_id"], r["h"]): r["n"] for r in InitiativePosting.objects.values("province_id", "h").annotate(n=Count("id"))}
    kept = {(c.province_id, c.h): c.n for c in InitiativePostingCount.objects.all() if c.n}
    return truth == kept


@pytest.mark.sqlite
def test_document_frequencies_follow_register_edit_and_delete(world):
    corpus = planted(seed=3, stored=6, copies=1, unrelated=1)
    items = [_store(world, t) for t in corpus.stored]
    assert InitiativePostingCount.objects.exists() and _counts_match_postings()
    item = Initiative.objects.get(pk=items[0].pk)
    other = corpus.unrelated[0]
    actions.do_edit_initiative(world.an_officer, item, {"title": other.title, "content": other.content}, expected_version=item.version)
    assert _counts_match_postings()
    item = Initiative.objects.get(pk=items[1].pk)
    history_actions.do_delete_record(world.an_officer, item, expected_version=item.version)
    assert not InitiativePosting.objects.filter(initiative_id=item.pk).exists()
    assert _counts_match_postings()


def test_a_small_budget_reads_only_the_rarest_postings_and_still_finds_the_copy(world, monkeypatch):
    corpus = planted(seed=5, stored=30, copies=3, unrelated=0)
    stored = {t.key: _store(world, t) for t in corpus.stored}
    copy, original = corpus.copies[0]
    keys = similarity.postings(similarity.shingles(copy.title, copy.content))
    monkeypatch.setattr(similarity, "POSTING_BUDGET", 40)
    monkeypatch.setattr(similarity.selective, "__defaults__", (40,))
    chosen = selectors.selective_keys({world.an_giang_old.pk, world.an_giang.pk}, keys)
    frequencies = dict(InitiativePostingCount.objects.filter(h__in=keys).values_list("h", "n"))
    # Rarest first, within the budget: far fewer rows than all the postings would read.
    assert 0 < len(chosen) < len(keys)
    assert sum(frequencies.get(h, 0) for h in chosen) <= 40 or len(chosen) == 1
    assert max(frequencies.get(h, 0) for h in chosen) <= min(frequencies.get(h, 0) for h in set(keys) - set(chosen))
    matches = selectors.similar(world.an_officer, title=copy.title, content=copy.content, limit=3)
    assert matches[0].initiative.pk == stored[original].pk and matches[0].likely_copy
