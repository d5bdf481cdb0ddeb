"""The law's catalogue no longer cites Bắc Ninh's own regulation for every province: re-sync it."""

from django.db import migrations


def forwards(apps, schema_editor):
    from thidua.awards.sync import sync_catalogue

    sync_catalogue(apps.get_model("awards", "AwardType"))


class Migration(migrations.Migration):
    dependencies = [("awards", "0005_entry_belongs_to_pack")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
