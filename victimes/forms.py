from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from victimes.choices import AgeBand, PersonRole, Referrer
from victimes.finder import FinderQuery
from victimes.models import Service
from victimes.orientations import RecordInput
from victimes.tig import situation_terms

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
        self.terms = list(situation_terms().order_by("order", "code"))
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


class _RecordFields(forms.Form):
    situations = forms.ModelMultipleChoiceField(
        label=_("Situations"),
        queryset=situation_terms().select_related("parent").order_by("order", "code"),
        error_messages={"required": _("Choisissez au moins une situation.")},
    )
    role = forms.ChoiceField(label=_("La personne est"), choices=PersonRole.choices)
    age_band = forms.ChoiceField(label=_("Âge"), choices=AgeBand.choices)
    referred_by = forms.ChoiceField(label=_("Adressée par"), choices=Referrer.choices)
    follow_up = forms.BooleanField(label=_("Suivi prévu"), required=False)

    def record_input(self, day) -> RecordInput:
        data = self.cleaned_data
        return RecordInput(
            day=day,
            situations=tuple(data["situations"]),
            role=data["role"],
            age_band=data["age_band"],
            referred_by=data["referred_by"],
            services=tuple(data.get("services") or ()),
            follow_up=data["follow_up"],
        )


def _day_field():
    return forms.DateField(
        label=_("Jour"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class RecordForm(_RecordFields):
    """One person received: a few clicks, no free text."""

    day = _day_field()
    services = forms.ModelMultipleChoiceField(
        label=_("Orientée vers (annuaire)"),
        queryset=Service.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    field_order = ["day", "situations", "role", "age_band", "referred_by", "services", "follow_up"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["situations"].widget = forms.CheckboxSelectMultiple()
        self.fields["situations"].widget.choices = self.fields["situations"].choices
        self.fields["services"].queryset = Service.objects.public().order_by("reach", "name")
        for name in ("role", "age_band", "referred_by"):
            self.fields[name].widget = forms.RadioSelect(choices=self.fields[name].choices)

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Le jour ne peut pas être dans le futur."))
        return day


class TallyDayForm(forms.Form):
    day = _day_field()

    def clean_day(self):
        return RecordForm.clean_day(self)


class TallyRowForm(_RecordFields):
    """One line of a day's tally (blank lines are ignored)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["situations"].widget.attrs["size"] = 4
        for name in ("role", "age_band", "referred_by"):
            self.fields[name].choices = [("", "—"), *self.fields[name].choices]


TallyFormSet = forms.formset_factory(TallyRowForm, extra=8, max_num=60, validate_max=True)
