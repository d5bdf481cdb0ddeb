"""Read-side queries of the registry: search, lineage walks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from thidua.org.models import LineageEvent, LineageKind, LineageLink, LineageRole, Unit
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
        event_ids = (
            LineageLink.objects.filter(unit_id__in=frontier, role=LineageRole.TO)
            .exclude(event__kind=LineageKind.TRANSFER)
            .values("event_id")
        )
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
        event_ids = (
            LineageLink.objects.filter(unit_id__in=frontier, role=LineageRole.FROM)
            .exclude(event__kind=LineageKind.TRANSFER)
            .values("event_id")
        )
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
    """Merges, splits, renames and dissolutions involving `unit` (transfers of people excluded)."""
    return (
        LineageEvent.objects.filter(links__unit=unit)
        .exclude(kind=LineageKind.TRANSFER)
        .distinct()
        .order_by("-effective_on", "-pk")
    )


@dataclass(frozen=True)
class FormerName:
    name: str
    used_from: dt.date | None
    used_until: dt.date
    event: LineageEvent


def former_names(unit: Unit) -> list[FormerName]:
    """The unit's earlier names (tên gọi trước đây), newest first, each with the dates it was used."""
    renames = list(
        LineageEvent.objects.filter(kind=LineageKind.RENAME, links__unit=unit).distinct().order_by("effective_on", "pk")
    )
    result = []
    used_from = unit.established_on
    for event in renames:
        result.append(
            FormerName(
                name=event.old_name, used_from=used_from, used_until=event.effective_on - dt.timedelta(days=1), event=event
            )
        )
        used_from = event.effective_on
    return list(reversed(result))


def transfers_of(person) -> QuerySet:
    """A person's transfers (điều động), newest first, with the units they left and joined."""
    return (
        LineageEvent.objects.filter(kind=LineageKind.TRANSFER, person=person)
        .prefetch_related("links__unit")
        .order_by("-effective_on", "-pk")
    )
