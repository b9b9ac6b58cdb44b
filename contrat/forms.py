from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from contrat.choices import ValueKind

PARIS = "paris"


class ValueForm(forms.Form):
    """One value of a manual indicator, for a period and a scope the user may enter."""

    secteur = forms.ChoiceField(label=_("Territoire"))
    periode = forms.ChoiceField(label=_("Période"))
    valeur = forms.FloatField(
        label=_("Valeur"),
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    source = forms.CharField(
        label=_("Source de la valeur"),
        max_length=300,
        required=False,
        help_text=_("Ex. : tableau de bord de la DPMP, bilan annuel du partenaire."),
    )

    def __init__(self, *args, scopes, periods, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        unit = indicator.unit
        self.scopes = {PARIS if s is None else s.code: s for s in scopes}
        self.fields["secteur"].choices = [
            (PARIS if s is None else s.code, _("Paris (tout le contrat)") if s is None else s.name)
            for s in scopes
        ]
        self.periods = {start.isoformat(): start for start, _label in periods}
        self.fields["periode"].choices = [(start.isoformat(), label) for start, label in periods]
        self.fields["valeur"].help_text = _("En %(unit)s : %(kind)s.") % {
            "unit": unit,
            "kind": ValueKind(indicator.kind).label.lower(),
        }

    def clean_valeur(self):
        value = self.cleaned_data["valeur"]
        error = self.indicator.value_error(value)
        if error:
            raise forms.ValidationError(error)
        return value

    def cleaned_scope(self):
        return self.scopes[self.cleaned_data["secteur"]]

    def cleaned_period(self) -> date:
        return self.periods[self.cleaned_data["periode"]]


class ImportForm(forms.Form):
    fichier = forms.FileField(
        label=_("Fichier à importer"),
        help_text=_(
            "Classeur .xlsx (un onglet par table) ou .zip de fichiers CSV, tel qu'exporté."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.zip"}),
    )
