"""`cpps ressources export/import`: the HSDS tabular data package, round trip and errors."""

import csv
import json

import pytest
from django.core.management import CommandError, call_command

from victimes.choices import AreaType
from victimes.exchange import TABLES
from victimes.models import Address, Location, ServiceAtLocation, TaxonomyTerm

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    return {
        table.name: sorted(
            (tuple(sorted(row.items())) for row in table.model.objects.values()), key=str
        )
        for table in TABLES
    }


@pytest.fixture
def rich_directory(make_service):
    service = make_service(
        "Permanence juridique",
        situations=("famille-rue-droits", "victime-rixe"),
        area=(AreaType.SECTOR, "paris-18"),
        hours=("SA,SU", 22, 6),
        minimum_age=16,
        maximum_age=25,
        anonymous=True,
        is_example=True,
    )
    place = Location.objects.create(organization=service.organization, name="Local", latitude=48.9)
    Address.objects.create(location=place, address_1="1 rue Exemple", postal_code="75018")
    ServiceAtLocation.objects.create(service=service, location=place, description="Sur RDV")
    return service


def test_export_then_empty_database_then_import_gives_identical_data(tmp_path, rich_directory):
    before = snapshot()
    call_command("ressources", "export", str(tmp_path))
    package = json.loads((tmp_path / "datapackage.json").read_text())
    assert {r["path"] for r in package["resources"]} == {t.path for t in TABLES}
    with (tmp_path / "attributes.csv").open() as fh:
        header = next(csv.reader(fh))
    assert {"link_id", "taxonomy_term_id", "link_type", "link_entity"} <= set(header)
    for table in reversed(TABLES):
        if table.model is TaxonomyTerm:
            TaxonomyTerm.objects.update(parent=None)
        table.model.objects.all().delete()
    assert not any(snapshot().values())
    call_command("ressources", "import", str(tmp_path))
    assert snapshot() == before
    call_command("ressources", "import", str(tmp_path))  # idempotent
    assert snapshot() == before


def test_a_bad_line_is_reported_in_french_and_nothing_is_changed(tmp_path, rich_directory):
    call_command("ressources", "export", str(tmp_path))
    path = tmp_path / "services.csv"
    rows = list(csv.DictReader(path.open()))
    rows[0]["minimum_age"] = "douze"
    rows[1]["name"] = "Nom changé"
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    before = snapshot()
    with pytest.raises(CommandError, match=r"services\.csv, ligne 2"):
        call_command("ressources", "import", str(tmp_path))
    assert snapshot() == before


def test_a_directory_without_package_is_refused(tmp_path):
    with pytest.raises(CommandError, match="datapackage.json introuvable"):
        call_command("ressources", "import", str(tmp_path))
