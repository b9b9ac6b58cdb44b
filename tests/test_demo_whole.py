"""`cpps demo` leaves a whole demo: worked cases with answer dates, a fresh observatory and
example contract indicators computed from the complaints."""

from datetime import date

from django.core.management import call_command

from contrat.models import Indicator, IndicatorValue
from observatoire.services import Filters, key_figures, refresh
from traitement.models import Case


def test_demo_gives_answer_times_to_the_observatory_and_indicators_to_the_contract(paris):
    call_command("demo", complaints=400, seed=7)

    answered = Case.objects.filter(answered_at__isnull=False)
    assert answered.exists()
    assert all(c.answered_at > c.received_at for c in answered)
    assert not Case.objects.filter(closed_at__lt=models_answered_at()).exists()

    # The analytical store outlives each test's rolled-back transaction: rebuild it from
    # this test's case database so that other tests' complaints are not counted.
    refresh(full=True)
    figures = key_figures(Filters(start=date(2020, 1, 1), end=date.today()))
    assert figures["total"] == 400
    assert figures["median_days_to_answer"] is not None

    computed = Indicator.objects.filter(source="computed", name__startswith="Exemple")
    assert computed.exists()
    assert IndicatorValue.objects.filter(indicator__in=computed, is_computed=True).exists()

    # Running it again adds nothing and keeps the same answer dates.
    before = dict(answered.values_list("pk", "answered_at"))
    call_command("demo", complaints=400, seed=7)
    assert (
        dict(Case.objects.filter(answered_at__isnull=False).values_list("pk", "answered_at"))
        == before
    )


def models_answered_at():
    from django.db.models import F

    return F("answered_at")
