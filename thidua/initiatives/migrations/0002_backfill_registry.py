"""Existing initiatives join the registry: their person becomes the one owner at 100 %, their unit
is the person's unit, and their title is indexed for copy detection."""

from django.db import migrations


def forwards(apps, schema_editor):
    from thidua.core.models import search_key_of
    from thidua.rules import similarity

    Initiative = apps.get_model("history", "Initiative")
    Owner = apps.get_model("initiatives", "InitiativeOwner")
    Posting = apps.get_model("initiatives", "InitiativePosting")
    for item in Initiative.objects.select_related("person").iterator():
        shingle_set = similarity.shingles(item.title, item.content)
        item.unit_id = item.unit_id or item.person.unit_id
        item.shingles = sorted(shingle_set)
        item.search_key = search_key_of(item.title, item.sector)[:600]
        item.save(update_fields=["unit", "shingles", "search_key"])
        Owner.objects.get_or_create(initiative_id=item.pk, person_id=item.person_id, defaults={"share": 100})
        Posting.objects.bulk_create(
            [Posting(province_id=item.province_id, initiative_id=item.pk, h=h) for h in similarity.postings(shingle_set)]
        )


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
