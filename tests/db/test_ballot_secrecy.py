"""Nobody with full read access to the database and the logs after a poll can link a voter to a
ballot (docs/ballot-secrecy.md): the schema has no link, the audit log holds participation only,
and the physical order / transaction ids of the ballots say nothing about the casting order."""

from __future__ import annotations

import json
import uuid

import pytest
from django.db import connection, models

from thidua.audit.models import AuditLog
from thidua.voting import actions
from thidua.voting.models import Ballot, Participation
from tests.db.test_voting import close_poll, ids, make_council, make_poll, open_poll

# Six candidates, approve-each without quota: 64 different ballots, so each of the voters below
# casts a ballot nobody else casts and the content alone identifies the casting position.
LABELS = ("Ứng viên 1", "Ứng viên 2", "Ứng viên 3", "Ứng viên 4", "Ứng viên 5", "Ứng viên 6")
VOTERS = 60


@pytest.mark.sqlite
def test_the_ballot_table_cannot_name_a_voter_or_a_time(db):
    fields = {f.name: f for f in Ballot._meta.get_fields() if f.concrete}
    assert set(fields) == {"id", "poll", "province", "choices", "is_written_opinion", "is_invalid"}
    relations = {f.name: f.related_model._meta.label for f in fields.values() if f.is_relation}
    assert relations == {"poll": "voting.Poll", "province": "org.Province"}
    assert not [f for f in fields.values() if isinstance(f, (models.DateField, models.DateTimeField, models.TimeField))]
    pk = Ballot._meta.pk
    assert isinstance(pk, models.UUIDField) and not isinstance(pk, (models.AutoField, models.BigAutoField, models.IntegerField))
    assert pk.default is uuid.uuid4
    # The database table agrees with the model (no column added behind its back).
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, Ballot._meta.db_table)}
    assert columns == {"id", "poll_id", "province_id", "choices", "is_written_opinion", "is_invalid"}
    # And nothing points at a ballot: participation has no ballot column.
    assert not [f for f in Participation._meta.get_fields() if f.is_relation and f.related_model is Ballot]
    assert not [f for f in Ballot._meta.get_fields() if f.is_relation and not f.concrete]


def _cast_distinct_ballots(world, users, poll):
    """Voter i approves the candidates of the binary digits of i+1; returns each ballot's key in
    casting order."""
    cid = [ids(poll)[label] for label in LABELS]
    order = []
    for i, user in enumerate(users):
        approved = [cid[bit] for bit in range(len(cid)) if (i + 1) >> bit & 1]
        actions.do_cast_ballot(actor=user, poll=poll, approved=approved)
        order.append(tuple(sorted(str(c) for c in approved)))
    return order


def _key(choices: dict) -> tuple:
    return tuple(sorted(cid for cid, mark in choices.items() if mark == "YES"))


def _physical_rows(poll):
    """(key, transaction id or None) of each ballot, in physical order."""
    table = Ballot._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT choices, xmin::text FROM {table} WHERE poll_id = %s ORDER BY ctid", [poll.pk])
        else:
            cursor.execute(f"SELECT choices, NULL FROM {table} WHERE poll_id = %s ORDER BY rowid", [poll.pk])
        rows = cursor.fetchall()
    return [(_key(json.loads(c) if isinstance(c, str) else c), x) for c, x in rows]


@pytest.mark.sqlite
@pytest.mark.django_db(transaction=True)
def test_closing_rewrites_ballots_in_an_order_unrelated_to_casting(world):
    council, members, users = make_council(world, VOTERS)
    poll = make_poll(world, council, award="LDTT", threshold=50, quota=None, labels=LABELS)
    open_poll(world, poll)
    cast_order = _cast_distinct_ballots(world, users, poll)
    assert len(set(cast_order)) == VOTERS
    before = _physical_rows(poll)
    old_ids = set(Ballot.objects.filter(poll=poll).values_list("id", flat=True))
    # Sanity: while open, the physical order IS the casting order — the threat is real.
    assert [k for k, _ in before] == cast_order
    if connection.vendor == "postgresql":
        assert len({x for _, x in before}) == VOTERS  # one transaction per vote

    close_poll(world, poll)
    after = _physical_rows(poll)
    keys = [k for k, _ in after]
    assert sorted(keys) == sorted(cast_order)  # every ballot kept, once
    assert keys != cast_order and keys != cast_order[::-1]
    positions = [cast_order.index(k) for k in keys]
    # No long run of consecutive casting positions survives (a 60-element random permutation has
    # ascending adjacent pairs ~1 in 60 on average; the identity would have 59).
    assert sum(1 for a, b in zip(positions, positions[1:]) if b == a + 1) < 10
    new_ids = set(Ballot.objects.filter(poll=poll).values_list("id", flat=True))
    assert not (new_ids & old_ids) and len(new_ids) == VOTERS
    if connection.vendor == "postgresql":
        xmins = {x for _, x in after}
        assert len(xmins) == 1  # all rewritten by the closing transaction
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT xmin::text FROM {Participation._meta.db_table} WHERE poll_id = %s", [poll.pk])
            participation_xmins = {r[0] for r in cursor.fetchall()}
        assert not (xmins & participation_xmins)


@pytest.mark.sqlite
def test_audit_rows_of_a_poll_hold_participation_never_ballot_content_or_ids(world):
    council, members, users = make_council(world, 8)
    poll = make_poll(world, council, award="LDTT", threshold=50, quota=None, labels=LABELS)
    open_poll(world, poll)
    start = AuditLog.objects.order_by("-pk").first().pk
    _cast_distinct_ballots(world, users[:7], poll)
    voter = poll.voters.get(council_member=members[7])
    actions.do_enter_written_opinion(actor=world.an_officer, poll=poll, voter=voter, approved=[ids(poll)["Ứng viên 6"]])
    ids_while_open = {str(i) for i in Ballot.objects.filter(poll=poll).values_list("id", flat=True)}
    close_poll(world, poll)
    ids_after = {str(i) for i in Ballot.objects.filter(poll=poll).values_list("id", flat=True)}
    rows = list(AuditLog.objects.filter(pk__gt=start))
    casts = [r for r in rows if r.action == "voting.poll.participate"]
    assert len(casts) == 8
    for r in casts:
        assert set(r.changes) == {"participant", "kind"}
        assert r.object_uid == str(poll.uid)
    text = json.dumps([[r.action, r.object_uid, r.object_repr, r.changes, r.note] for r in rows], ensure_ascii=False)
    for ballot_id in ids_while_open | ids_after:
        assert ballot_id not in text and ballot_id.replace("-", "") not in text
    assert '"YES"' not in text and '"NO"' not in text
    assert "choices" not in text
