"""Read-side queries for registrations."""

from __future__ import annotations

import datetime as dt

from thidua.blocs.models import BlocYear, DeadlineKind
from thidua.core.db import vi_order
from thidua.rules.catalogue import AWARD_CODES


def rollup(bloc_year: BlocYear, registrations) -> list[dict]:
    """One row per current member: its registration (or none), counts per award, and lateness."""
    by_unit = {r.unit_id: r for r in registrations}
    deadline = bloc_year.deadlines.filter(kind=DeadlineKind.REGISTRATION).first()
    late_after = deadline.due_on if deadline else None
    today = dt.date.today()
    rows = []
    for membership in bloc_year.memberships.filter(left_on__isnull=True).select_related("unit").order_by(vi_order("unit__name")):
        registration = by_unit.get(membership.unit_id)
        counts = {code: 0 for code in AWARD_CODES}
        if registration is not None:
            for item in registration.items.all():
                # Manual-appraisal entries and the province's own awards are registered too (issue #19).
                counts[item.award] = counts.get(item.award, 0) + 1
        submitted_on = registration.submitted_at.date() if registration and registration.submitted_at else None
        late = bool(late_after) and (
            (submitted_on is None and today > late_after) or (submitted_on is not None and submitted_on > late_after)
        )
        rows.append({"unit": membership.unit, "registration": registration, "counts": counts, "late": late})
    return rows
