"""Deadlines coming: the block year's deadlines (đăng ký thi đua, giao ước, sơ kết, tổng kết —
the scoring sheets are due before it — and hồ sơ đề nghị) due within N days notify the officers
and leaders of the member units. A unit that has already sent its registration is not reminded
of the registration deadline. One notification per deadline, recipient and day (the key carries
the day), so running the command twice on a day adds nothing."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from thidua.notifications.models import NotificationKind
from thidua.notifications.service import deliver, unit_user_ids

DONE_REGISTRATION_STATES = ("SUBMITTED", "APPROVED")


def _title(deadline, left: int) -> str:
    what = deadline.get_kind_display()
    where = f"{deadline.bloc_year.bloc.name} năm {deadline.bloc_year.year}"
    if left == 0:
        return f"Hôm nay ({deadline.due_on:%d/%m/%Y}) là hạn “{what}” của {where}"
    return f"Còn {left} ngày đến hạn “{what}” của {where} ({deadline.due_on:%d/%m/%Y})"


def send_deadline_notifications(*, today: dt.date, days: int) -> tuple[int, int]:
    """(deadlines seen, notifications written) for deadlines due from `today` to `today + days`."""
    from thidua.blocs.models import Deadline, DeadlineKind, Membership
    from thidua.movements.models import Registration

    deadlines = list(
        Deadline.objects.filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=days))
        .select_related("bloc_year__bloc")
        .order_by("due_on", "pk")
    )
    written = 0
    for deadline in deadlines:
        units = set(
            Membership.objects.filter(bloc_year=deadline.bloc_year)
            .exclude(left_on__lte=today)
            .values_list("unit_id", flat=True)
        )
        if deadline.kind == DeadlineKind.REGISTRATION:
            units -= set(
                Registration.objects.filter(bloc_year=deadline.bloc_year, state__in=DONE_REGISTRATION_STATES).values_list("unit_id", flat=True)
            )
        if not units:
            continue
        written += deliver(
            province_id=deadline.province_id,
            user_ids=unit_user_ids(units, on=today),
            kind=NotificationKind.DEADLINE,
            title=_title(deadline, (deadline.due_on - today).days),
            body=deadline.note,
            link=reverse("blocs:year_detail", kwargs={"uid": deadline.bloc_year.uid}),
            key=f"deadline:{deadline.uid}:{deadline.due_on.isoformat()}:{today.isoformat()}",
        )
    return len(deadlines), written
