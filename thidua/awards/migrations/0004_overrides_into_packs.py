"""Every provincial override becomes an entry of a regulation pack; the shipped packs (Bắc Ninh
QĐ 86/2025/QĐ-UBND) are stored for their provinces."""

from django.db import migrations


def forwards(apps, schema_editor):
    from thidua.awards.sync import packs_from_overrides, sync_shipped_packs

    pack, entry = apps.get_model("awards", "RegulationPack"), apps.get_model("awards", "RuleOverride")
    packs_from_overrides(pack, entry)
    sync_shipped_packs(pack, entry, apps.get_model("org", "Province"))


def backwards(apps, schema_editor):
    apps.get_model("awards", "RuleOverride").objects.update(pack=None)
    apps.get_model("awards", "RegulationPack").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("awards", "0003_regulation_packs")]

    operations = [migrations.RunPython(forwards, backwards)]
