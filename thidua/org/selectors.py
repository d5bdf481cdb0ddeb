"""Read-side queries of the registry: search, lineage walks."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from thidua.org.models import LineageEvent, LineageLink, LineageRole, Unit
from thidua.rules.text import fold


def search(qs: QuerySet, text: str) -> QuerySet:
    """Accent-insensitive search over the stored `search_key` ("nguyen" finds "Nguyễn").

    Every word must appear; on PostgreSQL the trigram index on search_key serves the LIKE.
    """
    for word in fold(text).split():
        qs = qs.filter(search_key__contains=word)
    return qs


def predecessors(unit: Unit, transitive: bool = True) -> list[tuple[Unit, LineageEvent]]:
    """Units that became `unit` (merged into it, split from it), nearest first."""
    result: list[tuple[Unit, LineageEvent]] = []
    seen = {unit.pk}
    frontier = [unit.pk]
    while frontier:
        event_ids = LineageLink.objects.filter(unit_id__in=frontier, role=LineageRole.TO).values("event_id")
        links = (
            LineageLink.objects.filter(event_id__in=event_ids, role=LineageRole.FROM)
            .exclude(unit_id__in=seen)
            .select_related("unit", "event")
            .order_by("-event__effective_on", "unit__name")
        )
        frontier = []
        for link in links:
            if link.unit_id in seen:
                continue
            seen.add(link.unit_id)
            result.append((link.unit, link.event))
            frontier.append(link.unit_id)
        if not transitive:
            break
    return result


def successors(unit: Unit, transitive: bool = True) -> list[tuple[Unit, LineageEvent]]:
    result: list[tuple[Unit, LineageEvent]] = []
    seen = {unit.pk}
    frontier = [unit.pk]
    while frontier:
        event_ids = LineageLink.objects.filter(unit_id__in=frontier, role=LineageRole.FROM).values("event_id")
        links = (
            LineageLink.objects.filter(event_id__in=event_ids, role=LineageRole.TO)
            .exclude(unit_id__in=seen)
            .select_related("unit", "event")
            .order_by("event__effective_on", "unit__name")
        )
        frontier = []
        for link in links:
            if link.unit_id in seen:
                continue
            seen.add(link.unit_id)
            result.append((link.unit, link.event))
            frontier.append(link.unit_id)
        if not transitive:
            break
    return result


def with_predecessors(unit: Unit) -> Q:
    """A filter for "this unit and its predecessors", for querying history across lineage."""
    ids = [unit.pk] + [u.pk for u, _ in predecessors(unit)]
    return Q(pk__in=ids)


def lineage_events_of(unit: Unit) -> QuerySet:
    return LineageEvent.objects.filter(links__unit=unit).distinct().order_by("-effective_on")
