"""Geocoding behind one interface; the backend is chosen by the CPPS_GEOCODER setting.

The default backend works offline: it only reads the postal code out of an address, which
places the complaint in its arrondissement with an approximate precision. A deployment with
access to the national address base plugs a real geocoder in the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

POSTAL_CODE_RE = re.compile(r"\b(75\d{3})\b")


@dataclass(frozen=True)
class GeocodeResult:
    postal_code: str = ""
    latitude: float | None = None
    longitude: float | None = None


class Geocoder:
    def geocode(self, address: str, postal_code: str = "") -> GeocodeResult | None:
        raise NotImplementedError


class PostalCodeGeocoder(Geocoder):
    """Finds a Paris postal code in the address; never returns coordinates."""

    def geocode(self, address: str, postal_code: str = "") -> GeocodeResult | None:
        code = (postal_code or "").strip()
        if not code:
            match = POSTAL_CODE_RE.search(address or "")
            code = match.group(1) if match else ""
        return GeocodeResult(postal_code=code) if code else None


class NullGeocoder(Geocoder):
    def geocode(self, address: str, postal_code: str = "") -> GeocodeResult | None:
        return None


def get_geocoder() -> Geocoder:
    return import_string(settings.CPPS_GEOCODER)()
