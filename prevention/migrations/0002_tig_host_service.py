"""TIG posts are counted per host service of the directory (victimes.Service), no longer per
free-text reference. A directory service has no code, so an existing row is kept only when its
reference is the id (UUID) of a service of the directory; the others are deleted (they were
aggregates entered against a reference nothing resolved)."""

import uuid

import django.db.models.deletion
from django.db import migrations, models


def link_hosts(apps, schema_editor):
    TigPostsYear = apps.get_model("prevention", "TigPostsYear")
    Service = apps.get_model("victimes", "Service")
    for row in TigPostsYear.objects.all():
        try:
            pk = uuid.UUID(row.host_reference)
        except ValueError:
            pk = None
        if pk and Service.objects.filter(pk=pk).exists():
            row.host_id = pk
            row.save(update_fields=["host"])
        else:
            row.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("prevention", "0001_initial"),
        ("victimes", "0003_victims_categories_in_existing_databases"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="tigpostsyear", name="prevention_tig_unique"),
        migrations.AddField(
            model_name="tigpostsyear",
            name="host",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="tig_years",
                to="victimes.service",
            ),
        ),
        migrations.RunPython(link_hosts, migrations.RunPython.noop),
    ]
