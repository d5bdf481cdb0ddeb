"""The audit log becomes a hash chain: its columns, the chain head, a trigger that lets a row be
sealed once, and every existing row chained in id order."""

import django.utils.timezone
from django.db import migrations, models

from thidua.audit.chain import GENESIS, HASHED_FIELDS, link_hash

BATCH = 2_000

# Append-only still; the one UPDATE allowed seals an unsealed row: it sets the row's place and
# hashes and changes nothing else.
SEALABLE = """
CREATE OR REPLACE FUNCTION audit_auditlog_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND OLD.hash = '' AND NEW.seq IS NOT NULL AND NEW.hash <> ''
     AND (to_jsonb(NEW) - 'seq' - 'prev_hash' - 'hash') = (to_jsonb(OLD) - 'seq' - 'prev_hash' - 'hash') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_auditlog is append-only';
END;
$$ LANGUAGE plpgsql;
"""
APPEND_ONLY = """
CREATE OR REPLACE FUNCTION audit_auditlog_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_auditlog is append-only';
END;
$$ LANGUAGE plpgsql;
"""


def sealable(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEALABLE)


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY)


def chain_existing(apps, schema_editor):
    AuditLog = apps.get_model("audit", "AuditLog")
    prev, seq, batch = GENESIS, 0, []
    for row in AuditLog.objects.order_by("id").only("id", *[f.removesuffix("_id") for f in HASHED_FIELDS]).iterator(chunk_size=BATCH):
        seq += 1
        row.seq, row.prev_hash = seq, prev
        row.hash = link_hash(prev, {name: getattr(row, name) for name in HASHED_FIELDS})
        prev = row.hash
        batch.append(row)
        if len(batch) >= BATCH:
            AuditLog.objects.bulk_update(batch, ["seq", "prev_hash", "hash"])
            batch = []
    if batch:
        AuditLog.objects.bulk_update(batch, ["seq", "prev_hash", "hash"])
    apps.get_model("audit", "ChainHead").objects.update_or_create(pk=1, defaults={"seq": seq, "hash": prev})


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_search_key")]

    operations = [
        migrations.AlterField(
            model_name="auditlog",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False, verbose_name="Thời điểm"),
        ),
        migrations.AddField(model_name="auditlog", name="seq", field=models.BigIntegerField(editable=False, null=True, unique=True)),
        migrations.AddField(model_name="auditlog", name="prev_hash", field=models.CharField(default="", editable=False, max_length=64)),
        migrations.AddField(model_name="auditlog", name="hash", field=models.CharField(default="", editable=False, max_length=64)),
        migrations.CreateModel(
            name="ChainHead",
            fields=[
                ("id", models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ("seq", models.BigIntegerField(default=0)),
                ("hash", models.CharField(max_length=64)),
            ],
            options={"verbose_name": "Đầu chuỗi nhật ký"},
        ),
        migrations.RunPython(sealable, append_only),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
    ]
