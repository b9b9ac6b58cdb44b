"""Existing databases get the complaint categories of axe 2 (discriminations, hate acts,
street harassment by day) and their routing rule, which fresh databases get from the
doleances and traitement fixtures (`cpps setup` loads fixtures only into empty tables).

Nothing happens on a fresh database (no family yet: the fixtures come after migrations).
The bridges (victimes fixture, categories named by code) are loaded by the next
`cpps setup`, their table being empty.
"""

import uuid

from django.db import migrations

FAMILY = {
    "code": "discriminations-harcelement",
    "label": "Discriminations, actes de haine, harcèlement de rue",
    "description": (
        "Atteintes aux personnes en raison de ce qu'elles sont, et harcèlement dans l'espace "
        "public (axe 2 du contrat). Signalements sensibles, jamais publics."
    ),
    "order": 45,
}
HELP = (
    "Si vous êtes victime ou témoin, vous pouvez porter plainte et être accompagné·e par une "
    "association d'aide aux victimes. En danger : appelez le 17 ou envoyez un SMS au 114."
)
CATEGORIES = [
    ("discrimination", "Discrimination"),
    ("acte-raciste", "Acte raciste (injure, menace, violence, tag)"),
    ("acte-antisemite", "Acte antisémite (injure, menace, violence, tag)"),
    ("acte-lgbtqiaphobe", "Acte LGBTQIA+phobe (injure, menace, violence, tag)"),
    ("harcelement-rue-jour", "Harcèlement de rue en journée"),
]
RULE = {
    "name": (
        "Discriminations, actes de haine, harcèlement de rue → commissariat de l'arrondissement"
    ),
    "note": (
        "Infractions pénales (axe 2 du contrat) : le commissariat reçoit la plainte ; l'aide aux "
        "victimes reçoit une copie si la personne l'accepte (passerelle de l'application "
        "victimes)."
    ),
}
RULE_ORDER = 55


def add_categories(apps, schema_editor):
    Family = apps.get_model("doleances", "Family")
    Category = apps.get_model("doleances", "Category")
    RoutingRule = apps.get_model("traitement", "RoutingRule")
    RoutingRevision = apps.get_model("traitement", "RoutingRevision")
    Partner = apps.get_model("accounts", "Partner")
    if not Family.objects.exists() or Family.objects.filter(code=FAMILY["code"]).exists():
        return
    family = Family.objects.create(**FAMILY)
    for order, (code, label) in enumerate(CATEGORIES, start=1):
        if not Category.objects.filter(code=code).exists():
            Category.objects.create(
                family=family,
                code=code,
                label=label,
                help_text=HELP,
                service_code=code,
                default_priority=3,
                answer_deadline_days=5,
                requires_police_complaint=True,
                is_sensitive=True,
                order=order,
            )
    police = Partner.objects.filter(code="prefecture-police").first()
    if police is None:
        return
    order = RULE_ORDER
    while RoutingRule.objects.filter(order=order).exists():
        order += 1
    RoutingRule.objects.create(order=order, family=family, partner=police, **RULE)
    # Each process rebuilds its routing table when this token moves.
    if not RoutingRevision.objects.update(token=uuid.uuid4()):
        RoutingRevision.objects.create()


class Migration(migrations.Migration):
    dependencies = [
        ("victimes", "0002_categorybridge"),
        ("doleances", "0006_complainant_consent_victim_support"),
        ("traitement", "0003_routing_revision"),
    ]

    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
