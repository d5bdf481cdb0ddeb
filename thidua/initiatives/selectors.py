"""Reading the registry: copy detection against the stored initiatives, and the list.

`similar()` is the one query behind the API, the pages and the save-time flag: the new text's
rarest postings (by their document frequencies, one indexed read) pick the candidates (one
indexed GROUP BY over a bounded number of rows), then thidua.rules.similarity scores them exactly
and aligns the overlapping sentences.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from thidua.core.access import scope_of, scoped
from thidua.history.models import Initiative
from thidua.initiatives.models import InitiativePosting, InitiativePostingCount
from thidua.rules import similarity

# Candidates fetched by shared postings before exact scoring: more than the rule engine's own
# CANDIDATES, since some may be outside what the caller may read.
FETCHED = 4 * similarity.CANDIDATES
# When every candidate of the readable provinces is readable (province-wide grants), fewer do.
FETCHED_WHOLE = 2 * similarity.CANDIDATES


@dataclass
class Match:
    initiative: Initiative
    score: float
    likely_copy: bool
    passages: list[similarity.Passage]


def selective_keys(province_ids, keys: list[int]) -> list[int]:
    """The query's postings worth counting: rarest first within the row budget (one indexed read
    of the document frequencies; see thidua.rules.similarity.selective)."""
    counts = InitiativePostingCount.objects.filter(h__in=keys)
    if province_ids is not None:
        counts = counts.filter(province_id__in=province_ids)
    frequencies = dict.fromkeys(keys, 0)
    for h, n in counts.values_list("h", "n"):
        frequencies[h] += max(0, n)
    return similarity.selective(frequencies)


def candidate_ids(province_ids, shingle_set, exclude_pk=None, fetched: int = FETCHED) -> list[int]:
    keys = similarity.postings(shingle_set)
    if not keys:
        return []
    keys = selective_keys(province_ids, keys)
    qs = InitiativePosting.objects.filter(h__in=keys)
    if province_ids is not None:
        qs = qs.filter(province_id__in=province_ids)
    if exclude_pk is not None:
        qs = qs.exclude(initiative_id=exclude_pk)
    rows = qs.values("initiative_id").annotate(n=Count("initiative_id")).order_by("-n", "initiative_id")[:fetched]
    return [r["initiative_id"] for r in rows]


def closest(pool, shingle_set, candidate_pks, limit: int, *, content: str = "", with_passages: bool = True) -> list[Match]:
    """Exact scores of the candidates in `pool` (a queryset), best first; texts loaded for the best only."""
    fingerprints = pool.filter(pk__in=candidate_pks).values_list("pk", "shingles")
    ranked = similarity.rank(shingle_set, ((pk, frozenset(fp)) for pk, fp in fingerprints), limit)
    objects = Initiative.objects.only("pk", "uid", "title", "year", "content", "province_id").in_bulk([pk for pk, _ in ranked])
    new = similarity.aligned(content) if with_passages else None
    return [
        Match(objects[pk], round(value, 4), similarity.is_likely_copy(value),
              similarity.passages_from(new, objects[pk].content) if with_passages else [])
        for pk, value in ranked
    ]


def _readable_provinces(user):
    scope = scope_of(user)
    if scope.is_admin:
        return None
    ids: set[int] = set()
    for grant in scope.grants:
        ids |= grant.province_ids
    return ids


def similar(user, *, title: str, content: str, exclude_uid=None, limit: int = 10) -> list[Match]:
    """The stored initiatives `user` may read that are closest to the given text, best first."""
    shingle_set = similarity.shingles(title, content)
    exclude = Initiative.objects.filter(uid=exclude_uid).values_list("pk", flat=True).first() if exclude_uid else None
    scope = scope_of(user)
    whole = scope.is_admin or all(g.unit_id is None and g.bloc_id is None for g in scope.grants)
    pks = candidate_ids(_readable_provinces(user), shingle_set, exclude, FETCHED_WHOLE if whole else FETCHED)
    return closest(scoped(user, Initiative), shingle_set, pks, limit, content=content)


def province_closest(item: Initiative) -> Match | None:
    """The closest other initiative of the item's province (all years), whoever may read it."""
    from thidua.org.models import Province

    shingle_set = frozenset(item.shingles)
    # The province holds its merged predecessors' initiatives too.
    provinces = set(Province.objects.get(pk=item.province_id).lineage_ids()) | {item.province_id}
    pks = candidate_ids(provinces, shingle_set, item.pk, FETCHED_WHOLE)
    best = closest(Initiative.objects.all(), shingle_set, pks, 1, with_passages=False)
    return best[0] if best else None


def initiative_list(user, *, q: str = "", year: int | None = None, sector: str = "", flagged: bool = False):
    """The registry list (page and export): accent-insensitive search on title and field."""
    from thidua.rules.text import fold

    qs = scoped(user, Initiative).select_related("unit").prefetch_related("owners__person")
    for word in fold(q).split():
        qs = qs.filter(search_key__contains=word)
    if year:
        qs = qs.filter(year=year)
    if sector:
        qs = qs.filter(search_key__contains=fold(sector))
    if flagged:
        qs = qs.filter(likely_copy=True)
    return qs.order_by("-year", "title", "pk")
