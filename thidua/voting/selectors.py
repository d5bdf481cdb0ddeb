"""Reads for the voting pages and the API. Nothing here ever joins participations to ballots."""

from __future__ import annotations

from django.db.models import Count, Q

from thidua.core.access import scoped
from thidua.voting.models import Council, Participation, ParticipationKind, Poll, PollState, Voter


def visible_polls(user):
    """Polls the user may see: those in their scope, and those where they are a voter."""
    in_scope = scoped(user, Poll).values("pk")
    return Poll.objects.filter(Q(pk__in=in_scope) | Q(voters__user=user)).distinct() if user.is_authenticated else Poll.objects.none()


def polls_to_vote(user):
    """Open e-ballot polls where the user still has a vote to cast."""
    voted = Participation.objects.filter(voter__user=user).values("poll_id")
    return (
        Poll.objects.filter(state=PollState.OPEN, mode="E_BALLOT", voters__user=user)
        .exclude(pk__in=voted)
        .distinct()
        .order_by("-held_on", "pk")
    )


def voter_of(poll: Poll, user) -> Voter | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Voter.objects.filter(poll=poll, user=user).first()


def electorate(poll: Poll) -> list[dict]:
    """Each voter with whether (never how) they voted."""
    kinds = dict(Participation.objects.filter(poll=poll).values_list("voter_id", "kind"))
    labels = dict(ParticipationKind.choices)
    rows = []
    for voter in Voter.objects.filter(poll=poll).select_related("user", "council_member", "unit").order_by("label", "pk"):
        kind = kinds.get(voter.pk)
        rows.append({
            "voter": voter,
            "voted": kind is not None,
            "how": labels.get(kind, "Chưa bỏ phiếu"),
            "present": voter.is_present or kind in (ParticipationKind.E_BALLOT, ParticipationKind.PAPER),
            "written": kind == ParticipationKind.WRITTEN_OPINION,
        })
    return rows


def participation_count(poll: Poll) -> int:
    return Participation.objects.filter(poll=poll).count()


def councils_for(user):
    return scoped(user, Council).annotate(member_count=Count("members", distinct=True)).order_by("name", "pk")
