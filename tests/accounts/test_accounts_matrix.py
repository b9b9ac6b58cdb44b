"""Role × route matrix: what each role gets on every page, API endpoint, export and admin
screen, as one data table (PAGES) tested both ways — who may, who may not — including
objects reached by guessing their URL.

A `Page` is one request (route, arguments, method, body, authentication) and the outcome
expected for each role in ROLES: an HTTP status, LOGIN (302 to the login page) or
ADMIN_LOGIN (302 to the admin's login page). Arguments and bodies may be functions of the
`world`, built once per module: one account per role — the agent and the supervisor at the
desk routing puts in charge of `case_own` (the agent working the 3rd arrondissement only),
the coordinator of the paris-18 sector, a victim-support worker of the victims' association
— complaints filed through the intake service (`case_own`; `case_other_territory`, of the
same desk in the 1st; `case_other_desk`; `case_copy`, another desk's that this desk receives
in copy; `case_vss`, of a service Open311 does not publish), contract indicators and an
Open311 key.

Every route must have a row: tests/accounts/test_accounts_matrix_coverage.py fails when a
named route has none. A known permission bug is a row asserting the correct outcome with the
affected roles in `bugs` (strict xfail), so that it stays visible until it is fixed.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage
from rest_framework.authtoken.models import Token

from accounts.choices import Role
from accounts.models import AuditEvent, Desk, Partner, Profile
from contrat.choices import Direction, IndicatorSource
from contrat.computed import ensure_computed_values_fresh
from contrat.models import Indicator, Priority
from contrat.services import default_year
from cpps.bootstrap import load_referentials
from doleances.choices import Channel
from doleances.models import Category
from doleances.services import ComplaintInput, ContactInput, file_complaint
from observatoire import services as observatory
from open311.keys import create_key
from prevention.models import Alert, GroupTerritory
from prevention.territories import ensure_quartier_territories
from territory.models import Arrondissement, Quartier, Sector
from tests.conftest import GEO_DIR
from traitement.models import RoutingRule
from traitement.services import case_for
from victimes.demo import example_tig_host
from victimes.models import Service, TaxonomyTerm

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


# The Django admin sends anyone who is not an administrator to its own login page.
ADMIN_ONLY = only("administrator", refused=ADMIN_LOGIN, anonymous=ADMIN_LOGIN)
# Screens the administrator reaches but where the admin itself refuses the operation (the
# audit trail is append-only, complaints and photos only come in through the intake).
ADMIN_REFUSED = override(ADMIN_ONLY, 403, "administrator")
# Case work: agents and supervisors of the desk in charge; administrators read.
CASE_DESK = ("case_agent", "desk_supervisor")
CASE_STAFF = (*CASE_DESK, "administrator")
# The observatory: all of Paris, or one sector (the coordinator's is paris-18).
OBSERVATORY_ROLES = ("analyst", "contract_pilot", "administrator")
OWN_SECTOR_ROLES = (*OBSERVATORY_ROLES, "cspa_coordinator")
OBSERVATORY = only(*OBSERVATORY_ROLES)
OWN_SECTOR = only(*OWN_SECTOR_ROLES)
# The contract: every staff role reads; pilots and administrators import and export.
CONTRACT_MANAGERS = ("contract_pilot", "administrator")
# Partners' REST API: no session or token is a 401; complaints out of scope do not exist.
API_LIST = override(everyone(), 401, "anonymous")


def api_detail(*allowed) -> dict:
    return only(*allowed, refused=404, anonymous=401)


def complaint_ref(key):
    return lambda w: (w[key].reference,)


def photo_of(key):
    return lambda w: (w[key].reference, w[key].photos.get().pk)


def case_action(key, action):
    return lambda w: (w[key].reference, action)


def value_form(sector):
    """A value entered for `sector` ("paris": the whole city) in 2025."""
    return {"secteur": sector, "periode": "2025-01-01", "valeur": "12", "source": "Matrice"}


# A point in the 18th, where the report of sexual violence (`case_vss`) was made.
LAT, LON = 48.8925, 2.3444
API_COMPLAINT = {"category": "bruit-rue", "latitude": LAT, "longitude": LON}
OPEN311_POST = {"service_code": "bruit-rue", "lat": str(LAT), "long": str(LON)}
FORM_ENCODED = "application/x-www-form-urlencoded"
DESCRIPTION = "Musique très forte chaque nuit."
EMAIL = "camille.martin@example.org"
# A complaint of a service Open311 keeps unpublished (sexual violence) is offered to anyone
# on the report form's "already reported nearby" list (category, date, distance in metres)
# and can be followed by its guessed reference, which hands out its tracking link and sends
# the desk's answer to the follower (guichet/views.py nearby() and follow(),
# guichet/services.py nearby_reports(), guichet/forms.py FollowForm.clean_reference()).
PUBLIC_PAGES = [
    Page("home", everyone()),
    # Operation (issue 12): health is public (no worker runs here: 503); metrics only from
    # the allowed addresses (the test client is 127.0.0.1) — refusals in tests/operations.
    Page("health", everyone(503)),
    Page("metrics", everyone()),
    Page("login", everyone()),
    Page("login", everyone(), method="post", data={"username": "x", "password": "y"}),
    Page("logout", everyone(302), method="post"),
    Page("logout", everyone(405)),
    # The resident's counter: open to everyone, logged in or not.
    Page("guichet:report", everyone()),
    Page("guichet:report", everyone(400), method="post", label="empty form"),
    Page("guichet:confirmation", everyone(302), label="nothing filed"),
    Page(
        "guichet:duplicates",
        everyone(),
        query=lambda w: {"category": w["case_own"].category_id, "lat": LAT, "lon": LON},
        label="near a report of sexual violence",
        hidden=lambda w: w["case_vss"].reference,
    ),
    Page("guichet:duplicates", everyone(400), label="no point"),
    Page(
        "guichet:follow",
        everyone(400),
        method="post",
        data=lambda w: {"reference": w["case_own"].reference, "email": "suivi@example.org"},
        label="reference never offered nearby to this browser",
    ),
    Page(
        "guichet:follow",
        everyone(400),
        method="post",
        data=lambda w: {"reference": w["case_vss"].reference, "email": "suivi@example.org"},
        label="guessed reference of a report of sexual violence",
    ),
    Page("guichet:follow", everyone(405)),
    # The description is only shown back to the browser that filed the complaint.
    Page(
        "guichet:track",
        everyone(),
        args=lambda w: (w["case_own"].reference, w["case_own"].tracking_token),
        hidden=lambda w: DESCRIPTION,
    ),
    Page(
        "guichet:track",
        everyone(404),
        args=lambda w: (w["case_own"].reference, "0" * 24),
        label="guessed token",
    ),
    Page(
        "guichet:track",
        everyone(404),
        args=lambda w: (w["case_other_desk"].reference, w["case_own"].tracking_token),
        label="another complaint's token",
    ),
    # A follower's confirmation link and their own link's « Ne plus suivre »: a forged or
    # expired confirmation, or the reporter's token, reaches nothing.
    Page("guichet:confirm-follow", everyone(404), args=("forge",), label="forged token"),
    Page(
        "guichet:confirm-follow",
        everyone(404),
        args=("forge",),
        method="post",
        label="forged token",
    ),
    Page(
        "guichet:stop-follow",
        everyone(404),
        args=lambda w: (w["case_own"].reference, w["case_own"].tracking_token),
        method="post",
        label="the reporter's own link cannot be revoked by this form",
    ),
    Page(
        "guichet:stop-follow",
        everyone(405),
        args=lambda w: (w["case_own"].reference, w["case_own"].tracking_token),
    ),
    Page("territory:locate", everyone(), query={"lat": LAT, "lon": LON}),
    Page("territory:locate", everyone(400), label="no point"),
    *(Page("territory:geojson", everyone(), args=(level,)) for level in ("quartiers", "secteurs")),
    Page("territory:geojson", everyone(404), args=("iris",), label="unknown level"),
    Page("api-schema", everyone()),
    Page("api-docs", everyone()),
    Page("api-docs", everyone(), query={"script": ""}, label="set-up script"),
    Page("api-redoc", everyone()),
    # Open data: aggregates with small counts suppressed, for everyone.
    *(
        Page("observatoire:opendata", everyone(), kwargs={"fmt": fmt})
        for fmt in ("csv", "geojson", "parquet")
    ),
    Page("observatoire:opendata", everyone(404), kwargs={"fmt": "xlsx"}, label="unknown format"),
    # The help directory (HSDS 3.0): public read, whoever asks.
    *(
        Page(f"hsds:{name}", everyone())
        for name in (
            "index",
            "services",
            "organizations",
            "service-at-locations",
            "taxonomies",
            "taxonomy-terms",
        )
    ),
    Page("hsds:service", everyone(), args=lambda w: (w["service"].pk,)),
    Page("hsds:service", everyone(404), args=("inconnu",), label="unknown"),
    Page("hsds:organization", everyone(), args=lambda w: (w["service"].organization_id,)),
    Page("hsds:service-at-location", everyone(404), args=("inconnu",), label="unknown"),
    Page("hsds:taxonomy", everyone(), args=lambda w: (w["situation"].taxonomy_id,)),
    Page("hsds:taxonomy-term", everyone(), args=lambda w: (w["situation"].pk,)),
    Page("hsds:services", everyone(405), method="post"),
    # The orientation finder: public, read-only, the same for everyone.
    Page("victimes:finder", everyone()),
    Page(
        "victimes:finder",
        everyone(),
        query={"situation": "violences-conjugales", "age": "18-24", "arrondissement": "18"},
        label="query",
    ),
    Page("victimes:finder", everyone(400), query={"arrondissement": "99"}, label="bad place"),
    Page("victimes:finder", everyone(405), method="post"),
]

# GeoReport v2: public reads; filing needs an API key, whoever is logged in.
OPEN311_PAGES = [
    *(Page("open311:discovery", everyone(), kwargs={"fmt": fmt}) for fmt in ("json", "xml")),
    Page("open311:discovery", everyone(404), kwargs={"fmt": "yaml"}, label="unknown format"),
    Page("open311:services", everyone(), kwargs={"fmt": "json"}),
    Page("open311:services", everyone(405), kwargs={"fmt": "json"}, method="post"),
    Page(
        "open311:service-definition",
        everyone(),
        kwargs={"service_code": "bruit-etablissement", "fmt": "json"},
    ),
    Page(
        "open311:service-definition",
        everyone(404),
        kwargs={"service_code": "inconnu", "fmt": "json"},
        label="unknown service",
    ),
    Page(
        "open311:requests",
        everyone(),
        kwargs={"fmt": "json"},
        hidden=lambda w: w["case_vss"].reference,
    ),
    Page(
        "open311:requests",
        everyone(),
        kwargs={"fmt": "json"},
        method="post",
        data=lambda w: {**OPEN311_POST, "api_key": w["open311_key"]},
        content_type=FORM_ENCODED,
        label="key",
    ),
    Page(
        "open311:requests",
        everyone(403),
        kwargs={"fmt": "json"},
        method="post",
        data=OPEN311_POST,
        content_type=FORM_ENCODED,
        label="no key",
    ),
    Page(
        "open311:requests",
        everyone(403),
        kwargs={"fmt": "xml"},
        method="post",
        data={**OPEN311_POST, "api_key": "o311_devinee"},
        content_type=FORM_ENCODED,
        label="guessed key",
    ),
    Page(
        "open311:request",
        everyone(),
        kwargs=lambda w: {"service_request_id": w["case_own"].reference, "fmt": "json"},
    ),
    # A request of a service Open311 does not publish (sexual violence at night) is not
    # shown, whoever asks.
    Page(
        "open311:request",
        everyone(404),
        kwargs=lambda w: {"service_request_id": w["case_vss"].reference, "fmt": "json"},
        label="unpublished service",
    ),
    Page(
        "open311:request",
        everyone(404),
        kwargs={"service_request_id": UNKNOWN_REFERENCE, "fmt": "xml"},
        label="unknown",
    ),
    Page("open311:updates", everyone(), kwargs={"fmt": "json"}),
    Page("open311:token", everyone(404), kwargs={"token_id": "123", "fmt": "json"}),
    Page("/open311/v2/inconnu.json", everyone(404)),
    Page("/open311/v2/", everyone(404)),
]

# The Django admin: administrators only. Every model's change list, and one change page
# (a guessed object id, for everyone else) per application.
ADMIN_CHANGELISTS = (
    "auth_group",
    "auth_user",
    "authtoken_tokenproxy",
    "territory_sector",
    "territory_arrondissement",
    "territory_quartier",
    "accounts_partner",
    "accounts_desk",
    "accounts_auditevent",
    "doleances_family",
    "doleances_category",
    "doleances_dansmaruetype",
    "doleances_complaint",
    "doleances_photo",
    "traitement_placetype",
    "traitement_timewindow",
    "traitement_routingrule",
    "open311_apikey",
    "open311_serviceattribute",
    "open311_servicesettings",
    "open311_requestattributes",
    "contrat_contract",
    "contrat_axis",
    "contrat_priority",
    "contrat_action",
    "contrat_decision",
    "contrat_indicator",
    "contrat_indicatorvalue",
    "contrat_computedrefresh",
    *(
        f"prevention_{model}"
        for model in (
            "groupterritory",
            "event",
            "monthlycount",
            "tensionparameters",
            "tensionpair",
            "alertrule",
            "alert",
            "preventionaction",
            "tigpostsyear",
            "radicalisationtraining",
            "schoolholiday",
        )
    ),
    # django-axes' login attempts and lock-outs (who tried which account from where).
    "axes_accessattempt",
    "axes_accessfailurelog",
    "axes_accesslog",
    "operations_scheduledtask",
    "operations_outgoingmail",
    "operations_workerheartbeat",
    "django_tasks_database_dbtaskresult",
    *(
        f"victimes_{model}"
        for model in (
            "taxonomy",
            "taxonomyterm",
            "organization",
            "service",
            "location",
            "orientationrecord",
            "categorybridge",
        )
    ),
)
ADMIN_APPS = (
    "auth",
    "authtoken",
    "territory",
    "accounts",
    "doleances",
    "traitement",
    "open311",
    "contrat",
    "prevention",
    "operations",
    "django_tasks_database",
    "victimes",
)
ADMIN_CHANGE_PAGES = {
    "auth_user": lambda w: w["case_agent"].pk,
    "territory_sector": lambda w: Sector.objects.get(code="paris-18").pk,
    "accounts_partner": lambda w: w["desk"].partner_id,
    "accounts_desk": lambda w: w["desk"].pk,
    "accounts_auditevent": lambda w: w["audit_event"].pk,
    "doleances_category": lambda w: w["case_own"].category_id,
    "doleances_complaint": lambda w: w["case_own"].pk,
    "traitement_routingrule": lambda w: w["routing_rule"].pk,
    "open311_apikey": lambda w: w["open311_key_object"].pk,
    "contrat_indicator": lambda w: w["indicators"]["partner"].pk,
    "prevention_groupterritory": lambda w: w["prevention"]["zone"].pk,
    "victimes_service": lambda w: w["service"].pk,
}
ADMIN_PAGES = [
    Page("admin:index", ADMIN_ONLY),
    Page("admin:login", override(everyone(), 302, "administrator")),
    # GET is refused (405) to administrators; anyone else is sent back to the admin's index.
    Page("admin:logout", override(everyone(302), 405, "administrator")),
    Page("admin:password_change", ADMIN_ONLY),
    Page("admin:password_change_done", ADMIN_ONLY),
    Page("admin:jsi18n", ADMIN_ONLY),
    Page(
        "admin:autocomplete",
        ADMIN_ONLY,
        query={"app_label": "accounts", "model_name": "profile", "field_name": "desk"},
    ),
    Page(
        "admin:view_on_site",
        override(ADMIN_ONLY, 404, "administrator"),
        args=lambda w: (w["desk_content_type"], w["desk"].pk),
        label="model without a public page",
    ),
    *(Page("admin:app_list", ADMIN_ONLY, args=(app,)) for app in ADMIN_APPS),
    *(Page(f"admin:{model}_changelist", ADMIN_ONLY) for model in ADMIN_CHANGELISTS),
    *(
        Page(f"admin:{model}_change", ADMIN_ONLY, args=lambda w, pk=pk: (pk(w),))
        for model, pk in ADMIN_CHANGE_PAGES.items()
    ),
    Page("admin:auth_user_password_change", ADMIN_ONLY, args=lambda w: (w["case_agent"].pk,)),
    Page("admin:auth_user_add", ADMIN_ONLY),
    Page("admin:accounts_auditevent_add", ADMIN_REFUSED),
    Page(
        "admin:accounts_auditevent_delete",
        ADMIN_REFUSED,
        args=lambda w: (w["audit_event"].pk,),
    ),
    Page("admin:doleances_complaint_add", ADMIN_REFUSED),
    Page("admin:doleances_complaint_delete", ADMIN_REFUSED, args=lambda w: (w["case_own"].pk,)),
    Page("admin:doleances_photo_add", ADMIN_REFUSED),
    Page("admin:traitement_routingrule_tester", ADMIN_ONLY),
    Page(
        "admin:doleances_complaint_history",
        ADMIN_ONLY,
        args=lambda w: (w["case_own"].pk,),
    ),
    # The audit trail and its export.
    Page("accounts:audit", only("administrator")),
    Page("accounts:audit", only("administrator"), query={"action": "login"}),
    Page("accounts:audit", only("administrator", status=400), query={"since": "hier"}),
    Page("accounts:audit-export", only("administrator")),
    Page("accounts:audit-export", only("administrator"), query={"action": "export"}),
    Page("accounts:audit-export", only("administrator", status=400), query={"since": "hier"}),
]

# Partners' REST API, with a session or with a token: lists are scoped; a complaint out of
# one's scope answers 404 (its existence is not disclosed), like an unknown reference.
API_PAGES = [
    *(
        page
        for auth in ("session", "token")
        for page in (
            Page("guichet-api:categories", everyone(), auth=auth),
            Page(
                "guichet-api:complaints",
                API_LIST,
                auth=auth,
                hidden=lambda w: EMAIL,  # never personal data in a list
            ),
            Page(
                "guichet-api:complaint",
                api_detail(*CASE_STAFF),
                args=complaint_ref("case_own"),
                auth=auth,
                label="own desk",
            ),
            Page(
                "guichet-api:complaint",
                api_detail(*CASE_STAFF),
                args=complaint_ref("case_copy"),
                auth=auth,
                label="copy",
                hidden=lambda w: EMAIL,  # a copy desk reads the case, not who filed it
                hidden_from=CASE_DESK,
            ),
            Page(
                "guichet-api:complaint",
                api_detail("desk_supervisor", "administrator"),
                args=complaint_ref("case_other_territory"),
                auth=auth,
                label="own desk, other territory",
            ),
            Page(
                "guichet-api:complaint",
                api_detail("administrator"),
                args=complaint_ref("case_other_desk"),
                auth=auth,
                label="other desk",
            ),
            Page(
                "guichet-api:complaint",
                api_detail(),
                args=(UNKNOWN_REFERENCE,),
                auth=auth,
                label="unknown",
            ),
            Page(
                "guichet-api:complaint",
                override(api_detail(), 405, *STAFF),
                args=complaint_ref("case_own"),
                method="delete",
                auth=auth,
            ),
        )
    ),
    # Filing is for partners' systems: a token of an account with a partner (or an
    # administrator's); never a browser session.
    Page(
        "guichet-api:complaints",
        override(everyone(403), 401, "anonymous"),
        method="post",
        data=API_COMPLAINT,
        content_type="application/json",
    ),
    Page(
        "guichet-api:complaints",
        only(*CASE_STAFF, "victim_support", "prevention_partner", status=201, anonymous=401),
        method="post",
        data=API_COMPLAINT,
        content_type="application/json",
        auth="token",
    ),
]

# Case work: the desk in charge acts, a copy desk and administrators read, another desk's
# case does not exist (404), roles without case rights are refused (403).
NOTE = {"note-text": "Passage d'une patrouille prévu."}
CLOSE = {"close-reason": "resolved", "close-message": "Réglé."}
CASE_PAGES = [
    Page("traitement:queue", only(*CASE_STAFF)),
    Page("traitement:queue", only(*CASE_STAFF), query={"vue": "copie"}),
    Page(
        "traitement:queue",
        only(*CASE_STAFF),
        query=lambda w: {"guichet": w["other_desk"].code},
        label="another desk",
    ),
    Page("traitement:case", only(*CASE_STAFF), args=complaint_ref("case_own"), label="own desk"),
    Page(
        "traitement:case",
        only(*CASE_STAFF),
        args=complaint_ref("case_copy"),
        label="copy",
        hidden=lambda w: EMAIL,
        hidden_from=CASE_DESK,
    ),
    Page(
        "traitement:case",
        override(only(*CASE_STAFF), 404, "case_agent"),
        args=complaint_ref("case_other_territory"),
        label="own desk, other territory",
    ),
    Page(
        "traitement:case",
        override(only(*CASE_STAFF), 404, *CASE_DESK),
        args=complaint_ref("case_other_desk"),
        label="other desk",
    ),
    Page(
        "traitement:case",
        override(only(), 404, *CASE_STAFF),
        args=(UNKNOWN_REFERENCE,),
        label="unknown",
    ),
    *(
        page
        for action, data in (("note", NOTE), ("assign_me", {}), ("close", CLOSE))
        for page in (
            Page(
                "traitement:action",
                only(*CASE_DESK, status=302),
                args=case_action("case_own", action),
                method="post",
                data=data,
                label=f"{action}, own desk",
            ),
            Page(
                "traitement:action",
                override(only("desk_supervisor", status=302), 404, "case_agent"),
                args=case_action("case_other_territory", action),
                method="post",
                data=data,
                label=f"{action}, own desk, other territory",
            ),
            Page(
                "traitement:action",
                only(),
                args=case_action("case_copy", action),
                method="post",
                data=data,
                label=f"{action}, copy",
            ),
            Page(
                "traitement:action",
                override(only(), 404, *CASE_DESK),
                args=case_action("case_other_desk", action),
                method="post",
                data=data,
                label=f"{action}, other desk",
            ),
        )
    ),
    Page(
        "traitement:action",
        override(only(), 404, *CASE_STAFF),
        args=lambda w: (UNKNOWN_REFERENCE, "note"),
        method="post",
        data=NOTE,
        label="note, unknown",
    ),
    Page(
        "traitement:action",
        override(only(), 404, *CASE_STAFF),
        args=case_action("case_own", "supprimer"),
        method="post",
        label="unknown action",
    ),
    Page(
        "traitement:action",
        override(only(), 405, *CASE_STAFF),
        args=case_action("case_own", "note"),
    ),
    # Bulk actions: the first POST shows the confirmation of the cases one is in charge of;
    # cases of other desks are refused (back to the queue).
    Page(
        "traitement:bulk",
        override(only(*CASE_DESK), 302, "administrator"),
        method="post",
        data=lambda w: {"dossiers": [w["case_own"].reference], "action": "assign_me"},
        label="own desk",
    ),
    Page(
        "traitement:bulk",
        override(only(*CASE_STAFF, status=302), 200, "desk_supervisor"),
        method="post",
        data=lambda w: {"dossiers": [w["case_other_territory"].reference], "action": "assign_me"},
        label="own desk, other territory",
    ),
    Page(
        "traitement:bulk",
        only(*CASE_STAFF, status=302),
        method="post",
        data=lambda w: {"dossiers": [w["case_other_desk"].reference], "action": "assign_me"},
        label="other desk",
    ),
    Page("traitement:bulk", override(only(), 405, *CASE_STAFF)),
    # The queue as a map, with the same scope and filters as the list.
    Page("traitement:queue_map", only(*CASE_STAFF)),
    Page("traitement:queue_map", only(*CASE_STAFF), query={"statut": "all"}, label="filtered"),
    # Photos: personal data, so the desk in charge and administrators only (a copy desk
    # reads the case, not its photos); another desk's case does not exist.
    *(
        Page(name, expect, args=photo_of(key), label=label)
        for name in ("traitement:photo", "traitement:photo_thumbnail")
        for key, expect, label in (
            ("case_own", only(*CASE_STAFF), "own desk"),
            ("case_copy", only("administrator"), "copy"),
            ("case_other_desk", override(only("administrator"), 404, *CASE_DESK), "other desk"),
        )
    ),
    Page(
        "traitement:photo",
        override(only(), 404, *CASE_STAFF),
        args=lambda w: (w["case_own"].reference, w["case_other_desk"].photos.get().pk),
        label="another complaint's photo",
    ),
]

# The observatory: Paris for analysts, pilots and administrators; a coordinator's own sector.
OBSERVATORY_PAGES = [
    *(
        Page(name, OBSERVATORY, kwargs=kwargs, query=query)
        for name, kwargs, query in (
            ("observatoire:dashboard", {}, {}),
            ("observatoire:panels", {}, {}),
            ("observatoire:map", {}, {}),
            ("observatoire:section", {"name": "heures"}, {}),
            ("observatoire:export", {"name": "categories", "fmt": "csv"}, {}),
            ("observatoire:export", {"name": "evolution", "fmt": "svg"}, {}),
            ("observatoire:barometer", {}, {"mois": "2026-01"}),
        )
    ),
    Page(
        "observatoire:section",
        override(OBSERVATORY, 404, *OBSERVATORY_ROLES),
        kwargs={"name": "inconnue"},
        label="unknown section",
    ),
    Page(
        "observatoire:export",
        override(OBSERVATORY, 404, *OBSERVATORY_ROLES),
        kwargs={"name": "categories", "fmt": "xlsx"},
        label="unknown format",
    ),
    *(
        Page(name, expect, args=(code, *extra), query=query)
        for code, expect in (("paris-18", OWN_SECTOR), ("paris-5", OBSERVATORY))
        for name, extra, query in (
            ("observatoire:sector", (), {}),
            ("observatoire:sector-panels", (), {}),
            ("observatoire:sector-map", (), {}),
            ("observatoire:sector-section", ("familles",), {}),
            ("observatoire:sector-export", ("quartiers", "svg"), {}),
            ("observatoire:sector-export", ("categories", "csv"), {}),
            ("observatoire:sector-barometer", (), {"mois": "2026-01"}),
        )
    ),
    Page(
        "observatoire:sector-barometer",
        OWN_SECTOR,
        args=("paris-18",),
        query={"mois": "2026-01", "format": "pdf"},
    ),
    # A guessed sector that does not exist.
    Page("observatoire:sector", override(everyone(404), LOGIN, "anonymous"), args=("paris-99",)),
    *(
        Page(
            "observatoire:sector-subscription",
            only(*roles, status=302),
            args=(code,),
            method="post",
            data={"actif": "1"},
        )
        for code, roles in (("paris-18", OWN_SECTOR_ROLES), ("paris-5", OBSERVATORY_ROLES))
    ),
    Page("observatoire:sector-subscription", everyone(405), args=("paris-18",)),
]

# Steering the contract: every staff role reads; values are entered within one's scope —
# pilots and administrators everywhere, a coordinator their sector, a desk supervisor or
# victim-support worker the indicators their partner is responsible for; computed
# indicators are never entered by hand. Pilots and administrators import and export.
PARTNER_ENTRY = (*CONTRACT_MANAGERS, "cspa_coordinator", "desk_supervisor")
CONTRACT_PAGES = [
    Page("contrat:overview", only(*STAFF)),
    Page("contrat:overview", only(*STAFF), query={"annee": "2025"}),
    Page("contrat:sector", only(*STAFF), args=("paris-18",)),
    Page("contrat:sector", only(*STAFF), args=("paris-5",)),
    Page("contrat:sector", override(only(*STAFF), 404, *STAFF), args=("paris-99",)),
    Page("contrat:priority", only(*STAFF), args=("2.1",)),
    Page("contrat:priority", only(*STAFF), args=("2.1",), query={"secteur": "paris-18"}),
    Page("contrat:priority", override(only(*STAFF), 404, *STAFF), args=("9.9",)),
    Page("contrat:comparison", only(*STAFF)),
    Page("contrat:comparison", only(*STAFF), query={"indicateur": "mx-partenaire"}),
    # Entry forms (GET) and entries (POST), per indicator.
    Page("contrat:enter-value", only(*CONTRACT_MANAGERS), args=("isc-effectif",)),
    Page("contrat:enter-value", only(*PARTNER_ENTRY), args=("mx-partenaire",)),
    Page(
        "contrat:enter-value",
        only(*CONTRACT_MANAGERS, "cspa_coordinator"),
        args=("mx-autre-partenaire",),
    ),
    Page("contrat:enter-value", only(*CONTRACT_MANAGERS, "victim_support"), args=("mx-victimes",)),
    Page("contrat:enter-value", only(), args=("mx-calcule",), label="computed"),
    Page("contrat:enter-value", override(only(), 404, *STAFF), args=("inconnu",)),
    Page(
        "contrat:enter-value",
        only(*PARTNER_ENTRY, status=302),
        args=("mx-partenaire",),
        method="post",
        data=value_form("paris-18"),
        label="own sector",
    ),
    Page(
        "contrat:enter-value",
        override(only(*PARTNER_ENTRY, status=302), 400, "cspa_coordinator"),
        args=("mx-partenaire",),
        method="post",
        data=value_form("paris-5"),
        label="other sector",
    ),
    Page(
        "contrat:enter-value",
        override(only(*PARTNER_ENTRY, status=302), 400, "cspa_coordinator"),
        args=("mx-partenaire",),
        method="post",
        data=value_form("paris"),
        label="Paris",
    ),
    Page(
        "contrat:enter-value",
        only(*CONTRACT_MANAGERS, "cspa_coordinator", status=302),
        args=("mx-autre-partenaire",),
        method="post",
        data=value_form("paris-18"),
        label="own sector, another partner's",
    ),
    Page(
        "contrat:enter-value",
        only(*CONTRACT_MANAGERS, "victim_support", status=302),
        args=("mx-victimes",),
        method="post",
        data=value_form("paris"),
        label="Paris",
    ),
    Page(
        "contrat:enter-value",
        only(),
        args=("mx-calcule",),
        method="post",
        data=value_form("paris"),
        label="computed",
    ),
    *(Page("contrat:export", only(*CONTRACT_MANAGERS), args=(fmt,)) for fmt in ("xlsx", "zip")),
    Page(
        "contrat:export",
        only(*CONTRACT_MANAGERS, status=404),
        args=("pdf",),
        label="unknown format",
    ),
    # The annual report: pilots and administrators for Paris and every sector, a
    # coordinator for their own sector only.
    *(Page("contrat:bilan", only(*CONTRACT_MANAGERS), args=(fmt,)) for fmt in ("html", "docx")),
    Page("contrat:bilan", override(only(), 404, *STAFF), args=("odt",), label="unknown format"),
    Page(
        "contrat:sector-bilan",
        only(*CONTRACT_MANAGERS, "cspa_coordinator"),
        args=("paris-18", "html"),
    ),
    Page("contrat:sector-bilan", only(*CONTRACT_MANAGERS), args=("paris-5", "docx")),
    Page("contrat:sector-bilan", override(only(), 404, *STAFF), args=("paris-99", "html")),
    Page("contrat:import", only(*CONTRACT_MANAGERS, status=400), method="post", label="no file"),
    Page("contrat:import", everyone(405)),
]

# Prevention (axe 1): places, pairs of territories, events, alerts — never a person. The
# register, graph and alerts are for prevention partners (the world's works the 18th), the
# coordinator of the sector (paris-18) and administrators; partners and administrators
# enter; steering roles see aggregates only; the radicalisation page is public.
PREVENTION_REGISTER = ("prevention_partner", "cspa_coordinator", "administrator")
PREVENTION_ENTRY = ("prevention_partner", "administrator")
PREVENTION_AGGREGATES = (*OBSERVATORY_ROLES, "cspa_coordinator", "prevention_partner")
OTHER_TERRITORY = ("prevention_partner", "cspa_coordinator")


def prevention_event(w) -> dict:
    return {
        "partenaire": "ville-paris",
        "kind": "tension",
        "day": "2026-01-10",
        "slot": "9",
        "quartier": w["prevention"]["quartier18"],
        "territories": list(w["prevention"]["pair18"]),
        "size_band": "6-15",
        "weapon": "aucune",
        "injured_band": "0",
        "minors_involved": "inconnu",
        "near_school": "non",
        "follow_up": "mediation",
    }


def alert_pk(key):
    return lambda w: (w["prevention"][key].pk,)


PREVENTION_PAGES = [
    Page("prevention:home", only(*PREVENTION_REGISTER)),
    Page("prevention:graph", only(*PREVENTION_REGISTER)),
    Page("prevention:pair", only(*PREVENTION_REGISTER), args=lambda w: w["prevention"]["pair18"]),
    Page(
        "prevention:pair",
        override(only(*PREVENTION_REGISTER), 404, *OTHER_TERRITORY),
        args=lambda w: w["prevention"]["pair13"],
        label="other territory",
    ),
    Page("prevention:events", only(*PREVENTION_REGISTER)),
    Page(
        "prevention:events",
        only(*PREVENTION_ENTRY, status=302),
        method="post",
        data=prevention_event,
    ),
    Page(
        "prevention:events",
        only(*PREVENTION_ENTRY, status=400),
        method="post",
        data=lambda w: {**prevention_event(w), "day": "2999-01-01"},
        label="future day",
    ),
    Page("prevention:events-import", only(*PREVENTION_ENTRY, status=400), method="post"),
    Page("prevention:events-import", everyone(405)),
    Page("prevention:alerts", only(*PREVENTION_REGISTER)),
    Page(
        "prevention:alerts",
        only(*PREVENTION_ENTRY, status=302),
        method="post",
        data=lambda w: {
            "partenaire": "ville-paris",
            "territories": list(w["prevention"]["pair18"]),
            "level": "elevee",
            "horizon_hours": "48",
        },
    ),
    Page("prevention:alert", only(*PREVENTION_REGISTER), args=alert_pk("alert18")),
    Page(
        "prevention:alert",
        override(only(*PREVENTION_REGISTER), 404, *OTHER_TERRITORY),
        args=alert_pk("alert13"),
        label="other territory",
    ),
    Page(
        "prevention:alert",
        override(only(*PREVENTION_REGISTER), 404, *PREVENTION_REGISTER),
        args=(999999,),
        label="unknown",
    ),
    Page(
        "prevention:alert-ack",
        only(*PREVENTION_ENTRY, status=302),
        args=alert_pk("alert18"),
        method="post",
        data={"partenaire": "ville-paris", "actions": ["mediateurs"]},
    ),
    Page(
        "prevention:alert-ack",
        override(only("administrator", status=302), 404, "prevention_partner"),
        args=alert_pk("alert13"),
        method="post",
        data={"partenaire": "ville-paris"},
        label="other territory",
    ),
    Page("prevention:alert-ack", everyone(405), args=alert_pk("alert18")),
    Page(
        "prevention:alert-close",
        only(*PREVENTION_ENTRY, status=302),
        args=alert_pk("alert18"),
        method="post",
        data={"partenaire": "ville-paris", "outcome": "evitee"},
    ),
    Page(
        "prevention:alert-close",
        override(only("administrator", status=302), 404, "prevention_partner"),
        args=alert_pk("alert13"),
        method="post",
        data={"partenaire": "ville-paris", "outcome": "rien"},
        label="other territory",
    ),
    Page("prevention:alert-close", everyone(405), args=alert_pk("alert18")),
    Page("prevention:actions", only(*PREVENTION_REGISTER)),
    Page(
        "prevention:actions",
        only(*PREVENTION_ENTRY, status=400),
        method="post",
        label="no file",
    ),
    Page("prevention:entries", only(*PREVENTION_ENTRY)),
    Page(
        "prevention:entries",
        only(*PREVENTION_ENTRY, status=302),
        method="post",
        data=lambda w: {
            "partenaire": "ville-paris",
            "tig-host": str(w["prevention"]["tig_host"].pk),
            "tig-year": "2025",
            "tig-posts_offered": "4",
            "tig-posts_filled": "2",
        },
    ),
    Page("prevention:figures", only(*PREVENTION_AGGREGATES)),
    Page("prevention:radicalisation", everyone()),
    *(
        page
        for auth in ("session", "token")
        for page in (
            Page(
                "prevention:api-events",
                only(*PREVENTION_REGISTER, anonymous=401),
                auth=auth,
            ),
            Page(
                "prevention:api-events",
                only(*PREVENTION_ENTRY, status=400, anonymous=401),
                method="post",
                data=lambda w: {**prevention_event(w), "commentaire": "texte libre"},
                content_type="application/json",
                auth=auth,
                label="unknown field",
            ),
        )
    ),
]

# Anonymous orientation records: a victim-support worker enters their desk's, an
# administrator reads them all; no other role sees them.
RECORD = {
    "day": "2026-03-02",
    "situations": ["violences-conjugales"],
    "role": "victime",
    "age_band": "25-59",
    "referred_by": "police",
}
VICTIMS_PAGES = [
    Page("victimes:orientations", only("victim_support", "administrator")),
    Page(
        "victimes:orientations",
        override(only(status=403), 400, "victim_support"),
        method="post",
        label="empty form",
    ),
    Page("victimes:tally", only("victim_support")),
    *(
        Page(
            "victimes-api:orientations",
            override(only("victim_support", "administrator", anonymous=401), 401, "anonymous"),
            auth=auth,
        )
        for auth in ("session", "token")
    ),
    Page(
        "victimes-api:orientations",
        only("victim_support", status=201, anonymous=401),
        method="post",
        data=RECORD,
        content_type="application/json",
        auth="token",
    ),
    Page(
        "victimes-api:orientations",
        only("victim_support", status=400, anonymous=401),
        method="post",
        data={**RECORD, "nom": "Dupont"},
        content_type="application/json",
        auth="token",
        label="unknown field",
    ),
    # Where help is missing: coordinators, pilots, analysts, victim support, administrators.
    *(
        Page(
            name,
            only(
                "cspa_coordinator", "contract_pilot", "analyst", "victim_support", "administrator"
            ),
        )
        for name in ("victimes:gaps", "victimes:gaps-csv")
    ),
    # Complaints copied to the victim-support desk: only with the person's consent
    # (`case_vss` was filed without it: 404 for the desk too).
    Page("victimes:cases", only("victim_support")),
    Page(
        "victimes:case",
        only("victim_support"),
        args=complaint_ref("case_consented"),
        label="consent",
    ),
    Page(
        "victimes:case",
        override(only("victim_support"), 404, "victim_support"),
        args=complaint_ref("case_vss"),
        label="no consent",
        hidden=lambda w: EMAIL,
    ),
]

PAGES = [
    *PUBLIC_PAGES,
    *OPEN311_PAGES,
    *ADMIN_PAGES,
    *API_PAGES,
    *CASE_PAGES,
    *OBSERVATORY_PAGES,
    *CONTRACT_PAGES,
    *PREVENTION_PAGES,
    *VICTIMS_PAGES,
]


# --- the world ----------------------------------------------------------------------------


def _account(role, *, desk=None, sector=None, partner=None, arrondissements=()):
    user = get_user_model().objects.create_user(f"matrice-{role}")
    profile = Profile.objects.create(
        user=user,
        role=role,
        desk=desk,
        partner=partner or (desk.partner if desk else None),
        sector=Sector.objects.get(code=sector) if sector else None,
    )
    profile.arrondissements.set(Arrondissement.objects.filter(number__in=arrondissements))
    user.refresh_from_db()  # Profile.save sets the staff flags of an administrator
    return user


def _photo():
    out = io.BytesIO()
    PILImage.new("RGB", (64, 48), (120, 40, 40)).save(out, format="JPEG")
    return SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")


def _file(category_code, postal_code="", point=(None, None)):
    return file_complaint(
        ComplaintInput(
            category=Category.objects.get(code=category_code),
            channel=Channel.WEB,
            description=DESCRIPTION,
            postal_code=postal_code,
            latitude=point[0],
            longitude=point[1],
            contact=ContactInput(name="Camille Martin", email=EMAIL, consent_contact=True),
            photos=[_photo()],
        )
    )


def _session(user) -> str:
    """A logged-in session of `user`: each test sends its cookie (no login per test)."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _indicator(code, partner, *, by_sector, computed=False):
    return Indicator.objects.create(
        code=code,
        priority=Priority.objects.get(code="2.1"),
        name=f"Indicateur {code}",
        unit="actions",
        direction=Direction.HIGHER_IS_BETTER,
        source=IndicatorSource.COMPUTED if computed else IndicatorSource.MANUAL,
        responsible_partner=partner,
        by_sector=by_sector,
        measure="complaints_count" if computed else "",
    )


def _prevention_world() -> dict:
    """Two pairs of quartier territories (18th–19th, 13th–14th) and an open alert on each."""
    ensure_quartier_territories()

    def first_quartier(number):
        return Quartier.objects.filter(arrondissement__number=number).order_by("number").first()

    codes = {n: f"q-{first_quartier(n).number}" for n in (13, 14, 18, 19)}
    raiser = Partner.objects.get(code="prefecture-police")
    alerts = {}
    for key, (a, b) in (("alert18", (18, 19)), ("alert13", (13, 14))):
        alert = Alert.objects.create(
            level="elevee",
            horizon_hours=48,
            raised_by=raiser,
            expires_at=timezone.now() + timedelta(hours=48),
        )
        alert.territories.set(GroupTerritory.objects.filter(code__in=(codes[a], codes[b])))
        alert.recipients.set(Partner.objects.filter(code__in=("ville-paris", "academie-paris")))
        alerts[key] = alert
    return {
        **alerts,
        "pair18": (codes[18], codes[19]),
        "pair13": (codes[13], codes[14]),
        "quartier18": first_quartier(18).insee_code,
        "zone": GroupTerritory.objects.get(code="commune-saint-denis"),
        "tig_host": example_tig_host(),
    }


def victims_world() -> dict:
    """The directory's national lines (fixture), and a racist act reported by someone who
    accepts to be contacted by victim support (copied to the victims' association)."""
    consented = file_complaint(
        ComplaintInput(
            category=Category.objects.get(code="acte-raciste"),
            channel=Channel.WEB,
            description=DESCRIPTION,
            postal_code="75018",
            contact=ContactInput(email=EMAIL, consent_victim_support=True),
        )
    )
    return {
        "service": Service.objects.get(name__endswith="3919"),
        "situation": TaxonomyTerm.objects.get(code="violences-conjugales"),
        "case_consented": consented,
    }


def build_world() -> dict:
    if not Quartier.objects.exists():  # a transactional test flushed the referentials
        load_referentials(GEO_DIR)
    # The desk of Paris Centre; its agent works the 3rd arrondissement only.
    case_own = _file("bruit-rue", "75003")
    case_other_territory = _file("bruit-rue", "75001")
    case_other_desk = _file("bruit-rue", "75018")
    case_copy = _file("rodeos", "75003")
    case_vss = _file("vss-nuit", point=(LAT, LON))
    desk = case_for(case_own).desk
    other_desk = case_for(case_other_desk).desk
    copy_case = case_for(case_copy)
    assert case_for(case_other_territory).desk == desk, "routing changed: pick other places"
    assert other_desk != desk and copy_case.desk != desk, "routing changed: pick other places"
    copy_case.copy_desks.add(desk)
    other_partner = Partner.objects.get(code="gpis")
    victims = Partner.objects.get(code="paris-aide-victimes")
    assert desk.partner != other_partner
    users = {
        "case_agent": _account(Role.CASE_AGENT, desk=desk, arrondissements=[3]),
        "desk_supervisor": _account(Role.DESK_SUPERVISOR, desk=desk),
        "analyst": _account(Role.ANALYST),
        "cspa_coordinator": _account(Role.CSPA_COORDINATOR, sector="paris-18"),
        "contract_pilot": _account(Role.CONTRACT_PILOT),
        "victim_support": _account(Role.VICTIM_SUPPORT, desk=Desk.objects.get(code="pav-accueil")),
        "administrator": _account(Role.ADMINISTRATOR),
        "prevention_partner": _account(
            Role.PREVENTION_PARTNER,
            partner=Partner.objects.get(code="ville-paris"),
            arrondissements=[18],
        ),
    }
    key, raw_key = create_key("matrice", rate_limit=100_000)
    indicators = {
        "partner": _indicator("mx-partenaire", desk.partner, by_sector=True),
        "other": _indicator("mx-autre-partenaire", other_partner, by_sector=True),
        "victims": _indicator("mx-victimes", victims, by_sector=False),
        "computed": _indicator("mx-calcule", None, by_sector=True, computed=True),
    }
    observatory.refresh(full=True)
    ensure_computed_values_fresh(default_year())
    return {
        **users,
        "tokens": {role: Token.objects.create(user=user).key for role, user in users.items()},
        "sessions": {role: _session(user) for role, user in users.items()},
        "desk": desk,
        "other_desk": other_desk,
        "case_own": case_own,
        "case_other_territory": case_other_territory,
        "case_other_desk": case_other_desk,
        "case_copy": case_copy,
        "case_vss": case_vss,
        "open311_key": raw_key,
        "open311_key_object": key,
        "audit_event": AuditEvent.objects.order_by("pk").first(),
        "routing_rule": RoutingRule.objects.order_by("pk").first(),
        "desk_content_type": ContentType.objects.get_for_model(Desk).pk,
        "indicators": indicators,
        "prevention": _prevention_world(),
        **victims_world(),
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module in a transaction rolled back at its end; each test runs in
    a savepoint of it (pytest-django's `db`), so what a POST changes is undone.

    The observatory's store is refreshed once, after filing (pages never refresh it: the
    worker does, and none runs here): a refresh during a test would make the next steering
    pages recompute the contract's computed values in every test (their writes are rolled
    back each time)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


# --- the test -----------------------------------------------------------------------------


def outcome(response):
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(resolve_url(settings.LOGIN_URL) + "?"):
            return LOGIN
        if location.startswith(reverse("admin:login") + "?"):
            return ADMIN_LOGIN
    return response.status_code


def request(client, page: Page, role: str, world):
    headers = {}
    if role != "anonymous":
        if page.auth == "token":
            headers["HTTP_AUTHORIZATION"] = f"Token {world['tokens'][role]}"
        else:
            client.cookies[settings.SESSION_COOKIE_NAME] = world["sessions"][role]
    url = page.url(world)
    if page.method == "get":
        return client.get(url, **headers)
    data = page.resolve(page.data, world)
    if page.content_type == FORM_ENCODED:
        data = urlencode(data, doseq=True)
    if page.content_type:
        return getattr(client, page.method)(url, data, content_type=page.content_type, **headers)
    return getattr(client, page.method)(url, data, **headers)


def cases():
    for page in PAGES:
        for role in ROLES:
            marks = []
            if role in page.bugs:
                marks.append(pytest.mark.xfail(strict=True, reason=f"bug: {page.bugs[role]}"))
            yield pytest.param(page, role, marks=marks, id=f"{page.id()} @{role}")


def test_every_row_has_one_outcome_per_role():
    ids = [page.id() for page in PAGES]
    assert not [i for i in ids if ids.count(i) > 1], "rows need distinct labels"
    for page in PAGES:
        assert set(page.expect) == set(ROLES), f"{page.id()}: one expected outcome per role"
        assert set(page.bugs) | set(page.hidden_from) <= set(ROLES), page.id()


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "role"), list(cases()))
def test_role_route_matrix(client, world, page, role):
    response = request(client, page, role, world)
    assert outcome(response) == page.expect[role]
    if page.hidden and role in page.hidden_from and 200 <= response.status_code < 300:
        body = b"".join(response) if response.streaming else response.content
        assert page.hidden(world).encode() not in body
