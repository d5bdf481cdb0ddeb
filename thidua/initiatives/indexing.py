"""Keeping an initiative's copy-detection data current after a write (called inside the action's
transaction): its shingles, its postings, and the closest stored initiative of the province."""

from __future__ import annotations

from thidua.history.models import Initiative
from thidua.initiatives.models import InitiativeOwner, InitiativePosting
from thidua.rules import similarity


def reindex(item: Initiative) -> None:
    from thidua.initiatives.selectors import province_closest

    shingle_set = similarity.shingles(item.title, item.content)
    InitiativePosting.objects.filter(initiative=item).delete()
    InitiativePosting.objects.bulk_create(
        [InitiativePosting(province_id=item.province_id, initiative=item, h=h) for h in similarity.postings(shingle_set)]
    )
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
