"""Login attempts are limited by account and by client (django-axes); lock-outs are audited
and answered with a French page."""

import pytest
from django.contrib.auth import get_user_model

from accounts.choices import AuditAction
from accounts.models import AuditEvent

URL = "/comptes/connexion/"


@pytest.fixture
def accounts(db):
    make = get_user_model().objects.create_user
    return make("camille", password="bon-mot-de-passe"), make("dominique", password="autre-mdp")


def _login(client, username, password, ip="192.0.2.10"):
    return client.post(URL, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_thirty_wrong_passwords_lock_the_account_even_for_the_right_one(client, accounts, settings):
    for _ in range(30):
        _login(client, "camille", "mauvais", ip="192.0.2.10")
    response = _login(client, "camille", "bon-mot-de-passe", ip="198.51.100.7")
    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.content.decode()
    assert "_auth_user_id" not in client.session
    locked = AuditEvent.objects.filter(action=AuditAction.LOGIN_LOCKED_OUT)
    assert locked.exists()
    assert locked.first().details["username"] == "camille"


def test_a_client_trying_many_accounts_is_locked_out_too(client, accounts, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, f"inconnu-{n}", "x", ip="203.0.113.5")
    refused = _login(client, "dominique", "autre-mdp", ip="203.0.113.5")
    assert refused.status_code == 429
    # The account itself is not blocked for another client.
    allowed = _login(client, "dominique", "autre-mdp", ip="192.0.2.99")
    assert allowed.status_code == 302


def test_a_few_mistakes_then_the_right_password_still_logs_in(client, accounts, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "camille", "mauvais").status_code == 200
    assert _login(client, "camille", "bon-mot-de-passe").status_code == 302
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN_LOCKED_OUT).exists()


def test_behind_the_proxy_a_client_locked_out_does_not_lock_out_the_others(
    client, accounts, settings
):
    """Every request reaches the web processes from the proxy (127.0.0.1): the lock-out is for
    the address the proxy saw, never for the proxy, and a forged header does not shift it."""

    def via_proxy(username, password, forwarded):
        return client.post(
            URL,
            {"username": username, "password": password},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    for n in range(settings.AXES_FAILURE_LIMIT):
        via_proxy(f"inconnu-{n}", "x", "203.0.113.5")
    assert via_proxy("dominique", "autre-mdp", "198.51.100.1, 203.0.113.5").status_code == 429
    assert via_proxy("dominique", "autre-mdp", "192.0.2.99").status_code == 302
    event = AuditEvent.objects.filter(action=AuditAction.LOGIN_LOCKED_OUT).first()
    assert event.ip_address == "203.0.113.5"
