"""The audit log becomes a hash chain: two columns, the chain head, every existing row chained in id order."""

import django.utils.timezone
from django.db import migrations, models

from thidua.audit.chain import GENESIS, HASHED_FIELDS, link_hash

BATCH = 2_000


def chain_existing(apps, schema_editor):
    AuditLog = apps.get_model("audit", "AuditLog")
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        # The append-only trigger refuses UPDATE; this one-time sealing is the exception.
        schema_editor.execute("ALTER TABLE audit_auditlog DISABLE TRIGGER audit_auditlog_no_change")
    prev, batch = GENESIS, []
    for row in AuditLog.objects.order_by("id").only("id", *[f.removesuffix("_id") for f in HASHED_FIELDS]).iterator(chunk_size=BATCH):
        row.prev_hash = prev
        row.hash = link_hash(prev, {name: getattr(row, name) for name in HASHED_FIELDS})
        prev = row.hash
        batch.append(row)
        if len(batch) >= BATCH:
            AuditLog.objects.bulk_update(batch, ["prev_hash", "hash"])
            batch = []
    if batch:
        AuditLog.objects.bulk_update(batch, ["prev_hash", "hash"])
    apps.get_model("audit", "ChainHead").objects.update_or_create(pk=1, defaults={"hash": prev})
    if postgresql:
        schema_editor.execute("ALTER TABLE audit_auditlog ENABLE TRIGGER audit_auditlog_no_change")


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_search_key")]

    operations = [
        migrations.AlterField(
            model_name="auditlog",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False, verbose_name="Thời điểm"),
        ),
        migrations.AddField(model_name="auditlog", name="prev_hash", field=models.CharField(default="", editable=False, max_length=64)),
        migrations.AddField(model_name="auditlog", name="hash", field=models.CharField(default="", editable=False, max_length=64)),
        migrations.CreateModel(
            name="ChainHead",
            fields=[
                ("id", models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ("prev_hash", models.CharField(default="", max_length=64)),
                ("hash", models.CharField(max_length=64)),
            ],
            options={"verbose_name": "Đầu chuỗi nhật ký"},
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
    ]
