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


def todo_for(user, today=None) -> list[dict]:
    """What the user still has to do in the current block years they work in.

    Block heads and province officers see overdue calendar items and registrations waiting for
    approval; a unit's officers see what their unit still owes (registration, covenant).
    """
    import datetime as dt

    from django.urls import reverse

    from thidua.blocs.models import CovenantState, DeadlineKind
    from thidua.core.access import scope_of, scoped
    from thidua.core.errors import ActionError
    from thidua.movements.models import Registration

    today = today or dt.date.today()
    scope = scope_of(user)
    items: list[dict] = []
    years = (
        scoped(user, BlocYear).filter(year__gte=today.year - 1, bloc__ended_on__isnull=True)
        .select_related("bloc").order_by("bloc_id", "-year")
    )
    latest: dict[int, BlocYear] = {}
    for bloc_year in years:
        latest.setdefault(bloc_year.bloc_id, bloc_year)
    own_units = scope.unit_ids_for("registration.edit")
    from thidua.core.access import ensure

    for bloc_year in latest.values():
        try:
            ensure(user, "bloc.lead", province=bloc_year.province_id, bloc=bloc_year.bloc_id)
            leads = True
        except ActionError:
            leads = False
        year_url = reverse("blocs:year_detail", args=[bloc_year.uid])
        label = f"{bloc_year.bloc.name} năm {bloc_year.year}"
        members = set(bloc_year.memberships.filter(left_on__isnull=True).values_list("unit_id", flat=True))
        registrations = {r.unit_id: r for r in Registration.objects.filter(bloc_year=bloc_year)}
        covenant = bloc_year.covenants.first()
        done = deadline_done(bloc_year)
        deadlines = {d.kind: d for d in bloc_year.deadlines.all()}
        if leads:
            for kind, deadline in deadlines.items():
                if kind in done and not done[kind] and deadline.due_on < today:
                    items.append({"text": f"{label}: quá hạn “{deadline.get_kind_display()}” ({deadline.due_on:%d/%m/%Y})", "url": year_url, "overdue": True})
            waiting = sum(1 for r in registrations.values() if r.state == "SUBMITTED")
            if waiting:
                items.append({
                    "text": f"{label}: {waiting} bản đăng ký thi đua chờ duyệt",
                    "url": reverse("movements:registration_rollup", args=[bloc_year.uid]), "overdue": False,
                })
        for unit_id in members & own_units:
            registration = registrations.get(unit_id)
            deadline = deadlines.get(DeadlineKind.REGISTRATION)
            due = f" (hạn {deadline.due_on:%d/%m/%Y})" if deadline else ""
            late = bool(deadline and deadline.due_on < today)
            if registration is None or registration.state == "DRAFT":
                items.append({"text": f"{label}: đơn vị chưa gửi đăng ký thi đua{due}", "overdue": late,
                              "url": reverse("movements:registration_rollup", args=[bloc_year.uid])})
            elif registration.state == "RETURNED":
                items.append({"text": f"{label}: bản đăng ký bị trả lại — {registration.return_reason}", "overdue": late,
                              "url": reverse("movements:registration_detail", args=[registration.uid])})
            if covenant is not None and covenant.state == CovenantState.CONFIRMING and covenant.commitments.filter(unit_id=unit_id, confirmed_at__isnull=True).exists():
                items.append({"text": f"{label}: đơn vị cần xác nhận giao ước thi đua", "overdue": False,
                              "url": reverse("blocs:covenant", args=[bloc_year.uid])})
    items.sort(key=lambda item: not item["overdue"])
    return items


def deadline_done(bloc_year: BlocYear) -> dict[str, bool]:
    """Whether each calendar item of the year has been done, from the data itself: every member
    registered, the covenant signed, the sơ kết / tổng kết meeting recorded. Proposals are judged
    by the awards workflow and are not listed here."""
    from thidua.movements.models import Registration

    members = set(bloc_year.memberships.filter(left_on__isnull=True).values_list("unit_id", flat=True))
    states = dict(Registration.objects.filter(bloc_year=bloc_year).values_list("unit_id", "state"))
    covenant = bloc_year.covenants.first()
    meetings = set(bloc_year.meetings.values_list("kind", flat=True))
    return deadlines_done(members, states, covenant.state if covenant is not None else None, meetings)


def deadlines_done(members, registration_states, covenant_state, meeting_kinds) -> dict[str, bool]:
    """deadline_done from data already read (the workbench reads it for every block at once):
    member unit ids, unit id → registration state, the covenant's state or None, meeting kinds."""
    from thidua.blocs.models import CovenantState, DeadlineKind, MeetingKind

    return {
        DeadlineKind.REGISTRATION: bool(members) and all(registration_states.get(u) in ("SUBMITTED", "APPROVED") for u in members),
        DeadlineKind.COVENANT: covenant_state == CovenantState.SIGNED,
        DeadlineKind.INTERIM_REVIEW: MeetingKind.INTERIM_REVIEW in meeting_kinds,
        DeadlineKind.ANNUAL_REVIEW: MeetingKind.ANNUAL_REVIEW in meeting_kinds,
    }
