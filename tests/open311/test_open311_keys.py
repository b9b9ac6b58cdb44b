"""API keys: stored hashed, shown once, revocable, listed, rate-limited."""

import re
import time
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from doleances.models import Complaint
from open311.keys import create_key
from open311.models import ApiKey
from tests.open311.conftest import REPUBLIQUE, error_descriptions, post_request

pytestmark = pytest.mark.django_db

VALID = {"service_code": "megots", **REPUBLIQUE}


def _all_text_in_database() -> str:
    """Every text column of every open311 and doleances row, as one string."""
    chunks = []
    with connection.cursor() as cursor:
        for model in (ApiKey, Complaint):
            table = model._meta.db_table
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - our own table names
            chunks.extend(str(value) for row in cursor.fetchall() for value in row)
    return "\n".join(chunks)


def test_the_database_only_holds_the_hash_of_a_key(client, paris):
    key, raw = create_key("fixmystreet")
    assert raw.startswith("o311_") and len(raw) > 40
    assert raw not in _all_text_in_database()
    assert key.prefix == raw[:12]
    assert post_request(client, api_key=raw, **VALID).status_code == 200
    key.refresh_from_db()
    assert key.last_used_at is not None
    assert raw not in _all_text_in_database()


def test_cli_create_prints_the_key_once_then_list_and_revoke(client, paris):
    out = StringIO()
    call_command("apikey", "create", "dansmarue-app", "--rate", "30", stdout=out)
    lines = out.getvalue().splitlines()
    assert "dansmarue-app" in lines[0] and "30 dépôts par minute" in lines[0]
    assert "ne sera plus affichée" in lines[0]
    raw = lines[1]
    assert re.fullmatch(r"o311_[A-Za-z0-9_-]{40,}", raw)
    assert post_request(client, api_key=raw, **VALID).status_code == 200

    listing = StringIO()
    call_command("apikey", "list", stdout=listing)
    assert "dansmarue-app" in listing.getvalue()
    assert "30/min" in listing.getvalue()
    assert raw not in listing.getvalue()
    assert raw[:12] in listing.getvalue()

    revoked = StringIO()
    call_command("apikey", "revoke", "dansmarue-app", stdout=revoked)
    assert "révoquée" in revoked.getvalue()
    response = post_request(client, api_key=raw, **VALID)
    assert response.status_code == 403
    assert error_descriptions(response, "json") == ["Cette clé d'API a été révoquée."]
    assert "révoquée le" in _listing()


def _listing() -> str:
    out = StringIO()
    call_command("apikey", "list", stdout=out)
    return out.getvalue()


def test_cli_refuses_bad_names_and_duplicates(paris):
    with pytest.raises(CommandError, match="Nom invalide"):
        call_command("apikey", "create", "Mon Client", stdout=StringIO())
    call_command("apikey", "create", "client-a", stdout=StringIO())
    with pytest.raises(CommandError, match="existe déjà"):
        call_command("apikey", "create", "client-a", stdout=StringIO())
    with pytest.raises(CommandError, match="Aucune clé"):
        call_command("apikey", "revoke", "client-b", stdout=StringIO())


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("", "Clé d'API manquante : le paramètre api_key est obligatoire pour déposer."),
        ("o311_not-a-key", "Clé d'API invalide."),
    ],
)
def test_post_without_a_valid_key_is_403_and_stores_nothing(client, paris, fmt, key, message):
    params = {**VALID, **({"api_key": key} if key else {})}
    response = post_request(client, fmt, **params)
    assert response.status_code == 403
    assert error_descriptions(response, fmt) == [message]
    assert not Complaint.objects.exists()


def _start_of_a_minute() -> None:
    """The limit counts per calendar minute: start the burst well inside one."""
    second = timezone.now().second
    if second > 50:
        time.sleep(61 - second)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_rate_limit_answers_429_with_an_error_body(client, paris, fmt):
    _, raw = create_key("small-client", rate_limit=2)
    _start_of_a_minute()
    # Three different requests: the same one again within minutes would be a retry.
    for attempt in range(2):
        response = post_request(client, fmt, api_key=raw, **VALID, description=f"n° {attempt}")
        assert response.status_code == 200
    response = post_request(client, fmt, api_key=raw, **VALID, description="n° 3")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert error_descriptions(response, fmt) == [
        "Trop de requêtes : cette clé est limitée à 2 dépôts par minute."
    ]
    assert Complaint.objects.count() == 2
    # Another client is not affected.
    _, other = create_key("other-client")
    assert post_request(client, fmt, api_key=other, **VALID).status_code == 200


def test_admin_creates_a_key_shown_once_and_revokes_it(client, paris):
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-admin-1")
    client.force_login(admin)
    response = client.post(
        "/admin/open311/apikey/add/",
        {"name": "signalconso", "rate_limit_per_minute": "20"},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    raw = re.search(r"(o311_[A-Za-z0-9_-]{40,})", page).group(1)
    key = ApiKey.objects.get(name="signalconso")
    assert key.rate_limit_per_minute == 20
    assert raw not in _all_text_in_database()
    # Shown once: the key's page does not show it again.
    assert raw not in client.get(f"/admin/open311/apikey/{key.pk}/change/").content.decode()

    client.post(
        "/admin/open311/apikey/",
        {"action": "revoke", "_selected_action": [key.pk]},
        follow=True,
    )
    key.refresh_from_db()
    assert key.revoked_at is not None
    client.logout()
    assert post_request(client, api_key=raw, **VALID).status_code == 403


def test_admin_refuses_a_key_name_that_is_not_a_slug(client, paris):
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-admin-1")
    client.force_login(admin)
    response = client.post(
        "/admin/open311/apikey/add/", {"name": "Mon_Client", "rate_limit_per_minute": "20"}
    )
    assert response.status_code == 200
    assert "Nom invalide" in response.content.decode()
    assert not ApiKey.objects.exists()


def test_key_life_and_refused_keys_are_in_the_audit_trail(client, paris):
    from accounts.models import AuditEvent

    call_command("apikey", "create", "audited", stdout=StringIO())
    call_command("apikey", "revoke", "audited", stdout=StringIO())
    events = AuditEvent.objects.filter(target_type="open311.apikey")
    assert {e.details.get("event") for e in events} == {
        "open311_key_created",
        "open311_key_revoked",
    }
    post_request(client, api_key="o311_guess", **VALID)
    refused = AuditEvent.objects.get(action="permission_denied")
    assert refused.details["path"] == "/open311/v2/requests.json"
    assert "o311_guess" not in str(refused.details)
