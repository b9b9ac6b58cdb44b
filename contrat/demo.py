"""Example steering data for demo instances only (never in the fixture): a few indicators
computed by the observatory and declined by sector, with targets derived from the demo
complaints, one manual indicator with values, and a few actions and a decision. Everything
is labelled "Exemple" so that nobody mistakes it for the real contract."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Partner
from contrat import computed, services
from contrat.choices import ActionStatus, Direction, IndicatorSource
from contrat.models import Action, Decision, Indicator, IndicatorTarget, IndicatorValue, Priority
from territory.models import Sector

EXAMPLE = "Exemple — "
DEMO_NOTE = "Valeur d'exemple (instance de démonstration)"

# code, priority, name, unit, direction, measure, params, yearly change of the target
COMPUTED = [
    (
        "exemple-vie-nocturne-1000",
        "3.2",
        "doléances pour nuisances de la vie nocturne pour 1 000 habitants",
        "doléances / 1 000 hab.",
        Direction.LOWER_IS_BETTER,
        "complaints_per_1000",
        {"family": "vie-nocturne"},
        -0.05,
    ),
    (
        "exemple-insecurite-routiere-1000",
        "3.3",
        "doléances pour insécurité routière pour 1 000 habitants",
        "doléances / 1 000 hab.",
        Direction.LOWER_IS_BETTER,
        "complaints_per_1000",
        {"family": "insecurite-routiere"},
        -0.05,
    ),
    (
        "exemple-incivilites-1000",
        "3.4",
        "doléances pour incivilités pour 1 000 habitants",
        "doléances / 1 000 hab.",
        Direction.LOWER_IS_BETTER,
        "complaints_per_1000",
        {"family": "incivilites"},
        -0.05,
    ),
    (
        "exemple-delai-median-reponse",
        "3.1",
        "délai médian de première réponse aux doléances",
        "jours",
        Direction.LOWER_IS_BETTER,
        "median_days_to_answer",
        {},
        -0.10,
    ),
    (
        "exemple-reponses-dans-les-delais",
        "3.1",
        "part des doléances qui ont reçu une réponse dans les délais",
        "%",
        Direction.HIGHER_IS_BETTER,
        "share_answered_within_deadline",
        {},
        0.05,
    ),
    # Axe 2, from the anonymous orientation records of the victim-support and ISC desks.
    (
        "exemple-orientations-victimes",
        "2.2",
        "personnes reçues et orientées par l'aide aux victimes et les ISC",
        "personnes",
        Direction.HIGHER_IS_BETTER,
        "orientations_count",
        {},
        0.05,
    ),
    (
        "exemple-orientations-mineurs",
        "2.2",
        "part des mineurs parmi les personnes orientées",
        "%",
        Direction.HIGHER_IS_BETTER,
        "orientations_share_minors",
        {},
        0.01,
    ),
    (
        "exemple-orientations-75-ans",
        "2.3",
        "part des 75 ans et plus parmi les personnes orientées",
        "%",
        Direction.HIGHER_IS_BETTER,
        "orientations_share_75_plus",
        {},
        0.01,
    ),
    (
        "exemple-orientations-police",
        "2.1",
        "part des personnes orientées adressées par la police",
        "%",
        Direction.HIGHER_IS_BETTER,
        "orientations_share_referred",
        {"referred_by": "police"},
        0.01,
    ),
]


def _targets_from_first_value(indicator: Indicator, change: float, years: list[int]) -> None:
    """Targets for the years after each scope's first non-zero computed value: that value
    improved by `change` (a share) per year, so that the demo shows every status."""
    first_values: dict[int | None, tuple[int, float]] = {}
    values = IndicatorValue.objects.filter(indicator=indicator, value__gt=0)
    for value in values.order_by("period_start"):
        first_values.setdefault(value.sector_id, (value.period_start.year, value.value))
    for sector_id, (first_year, first) in first_values.items():
        for year in years:
            if year <= first_year:
                continue
            target = first * (1 + change) ** (year - first_year)
            if indicator.unit == "%":
                target = min(100.0, first + change * 100 * (year - first_year))
            IndicatorTarget.objects.update_or_create(
                indicator=indicator,
                sector_id=sector_id,
                year=year,
                defaults={"value": round(target, 2)},
            )


def _manual_example(years: list[int]) -> Indicator:
    indicator, _created = Indicator.objects.update_or_create(
        code="exemple-reunions-veille-rixes",
        defaults={
            "priority": Priority.objects.get(code="1.2"),
            "name": EXAMPLE + "réunions des cellules de veille rixes",
            "unit": "réunions",
            "direction": Direction.HIGHER_IS_BETTER,
            "source": IndicatorSource.MANUAL,
            "responsible_partner": Partner.objects.filter(code="ville-paris").first(),
            "by_sector": True,
            "description": EXAMPLE + "indicateur saisi par le partenaire responsable.",
        },
    )
    paris_values = [30, 38, 41, 44]
    sector = Sector.objects.filter(code="paris-18").first()
    for index, year in enumerate(years):
        IndicatorTarget.objects.update_or_create(
            indicator=indicator, sector=None, year=year, defaults={"value": 35 + 5 * index}
        )
        if sector:
            IndicatorTarget.objects.update_or_create(
                indicator=indicator, sector=sector, year=year, defaults={"value": 8}
            )
        if year < timezone.localdate().year and index < len(paris_values):
            IndicatorValue.objects.update_or_create(
                indicator=indicator,
                sector=None,
                period_start=date(year, 1, 1),
                defaults={"value": paris_values[index], "source_note": DEMO_NOTE},
            )
            if sector:
                IndicatorValue.objects.update_or_create(
                    indicator=indicator,
                    sector=sector,
                    period_start=date(year, 1, 1),
                    defaults={"value": 5 + index, "source_note": DEMO_NOTE},
                )
    return indicator


def _actions() -> None:
    today = timezone.localdate()
    pm = Partner.objects.filter(code="police-municipale").first()
    ville = Partner.objects.filter(code="ville-paris").first()
    nightlife = Priority.objects.get(code="3.2")
    days, done, started, planned = (
        timedelta(days=1),
        ActionStatus.DONE,
        ActionStatus.IN_PROGRESS,
        ActionStatus.PLANNED,
    )
    examples = [
        ("3.2.ex1", "brigades de nuit sur les lieux festifs", pm, today - 200 * days, done),
        ("3.2.ex2", "charte de la vie nocturne", ville, today - 20 * days, started),
        (
            "3.2.ex3",
            "médiation de nuit dans les quartiers animés",
            ville,
            today + 15 * days,
            planned,
        ),
    ]
    for code, title, owner, due, status in examples:
        Action.objects.update_or_create(
            code=code,
            defaults={
                "priority": nightlife,
                "title": EXAMPLE + title,
                "owner": owner,
                "due_date": due,
                "status": status,
                "done_on": due if status == ActionStatus.DONE else None,
            },
        )
    Decision.objects.update_or_create(
        priority=nightlife,
        sector=None,
        date=today - timedelta(days=90),
        body=EXAMPLE + "comité de pilotage",
        defaults={"text": EXAMPLE + "étendre la médiation de nuit à trois nouveaux quartiers."},
    )


@transaction.atomic
def create_demo_indicators() -> list[str]:
    """Create (or update) the example indicators, targets, values and actions; computes the
    observatory's indicators from the demo complaints. Returns the indicator codes."""
    years = services.contract_years()
    codes = []
    for code, priority, name, unit, direction, measure, params, _change in COMPUTED:
        Indicator.objects.update_or_create(
            code=code,
            defaults={
                "priority": Priority.objects.get(code=priority),
                "name": EXAMPLE + name,
                "unit": unit,
                "direction": direction,
                "source": IndicatorSource.COMPUTED,
                "measure": measure,
                "measure_params": params,
                "by_sector": True,
                "description": EXAMPLE + "indicateur calculé par l'observatoire.",
            },
        )
        codes.append(code)
    computed.refresh_computed_values()
    for code, *_rest, change in COMPUTED:
        _targets_from_first_value(Indicator.objects.get(code=code), change, years)
    codes.append(_manual_example(years).code)
    _actions()
    return codes
