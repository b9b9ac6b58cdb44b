from django import forms
from django.utils.translation import gettext_lazy as _

from victimes.choices import AgeBand
from victimes.finder import FinderQuery
from victimes.models import TaxonomyTerm

UNKNOWN = "inconnu"
FINDER_PARAMETERS = ("situation", "age", "arrondissement", "danger")


def _arrondissement_label(number: int) -> str:
    return _("Paris 1er") if number == 1 else _("Paris %(n)se") % {"n": number}


class FinderForm(forms.Form):
    """The finder's questions; the same names work as URL parameters."""

    situation = forms.MultipleChoiceField(
        label=_("Que s'est-il passé ?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    age = forms.ChoiceField(
        label=_("Pour qui ? Âge de la personne"),
        required=False,
        choices=[("", _("je préfère ne pas le dire")), *AgeBand.choices],
        widget=forms.RadioSelect,
    )
    arrondissement = forms.ChoiceField(
        label=_("Où ? Arrondissement"),
        required=False,
        choices=[
            (UNKNOWN, _("je ne sais pas")),
            *((str(n), _arrondissement_label(n)) for n in range(1, 21)),
        ],
    )
    danger = forms.ChoiceField(
        label=_("Y a-t-il un danger en ce moment ?"),
        required=False,
        choices=[("non", _("non")), ("oui", _("oui"))],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.terms = list(TaxonomyTerm.objects.order_by("order", "code"))
        self.fields["situation"].choices = [(t.code, t.name) for t in self.terms]

    def groups(self):
        """Situations with their needs, for the template."""
        chosen = set(self["situation"].value() or ())
        top = [t for t in self.terms if t.parent_id is None]
        return [
            {
                "term": t,
                "checked": t.code in chosen,
                "children": [
                    {"term": c, "checked": c.code in chosen}
                    for c in self.terms
                    if c.parent_id == t.pk
                ],
            }
            for t in top
        ]

    def query(self) -> FinderQuery:
        data = self.cleaned_data
        place = data.get("arrondissement")
        return FinderQuery(
            situations=tuple(data.get("situation") or ()),
            age=data.get("age") or "",
            arrondissement=int(place) if place and place != UNKNOWN else None,
            danger=data.get("danger") == "oui",
        )
