import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("awards", "0004_overrides_into_packs")]

    operations = [
        migrations.AlterField(
            model_name="ruleoverride",
            name="pack",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="entries", to="awards.regulationpack",
                verbose_name="Văn bản của tỉnh",
            ),
        ),
    ]
