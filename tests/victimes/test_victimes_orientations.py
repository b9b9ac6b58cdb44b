"""Anonymous orientation records: no free text anywhere, the entry screen, the day's
tally, the API (unknown fields refused), the spreadsheet import, and who sees what."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import models
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts.choices import Role
from accounts.models import Desk, Partner
from victimes.choices import RecordSource
from victimes.models import OrientationRecord, Service, TaxonomyTerm

pytestmark = pytest.mark.django_db


@pytest.fixture
def isc_desk(paris):
    desk = Desk.objects.create(
        partner=Partner.objects.get(code="prefecture-police"),
        code="isc-test-18",
        name="Intervenant social du commissariat du 18e",
    )
    return desk


def _record(desk, day=date(2026, 3, 2), **fields):
    r = OrientationRecord.objects.create(
        day=day, desk=desk, role="victime", age_band="25-59", referred_by="police", **fields
    )
    r.situations.set([TaxonomyTerm.objects.get(code="violences-conjugales")])
    return r


def test_the_record_has_no_free_text_field():
    allowed_text = {"role", "age_band", "referred_by", "source"}
    for f in OrientationRecord._meta.get_fields():
        if isinstance(f, models.TextField):
            pytest.fail(f"free text: {f.name}")
        if isinstance(f, models.CharField):
            assert f.choices, f"{f.name}: a text field without a closed list of values"
            assert f.name in allowed_text, f.name
        assert not isinstance(f, models.JSONField | models.EmailField | models.FileField), f.name
    names = {f.name for f in OrientationRecord._meta.get_fields()}
    for forbidden in ("name", "nom", "birth_date", "address", "phone", "note", "comment"):
        assert forbidden not in names


def test_entry_screen_records_one_person_for_the_workers_own_desk(client, worker):
    client.force_login(worker)
    page = client.get(reverse("victimes:orientations"))
    assert page.status_code == 200 and "Une personne reçue" in page.text
    term = TaxonomyTerm.objects.get(code="harcelement-rue")
    line = Service.objects.get(name__endswith="3919")
    response = client.post(
        reverse("victimes:orientations"),
        {
            "day": "2026-03-02",
            "situations": [term.pk],
            "role": "temoin",
            "age_band": "18-24",
            "referred_by": "lui-meme",
            "services": [line.pk],
            "follow_up": "on",
        },
    )
    assert response.status_code == 302
    saved = OrientationRecord.objects.get()
    assert saved.desk.code == "pav-accueil" and saved.follow_up and saved.role == "temoin"
    assert list(saved.services.all()) == [line]


def test_entry_screen_errors_are_french_and_save_nothing(client, worker):
    client.force_login(worker)
    response = client.post(reverse("victimes:orientations"), {"day": "2099-01-01"})
    assert response.status_code == 400
    assert "Choisissez au moins une situation." in response.text
    assert "futur" in response.text
    assert not OrientationRecord.objects.exists()


def test_a_days_tally_in_one_form(client, worker):
    client.force_login(worker)
    assert client.get(reverse("victimes:tally")).status_code == 200
    term = TaxonomyTerm.objects.get(code="violences-conjugales")
    data = {
        "journee-day": "2026-03-03",
        "ligne-TOTAL_FORMS": "3",
        "ligne-INITIAL_FORMS": "0",
        "ligne-MIN_NUM_FORMS": "0",
        "ligne-MAX_NUM_FORMS": "60",
    }
    for i, age in enumerate(("moins-18", "75-plus")):
        data |= {
            f"ligne-{i}-situations": [term.pk],
            f"ligne-{i}-role": "victime",
            f"ligne-{i}-age_band": age,
            f"ligne-{i}-referred_by": "police",
        }
    response = client.post(reverse("victimes:tally"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert sorted(OrientationRecord.objects.values_list("age_band", flat=True)) == [
        "75-plus",
        "moins-18",
    ]


def test_who_sees_and_enters_records(client, make_user, worker, isc_desk):
    own, other = _record(Desk.objects.get(code="pav-accueil")), _record(isc_desk)
    client.force_login(worker)
    listing = client.get(reverse("victimes-api:orientations")).json()
    assert [r["id"] for r in listing["results"]] == [own.pk]
    admin = make_user(Role.ADMINISTRATOR)
    client.force_login(admin)
    assert {
        r["id"] for r in client.get(reverse("victimes-api:orientations")).json()["results"]
    } == {
        own.pk,
        other.pk,
    }
    assert client.get(reverse("victimes:orientations")).status_code == 200
    assert client.get(reverse("victimes:tally")).status_code == 403  # no desk of their own
    for role in (Role.CASE_AGENT, Role.ANALYST, Role.CSPA_COORDINATOR, Role.CONTRACT_PILOT):
        user = make_user(
            role,
            desk="pm-18" if role == Role.CASE_AGENT else None,
            sector="paris-18" if role == Role.CSPA_COORDINATOR else None,
        )
        client.force_login(user)
        assert client.get(reverse("victimes:orientations")).status_code == 403
        assert client.get(reverse("victimes-api:orientations")).status_code == 403
    no_desk = make_user(Role.VICTIM_SUPPORT)
    client.force_login(no_desk)
    assert client.post(reverse("victimes:orientations"), {}).status_code == 403
    client.logout()
    assert client.get(reverse("victimes:orientations")).status_code == 302
    assert client.get(reverse("victimes-api:orientations")).status_code in (401, 403)


def test_the_api_refuses_unknown_fields(client, worker):
    token = Token.objects.create(user=worker)
    body = {
        "day": "2026-03-04",
        "situations": ["violences-conjugales"],
        "role": "victime",
        "age_band": "60-74",
        "referred_by": "sante",
        "follow_up": True,
    }
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    url = reverse("victimes-api:orientations")
    refused = client.post(
        url, {**body, "nom": "Dupont"}, content_type="application/json", **headers
    )
    assert refused.status_code == 400 and "nom" in refused.json()
    assert not OrientationRecord.objects.exists()
    created = client.post(url, body, content_type="application/json", **headers)
    assert created.status_code == 201, created.content
    assert created.json()["desk"] == "pav-accueil"
    bad = client.post(url, {**body, "situations": []}, content_type="application/json", **headers)
    assert bad.status_code == 400


CSV = (
    (
        "jour;guichet;situations;role;age;adresse_par;services;suivi\n"
        "02/03/2026;pav-accueil;violences-conjugales|mineur-en-danger;victime;< 18;Police;"
        "Allô Enfance en Danger — 119;oui\n"
    )
    + """02/03/2026;pav-accueil;escroqueries-seniors;Témoin;75 et plus;lui-même;;non
03/03/2026;pav-accueil;famille-rue-abri;tiers;25-59;services sociaux;;
"""
)


def test_import_is_idempotent_and_keeps_screen_entries(tmp_path, paris):
    screen = _record(Desk.objects.get(code="pav-accueil"), day=date(2026, 3, 2))
    path = tmp_path / "mars.csv"
    path.write_text(CSV, encoding="utf-8")
    call_command("orientations", "import", str(path))
    call_command("orientations", "import", str(path))
    imported = OrientationRecord.objects.filter(source=RecordSource.IMPORT)
    assert imported.count() == 3
    assert OrientationRecord.objects.filter(pk=screen.pk).exists()
    first = imported.get(age_band="moins-18")
    assert {t.code for t in first.situations.all()} == {"violences-conjugales", "mineur-en-danger"}
    assert first.services.get().name.endswith("119") and first.follow_up


def test_import_errors_are_french_per_line_and_import_nothing(tmp_path, paris):
    bad = CSV.replace("Témoin", "voisin").replace("03/03/2026;pav-accueil", "31/02/2026;inconnu")
    path = tmp_path / "mars.csv"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("orientations", "import", str(path))
    text = str(error.value)
    assert "Ligne 3 : rôle « voisin » inconnu" in text
    assert "Ligne 4 :" in text and "guichet « inconnu » inconnu" in text and "illisible" in text
    assert not OrientationRecord.objects.exists()


def test_import_refuses_a_column_of_names(tmp_path, paris):
    path = tmp_path / "noms.csv"
    path.write_text("jour;guichet;situations;role;age;adresse_par;nom\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Colonnes refusées.*nom"):
        call_command("orientations", "import", str(path))
