"""Read-side queries for blocks: the years side by side and next year's proposed leadership."""

from __future__ import annotations

from thidua.blocs.models import Bloc, BlocYear
from thidua.core.db import vi_order
from thidua.rules.rotation import PastTerm, Proposal, propose_leadership


def years_side_by_side(bloc: Bloc, limit: int = 4) -> list[dict]:
    years = list(BlocYear.objects.filter(bloc=bloc).select_related("head_unit", "deputy_unit").order_by("-year")[:limit])
    columns = []
    for bloc_year in reversed(years):
        members = bloc_year.memberships.select_related("unit").order_by(vi_order("unit__name"))
        columns.append({"year": bloc_year, "members": list(members)})
    return columns


def leadership_proposal(bloc_year: BlocYear) -> Proposal:
    bloc = bloc_year.bloc
    members = list(
        bloc_year.memberships.filter(left_on__isnull=True).select_related("unit").order_by(vi_order("unit__name"))
    )
    history = [
        PastTerm(y.year, y.head_unit_id, y.deputy_unit_id)
        for y in BlocYear.objects.filter(bloc=bloc, year__lt=bloc_year.year).only("year", "head_unit_id", "deputy_unit_id")
    ]
    rotation = list(bloc.rotation.values_list("unit_id", flat=True))
    names = {m.unit_id: m.unit.name for m in members}
    for y in BlocYear.objects.filter(bloc=bloc).select_related("head_unit", "deputy_unit"):
        for unit in (y.head_unit, y.deputy_unit):
            if unit is not None:
                names.setdefault(unit.pk, unit.name)
    return propose_leadership(
        year=bloc_year.year,
        members=[m.unit_id for m in members],
        rotation=rotation,
        history=history,
        no_consecutive_head=bloc.no_consecutive_head,
        names=names,
    )
