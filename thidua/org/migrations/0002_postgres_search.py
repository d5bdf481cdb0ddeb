"""PostgreSQL only: unaccent and pg_trgm, and trigram indexes for the registry search.

The search filters `search_key LIKE '%word%'`; a GIN trigram index serves that on PostgreSQL.
SQLite has neither extension and skips this migration's SQL.
"""

from django.db import migrations

TRIGRAM_INDEXES = [
    ("org_unit", "org_unit_search_trgm"),
    ("org_person", "org_person_search_trgm"),
    ("org_department", "org_department_search_trgm"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, name in TRIGRAM_INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_key gin_trgm_ops)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _, name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
