"""Keeping an initiative's copy-detection data current after a write (called inside the action's
transaction): its shingles, its postings with their document frequencies, and the closest stored
initiative of the province."""

from __future__ import annotations

from collections import defaultdict

from django.db import connection

from thidua.history.models import Initiative
from thidua.initiatives.models import InitiativeOwner, InitiativePosting, InitiativePostingCount
from thidua.rules import similarity

_CHUNK = 500


def bump_counts(changes: dict[tuple[int, int], int]) -> None:
    """Add each delta to the document frequency of (province id, posting): one upsert per chunk,
    in key order, so two writers touching the same postings lock them in the same order."""
    table = connection.ops.quote_name(InitiativePostingCount._meta.db_table)
    rows = sorted((key, delta) for key, delta in changes.items() if delta)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start:start + _CHUNK]
            values = ", ".join(["(%s, %s, %s)"] * len(chunk))
            params = [v for (province_id, h), delta in chunk for v in (province_id, h, delta)]
            cursor.execute(
                f"INSERT INTO {table} (province_id, h, n) VALUES {values} "
                f"ON CONFLICT (province_id, h) DO UPDATE SET n = {table}.n + excluded.n",
                params,
            )


def _replace_postings(item: Initiative, new_keys: list[int]) -> None:
    old = list(InitiativePosting.objects.filter(initiative=item).values_list("province_id", "h"))
    changes: dict[tuple[int, int], int] = defaultdict(int)
    for key in old:
        changes[key] -= 1
    for h in new_keys:
        changes[(item.province_id, h)] += 1
    if old:
        InitiativePosting.objects.filter(initiative=item).delete()
    InitiativePosting.objects.bulk_create([InitiativePosting(province_id=item.province_id, initiative=item, h=h) for h in new_keys])
    bump_counts(changes)


def unindex(item: Initiative) -> None:
    """Before an initiative is deleted: its postings leave the document frequencies."""
    _replace_postings(item, [])


def reindex(item: Initiative) -> None:
    from thidua.initiatives.selectors import province_closest

    shingle_set = similarity.shingles(item.title, item.content)
    _replace_postings(item, similarity.postings(shingle_set))
    item.shingles = sorted(shingle_set)
    best = province_closest(item)
    item.copy_of = best.initiative if best else None
    item.copy_score = best.score if best else None
    item.likely_copy = bool(best and best.likely_copy)
    # Derived columns: written without a version bump (the action already bumped it).
    Initiative.objects.filter(pk=item.pk).update(
        shingles=item.shingles, copy_of=item.copy_of, copy_score=item.copy_score, likely_copy=item.likely_copy
    )


def attach_history_record(item: Initiative) -> None:
    """An initiative recorded from a person's history joins the registry: unit, sole owner, index."""
    if item.unit_id is None:
        item.unit_id = item.person.unit_id
        Initiative.objects.filter(pk=item.pk).update(unit_id=item.unit_id)
    if not InitiativeOwner.objects.filter(initiative=item).exists():
        InitiativeOwner.objects.create(initiative=item, person_id=item.person_id, share=100)
    reindex(item)
