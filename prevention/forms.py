"""Forms of the register, shared by the web pages, the CSV import and the API, so that every
channel applies the same rules and French messages."""

from __future__ import annotations

import h3
from django import forms
from django.utils.translation import gettext_lazy as _

from prevention.choices import (
    HORIZON_CHOICES,
    SLOT_CHOICES,
    AlertLevel,
    AlertOutcome,
    EventKind,
    FollowUp,
    InjuredBand,
    ResponseAction,
    SizeBand,
    Weapon,
    YesNoUnknown,
)
from prevention.models import GroupTerritory
from prevention.models.codes import external_key, h3_r9
from territory.models import Quartier
from territory.services import locate
from victimes.tig import host_services


class TerritoryField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=GroupTerritory.objects.filter(is_active=True),
            to_field_name="code",
            **kwargs,
        )

    def label_from_instance(self, obj):
        return obj.label


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Nature"), choices=EventKind.choices)
    day = forms.DateField(label=_("Jour"))
    slot = forms.TypedChoiceField(label=_("Tranche horaire"), choices=SLOT_CHOICES, coerce=int)
    quartier = forms.ModelChoiceField(
        label=_("Quartier"),
        queryset=Quartier.objects.all(),
        to_field_name="insee_code",
        required=False,
    )
    h3_r9 = forms.CharField(
        label=_("Cellule H3 (résolution 9)"), required=False, validators=[h3_r9]
    )
    territories = TerritoryField(label=_("Territoires des groupes"))
    size_band = forms.ChoiceField(label=_("Effectif"), choices=SizeBand.choices)
    weapon = forms.ChoiceField(label=_("Armes"), choices=Weapon.choices)
    injured_band = forms.ChoiceField(label=_("Blessés"), choices=InjuredBand.choices)
    minors_involved = forms.ChoiceField(label=_("Mineurs impliqués"), choices=YesNoUnknown.choices)
    near_school = forms.TypedChoiceField(
        label=_("Aux abords d'un établissement scolaire"),
        choices=[("oui", _("oui")), ("non", _("non"))],
        coerce=lambda value: value == "oui",
    )
    follow_up = forms.ChoiceField(label=_("Suite"), choices=FollowUp.choices)
    external_key = forms.CharField(
        label=_("Identifiant du partenaire"), required=False, validators=[external_key]
    )

    def __init__(self, *args, today=None, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)

    def clean_day(self):
        day = self.cleaned_data["day"]
        if self.today is not None and day > self.today:
            raise forms.ValidationError(_("Le jour ne peut pas être dans le futur."))
        return day

    def clean(self):
        data = super().clean()
        cell, quartier = data.get("h3_r9"), data.get("quartier")
        if cell:
            lat, lon = h3.cell_to_latlng(cell)
            found = locate(lat, lon)["quartier"]
            if found is None:
                self.add_error("h3_r9", _("Cette cellule H3 n'est pas dans Paris."))
                return data
            if quartier is not None and quartier.insee_code != found["code"]:
                self.add_error("h3_r9", _("Cette cellule H3 n'est pas dans le quartier indiqué."))
            data["quartier"] = Quartier.objects.get(pk=found["id"])
        elif quartier is None and "quartier" not in self.errors:
            self.add_error("quartier", _("Indiquez le quartier ou la cellule H3 du lieu."))
        return data


class AlertForm(forms.Form):
    territories = TerritoryField(label=_("Territoires concernés"))
    level = forms.ChoiceField(label=_("Niveau"), choices=AlertLevel.choices)
    horizon_hours = forms.TypedChoiceField(
        label=_("Horizon"), choices=HORIZON_CHOICES, coerce=int, initial=48
    )


class AcknowledgeForm(forms.Form):
    actions = forms.MultipleChoiceField(
        label=_("Actions menées"),
        choices=ResponseAction.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Issue"),
        choices=[
            (AlertOutcome.AVOIDED, AlertOutcome.AVOIDED.label),
            (AlertOutcome.OCCURRED, AlertOutcome.OCCURRED.label),
            (AlertOutcome.NOTHING, AlertOutcome.NOTHING.label),
        ],
    )


class TigForm(forms.Form):
    host = forms.ModelChoiceField(
        label=_("Structure d'accueil (annuaire)"),
        queryset=host_services(),
        error_messages={
            "invalid_choice": _("Cette structure n'accueille pas de TIG dans l'annuaire.")
        },
    )
    year = forms.IntegerField(label=_("Année"), min_value=2000, max_value=2100)
    posts_offered = forms.IntegerField(label=_("Postes offerts"), min_value=0, max_value=10_000)
    posts_filled = forms.IntegerField(label=_("Postes pourvus"), min_value=0, max_value=10_000)

    def clean(self):
        data = super().clean()
        if (data.get("posts_filled") or 0) > (data.get("posts_offered") or 0):
            self.add_error("posts_filled", _("Plus de postes pourvus que de postes offerts."))
        return data


class TrainingForm(forms.Form):
    year = forms.IntegerField(label=_("Année"), min_value=2000, max_value=2100)
    sessions = forms.IntegerField(label=_("Sessions"), min_value=0, max_value=10_000)
    professionals_trained = forms.IntegerField(
        label=_("Professionnels formés"), min_value=0, max_value=100_000
    )
