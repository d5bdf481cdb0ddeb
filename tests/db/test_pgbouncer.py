"""thidua behind PgBouncer in transaction pooling (DEPLOY.md). `make test-pgbouncer` runs this file
and a database subset with DATABASE_URL pointing at PgBouncer; in the other stages these tests are
skipped because there is no pooler in front of the database."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import build_world

THROUGH_PGBOUNCER = os.getenv("DATABASE_POOLER", "").lower() == "pgbouncer"
pytestmark = pytest.mark.skipif(not THROUGH_PGBOUNCER, reason="chỉ chạy qua PgBouncer (make test-pgbouncer)")


@pytest.mark.django_db
def test_the_connection_goes_through_the_pooler_to_postgresql():
    # The client talks to PgBouncer's port; the server behind it answers on PostgreSQL's own.
    assert connection.vendor == "postgresql"
    assert str(connection.settings_dict["PORT"]) != "5432"
    with connection.cursor() as cursor:
        cursor.execute("SELECT inet_server_port()")
        assert cursor.fetchone()[0] == 5432
    assert settings.DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] is True


@pytest.mark.django_db(transaction=True)
def test_a_long_export_outside_a_transaction_reads_every_row(client):
    # QuerySet.iterator() in autocommit would open a server-side cursor that the pooler may lose
    # between two fetches (the export reads 2,000 rows per fetch); with the pooler setting every
    # row of a 2,500-unit list still arrives, in order.
    from thidua.core.models import search_key_of
    from thidua.org.models import Unit

    world = build_world()
    Unit.objects.bulk_create(
        Unit(province=world.an_giang, name=f"Đơn vị thử {i:04d}", kind=world.tuyen_giao.kind,
             search_key=search_key_of(f"Đơn vị thử {i:04d}"))
        for i in range(2_500)
    )
    expected = Unit.objects.filter(ended_on__isnull=True).count()
    client.force_login(world.admin)
    response = client.get("/to-chuc/don-vi/xuat/?format=csv")
    assert response.status_code == 200, response.content[:300]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    lines = [line for line in body.decode("utf-8-sig").splitlines() if line.strip()]
    assert len(lines) == expected + 1
    assert sum("Đơn vị thử" in line for line in lines) == 2_500
