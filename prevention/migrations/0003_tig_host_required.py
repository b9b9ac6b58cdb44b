"""Second step of 0002 (own transaction: PostgreSQL refuses to alter a table with pending
foreign-key checks from the rows 0002 updated): the host is required, the reference goes."""

import django.db.models.deletion
from django.db import migrations, models

import victimes.tig


class Migration(migrations.Migration):
    dependencies = [("prevention", "0002_tig_host_service")]

    operations = [
        migrations.RemoveField(model_name="tigpostsyear", name="host_reference"),
        migrations.AlterField(
            model_name="tigpostsyear",
            name="host",
            field=models.ForeignKey(
                limit_choices_to=victimes.tig.HOST_SERVICES,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="tig_years",
                to="victimes.service",
                verbose_name="structure d'accueil",
            ),
        ),
        migrations.AlterModelOptions(
            name="tigpostsyear",
            options={
                "ordering": ["-year", "host__name"],
                "verbose_name": "postes de TIG (année)",
                "verbose_name_plural": "postes de TIG (années)",
            },
        ),
        migrations.AddConstraint(
            model_name="tigpostsyear",
            constraint=models.UniqueConstraint(
                fields=("host", "year"), name="prevention_tig_unique"
            ),
        ),
    ]
