"""Example prevention data for demo instances only (never in the fixtures): events between
neighbouring quartiers of the north-east over the last eighteen months, an alert loop run
through, actions of the continuum with their timeline, TIG posts and trainings. Running it
again adds nothing (events carry a DEMO- partner identifier)."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import Partner
from prevention import loop, reports
from prevention.graph import recompute_graph
from prevention.models import (
    ActionMilestone,
    Alert,
    Event,
    GroupTerritory,
    PreventionAction,
    SessionAttendance,
)
from prevention.territories import ensure_quartier_territories
from territory.models import Quartier
from victimes.demo import example_tig_host

ARRONDISSEMENTS = (17, 18, 19, 20)
KINDS = ("rixe", "tension", "tension", "rixe_evitee")


def _user(username):
    return get_user_model().objects.filter(username=username, profile__isnull=False).first()


@transaction.atomic
def create_demo_prevention(seed: int = 2026) -> int:
    """Returns the number of events created (0 when the demo data is already there)."""
    ensure_quartier_territories()
    partner = Partner.objects.get(code="ville-paris")
    if Event.objects.filter(reporting_partner=partner, external_key__startswith="DEMO-").exists():
        return 0
    rng = np.random.default_rng(seed)
    quartiers = list(
        Quartier.objects.filter(arrondissement__number__in=ARRONDISSEMENTS).order_by("number")
    )
    territory = {t.quartier_id: t for t in GroupTerritory.objects.filter(quartier__in=quartiers)}
    communes = list(GroupTerritory.objects.filter(kind="zone", code__startswith="commune-"))
    today = timezone.localdate()
    # A few recurring rivalries, most events between them, the rest scattered.
    rivalries = [(rng.integers(len(quartiers)), rng.integers(len(quartiers))) for _ in range(6)]
    created = 0
    for i in range(240):
        a, b = rivalries[i % 6] if rng.random() < 0.7 else rng.integers(len(quartiers), size=2)
        if a == b:
            continue
        place = quartiers[int(a)]
        # Recent weeks are busier, so that some pairs are active on the demo's day.
        day = today - timedelta(days=int(rng.exponential(120)) % 540)
        event = Event.objects.create(
            kind=KINDS[int(rng.integers(len(KINDS)))],
            day=day,
            slot=int(rng.choice([7, 8, 9, 10, 11])),
            quartier=place,
            size_band=str(rng.choice(["2-5", "6-15", "16-30"])),
            weapon=str(rng.choice(["aucune", "aucune", "contondante", "couteau"])),
            injured_band=str(rng.choice(["0", "0", "1", "2-4"])),
            minors_involved=str(rng.choice(["oui", "inconnu"])),
            near_school=bool(rng.random() < 0.3),
            reporting_partner=partner,
            follow_up=str(rng.choice(["mediation", "police", "etablissement", "aucune"])),
            external_key=f"DEMO-{i}",
        )
        members = [territory[place.pk], territory[quartiers[int(b)].pk]]
        if rng.random() < 0.1 and communes:
            members.append(communes[int(rng.integers(len(communes)))])
        event.territories.set(members)
        created += 1
    recompute_graph(today)
    _demo_loop()
    _demo_continuum(partner, quartiers, territory)
    reports.save_tig(
        partner,
        {
            "host": example_tig_host(),
            "year": today.year - 1,
            "posts_offered": 14,
            "posts_filled": 11,
        },
    )
    reports.save_training(
        partner, {"year": today.year - 1, "sessions": 4, "professionals_trained": 62}
    )
    return created


def _demo_loop() -> None:
    """One alert closed as avoided after two acknowledgements, one still open."""
    mediator, police = _user("mediation.paris18"), _user("police.paris18")
    if mediator is None or police is None or Alert.objects.exists():
        return
    pair = GroupTerritory.objects.filter(quartier__arrondissement__number=18).order_by("pk")[:2]
    now = timezone.now()
    closed = loop.raise_alert(
        mediator, mediator.profile.partner, pair, "elevee", 48, now=now - timedelta(days=3)
    )
    loop.acknowledge(police, closed, ["patrouille"], now=now - timedelta(days=3, minutes=-25))
    loop.close_alert(mediator, closed, "evitee", now=now - timedelta(days=2))
    loop.raise_alert(police, police.profile.partner, pair, "vigilance", 72)


def _demo_continuum(partner, quartiers, territory) -> None:
    today = timezone.localdate()
    for i, (kind, status, progress) in enumerate(
        [
            ("citoyennete", "en-cours", 60),
            ("parents", "prevue", 0),
            ("sport", "terminee", 100),
            ("mediation", "en-cours", 30),
        ]
    ):
        action, _created = PreventionAction.objects.get_or_create(
            code=f"EXEMPLE-{i + 1}",
            defaults={
                "type": kind,
                "operator": partner,
                "start": today - timedelta(days=200),
                "status": status,
                "progress": progress,
                "contract_code": "1.2",
            },
        )
        action.territories.set([territory[quartiers[i * 3].pk]])
        ActionMilestone.objects.get_or_create(
            action=action,
            day=today - timedelta(days=200),
            defaults={"status": "prevue", "progress": 0},
        )
        ActionMilestone.objects.get_or_create(
            action=action, day=today, defaults={"status": status, "progress": progress}
        )
        for band, sex, count in (("11-14", "f", 8), ("11-14", "m", 9), ("15-17", "m", 6)):
            SessionAttendance.objects.get_or_create(
                action=action,
                day=today - timedelta(days=30),
                age_band=band,
                sex=sex,
                defaults={"count": count},
            )
