"""The relevance of a service for each of its situations (the finder's order of national
lines), and in existing databases the specialised lines of the fixture, which fresh
databases get from `paris_ressources.json` (`cpps setup` loads fixtures only into empty
tables). Nothing happens on a fresh database: the fixtures come after migrations.
"""

import uuid

from django.db import migrations, models

SPECIALISED = 3
# Attributes of the fixture (service — situation) that are specialised lines.
SPECIALISED_ATTRIBUTES = (
    "18d8c758-0f99-5f5e-bd9b-01d5bd7a18de",  # 3919 — violences conjugales
    "88bd2cfc-1289-5f8c-b686-9e2a289131b2",  # 3919 — violences sexuelles
    "2f48fac7-f6cd-5203-b8cb-4f697722627a",  # 119 — mineur en danger
    "1dc5443c-8f77-5fd7-b5cd-cee78df09f1c",  # 3977 — maltraitance d'une personne âgée
    "edd2ee79-c317-5ba4-8f14-88dfe97331e8",  # 115 — famille à la rue
    "25cc31e8-c789-57b1-8d7b-eee5c6f06571",  # 115 — mise à l'abri
    "ec10a0dd-a5b0-5559-86c6-7c1ad7704be8",  # 115 — protection des mineurs
    "fbcb3577-eb9b-531b-a506-298301dd15cb",  # 3018 — cyberharcèlement et violences numériques
    "f70949d9-1e1e-5bad-8d70-005791bd20ff",  # 39 28 — discriminations
)


def mark_specialised_lines(apps, schema_editor):
    Attribute = apps.get_model("victimes", "Attribute")
    DirectoryVersion = apps.get_model("victimes", "DirectoryVersion")
    if Attribute.objects.filter(pk__in=SPECIALISED_ATTRIBUTES).update(relevance=SPECIALISED):
        # The finder's in-memory index is rebuilt when this token moves.
        DirectoryVersion.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4()})


class Migration(migrations.Migration):
    dependencies = [
        ("victimes", "0003_victims_categories_in_existing_databases"),
    ]

    operations = [
        migrations.AddField(
            model_name="attribute",
            name="relevance",
            field=models.PositiveSmallIntegerField(
                choices=[(3, "spécialisé dans cette situation"), (2, "adapté"), (1, "généraliste")],
                default=2,
                help_text=(
                    "Pour cette situation, l'orientation propose d'abord les lignes nationales "
                    "les plus pertinentes (une ligne spécialisée avant une ligne généraliste)."
                ),
                verbose_name="pertinence",
            ),
        ),
        migrations.RunPython(mark_specialised_lines, migrations.RunPython.noop),
    ]
