"""Load the law's catalogue (thidua/rules/catalogue.py) into AwardType; idempotent like the demo's sync."""

from django.db import migrations


def forwards(apps, schema_editor):
    from thidua.awards.sync import sync_catalogue

    sync_catalogue(apps.get_model("awards", "AwardType"))


class Migration(migrations.Migration):
    dependencies = [("awards", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
