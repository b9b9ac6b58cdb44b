"""The resident's report form: field-level checks only; the intake rules live in doleances."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from django import forms
from django.core.validators import RegexValidator
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from doleances.choices import OPEN_STATUSES, Channel
from doleances.idempotency import RetryKey
from doleances.models import Category, Complaint, Family
from doleances.models.complaint import EMAIL_MAX_LENGTH
from doleances.services import ComplaintInput, ContactInput

FORM_TOKEN_LIFETIME = timedelta(days=1)
PHONE_RE = re.compile(r"^\+?[0-9 .()\-]{6,25}$")


def grouped_category_choices() -> list:
    """Active categories grouped by family, for a <select> with one <optgroup> per family."""
    families = Family.objects.prefetch_related(
        Prefetch("categories", queryset=Category.objects.filter(is_active=True))
    )
    groups = [
        (family.label, [(str(c.pk), c.label) for c in family.categories.all()])
        for family in families
    ]
    return [("", _("— Choisissez une catégorie —"))] + [g for g in groups if g[1]]


def category_hints() -> dict[str, dict]:
    """What the page shows when a category is chosen (help text, emergency, complaint)."""
    return {
        str(c.pk): {
            "help": c.help_text,
            "emergency": c.is_emergency,
            "police": c.requires_police_complaint,
        }
        for c in Category.objects.filter(is_active=True)
    }


class ReportForm(forms.Form):
    """Every field a resident may fill; the service then says whether the complaint is acceptable.

    Text limits, the category's state and the location are checked by `file_complaint` (and
    `guichet.services.intake_errors` when this form already has errors) so that the web form,
    the API and the imports give the same French messages.
    """

    category = forms.ChoiceField(
        label=_("Catégorie"),
        help_text=_("Choisissez la catégorie la plus proche ; une aide s'affiche ensuite."),
        error_messages={
            "required": _("Choisissez une catégorie."),
            "invalid_choice": _("Choisissez une catégorie dans la liste."),
        },
    )
    latitude = forms.FloatField(label=_("Lieu"), required=False, widget=forms.HiddenInput)
    longitude = forms.FloatField(required=False, widget=forms.HiddenInput)
    address = forms.CharField(
        label=_("Adresse"),
        required=False,
        max_length=300,
        help_text=_("Numéro et rue, ou un repère (ex. : 12 rue Oberkampf, sortie du métro)."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    postal_code = forms.CharField(
        label=_("Code postal"),
        required=False,
        max_length=5,
        validators=[
            RegexValidator(r"^\d{5}$", _("Le code postal compte 5 chiffres (ex. : 75011)."))
        ],
        help_text=_("75001 à 75020, 75116."),
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "inputmode": "numeric", "size": 6}
        ),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Décrivez ce qui se passe, où exactement et à quels moments. "
            "Ne nommez pas de personnes."
        ),
    )
    occurred_at = forms.DateTimeField(
        label=_("Date et heure des faits (facultatif)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": _("Saisissez une date et une heure valides.")},
        help_text=_(
            "Précisez l'heure si vous la connaissez : les nuisances de nuit "
            "sont suivies par des équipes de nuit."
        ),
    )
    contact_name = forms.CharField(
        label=_("Nom ou prénom"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact_email = forms.EmailField(
        label=_("Courriel"),
        required=False,
        max_length=EMAIL_MAX_LENGTH,
        error_messages={
            "invalid": _("Saisissez une adresse électronique valide."),
            "max_length": _("L'adresse électronique ne doit pas dépasser 254 caractères."),
        },
        help_text=_("Pour recevoir la référence, le lien de suivi et la réponse."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    contact_phone = forms.CharField(
        label=_("Téléphone"),
        required=False,
        max_length=30,
        validators=[RegexValidator(PHONE_RE, _("Saisissez un numéro de téléphone valide."))],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    consent_contact = forms.BooleanField(
        label=_("J'accepte d'être recontacté·e au sujet de ce signalement"),
        required=False,
        widget=forms.CheckboxInput(attrs={"aria-describedby": "consent-aide"}),
    )
    consent_victim_support = forms.BooleanField(
        label=_("J'accepte d'être contacté·e par une association d'aide aux victimes"),
        required=False,
        widget=forms.CheckboxInput(attrs={"aria-describedby": "consent-victimes-aide"}),
    )
    photo = forms.FileField(
        label=_("Photo (facultatif)"),
        required=False,
        help_text=_(
            "JPEG, PNG ou WebP. Ne photographiez pas de visages ni de plaques. "
            "La localisation et les autres métadonnées du fichier sont supprimées."
        ),
        widget=forms.FileInput(attrs={"accept": "image/*"}),
    )

    # One-time token of this form: sent twice (double click, reload, a retry after a lost
    # answer), it files one complaint (doleances.idempotency).
    form_token = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = grouped_category_choices()
        if not self.is_bound:
            self.initial["form_token"] = secrets.token_urlsafe(24)

    def clean_category(self):
        value = self.cleaned_data["category"]
        return Category.objects.filter(pk=int(value)).select_related("family").first()

    def clean(self):
        cleaned = super().clean()
        if "latitude" in self.errors or "longitude" in self.errors:
            # Hidden inputs: one message where the resident sees the map, not two cryptic ones.
            self.errors.pop("longitude", None)
            self.errors["latitude"] = self.error_class([_("Coordonnées invalides.")])
            cleaned.pop("latitude", None)
            cleaned.pop("longitude", None)
        return cleaned

    def to_input(self) -> ComplaintInput:
        """The intake input built from the fields that passed their own checks."""
        data = self.cleaned_data
        photo = data.get("photo")
        return ComplaintInput(
            category=data.get("category"),
            channel=Channel.WEB,
            description=data.get("description") or "",
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            address=data.get("address") or "",
            postal_code=data.get("postal_code") or "",
            occurred_at=data.get("occurred_at"),
            contact=ContactInput(
                name=data.get("contact_name") or "",
                email=data.get("contact_email") or "",
                phone=data.get("contact_phone") or "",
                consent_contact=bool(data.get("consent_contact")),
                consent_victim_support=bool(data.get("consent_victim_support")),
            ),
            photos=[photo] if photo else [],
            retry=self.retry_key(),
        )

    def retry_key(self) -> RetryKey | None:
        token = self.cleaned_data.get("form_token")
        # The token alone identifies the request: once used, the same form files nothing new.
        return RetryKey("web", token, token, FORM_TOKEN_LIFETIME) if token else None

    def location_field(self) -> str:
        """Which field shows a location error: the map, the postal code or the address."""
        if self.data.get("latitude") or self.data.get("longitude"):
            return "latitude"
        if self.data.get("postal_code") and not self.data.get("address"):
            return "postal_code"
        return "address"

    def add_intake_errors(self, errors: dict[str, list[str]]) -> None:
        """Show the service's French messages next to the matching fields (once each)."""
        for key, messages in errors.items():
            name = self.location_field() if key == "location" else key
            if name not in self.fields:
                name = None
            if name and name in self.errors:
                continue
            for message in messages:
                self.add_error(name, message)


class NearbyQueryForm(forms.Form):
    """The query of the "already reported nearby" panel."""

    category = forms.ModelChoiceField(queryset=Category.objects.filter(is_active=True))
    lat = forms.FloatField(min_value=-90, max_value=90)
    lon = forms.FloatField(min_value=-180, max_value=180)


class FollowForm(forms.Form):
    """Follow an open complaint instead of filing a duplicate."""

    reference = forms.RegexField(
        r"^DOL-\d{4}-\d{6}$",
        error_messages={"invalid": _("Référence invalide.")},
    )
    email = forms.EmailField(
        label=_("Votre courriel"),
        max_length=EMAIL_MAX_LENGTH,
        error_messages={
            "max_length": _("L'adresse électronique ne doit pas dépasser 254 caractères."),
            "required": _("Indiquez votre adresse électronique pour suivre ce signalement."),
            "invalid": _("Saisissez une adresse électronique valide."),
        },
    )
    consent_contact = forms.BooleanField(required=False)

    def __init__(self, *args, offered: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.offered = set(offered)  # the references the form showed this browser nearby

    def clean_reference(self):
        if self.cleaned_data["reference"] not in self.offered:
            raise forms.ValidationError(
                _(
                    "Seul un signalement proposé près du lieu indiqué peut être suivi : "
                    "placez le lieu sur la carte ou faites un nouveau signalement."
                )
            )
        # A complaint of a sensitive category is never followed by a third party: answers
        # to a victim must not reach whoever guessed its reference.
        complaint = Complaint.objects.filter(
            reference=self.cleaned_data["reference"],
            status__in=OPEN_STATUSES,
            category__is_sensitive=False,
        ).first()
        if complaint is None:
            raise forms.ValidationError(
                _("Ce signalement n'est plus en cours : faites un nouveau signalement.")
            )
        return complaint

    def contact(self) -> ContactInput:
        return ContactInput(
            email=self.cleaned_data["email"],
            consent_contact=self.cleaned_data["consent_contact"],
        )
