"""POST a service request: the same intake as the web form, and every documented error."""

import socket

import pytest

from doleances.choices import Channel, Precision
from doleances.models import Complainant, Complaint
from open311.models import RequestAttributes
from tests.open311.conftest import (
    MONTREUIL,
    REPUBLIQUE,
    error_descriptions,
    json_of,
    post_request,
    xml_of,
)

pytestmark = pytest.mark.django_db

NOISE = {
    "service_code": "bruit-etablissement",
    **REPUBLIQUE,
    "attribute[nom_etablissement]": "Le Zinc",
    "attribute[type_etablissement]": "bar",
    "attribute[heure_debut]": "2024-06-21T23:30:00+02:00",
    "description": "Musique très forte jusqu'à 3 h, clients sur le trottoir.",
    "email": "jeanne.martin@example.org",
    "first_name": "Jeanne",
    "last_name": "Martin",
    "phone": "06 12 34 56 78",
    "device_id": "device-123",
    "account_id": "acc-42",
}


def _nothing_stored():
    return not Complaint.objects.exists() and not RequestAttributes.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_files_a_complaint_through_the_intake(client, paris, api_key, fmt):
    response = post_request(client, fmt, api_key=api_key, **NOISE)
    assert response.status_code == 200
    if fmt == "json":
        (answer,) = json_of(response)
        assert set(answer) == {"service_request_id", "service_notice", "account_id"}
        assert answer["account_id"] is None
    else:
        root = xml_of(response)
        assert root.tag == "service_requests"
        (request,) = root.findall("request")
        assert [c.tag for c in request] == ["service_request_id", "service_notice", "account_id"]
        answer = {c.tag: c.text for c in request}
    complaint = Complaint.objects.get()
    assert answer["service_request_id"] == complaint.reference
    assert complaint.reference.startswith("DOL-")
    assert "répond sous 10 jours" in answer["service_notice"]
    assert complaint.channel == Channel.OPEN311
    assert complaint.source == "open311:test-client"
    assert complaint.category.service_code == "bruit-etablissement"
    assert complaint.arrondissement.number == 11
    assert complaint.precision == Precision.POINT
    assert complaint.description == NOISE["description"]
    # Contact data lives apart, without an implied consent to be contacted again.
    person = Complainant.objects.get(complaint=complaint)
    assert (person.name, person.email, person.phone) == (
        "Jeanne Martin",
        "jeanne.martin@example.org",
        "06 12 34 56 78",
    )
    assert person.consent_contact is False
    stored = RequestAttributes.objects.get(complaint=complaint)
    assert stored.values == {
        "nom_etablissement": "Le Zinc",
        "type_etablissement": "bar",
        "heure_debut": "2024-06-21T23:30:00+02:00",
    }
    assert stored.api_key.name == "test-client"


def test_the_reference_answered_is_the_one_get_shows(client, paris, api_key):
    (answer,) = json_of(post_request(client, api_key=api_key, **NOISE))
    reference = answer["service_request_id"]
    (shown,) = json_of(client.get(f"/open311/v2/requests/{reference}.json"))
    assert shown["service_request_id"] == reference
    assert shown["service_code"] == "bruit-etablissement"
    assert shown["status"] == "open"


def test_multivaluelist_and_unknown_attribute_codes(client, paris, api_key):
    response = post_request(
        client,
        api_key=api_key,
        service_code="rodeos",
        **REPUBLIQUE,
        **{
            "attribute[frequence]": "hebdomadaire",
            "attribute[type_vehicule][]": ["moto", "quad", "moto"],
            # Clients such as FixMyStreet add their own attributes: ignored, not stored.
            "attribute[fixmystreet_id]": "1234",
        },
    )
    assert response.status_code == 200
    assert RequestAttributes.objects.get().values == {
        "frequence": "hebdomadaire",
        "type_vehicule": ["moto", "quad"],
    }


def test_number_attribute_is_stored_as_a_number(client, paris, api_key):
    params = {"service_code": "hall-occupe", **REPUBLIQUE, "attribute[nombre_personnes]": "6"}
    assert post_request(client, api_key=api_key, **params).status_code == 200
    assert RequestAttributes.objects.get().values == {"nombre_personnes": 6}


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"service_code": "bruit-etablissement", **REPUBLIQUE},
            "L'attribut « nom_etablissement » est obligatoire.",
        ),
        (
            {"service_code": "rodeos", **REPUBLIQUE, "attribute[frequence]": "parfois"},
            "Valeur inconnue pour l'attribut « frequence » : parfois (valeurs possibles : "
            "premiere, mensuelle, hebdomadaire, quotidienne).",
        ),
        (
            {
                "service_code": "rodeos",
                **REPUBLIQUE,
                "attribute[frequence]": "quotidienne",
                "attribute[type_vehicule][]": ["moto", "tracteur"],
            },
            "Valeur inconnue pour l'attribut « type_vehicule » : tracteur (valeurs possibles : "
            "moto, quad, scooter, voiture).",
        ),
        (
            {
                "service_code": "rodeos",
                **REPUBLIQUE,
                "attribute[frequence][]": ["quotidienne", "hebdomadaire"],
            },
            "L'attribut « frequence » n'accepte qu'une valeur.",
        ),
        (
            {
                "service_code": "rodeos",
                **REPUBLIQUE,
                "attribute[frequence]": "quotidienne",
                "attribute[heure_debut]": "hier soir",
            },
            "L'attribut « heure_debut » attend une date ISO 8601 (ex. 2024-06-21T23:30:00+02:00).",
        ),
        (
            {
                "service_code": "hall-occupe",
                **REPUBLIQUE,
                "attribute[nombre_personnes]": "beaucoup",
            },
            "L'attribut « nombre_personnes » attend un nombre.",
        ),
        ({**REPUBLIQUE}, "service_code : Le paramètre service_code est obligatoire."),
        (
            {"service_code": "megots"},
            "Indiquez le lieu : lat et long, address_string ou address_id.",
        ),
        (
            {"service_code": "megots", "lat": "48,86", "long": "2.36"},
            "lat : lat et long doivent être deux nombres en degrés WGS84 "
            "(ex. lat=48.8566&long=2.3522).",
        ),
        (
            {"service_code": "megots", "lat": "48.86"},
            "lat : lat et long doivent être deux nombres en degrés WGS84 "
            "(ex. lat=48.8566&long=2.3522).",
        ),
        (
            {"service_code": "megots", "lat": "nan", "long": "2.36"},
            "lat : lat et long doivent être deux nombres en degrés WGS84 "
            "(ex. lat=48.8566&long=2.3522).",
        ),
        (
            {"service_code": "megots", **MONTREUIL},
            "Ce lieu est en dehors de Paris : cpps ne reçoit que les signalements situés à "
            "Paris. Adressez-vous à la mairie de la commune concernée.",
        ),
        (
            {"service_code": "megots", "address_string": "12 rue de Paris, 93100 Montreuil"},
            "Indiquez le lieu : placez un point sur la carte ou saisissez une adresse à Paris.",
        ),
        (
            {"service_code": "megots", "address_id": "rue-de-la-roquette-12"},
            "address_id : Identifiant de la Base Adresse Nationale attendu (ex. 75111_8158_00010).",
        ),
        (
            {"service_code": "megots", **REPUBLIQUE, "media_url": "ftp://example.org/a.jpg"},
            "media_url : Adresse web http(s) attendue.",
        ),
        (
            {"service_code": "megots", **REPUBLIQUE, "email": "jeanne@"},
            "email : Saisissez une adresse e-mail valide.",
        ),
        (
            {"service_code": "megots", **REPUBLIQUE, "description": "x" * 4001},
            "La description ne doit pas dépasser 4000 caractères (elle en compte 4001).",
        ),
    ],
    ids=[
        "missing-required-attribute",
        "unknown-attribute-value",
        "unknown-multivalue",
        "two-values-for-a-single-value",
        "bad-datetime-attribute",
        "bad-number-attribute",
        "missing-service-code",
        "missing-location",
        "bad-lat",
        "lat-without-long",
        "nan-lat",
        "point-outside-paris",
        "address-outside-paris",
        "bad-address-id",
        "bad-media-url",
        "bad-email",
        "description-too-long",
    ],
)
def test_bad_post_is_400_with_a_french_message_and_stores_nothing(
    client, paris, api_key, fmt, params, message
):
    response = post_request(client, fmt, api_key=api_key, **params)
    assert response.status_code == 400
    assert message in error_descriptions(response, fmt)
    assert _nothing_stored()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_code_is_404(client, paris, api_key, fmt):
    response = post_request(client, fmt, api_key=api_key, service_code="nids", **REPUBLIQUE)
    assert response.status_code == 404
    assert error_descriptions(response, fmt) == ["service_code inconnu : nids."]
    assert _nothing_stored()


def test_several_errors_come_back_together(client, paris, api_key):
    response = post_request(
        client, api_key=api_key, service_code="megots", lat="abc", long="2", email="x@"
    )
    assert response.status_code == 400
    assert len(error_descriptions(response, "json")) == 2


def test_address_string_without_coordinates_takes_the_postal_code_path(client, paris, api_key):
    params = {"service_code": "megots", "address_string": "3 rue Oberkampf, 75011 Paris"}
    assert post_request(client, api_key=api_key, **params).status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.precision == Precision.POSTAL_CODE
    assert complaint.arrondissement.number == 11
    assert complaint.latitude is None
    assert complaint.address == "3 rue Oberkampf, 75011 Paris"


def test_address_id_of_the_ban_places_the_complaint_in_its_arrondissement(client, paris, api_key):
    params = {"service_code": "megots", "address_id": "75120_4321_00012"}
    assert post_request(client, api_key=api_key, **params).status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.arrondissement.number == 20
    assert complaint.precision == Precision.POSTAL_CODE
    assert RequestAttributes.objects.get().address_id == "75120_4321_00012"


def test_media_url_is_stored_as_a_link_and_never_fetched(client, paris, api_key):
    # A listening local socket: any fetch by the server would show up as a connection.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(0.5)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/photos/zinc.jpg"
        params = {"service_code": "megots", **REPUBLIQUE, "media_url": url}
        assert post_request(client, api_key=api_key, **params).status_code == 200
        with pytest.raises(TimeoutError):
            listener.accept()
    complaint = Complaint.objects.get()
    assert complaint.media_url == url
    assert not complaint.photos.exists()


def test_parameters_in_the_query_string_are_accepted(client, paris, api_key):
    response = client.post(
        f"/open311/v2/requests.json?api_key={api_key}&service_code=megots"
        f"&lat={REPUBLIQUE['lat']}&long={REPUBLIQUE['long']}"
    )
    assert response.status_code == 200
    assert Complaint.objects.get().category.service_code == "megots"
