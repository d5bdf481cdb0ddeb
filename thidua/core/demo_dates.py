"""Dates of demo events taken from the articles, not from the day the demo was loaded.

The demo builds its past years through the real actions, which stamp "now" on every step (a
submission, a confirmation, a publication). For years long gone that would show the load date as
the date of a 2017 event (issue #19); after the actions ran, the demo moves those stamps to the
day the article gives (or, when it gives none, to the year's own dates it does give). The audit
rows keep the true load time.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def at(day: dt.date, hour: int = 8) -> dt.datetime:
    """`day` at `hour` o'clock, Vietnam time (settings.TIME_ZONE)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def restamp(queryset, **stamps) -> int:
    """Set the given timestamp fields on the rows that have them (the rest stay empty)."""
    changed = 0
    for field, value in stamps.items():
        changed += queryset.filter(**{f"{field}__isnull": False}).update(**{field: value})
    return changed
