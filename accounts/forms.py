from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.choices import AuditAction
from accounts.services import AuditFilters
from core.dates import in_range, out_of_range_message


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Utilisateur·rice"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("Toutes"))] + list(AuditAction.choices),
    )
    since = forms.DateField(
        label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Au (inclus)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(label=_("Référence de doléance"), required=False, max_length=64)

    def clean(self):
        data = super().clean()
        for name in ("since", "until"):
            if not in_range(data.get(name)):
                self.add_error(name, out_of_range_message(str(self.fields[name].label)))
                data.pop(name, None)
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("La date de début est postérieure à la date de fin."))
        return data

    def filters(self) -> AuditFilters:
        """The filters of a valid form (an invalid one filters nothing: see the view)."""
        return AuditFilters(**self.cleaned_data)
