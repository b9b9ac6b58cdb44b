"""The world the matrix is played in, built once per module by the `world` fixture of
tests/accounts/test_accounts_matrix.py: one account per role — the agent and the supervisor
at the desk routing puts in charge of `case_own` (the agent working the 3rd arrondissement
only), the coordinator of the paris-18 sector, a victim-support worker of the victims'
association — complaints filed through the intake service (`case_own`;
`case_other_territory`, of the same desk in the 1st; `case_other_desk`; `case_copy`, another
desk's that this desk receives in copy; `case_vss`, of a service Open311 does not publish),
contract indicators and an Open311 key.
"""

from __future__ import annotations

import io
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
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
from tests.accounts.matrix.common import DESCRIPTION, EMAIL, LAT, LON
from tests.conftest import GEO_DIR
from traitement.models import RoutingRule
from traitement.services import case_for
from victimes.demo import example_tig_host
from victimes.models import Service, TaxonomyTerm


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
