"""`cpps import csv --mapping`: any spreadsheet export, as French offices actually save them."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from doleances.models import Complaint

MAPPING = {
    "source": "registre-mairie-18",
    "date_format": "%d/%m/%Y %H:%M",
    "fields": {
        "external_id": "N° fiche",
        "category": {
            "column": "Motif",
            "values": {
                "Tags": "graffitis",
                "Tapage nocturne": "bruit-rue",
                "Dépôt": "depots-sauvages",
            },
        },
        "description": "Observations",
        "latitude": "Lat",
        "longitude": "Lon",
        "address": "Adresse",
        "postal_code": "CP",
        "occurred_at": "Date des faits",
        "channel": {
            "column": "Canal",
            "values": {"Téléphone": "phone_3975", "Guichet": "commissariat"},
        },
    },
    "defaults": {"channel": "import"},
}
HEADER = [
    "N° fiche",
    "Motif",
    "Observations",
    "Lat",
    "Lon",
    "Adresse",
    "CP",
    "Date des faits",
    "Canal",
]
ROWS = [
    [
        "F-1",
        "Tags",
        "Façade taguée, rue Ordener",
        "48,8925",
        "2,3470",
        "12 rue Ordener",
        "75018",
        "03/02/2024 22:15",
        "Téléphone",
    ],
    [
        "F-2",
        "Tapage nocturne",
        "Musique très forte après 2 h",
        "48,8867",
        "2,3431",
        "",
        "75018",
        "04/02/2024 02:10",
        "Guichet",
    ],
    [
        "F-3",
        "dépôt",
        "Matelas abandonné",
        "",
        "",
        "4 rue Custine",
        "75018",
        "05/02/2024 09:00",
        "",
    ],
]


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.CPPS_VAR_DIR = tmp_path / "var"


def write_mapping(tmp_path, mapping=MAPPING):
    path = tmp_path / "correspondance.json"
    path.write_text(json.dumps(mapping, ensure_ascii=False), encoding="utf-8")
    return path


def write_csv(path, rows, *, encoding, delimiter=";", newline="\r\n", header=HEADER):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def run(*args) -> tuple[dict, str]:
    out = io.StringIO()
    call_command("import", "csv", *args, "--no-progress", stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1]), out.getvalue()


@pytest.mark.parametrize(
    ("encoding", "delimiter", "newline"),
    [
        ("cp1252", ";", "\r\n"),
        ("latin-1", ";", "\n"),
        ("utf-8-sig", ";", "\r\n"),
        ("utf-8", ",", "\n"),
    ],
)
def test_windows_and_unicode_exports_import_alike(
    paris, var_dir, tmp_path, encoding, delimiter, newline
):
    path = write_csv(
        tmp_path / "registre.csv", ROWS, encoding=encoding, delimiter=delimiter, newline=newline
    )
    figures, _text = run(str(path), "--mapping", str(write_mapping(tmp_path)))

    assert figures == {"read": 3, "created": 3, "existing": 0, "rejected": 0}
    stored = {
        c.external_id: c for c in Complaint.objects.select_related("category", "arrondissement")
    }
    tags = stored["F-1"]
    assert tags.category.code == "graffitis" and tags.channel == "phone_3975"
    assert tags.description == "Façade taguée, rue Ordener"  # accents survive the encoding
    assert tags.latitude == pytest.approx(48.8925) and tags.arrondissement.number == 18
    assert tags.occurred_at.isoformat() == "2024-02-03T21:15:00+00:00"  # Paris winter time
    assert tags.received_at == tags.occurred_at  # no reception date: when the facts were told
    assert tags.source == "registre-mairie-18"
    assert stored["F-2"].category.code == "bruit-rue" and stored["F-2"].channel == "commissariat"
    # No coordinates: placed in its arrondissement by the postal code; labels ignore case.
    assert stored["F-3"].category.code == "depots-sauvages"
    assert stored["F-3"].precision == "postal_code" and stored["F-3"].arrondissement.number == 18
    assert stored["F-3"].channel == "import"


def test_bad_rows_go_to_the_rejects_file_and_good_ones_are_kept(paris, var_dir, tmp_path):
    rows = [
        ROWS[0],
        ["F-4", "Chien qui aboie", "", "48,89", "2,34", "", "", "01/03/2024 10:00", ""],
        ["F-5", "", "Sans motif", "48,89", "2,34", "", "", "01/03/2024 10:00", ""],
        ["F-6", "Tags", "x" * 4001, "48,89", "2,34", "", "", "01/03/2024 10:00", ""],
        ["F-7", "Tags", "Coordonnées fausses", "48,89", "abc", "", "", "01/03/2024 10:00", ""],
        ["F-8", "Tags", "Date fausse", "48,89", "2,34", "", "", "31/02/2024", ""],
        ["F-9", "Tags", "Canal inconnu", "48,89", "2,34", "", "", "01/03/2024 10:00", "Pigeon"],
        ["F-10", "Tags", "Au futur", "48,89", "2,34", "", "", "01/03/2099 10:00", ""],
    ]
    path = write_csv(tmp_path / "registre.csv", rows, encoding="cp1252")
    rejects = tmp_path / "rejets.csv"
    figures, text = run(
        str(path), "--mapping", str(write_mapping(tmp_path)), "--rejects", str(rejects)
    )

    assert figures == {"read": 8, "created": 1, "existing": 0, "rejected": 7}
    with rejects.open(encoding="utf-8-sig", newline="") as fh:
        rejected = list(csv.DictReader(fh, delimiter=";"))
    reasons = {row["N° fiche"]: row["motif_rejet"] for row in rejected}
    assert reasons["F-4"] == "Catégorie inconnue : « Chien qui aboie »."
    assert reasons["F-5"] == "Catégorie manquante."
    assert "4000 caractères" in reasons["F-6"]
    assert reasons["F-7"] == "Longitude illisible : « abc »."
    assert reasons["F-8"] == "Date des faits illisible : « 31/02/2024 »."
    assert reasons["F-9"] == "Canal inconnu : « Pigeon »."
    assert "futur" in reasons["F-10"]
    assert [row["ligne"] for row in rejected] == ["3", "4", "5", "6", "7", "8", "9"]


def test_rows_without_identifier_are_not_imported_twice(paris, var_dir, tmp_path):
    mapping = {"fields": {"category": "Code", "point": "Point", "description": "Texte"}}
    header = ["Code", "Point", "Texte"]
    rows = [
        ["graffitis", "48.8566, 2.3522", "Tag sur la mairie"],
        ["megots", "48,8867; 2,3431", "Mégots devant le café"],
        ["MEGOTS", "48.8867, 2.3431", "Service code in capitals"],
    ]
    path = write_csv(tmp_path / "sans-id.csv", rows, encoding="utf-8", header=header)
    mapping_path = write_mapping(tmp_path, mapping)

    first, _text = run(str(path), "--mapping", str(mapping_path))
    second, _text = run(str(path), "--mapping", str(mapping_path))

    assert first["created"] == 3
    assert (second["created"], second["existing"]) == (0, 3)
    assert set(Complaint.objects.values_list("source", flat=True)) == {"csv:sans-id.csv"}


def test_source_option_names_the_provenance(paris, var_dir, tmp_path):
    path = write_csv(tmp_path / "registre.csv", ROWS[:1], encoding="utf-8")
    run(str(path), "--mapping", str(write_mapping(tmp_path)), "--source", "commissariat-18")
    assert Complaint.objects.get().source == "commissariat-18"


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"fields": {"categorie": "Motif"}}, "champs inconnus categorie"),
        (
            {"fields": {"category": {"column": "Motif", "values": {"Tags": "tags"}}}},
            "catégorie inconnue « tags »",
        ),
        ({"fields": {"description": "Observations"}}, "catégorie par défaut"),
        ({"fields": {"category": "Motif", "latitude": "Lat"}}, "vont ensemble"),
        (
            {
                "fields": {
                    "category": "Motif",
                    "channel": {"column": "Canal", "values": {"x": "fax"}},
                }
            },
            "canal inconnu",
        ),
        ({"fields": {"category": "Catégorie"}}, "Colonnes manquantes dans le fichier : Catégorie"),
        (
            {"fields": {"category": "Motif"}, "defaults": {"status": "closed"}},
            "valeurs par défaut inconnues",
        ),
    ],
)
def test_mapping_mistakes_are_explained_before_anything_is_imported(
    paris, var_dir, tmp_path, mapping, message
):
    path = write_csv(tmp_path / "registre.csv", ROWS, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        run(str(path), "--mapping", str(write_mapping(tmp_path, mapping)))
    assert not Complaint.objects.exists()


def test_unreadable_mapping_file(paris, var_dir, tmp_path):
    path = write_csv(tmp_path / "registre.csv", ROWS, encoding="utf-8")
    broken = tmp_path / "cassé.json"
    broken.write_text("{fields:", encoding="utf-8")
    with pytest.raises(CommandError, match="JSON invalide"):
        run(str(path), "--mapping", str(broken))


def test_quoted_multiline_text_keeps_line_numbers_right(paris, var_dir, tmp_path):
    rows = [
        [
            "F-1",
            "Tags",
            "Première ligne\r\nseconde ligne; avec « guillemets »",
            "48,89",
            "2,34",
            "",
            "",
            "",
            "",
        ],
        ["F-2", "Inconnu", "", "48,89", "2,34", "", "", "", ""],
    ]
    path = write_csv(tmp_path / "registre.csv", rows, encoding="utf-8")
    rejects = tmp_path / "rejets.csv"
    figures, _text = run(
        str(path), "--mapping", str(write_mapping(tmp_path)), "--rejects", str(rejects)
    )

    assert (figures["created"], figures["rejected"]) == (1, 1)
    assert Complaint.objects.get().description.startswith("Première ligne\r\nseconde ligne;")
    with rejects.open(encoding="utf-8-sig", newline="") as fh:
        (rejected,) = list(csv.DictReader(fh, delimiter=";"))
    assert rejected["ligne"] == "4"  # the first record spans lines 2 and 3


@pytest.mark.parametrize(
    ("option", "message"),
    [(["--encoding", "klingon"], "Encodage inconnu"), (["--delimiter", ";;"], "un seul caractère")],
)
def test_wrong_reading_options_are_explained(paris, var_dir, tmp_path, option, message):
    path = write_csv(tmp_path / "registre.csv", ROWS, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        run(str(path), "--mapping", str(write_mapping(tmp_path)), *option)


def test_an_unclosed_quote_rejects_what_it_swallows(paris, var_dir, tmp_path):
    path = tmp_path / "registre.csv"
    lines = [
        ";".join(HEADER),
        "F-1;Tags;ok;48,89;2,34;;;;",
        'F-2;Tags;"jamais fermé;48,89;2,34;;;;',
    ]
    path.write_text("\n".join(lines + ["F-3;Tags;perdu dedans;48,89;2,34;;;;"]) + "\n")
    rejects = tmp_path / "rejets.csv"
    figures, _text = run(
        str(path), "--mapping", str(write_mapping(tmp_path)), "--rejects", str(rejects)
    )

    assert (figures["read"], figures["created"], figures["rejected"]) == (2, 1, 1)
    with rejects.open(encoding="utf-8-sig", newline="") as fh:
        (rejected,) = list(csv.DictReader(fh, delimiter=";"))
    assert rejected["ligne"] == "3" and "Nombre de colonnes incorrect" in rejected["motif_rejet"]
    assert "perdu dedans" in rejected["Observations"]  # nothing vanishes: F-3 is in the reject
