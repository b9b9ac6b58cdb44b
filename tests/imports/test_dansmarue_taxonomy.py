"""The DansMaRue referential is fully mapped onto our categories, and export labels find it."""

import csv

import pytest

from doleances.dansmarue import DansMaRueClassifier
from doleances.models import DansMaRueType
from tests.conftest import DATA_DIR


def test_all_200_referential_entries_are_mapped_with_their_tree(paris):
    with (DATA_DIR / "reference" / "dansmarue_taxonomy.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    types = {t.dmr_id: t for t in DansMaRueType.objects.select_related("category", "parent")}
    assert len(rows) == 200 and set(types) == {int(r["id_type_signalement"]) for r in rows}
    for row in rows:
        stored = types[int(row["id_type_signalement"])]
        parent = row["fk_id_type_signalement"]
        expected_parent = int(parent) if parent else None
        assert (stored.parent.dmr_id if stored.parent else None) == expected_parent
        assert stored.path == row["path"] and stored.is_active == (row["actif"] == "1")
        assert stored.category_id


@pytest.mark.parametrize(
    ("dmr_id", "code"),
    [
        (1002, "depots-sauvages"),  # furniture left on the pavement
        (11011, "depots-sauvages"),  # rubble
        (11012, "depots-sauvages"),  # household waste bags
        (3404, "epanchement-urine"),
        (3405, "megots"),
        (3407, "dejections-canines"),
        (10500, "dejections-canines"),
        (3602, "graffitis"),
        (11191, "graffitis"),  # posters on a building-site fence
        (1008, "vehicules-abandonnes"),
        (5201, "voirie"),
        (6010, "eclairage"),
        (7202, "mobilier-urbain"),
        (11100, "eau-assainissement"),
        (2001, "chantiers"),
        (9600, "espaces-verts"),
        (3100, "proprete-autre"),
    ],
)
def test_key_mappings(paris, dmr_id, code):
    assert DansMaRueType.objects.get(dmr_id=dmr_id).category.code == code


@pytest.mark.parametrize(
    ("type_label", "subtype_label", "code", "recognised"),
    [
        # Current export spelling of the sample file.
        (
            "Voirie et espace public",
            "Trottoirs : Affaissement, trou, bosse, pavé arraché",
            "voirie",
            True,
        ),
        # Older exports: no spaces around the colon.
        ("Voirie et espace public", "Trottoirs:Revêtement manquant", "voirie", True),
        (
            "Graffitis, tags, affiches et autocollants",
            "Graffitis sur mur, façade sur rue, pont",
            "graffitis",
            True,
        ),
        ("Propreté", "Épanchement d'urine", "epanchement-urine", True),
        ("Propreté", "Déjections canines", "dejections-canines", True),
        (
            "Autos, motos, vélos...",
            "Deux-roues motorisé en stationnement gênant",
            "deux-roues-motorises",
            True,
        ),
        (
            "Autos, motos, vélos...",
            "Automobile ou autre véhicule motorisé en stationnement gênant",
            "stationnement-dangereux",
            True,
        ),
        ("Autos, motos, vélos...", "Épave de vélo", "vehicules-abandonnes", True),
        ("Objets abandonnés", "Autres objets encombrants abandonnés", "depots-sauvages", True),
        ("Mobiliers urbains", "Banc", "mobilier-urbain", True),
        # Unknown sub-type: the type's root decides, and the label is reported as unknown.
        ("Propreté", "Déchets et/ou salissures divers", "proprete-autre", False),
        ("Eau", "Quelque chose de nouveau", "eau-assainissement", False),
        ("Inconnu", "Rien de connu", "autre-espace-public", False),
    ],
)
def test_export_labels_are_classified(paris, type_label, subtype_label, code, recognised):
    match = DansMaRueClassifier().classify(type_label, subtype_label)
    assert (match.category.code, match.recognised) == (code, recognised)
