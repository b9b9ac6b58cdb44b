"""The vocabulary of the matrix's rows.

A `Page` is one request (route, arguments, method, body, authentication) and the outcome
expected for each role in ROLES: an HTTP status, LOGIN (302 to the login page) or
ADMIN_LOGIN (302 to the admin's login page). Arguments and bodies may be functions of the
`world` (tests/accounts/matrix/world.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

ROLES = (
    "anonymous",
    "case_agent",
    "desk_supervisor",
    "analyst",
    "cspa_coordinator",
    "contract_pilot",
    "victim_support",
    "administrator",
    "prevention_partner",
)
STAFF = ROLES[1:]
# Redirections to a login page, told apart from any other 302 (a form that was accepted).
LOGIN = "302 login"
ADMIN_LOGIN = "302 admin login"
UNKNOWN_REFERENCE = "DOL-2099-999999"


def everyone(status=200) -> dict:
    return dict.fromkeys(ROLES, status)


def only(*allowed, status=200, refused=403, anonymous=LOGIN) -> dict:
    """`allowed` roles get `status`, other staff `refused`, anonymous visitors `anonymous`."""
    expect = {role: (status if role in allowed else refused) for role in STAFF}
    expect["anonymous"] = anonymous
    return expect


def override(expect: dict, status, *roles) -> dict:
    """`expect` with `roles` getting `status` instead."""
    return {**expect, **dict.fromkeys(roles, status)}


@dataclass(frozen=True)
class Page:
    """One request of the matrix. `url_name` is "namespace:name", or a path ("/…") for a
    route without a name. `auth` is "session" (the role logs in) or "token" (the role's
    REST API token in the Authorization header). `query` is added to the URL; `data` is the
    body of a POST (form-encoded, or JSON when `content_type` says so)."""

    url_name: str
    expect: dict
    args: tuple | Callable[[dict], tuple] = ()
    kwargs: dict | Callable[[dict], dict] = field(default_factory=dict)
    method: str = "get"
    data: dict | Callable[[dict], dict] = field(default_factory=dict)
    query: dict | Callable[[dict], dict] = field(default_factory=dict)
    auth: str = "session"
    content_type: str | None = None
    label: str = ""
    # Text (a function of the world) that must not be in the body of a 2xx answer to
    # `hidden_from`: personal data, a complaint that must not be listed.
    hidden: Callable[[dict], str] | None = None
    hidden_from: tuple = ROLES
    bugs: dict = field(default_factory=dict)  # role -> reason: known bug, strict xfail

    def id(self) -> str:
        """E.g. "GET observatoire:sector-barometer/paris-18?mois=2026-01 (label, token)"."""
        name = self.url_name
        for values in (self.args, self.kwargs):
            if values and not callable(values):
                items = values.values() if isinstance(values, dict) else values
                name += "/" + "/".join(map(str, items))
        query = self.query
        if query:
            name += "?" + ("..." if callable(query) else urlencode(query))
        extra = [self.label] if self.label else []
        if self.auth != "session":
            extra.append(self.auth)
        return f"{self.method.upper()} {name}" + (f" ({', '.join(extra)})" if extra else "")

    @staticmethod
    def resolve(value, world):
        return value(world) if callable(value) else value

    def url(self, world) -> str:
        if self.url_name.startswith("/"):
            path = self.url_name
        else:
            path = reverse(
                self.url_name,
                args=self.resolve(self.args, world),
                kwargs=self.resolve(self.kwargs, world),
            )
        query = self.resolve(self.query, world)
        return f"{path}?{urlencode(query, doseq=True)}" if query else path


# Case work: agents and supervisors of the desk in charge; administrators read.
CASE_DESK = ("case_agent", "desk_supervisor")
CASE_STAFF = (*CASE_DESK, "administrator")
# Who reads the observatory for all of Paris (and prevention's aggregates).
OBSERVATORY_ROLES = ("analyst", "contract_pilot", "administrator")


def complaint_ref(key):
    return lambda w: (w[key].reference,)


# A point in the 18th, where the report of sexual violence (`case_vss`) was made.
LAT, LON = 48.8925, 2.3444
FORM_ENCODED = "application/x-www-form-urlencoded"
DESCRIPTION = "Musique très forte chaque nuit."
EMAIL = "camille.martin@example.org"
