"""The scalar parameters of a GeoReport v2 POST (attributes are parsed in `attributes`)."""

from __future__ import annotations

import math
import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

# A key of the Base Adresse Nationale (`cle_interop`), which starts with the INSEE code of
# the arrondissement: 75111_8158_00010 is number 10 of a street of the 11th.
BAN_ID = re.compile(r"^(751\d\d)_[0-9a-z]{4,5}_\d{5}(_[0-9a-z]+)?$", re.IGNORECASE)


class ServiceRequestForm(forms.Form):
    service_code = forms.CharField(
        max_length=60,
        error_messages={"required": _lazy("Le paramètre service_code est obligatoire.")},
    )
    lat = forms.CharField(required=False)
    long = forms.CharField(required=False)
    address_string = forms.CharField(required=False, max_length=300)
    address_id = forms.CharField(required=False, max_length=60)
    email = forms.EmailField(required=False, max_length=254)
    first_name = forms.CharField(required=False, max_length=75)
    last_name = forms.CharField(required=False, max_length=75)
    phone = forms.CharField(required=False, max_length=30)
    description = forms.CharField(required=False, strip=True)
    media_url = forms.URLField(required=False, max_length=500, assume_scheme="https")

    def clean_media_url(self):
        url = self.cleaned_data["media_url"]
        if url and not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError(_("Adresse web http(s) attendue."))
        return url

    def clean_address_id(self):
        value = self.cleaned_data["address_id"].strip()
        if value and not BAN_ID.match(value):
            raise forms.ValidationError(
                _("Identifiant de la Base Adresse Nationale attendu (ex. 75111_8158_00010).")
            )
        return value

    def clean(self):
        data = super().clean()
        lat, lon = (data.get("lat") or "").strip(), (data.get("long") or "").strip()
        if lat or lon:
            try:
                data["lat"], data["long"] = float(lat), float(lon)
            except ValueError:
                data["lat"] = data["long"] = None
            if data["lat"] is None or not (
                math.isfinite(data["lat"])
                and math.isfinite(data["long"])
                and -90 <= data["lat"] <= 90
                and -180 <= data["long"] <= 180
            ):
                self.add_error(
                    "lat",
                    _(
                        "lat et long doivent être deux nombres en degrés WGS84 "
                        "(ex. lat=48.8566&long=2.3522)."
                    ),
                )
        else:
            data["lat"] = data["long"] = None
            located = data.get("address_string") or "address_id" in self.errors
            if not located and not data.get("address_id"):
                self.add_error(
                    None, _("Indiquez le lieu : lat et long, address_string ou address_id.")
                )
        return data

    def error_descriptions(self) -> list[str]:
        """One French line per error, naming the parameter as the client sent it."""
        lines = []
        for field, messages in self.errors.items():
            for message in messages:
                lines.append(message if field == "__all__" else f"{field} : {message}")
        return lines
