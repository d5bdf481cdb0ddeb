"""Award money read from the database: titles already paid, and the expected money of a proposal.

The arithmetic is the pure core's (thidua.rules.money.combine_money): the same rule for a
decision's recipients, a proposal's total and the what-if door — one payment per achievement
period (the highest title), forms besides titles, unknown amounts counted apart, never as 0.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from thidua.proposals.models import Appraisal, DecisionRecipient
from thidua.rules.money import MoneyLine, MoneyResult, combine_money


def paid_titles(subject_keys: set[str], years: set[int], exclude_decision=None) -> dict[tuple[str, int], set[str]]:
    """Awards already paid (not revoked, amount > 0) to these subjects for these years by decisions."""
    paid: dict[tuple[str, int], set[str]] = {}
    person_ids = [int(k.split(":")[1]) for k in subject_keys if k.startswith("person:")]
    unit_ids = [int(k.split(":")[1]) for k in subject_keys if k.startswith("unit:")]
    if not (person_ids or unit_ids) or not years:
        return paid
    qs = DecisionRecipient.objects.filter(year__in=years, revoked_on__isnull=True, decision__revoked_on__isnull=True, amount_vnd__gt=0)
    if exclude_decision is not None:
        qs = qs.exclude(decision=exclude_decision)
    for r in qs.filter(Q(person_id__in=person_ids) | Q(unit_id__in=unit_ids)).only("person_id", "unit_id", "year", "award"):
        paid.setdefault((r.subject_key, r.year), set()).add(r.award)
    return paid


def counts_in_total(item) -> bool:
    """An item counts in the proposal's expected money unless it is refused (engine or appraisal)."""
    return item.appraisal != Appraisal.NOT_APPROVED and (item.eligibility or {}).get("outcome") != "NOT_ELIGIBLE"


def proposal_money(proposal, items, on: dt.date | None = None) -> tuple[MoneyResult, dict[int, MoneyLine]]:
    """The expected money of a proposal's items if decided on ``on`` (default today).

    Returns the combined result and the line of each counted item by its pk.
    """
    on = on or dt.date.today()
    counted = [i for i in items if counts_in_total(i)]
    lines = [MoneyLine(i.subject_key, i.subject_kind, i.award, proposal.year) for i in counted]
    result = combine_money(lines, on, paid_titles=paid_titles({i.subject_key for i in counted}, {proposal.year}))
    return result, {item.pk: line for item, line in zip(counted, result.lines)}
