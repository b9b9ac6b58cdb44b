"""Where help is missing: the sectors × situations matrix and its CSV export."""

import csv
import io

import pytest
from django.urls import reverse

from accounts.choices import Role
from victimes.choices import AreaType
from victimes.gaps import matrix
from victimes.models import TaxonomyTerm

pytestmark = pytest.mark.django_db


def cell(data, sector, code):
    return data["cells"][(sector, TaxonomyTerm.objects.get(code=code).pk)]


def test_cells_count_reachable_services_and_night_and_weekend(make_service):
    make_service(
        "Jour, 18e",
        situations=("victime-rixe",),
        area=(AreaType.ARRONDISSEMENT, "18"),
        hours=("MO,TU", 9, 17),
    )
    make_service(
        "Nuit du samedi",
        situations=("famille-rue-abri",),
        area=(AreaType.SECTOR, "paris-18"),
        hours=("SA", 21, 6),
    )
    data = matrix()
    rixe = cell(data, "paris-18", "victime-rixe")
    assert (rixe.services, rixe.night, rixe.weekend) == (1, False, False)
    families = cell(data, "paris-18", "famille-a-la-rue")  # a need counts for its situation
    assert (families.services, families.night, families.weekend) == (1, True, True)
    assert cell(data, "paris-5", "victime-rixe").empty
    situation = TaxonomyTerm.objects.get(code="violences-conjugales").pk
    assert data["national"][situation] >= 2  # 3919, 116 006…


def test_page_and_csv_for_coordinators_and_pilots_not_case_agents(client, make_user, make_service):
    make_service("Jour, 18e", situations=("victime-rixe",), area=(AreaType.ARRONDISSEMENT, "18"))
    client.force_login(make_user(Role.CSPA_COORDINATOR, sector="paris-18"))
    page = client.get(reverse("victimes:gaps"))
    assert page.status_code == 200 and 'class="empty"' in page.text
    export = client.get(reverse("victimes:gaps-csv"))
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["secteur", "situation", "services locaux accessibles"]
    assert ["Paris 18e" in r[0] and r[1] == "Victime de rixe" and r[2] == "1" for r in rows].count(
        True
    ) == 1
    client.force_login(make_user(Role.CONTRACT_PILOT))
    assert client.get(reverse("victimes:gaps")).status_code == 200
    client.force_login(make_user(Role.CASE_AGENT, desk="pm-18"))
    assert client.get(reverse("victimes:gaps")).status_code == 403
    assert client.get(reverse("victimes:gaps-csv")).status_code == 403
    client.logout()
    assert client.get(reverse("victimes:gaps")).status_code == 302
