"""Reading the điển hình registry: the one list behind the page, its Excel export and the API."""

from __future__ import annotations

from thidua.core.access import scoped
from thidua.core.db import vi_order
from thidua.exemplars.models import Exemplar
from thidua.rules.text import fold


def exemplar_list(user, *, q: str = "", year: int | None = None, movement=None, kind: str = "", unit=None, level: str = ""):
    """Entries `user` may read, filtered; `movement` and `unit` are uids (or None). Accent-insensitive
    search on the subject's name, the unit, what the model is about, the decision and the issuer."""
    qs = scoped(user, Exemplar).select_related("unit", "person", "movement")
    for word in fold(q or "").split():
        qs = qs.filter(search_key__contains=word)
    if year:
        qs = qs.filter(year=year)
    if movement:
        qs = qs.filter(movement__uid=movement)
    if kind:
        qs = qs.filter(kind=kind)
    if unit:
        qs = qs.filter(unit__uid=unit)
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("-year", vi_order("unit__name"), "pk")


def exemplars_of(user, subject):
    """The entries shown on a person's page (theirs) or a unit's page (the unit's and its people's)."""
    from thidua.org.models import Person

    qs = scoped(user, Exemplar).select_related("unit", "person", "movement")
    if isinstance(subject, Person):
        qs = qs.filter(person=subject)
    else:
        qs = qs.filter(unit=subject)
    return qs.order_by("-year", "kind", "pk")


def exemplars_of_units(unit_ids, year: int):
    """A block report's entries: its member units' and their people's, of one year (no user scope:
    the document's permission is checked by the documents app)."""
    return (Exemplar.objects.filter(unit_id__in=unit_ids, year=year)
            .select_related("unit", "person", "movement").prefetch_related("replications__unit")
            .order_by(vi_order("unit__name"), "kind", "pk"))
