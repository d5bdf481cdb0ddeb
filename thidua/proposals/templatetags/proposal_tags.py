"""Template helpers of proposals used on other apps' pages (the poll page's "lập hồ sơ" button)."""

from __future__ import annotations

from django import template

from thidua.core.access import ensure
from thidua.core.errors import NotPermitted

register = template.Library()


@register.simple_tag(takes_context=True)
def can_propose_from(context, poll) -> bool:
    """Whether the signed-in user may draw up the award dossier of this poll's proposer."""
    user = context["request"].user
    try:
        if poll.meeting_id:
            ensure(user, "proposal.edit", province=poll.province_id, bloc=poll.meeting.bloc_year.bloc_id)
        elif poll.council_id and poll.council.unit_id:
            ensure(user, "proposal.edit", unit=poll.council.unit)
        else:
            return False
    except NotPermitted:
        return False
    return True
