"""The resident's report form, confirmation and tracking pages through Django's test client."""

import html as htmllib
import io
import re

import pytest
from django.core import mail
from django.test import override_settings
from PIL import ExifTags, Image

from doleances.models import Category, Complainant, Complaint, Photo

IN_11E = {"latitude": "48.8665", "longitude": "2.3745"}
BOULOGNE = {"latitude": "48.8355", "longitude": "2.2400"}
OUTSIDE = "en dehors de Paris"


@pytest.fixture
def noise(paris):
    return Category.objects.get(code="bruit-rue")


def post_report(client, **fields):
    return client.post("/signaler/", fields)


def errors_of(response) -> dict[str, str]:
    """Field id → text of the error shown next to it."""
    html = response.content.decode()
    found = re.findall(r'<div id="id_(\w+)_error">(.*?)</div>', html, re.S)
    return {name: htmllib.unescape(re.sub(r"<[^>]+>", "", text)) for name, text in found}


def test_form_is_french_grouped_and_labelled(client, paris):
    response = client.get("/signaler/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in html
    assert '<optgroup label="Nuisances de la vie nocturne">' in html
    assert '<optgroup label="Sécurité">' in html
    assert "Appelez le 17 ou le 112" in html
    # Every visible field has its label.
    fields = re.findall(r"<(?:input|select|textarea)\b[^>]*>", html)
    visible = [tag for tag in fields if 'type="hidden"' not in tag]
    assert len(visible) >= 10
    for tag in visible:
        field_id = re.search(r'id="([^"]+)"', tag).group(1)
        assert f'<label for="{field_id}"' in html, field_id
    # The no-JavaScript path: address and postal code are plain visible fields.
    assert 'name="address"' in html and 'name="postal_code"' in html


def test_report_on_the_map(client, noise):
    response = post_report(
        client,
        category=noise.pk,
        description="Musique forte sur le trottoir chaque nuit.",
        occurred_at="2024-06-01T02:30",
        contact_email="habitante@example.org",
        contact_name="Camille",
        consent_contact="on",
        **IN_11E,
    )
    assert response.status_code == 302
    assert response["Location"] == "/signaler/confirmation/"
    complaint = Complaint.objects.get()
    assert complaint.channel == "web"
    assert complaint.quartier.name == "Folie-Méricourt"
    assert complaint.arrondissement.number == 11
    assert complaint.occurred_at.hour == 0  # 02:30 in Paris is 00:30 UTC in summer
    reporter = Complainant.objects.get(complaint=complaint)
    assert (reporter.email, reporter.name, reporter.consent_contact) == (
        "habitante@example.org",
        "Camille",
        True,
    )

    page = client.get("/signaler/confirmation/")
    html = page.content.decode()
    tracking = f"http://testserver/suivi/{complaint.reference}/{complaint.tracking_token}/"
    assert complaint.reference in html
    assert tracking in html
    assert "habitante@example.org" in html
    assert page["Cache-Control"].startswith("max-age=0")

    [message] = mail.outbox
    assert message.to == ["habitante@example.org"]
    assert complaint.reference in message.subject
    assert tracking in message.body
    assert "Bonjour" in message.body

    tracked = client.get(tracking)
    assert tracked.status_code == 200
    assert "Nouvelle" in tracked.content.decode()
    assert tracked["Referrer-Policy"] == "same-origin"


def test_report_by_postal_code_without_the_map(client, noise):
    response = post_report(
        client, category=noise.pk, address="40 rue Oberkampf", postal_code="75011"
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.arrondissement.number == 11
    assert complaint.quartier is None
    assert complaint.precision == "postal_code"
    assert complaint.address == "40 rue Oberkampf"


def test_script_in_description_is_escaped(client, noise):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    post_report(client, category=noise.pk, description=payload, **IN_11E)
    complaint = Complaint.objects.get()
    assert complaint.description == payload  # stored as typed, escaped when shown
    for url in (
        "/signaler/confirmation/",
        f"/suivi/{complaint.reference}/{complaint.tracking_token}/",
    ):
        html = client.get(url).content.decode()
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html, url
        assert "<script>alert" not in html and "<img src=x" not in html


def test_tracking_page_needs_the_right_token(client, noise):
    post_report(client, category=noise.pk, description="Secret de la déclarante", **IN_11E)
    complaint = Complaint.objects.get()
    good = f"/suivi/{complaint.reference}/{complaint.tracking_token}/"
    wrong = "0" * 24
    assert client.get(f"/suivi/{complaint.reference}/{wrong}/").status_code == 404
    assert client.get(f"/suivi/DOL-1999-000001/{complaint.tracking_token}/").status_code == 404
    assert client.get(f"/suivi/{complaint.reference}%00/{wrong}/").status_code == 404
    # Another browser holding the link (a follower) sees the case, not the free text.
    other = type(client)()
    page = other.get(good).content.decode()
    assert complaint.reference in page and "Folie-Méricourt" in page
    assert "Secret de la déclarante" not in page
    assert "Secret de la déclarante" in client.get(good).content.decode()


def test_confirmation_without_a_report_goes_back_to_the_form(client, paris):
    response = client.get("/signaler/confirmation/")
    assert response.status_code == 302
    assert response["Location"] == "/signaler/"


def test_every_error_in_one_pass_and_nothing_stored(client, paris):
    response = post_report(client, category="", description="x" * 4001, **BOULOGNE)
    assert response.status_code == 400
    errors = errors_of(response)
    assert errors["category"] == "Erreur : Choisissez une catégorie."
    assert "ne doit pas dépasser 4000 caractères (elle en compte 4001)" in errors["description"]
    assert OUTSIDE in errors["latitude"]
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert 'href="#id_category"' in html and 'href="#lieu"' in html
    assert 'aria-describedby="id_description_helptext id_description_error"' in html
    assert Complaint.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"postal_code": "92100", "address": "Boulogne-Billancourt"}, "address", OUTSIDE),
        ({"postal_code": "92100"}, "postal_code", OUTSIDE),
        ({"postal_code": "75099"}, "postal_code", "Code postal parisien inconnu"),
        ({"postal_code": "7501"}, "postal_code", "5 chiffres"),
        ({}, "address", "placez un point sur la carte ou saisissez une adresse"),
        ({"latitude": "nan", "longitude": "2.35"}, "latitude", "Coordonnées invalides"),
        ({"latitude": "1e999", "longitude": "2.35"}, "latitude", "Coordonnées invalides"),
        ({"latitude": "abc", "longitude": "def"}, "latitude", "Coordonnées invalides"),
        ({"latitude": "48.86"}, "latitude", "Coordonnées invalides"),
        ({"latitude": "95", "longitude": "2.35"}, "latitude", "Coordonnées invalides"),
        ({**IN_11E, "contact_email": "pas-un-courriel"}, "contact_email", "adresse électronique"),
        ({**IN_11E, "contact_phone": "appelez-moi"}, "contact_phone", "téléphone valide"),
        ({**IN_11E, "occurred_at": "2099-01-01T10:00"}, "occurred_at", "futur"),
        ({**IN_11E, "occurred_at": "hier soir"}, "occurred_at", "date et une heure valides"),
        ({**IN_11E, "description": "a\x00b"}, "description", "caractère nul"),
    ],
)
def test_bad_fields_are_refused_in_french(client, noise, fields, field, message):
    response = post_report(client, category=noise.pk, **fields)
    assert response.status_code == 400
    assert message in errors_of(response).get(field, ""), errors_of(response)
    assert Complaint.objects.count() == 0


def test_unknown_or_inactive_category(client, noise):
    response = post_report(client, category="999999", **IN_11E)
    assert "Choisissez une catégorie dans la liste." in errors_of(response)["category"]
    noise.is_active = False
    noise.save()
    response = post_report(client, category=noise.pk, **IN_11E)
    assert "Choisissez une catégorie dans la liste." in errors_of(response)["category"]
    assert Complaint.objects.count() == 0


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TelephoneCorp"
    exif[ExifTags.Base.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (48.0, 51.0, 59.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (2.0, 22.0, 28.0),
    }
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (200, 30, 30)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def upload(name, content, content_type):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def test_photo_is_stored_without_exif(client, noise):
    raw = jpeg_with_gps()
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    response = post_report(
        client, category=noise.pk, photo=upload("rue.jpg", raw, "image/jpeg"), **IN_11E
    )
    assert response.status_code == 302
    photo = Photo.objects.get()
    with Image.open(photo.image.path) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (80, 60)
        assert len(stored.getexif()) == 0
        assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)


def test_text_file_named_jpg_is_refused(client, noise):
    fake = upload("photo.jpg", b"ceci n'est pas une image\n" * 20, "image/jpeg")
    response = post_report(client, category=noise.pk, photo=fake, **IN_11E)
    assert response.status_code == 400
    assert "n'est pas une image lisible" in errors_of(response)["photo"]
    assert Complaint.objects.count() == 0
    assert Photo.objects.count() == 0


def test_emergency_category_shows_the_call_box_after_an_error(client, paris):
    emergency = Category.objects.get(code="violence-en-cours")
    html = post_report(client, category=emergency.pk).content.decode()
    box = re.search(r'<div class="emergency" id="alerte-urgence"([^>]*)>', html).group(1)
    assert "hidden" not in box


@override_settings(
    EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    EMAIL_HOST="127.0.0.1",
    EMAIL_PORT=9,
    EMAIL_TIMEOUT=2,
)
def test_mail_failure_keeps_the_complaint(client, noise):
    response = post_report(client, category=noise.pk, contact_email="a@example.org", **IN_11E)
    assert response.status_code == 302
    assert Complaint.objects.count() == 1
    html = client.get("/signaler/confirmation/").content.decode()
    assert "n'a pas pu être envoyé" in html


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"--xx\r\nnot multipart", "multipart/form-data; boundary=xx"),
        (b"x", "multipart/form-data"),
        (b"category=\xff\xfe&latitude=\xff&description=\xc3", "application/x-www-form-urlencoded"),
        (b"category=1&latitude=1e999999", "application/x-www-form-urlencoded; charset=nope"),
    ],
)
def test_garbage_posts_are_refused_without_error_page(client, paris, body, content_type):
    response = client.generic("POST", "/signaler/", body, content_type=content_type)
    assert response.status_code == 400
    assert Complaint.objects.count() == 0


def test_tracking_page_shows_the_public_timeline_and_answer(client, noise):
    from traitement.services import answer, case_for, qualify

    post_report(client, category=noise.pk, description="Cris la nuit", **IN_11E)
    complaint = Complaint.objects.get()
    case = case_for(complaint)
    qualify(case, None, comment="note interne : voisin connu")
    answer(case, None, "Une patrouille <b>passera</b> ce soir.")
    html = client.get(f"/suivi/{complaint.reference}/{complaint.tracking_token}/").content.decode()
    assert '<strong class="badge status-answered" id="statut">Répondue</strong>' in html
    timeline = html[html.index('id="historique"') :]
    assert "Nouvelle" in timeline and "Qualifiée" in timeline and "Répondue" in timeline
    assert "Une patrouille &lt;b&gt;passera&lt;/b&gt; ce soir." in html
    assert "note interne" not in html
    assert f"<dd>{case.desk.name}</dd>" in html.replace("&#x27;", "'")
