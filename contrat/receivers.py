"""Keep the indicators computed from the prevention module in step with its alert loop."""

from prevention.signals import alert_figures_changed


def _refresh_prevention(sender, year, **kwargs):
    from contrat.services import refresh_prevention_values

    refresh_prevention_values(year)


def connect() -> None:
    alert_figures_changed.connect(_refresh_prevention, dispatch_uid="contrat-prevention")
