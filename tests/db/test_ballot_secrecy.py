"""Nobody with full read access to the database and the logs after a poll can link a voter to a
ballot (docs/ballot-secrecy.md): the schema has no link, the audit log holds participation only,
and the physical order / transaction ids of the ballots say nothing about the casting order."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from django.db import NotSupportedError, OperationalError, ProgrammingError, connection, models

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
    # A participation says THAT a voter voted, with no time of its own.
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, Participation._meta.db_table)}
    assert not [c for c in columns if c.endswith("_at")]
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
    if connection.vendor == "postgresql":
        # Sanity: while open, the physical order IS the casting order — the threat is real.
        assert [k for k, _ in before] == cast_order
        assert len({x for _, x in before}) == VOTERS  # one transaction per vote
    else:
        # SQLite: a ballot gets a random rowid when cast, so the table is never in casting order.
        assert sorted(k for k, _ in before) == sorted(cast_order) and [k for k, _ in before] != cast_order
        positions = [cast_order.index(k) for k, _ in before]
        assert sum(1 for a, b in zip(positions, positions[1:]) if b == a + 1) < 10

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
    poll.refresh_from_db()
    for r in casts:
        assert set(r.changes) == {"participant", "kind"}
        assert r.object_uid == str(poll.uid)
        # No per-voter instant: every vote's row carries the poll's opening time.
        assert r.at == poll.opened_at
    assert [r for r in rows if r.action == "voting.poll.close"][0].at > poll.opened_at
    text = json.dumps([[r.action, r.object_uid, r.object_repr, r.changes, r.note] for r in rows], ensure_ascii=False)
    for ballot_id in ids_while_open | ids_after:
        assert ballot_id not in text and ballot_id.replace("-", "") not in text
    assert '"YES"' not in text and '"NO"' not in text
    assert "choices" not in text


# --------------------------------------------------------------------------- the storage engines' copies


def _stored_texts(poll) -> dict[tuple, bytes]:
    """Each ballot's choices exactly as SQLite stores them (JSON text), by the ballot's key."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT choices FROM {Ballot._meta.db_table} WHERE poll_id = %s", [poll.pk])
        return {_key(json.loads(text)): text.encode("utf-8") for (text,) in cursor.fetchall()}


def _sqlite_bytes() -> tuple[bytes, bytes]:
    path = Path(connection.settings_dict["NAME"])
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes(), wal.read_bytes() if wal.exists() else b""


def _order_in(data: bytes, texts: dict[tuple, bytes]) -> list[tuple]:
    """The attack: the ballots sorted by where each first appears in the bytes."""
    found = {key: data.find(text) for key, text in texts.items()}
    return [key for key, at in sorted(found.items(), key=lambda item: item[1]) if at >= 0]


@pytest.mark.sqlite
@pytest.mark.django_db(transaction=True)
def test_after_close_the_sqlite_files_hold_each_ballot_once_and_not_in_casting_order(world):
    if connection.vendor != "sqlite":
        pytest.skip("the database and WAL files of SQLite")
    council, members, users = make_council(world, VOTERS)
    poll = make_poll(world, council, award="LDTT", threshold=50, quota=None, labels=LABELS)
    # A second poll of the same meeting, open at the same time: its ballots share pages with the
    # first one's, so the close deletes cells from pages that stay in use (secure_delete's case).
    other = make_poll(world, council, award="CSTDCS", threshold=80, quota=None, labels=LABELS[:2])
    open_poll(world, poll)
    open_poll(world, other)
    cid = [ids(poll)[label] for label in LABELS]
    other_ids = list(ids(other).values())
    cast_order = []
    for i, user in enumerate(users):
        approved = [cid[bit] for bit in range(len(cid)) if (i + 1) >> bit & 1]
        actions.do_cast_ballot(actor=user, poll=poll, approved=approved)
        cast_order.append(tuple(sorted(str(c) for c in approved)))
        actions.do_cast_ballot(actor=user, poll=other, approved=other_ids[: i % 3])
    texts = _stored_texts(poll)
    assert len(texts) == VOTERS
    db, wal = _sqlite_bytes()
    # The threat, while the poll is open: each vote appends the ballot pages it changed to the
    # WAL, so the WAL holds stale copies, one ballot more in each; comparing successive copies
    # gives the casting order.
    copies = {key: wal.count(text) for key, text in texts.items()}
    assert sum(copies.values()) > 3 * VOTERS, copies

    close_poll(world, poll)
    db, wal = _sqlite_bytes()
    assert wal == b""  # checkpointed and truncated after the close committed
    # Each ballot is in the database file exactly once (its shuffled live copy): no freed page,
    # free cell or old page image keeps an earlier one.
    assert {key: db.count(text) for key, text in texts.items()} == {key: 1 for key in texts}
    positions = [cast_order.index(key) for key in _order_in(db, texts)]
    assert sorted(positions) == list(range(VOTERS))
    assert sum(1 for a, b in zip(positions, positions[1:]) if b == a + 1) < 10


def _relation_pages(cursor, relation: str) -> list[bytes]:
    cursor.execute("SELECT pg_relation_size(%s::regclass) / current_setting('block_size')::int", [relation])
    pages = cursor.fetchone()[0]
    blocks = []
    for page in range(pages):
        cursor.execute("SELECT get_raw_page(%s, %s)", [relation, page])
        blocks.append(bytes(cursor.fetchone()[0]))
    return blocks


def _ballot_relations(cursor) -> list[str]:
    """The ballot table, its indexes and its TOAST table."""
    table = Ballot._meta.db_table
    cursor.execute(
        "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = %s::regclass "
        "UNION ALL SELECT reltoastrelid::regclass::text FROM pg_class WHERE oid = %s::regclass AND reltoastrelid <> 0",
        [table, table],
    )
    return [table, *(r[0] for r in cursor.fetchall())]


@pytest.mark.django_db(transaction=True)
def test_after_close_postgresql_rewrites_the_ballot_table_leaving_no_deleted_copies(world):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's heap pages")
    council, members, users = make_council(world, 20)
    poll = make_poll(world, council, award="LDTT", threshold=50, quota=None, labels=LABELS)
    open_poll(world, poll)
    _cast_distinct_ballots(world, users, poll)
    old_ids = [b.bytes for b in Ballot.objects.filter(poll=poll).values_list("id", flat=True)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_filenode(%s)", [Ballot._meta.db_table])
        filenode = cursor.fetchone()[0]
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
            inspect = True
        except (ProgrammingError, OperationalError, NotSupportedError):
            inspect = False  # contrib not installed or no superuser: the rewrite check still holds
        if inspect:
            pages = b"".join(p for relation in _ballot_relations(cursor) for p in _relation_pages(cursor, relation))
            assert all(pages.count(i) >= 1 for i in old_ids)  # the live tuples, before the close

    # Another session's transaction, older than the close, stays open through it: VACUUM (even
    # FULL) would have to keep the deleted tuples for it.
    import psycopg

    conf = connection.settings_dict
    older = psycopg.connect(host=conf["HOST"] or None, port=conf["PORT"] or None, user=conf["USER"], password=conf["PASSWORD"] or None, dbname=conf["NAME"])
    try:
        older.execute("SELECT txid_current()")
        close_poll(world, poll)
    finally:
        older.rollback()
        older.close()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_filenode(%s)", [Ballot._meta.db_table])
        # The table was written anew after the commit: the file holding the deleted tuples (with
        # the voting transactions' ids, shared by the participation rows) is gone.
        assert cursor.fetchone()[0] != filenode
        if inspect:
            # A plain VACUUM would leave the deleted tuples' bytes in the pages' free space.
            pages = b"".join(p for relation in _ballot_relations(cursor) for p in _relation_pages(cursor, relation))
            assert [i for i in old_ids if i in pages] == []
    assert Ballot.objects.filter(poll=poll).count() == 20
