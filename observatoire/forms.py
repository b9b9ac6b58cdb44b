"""The dashboard's filter form: a GET form whose field names are the `Filters` URL parameters.

The form only renders the filters; reading them is `Filters.from_querydict`, which never
raises (garbage in the URL is dropped), so a shared link always opens.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from observatoire.dashboard import GRAIN_CHOICES, GRAIN_PARAMETER
from observatoire.filters import Filters

# (URL parameter, `Filters` field and `filter_options` key, label)
LIST_FIELDS = (
    ("famille", "families", _("Familles")),
    ("categorie", "categories", _("Catégories")),
    ("secteur", "sectors", _("Secteurs (CSPA)")),
    ("arrondissement", "arrondissements", _("Arrondissements")),
    ("quartier", "quartiers", _("Quartiers")),
    ("canal", "channels", _("Canaux")),
    ("partenaire", "partners", _("Partenaires")),
)


def _grouped(choices: list[dict], group_key: str, groups: list[dict]):
    """Choices under optgroups (categories by family, quartiers by arrondissement)."""
    labels = {str(g["code"]): g["label"] for g in groups}
    grouped: dict[str, list] = {}
    for choice in choices:
        group = labels.get(str(choice.get(group_key)), "")
        grouped.setdefault(group, []).append((str(choice["code"]), choice["label"]))
    return list(grouped.items())


class FilterForm(forms.Form):
    du = forms.DateField(
        label=_("Du"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    au = forms.DateField(
        label=_("Au"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    pas = forms.ChoiceField(
        label=_("Pas de temps de l'évolution"), choices=list(GRAIN_CHOICES.items())
    )

    def __init__(self, filters: Filters, options: dict, grain: str, sector=None):
        """`options` is `services.filter_options()`; on a sector page (`sector`), the sector
        is fixed and only its arrondissements and quartiers are offered."""
        initial = {"du": filters.start, "au": filters.end, GRAIN_PARAMETER: grain}
        for param, attr, _label in LIST_FIELDS:
            initial[param] = [str(v) for v in getattr(filters, attr)]
        super().__init__(initial=initial, auto_id="filtre-%s")
        arrondissements = options.get("arrondissements", [])
        if sector is not None:
            arrondissements = [a for a in arrondissements if str(a.get("sector")) == sector.code]
        kept = {str(a["code"]) for a in arrondissements}
        for param, attr, label in LIST_FIELDS:
            if sector is not None and param == "secteur":
                continue
            choices = options.get(attr, [])
            if attr == "arrondissements":
                choices = arrondissements
            elif attr == "quartiers" and sector is not None:
                choices = [q for q in choices if str(q.get("arrondissement")) in kept]
            if attr == "categories":
                field_choices = _grouped(choices, "family", options.get("families", []))
            elif attr == "quartiers":
                field_choices = _grouped(choices, "arrondissement", arrondissements)
            else:
                field_choices = [(str(c["code"]), c["label"]) for c in choices]
            self.fields[param] = forms.MultipleChoiceField(
                label=label,
                required=False,
                choices=field_choices,
                widget=forms.SelectMultiple(attrs={"size": min(8, max(3, len(choices)))}),
            )

    def list_fields(self):
        """The bound fields of the list filters, in order (for the template)."""
        return [self[param] for param, _attr, _label in LIST_FIELDS if param in self.fields]
