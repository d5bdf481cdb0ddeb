"""The audit log is a hash chain: an edit, a deletion or a row written around the application is
found by `manage.py verify_audit`, which names the first broken row in Vietnamese."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from thidua.audit import chain
from thidua.audit.log import record
from thidua.audit.models import AuditLog
from thidua.org import actions as org_actions
from thidua.org.models import Unit

pytestmark = pytest.mark.django_db


def verify() -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code), err.getvalue()
    return 0, out.getvalue()


def sealed() -> None:
    """On PostgreSQL rows are sealed right after their transaction commits; a test's transaction
    never commits, so seal here what a committed one would have sealed."""
    if not chain.seals_before_insert():
        chain.seal_pending(wait=True)


def raw(sql: str, params=()) -> None:
    """Change the table underneath the application, as a database administrator could."""
    sealed()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The append-only trigger stops UPDATE and DELETE; an administrator can switch it off
            # (after the test transaction's deferred foreign-key checks, which ALTER TABLE waits for).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditlog DISABLE TRIGGER audit_auditlog_no_change")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditlog ENABLE TRIGGER audit_auditlog_no_change")


def rename(world, name):
    unit = Unit.objects.get(pk=world.tuyen_giao.pk)
    return org_actions.do_update_unit(actor=world.an_officer, unit=unit, data={"name": name}, expected_version=unit.version)


@pytest.mark.sqlite
def test_every_row_written_by_the_application_chains_to_the_one_before(world):
    rename(world, "Ban Tuyên giáo và Dân vận Tỉnh ủy")
    sealed()
    rows = list(AuditLog.objects.order_by("seq"))
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1)) and [r.pk for r in rows] == sorted(r.pk for r in rows)
    assert len(rows) >= 5 and rows[0].prev_hash == chain.GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(rows, rows[1:]))
    assert len({r.hash for r in rows}) == len(rows)
    code, text = verify()
    assert code == 0
    assert f"Nhật ký nguyên vẹn: {len(rows)} dòng" in text and rows[-1].hash in text


@pytest.mark.sqlite
def test_an_edit_underneath_is_found_at_its_row(world):
    rename(world, "Ban Tuyên giáo và Dân vận Tỉnh ủy")
    rename(world, "Ban Tuyên giáo Tỉnh ủy")
    target = AuditLog.objects.filter(action="org.unit.update").order_by("id").first()
    raw("UPDATE audit_auditlog SET note = %s WHERE id = %s", ["Đã duyệt", target.pk])
    code, text = verify()
    assert code == 1
    assert f"Chuỗi nhật ký bị đứt tại dòng số {target.pk}" in text
    assert "Sửa đơn vị" in text and "đã bị sửa sau khi ghi" in text
    assert "Traceback" not in text and "Error" not in text


@pytest.mark.sqlite
def test_a_changed_actor_or_time_is_an_edit_too(world):
    rename(world, "Ban Tuyên giáo và Dân vận Tỉnh ủy")
    target = AuditLog.objects.filter(action="org.unit.update").get()
    raw("UPDATE audit_auditlog SET actor_name = %s WHERE id = %s", ["admin", target.pk])
    code, text = verify()
    assert code == 1 and f"dòng số {target.pk}" in text
    raw("UPDATE audit_auditlog SET actor_name = %s WHERE id = %s", [target.actor_name, target.pk])
    assert verify()[0] == 0  # put back exactly, the chain holds again

    # Moving a row's time by one second (to line it up with something else) breaks it as well.
    earlier = target.at - dt.timedelta(seconds=1)
    sealed()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditlog DISABLE TRIGGER audit_auditlog_no_change")
            cursor.execute("UPDATE audit_auditlog SET at = %s WHERE id = %s", [earlier, target.pk])
            cursor.execute("ALTER TABLE audit_auditlog ENABLE TRIGGER audit_auditlog_no_change")
        else:
            cursor.execute("UPDATE audit_auditlog SET at = %s WHERE id = %s", [connection.ops.adapt_datetimefield_value(earlier), target.pk])
    code, text = verify()
    assert code == 1 and f"dòng số {target.pk}" in text and "đã bị sửa" in text


@pytest.mark.sqlite
def test_a_deleted_row_is_found_at_the_row_after_it(world):
    rename(world, "Ban Tuyên giáo và Dân vận Tỉnh ủy")
    rename(world, "Ban Tuyên giáo Tỉnh ủy")
    sealed()
    first, second = AuditLog.objects.filter(action="org.unit.update").order_by("seq")
    after = AuditLog.objects.filter(seq__gt=first.seq).order_by("seq").first()
    raw("DELETE FROM audit_auditlog WHERE id = %s", [first.pk])
    code, text = verify()
    assert code == 1
    assert f"dòng số {after.pk}" in text and "dòng liền trước trong chuỗi đã bị xóa" in text


@pytest.mark.sqlite
def test_a_row_inserted_around_the_application_is_found(world):
    sealed()
    last = AuditLog.objects.order_by("-seq").first()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditlog (at, actor_name, action, object_type, object_uid, object_repr, changes, note, search_key, prev_hash, hash) "
            "VALUES (%s, 'admin', 'org.unit.update', 'org.unit', '', 'Ban Tuyên giáo Tỉnh ủy', '{}', '', '', %s, %s)",
            [connection.ops.adapt_datetimefield_value(timezone.now()), last.hash, "0" * 63 + "1"],
        )
    code, text = verify()
    assert code == 1 and "không nằm trong chuỗi mã băm" in text and "Sửa đơn vị — Ban Tuyên giáo Tỉnh ủy" in text


@pytest.mark.sqlite
def test_the_hash_covers_the_time_as_stored_even_when_the_writer_coarsens_it(world):
    # The voting flow stores participation times coarsened; whatever is stored is what is hashed.
    coarse = timezone.now().replace(minute=0, second=0, microsecond=0)
    with transaction.atomic():
        row = AuditLog.objects.create(province=world.an_giang, actor_name="hệ thống", action="voting.poll.participate",
                                      object_type="voting.poll", object_repr="Bình xét", changes={"kind": (None, "E_BALLOT")}, at=coarse)
    assert verify()[0] == 0
    stored = AuditLog.objects.get(pk=row.pk)
    assert stored.at == coarse and stored.hash and stored.changes == {"kind": [None, "E_BALLOT"]}
    raw("UPDATE audit_auditlog SET at = %s WHERE id = %s", [connection.ops.adapt_datetimefield_value(coarse + dt.timedelta(minutes=7)), row.pk])
    assert verify()[0] == 1


@pytest.mark.sqlite
def test_rows_written_in_bulk_are_chained_in_order(world):
    rows = [AuditLog(province=world.an_giang, actor_name="hệ thống", action="org.person.create", object_type="org.person",
                     object_repr=f"Người {i}", changes={"full_name": [None, f"Người {i}"], "amount": [None, 1.0]}) for i in range(7)]
    with transaction.atomic():
        AuditLog.objects.bulk_create(rows, batch_size=3)
    assert verify()[0] == 0
    stored = list(AuditLog.objects.filter(action="org.person.create", object_repr__startswith="Người ").order_by("seq"))
    assert [r.object_repr for r in stored] == [f"Người {i}" for i in range(7)]
    assert all(b.prev_hash == a.hash for a, b in zip(stored, stored[1:]))


@pytest.mark.sqlite
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain(world):
    # Each thread has its own connection, as each web worker does; their rows interleave.
    province = world.an_giang
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(15):
                with transaction.atomic():
                    record(actor=None, action="voting.poll.participate", province=province, object_type="voting.poll",
                           object_repr=f"Luồng {n}, phiếu {i}", changes={"participant": [None, f"{n}-{i}"]})
        except BaseException as exc:  # noqa: BLE001 — reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditLog.objects.filter(object_repr__startswith="Luồng ").count() == 60
    assert not AuditLog.objects.filter(hash="").exists()  # each committed row was sealed (PostgreSQL: just after commit)
    code, text = verify()
    assert code == 0, text


@pytest.mark.sqlite
def test_deleting_the_newest_rows_is_found_through_the_chain_head(world):
    rename(world, "Ban Tuyên giáo và Dân vận Tỉnh ủy")
    sealed()
    newest = AuditLog.objects.order_by("-seq").first()
    raw("DELETE FROM audit_auditlog WHERE id = %s", [newest.pk])
    code, text = verify()
    assert code == 1 and "một hay nhiều dòng mới nhất đã bị xóa" in text
    previous = AuditLog.objects.order_by("-seq").first()
    assert f"sau dòng số {previous.pk}" in text
