"""Reads for the voting pages and the API. Nothing here ever joins participations to ballots."""

from __future__ import annotations

import datetime as dt
import threading

from django.db.models import Count, Q

from thidua.accounts.models import Grant
from thidua.core.access import PERMISSIONS, scoped
from thidua.voting.models import Candidate, Council, Participation, ParticipationKind, Poll, PollState, Voter


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


# Model.from_db wants the loaded fields in the model's own field order.
def _in_model_order(model, names: set[str]) -> tuple[str, ...]:
    return tuple(f.attname for f in model._meta.concrete_fields if f.attname in names)


# The poll fields a ballot needs (state and mode for the checks, method and quota for the choices,
# uid for the candidate cache, title, province and opening time for the audit row).
_BALLOT_POLL_FIELDS = _in_model_order(
    Poll, {"id", "uid", "province_id", "title", "state", "mode", "method", "quota", "version", "opened_at"}
)
_BALLOT_VOTER_FIELDS = _in_model_order(Voter, {"id", "province_id", "poll_id", "user_id", "label"})


def _column(model, attname: str) -> str:
    return next(f.column for f in model._meta.concrete_fields if f.attname == attname)


def _ballot_sql(roles: int) -> str:
    voter, poll = Voter._meta.db_table, Poll._meta.db_table
    participation, grant = Participation._meta.db_table, Grant._meta.db_table
    columns = [f"v.{_column(Voter, f)}" for f in _BALLOT_VOTER_FIELDS] + [f"p.{_column(Poll, f)}" for f in _BALLOT_POLL_FIELDS]
    return (
        f"SELECT {', '.join(columns)}, "
        f"EXISTS (SELECT 1 FROM {participation} pa WHERE pa.voter_id = v.id), "
        f"(SELECT g.role FROM {grant} g WHERE g.user_id = %s AND g.valid_from <= %s AND (g.valid_to IS NULL OR g.valid_to >= %s) "
        f"AND g.role IN ({', '.join(['%s'] * roles)}) LIMIT 1) "
        f"FROM {voter} v INNER JOIN {poll} p ON p.id = v.poll_id WHERE v.poll_id = %s AND v.user_id = %s"
    )


def voter_for_ballot(poll_pk: int, user) -> Voter | None:
    """The user's place in the poll's electorate, for casting a ballot, in ONE query: the voter
    with its poll (`voter.poll`, the fields a ballot needs; the province as a key only),
    `voter.voted` (a participation exists) and `voter.vote_role` (the role of one of the user's
    grants valid today that may "poll.vote", or None: what `ensure(user, "poll.vote")` asks of
    the user's scope). None when the user is not a voter of the poll (guests, the system actor).

    Written as one SQL statement: the same read through the ORM (select_related, Exists,
    Subquery) costs about 2 ms of query compilation per vote, more than the rest of the vote."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    from django.db import connection

    from thidua.org.models import Province

    today = connection.ops.adapt_datefield_value(dt.date.today())
    roles = sorted(PERMISSIONS.get("poll.vote", ()))
    with connection.cursor() as cursor:
        cursor.execute(_ballot_sql(len(roles)), [user.pk, today, today, *roles, poll_pk, user.pk])
        row = cursor.fetchone()
    if row is None:
        return None
    nv, np_ = len(_BALLOT_VOTER_FIELDS), len(_BALLOT_POLL_FIELDS)
    db = connection.alias
    poll_values = list(row[nv:nv + np_])
    # SQLite returns the uuid and the time as text, PostgreSQL as objects: convert like the ORM does.
    for name in ("uid", "opened_at"):
        field, at = Poll._meta.get_field(name), _BALLOT_POLL_FIELDS.index(name)
        for converter in connection.ops.get_db_converters(field.get_col(Poll._meta.db_table)):
            poll_values[at] = converter(poll_values[at], field, connection)
    poll = Poll.from_db(db, _BALLOT_POLL_FIELDS, poll_values)
    poll.province = Province.from_db(db, ["id"], [poll.province_id])
    voter = Voter.from_db(db, _BALLOT_VOTER_FIELDS, row[:nv])
    voter.poll = poll
    voter.voted = bool(row[nv + np_])
    voter.vote_role = row[nv + np_ + 1]
    return voter


# Candidate ids of open polls, per process. A poll's candidates can only change while it is a
# draft (do_add_candidate / do_remove_candidate refuse otherwise) and a poll never returns to
# draft, so the ids read once the poll is open stay right until it is deleted. Keyed by the
# poll's pk and its random uid, so a re-used pk (SQLite after a delete, test databases) never
# finds another poll's ids. An entry serves only a poll read as open in the same call; the first
# read of the poll in another state drops it; the cache never holds more than a few hundred polls.
_CANDIDATE_IDS: dict[tuple[int, object], tuple[str, ...]] = {}
_CANDIDATE_IDS_MAX = 256
_CANDIDATE_IDS_LOCK = threading.Lock()


def candidate_ids(poll: Poll) -> tuple[str, ...]:
    """The poll's candidate ids as text, in ballot order; cached while the poll is open."""
    key = (poll.pk, poll.uid)
    cached = _CANDIDATE_IDS.get(key)
    if cached is not None and poll.state == PollState.OPEN:
        return cached
    ids = tuple(str(pk) for pk in Candidate.objects.filter(poll_id=poll.pk).order_by("position", "pk").values_list("pk", flat=True))
    with _CANDIDATE_IDS_LOCK:
        if poll.state != PollState.OPEN:
            _CANDIDATE_IDS.pop(key, None)
        else:
            if len(_CANDIDATE_IDS) >= _CANDIDATE_IDS_MAX:
                _CANDIDATE_IDS.clear()
            _CANDIDATE_IDS[key] = ids
    return ids


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


def tie_equal_merit(poll: Poll) -> dict:
    """For a tie at the cut-off of the poll's result: each tied candidate's gender (a person) or
    share of women among its people (a unit), and the women-first rule in force on the meeting
    date with its citation (thidua.rules.voting.equal_merit). Empty-handed when there is no tie."""
    from thidua.org.models import Gender, Person
    from thidua.rules.voting import equal_merit

    tie = (poll.result or {}).get("tie") or {}
    ids = [str(i) for i in tie.get("ids") or []]
    if not ids:
        return {"in_force": False, "candidates": [], "preferred_ids": [], "text": "", "citation": "", "rule": None}
    candidates = {str(c.pk): c for c in Candidate.objects.filter(poll=poll, pk__in=ids).select_related("person", "unit")}
    unit_ids = [c.unit_id for c in candidates.values() if c.unit_id and not c.person_id]
    people = {
        row["unit_id"]: row
        for row in Person.objects.filter(unit_id__in=unit_ids).values("unit_id").annotate(
            members=Count("pk"), women=Count("pk", filter=Q(gender=Gender.FEMALE))
        )
    }
    tied = []
    for cid in ids:
        candidate = candidates.get(cid)
        if candidate is None:
            continue
        if candidate.person_id:
            tied.append({"id": cid, "name": candidate.label, "female": candidate.person.gender == Gender.FEMALE})
        elif candidate.unit_id:
            figures = people.get(candidate.unit_id) or {}
            tied.append({"id": cid, "name": candidate.label, "women": figures.get("women", 0), "members": figures.get("members", 0)})
        else:
            tied.append({"id": cid, "name": candidate.label, "female": None})
    return equal_merit(tied, poll.held_on)
