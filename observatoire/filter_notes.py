"""What was wrong in the observatory's filters, in French.

`Filters.from_querydict` never refuses a URL (a shared link always opens): it drops what it
does not know, swaps reversed dates and falls back to the default period. This module says
so to the reader, one sentence per correction, instead of correcting silently.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from observatoire import filters

PARAMETER_LABELS = {
    "categorie": gettext_lazy("Catégorie"),
    "famille": gettext_lazy("Famille"),
    "secteur": gettext_lazy("Secteur"),
    "arrondissement": gettext_lazy("Arrondissement"),
    "quartier": gettext_lazy("Quartier"),
    "canal": gettext_lazy("Canal"),
    "partenaire": gettext_lazy("Partenaire"),
}
DATE_LABELS = {"du": gettext_lazy("début"), "au": gettext_lazy("fin")}


def _day(value) -> str:
    return date_format(value, "j F Y")


def filter_notes(q) -> list[str]:
    """French sentences, one per value of the query `q` that the filters did not take as
    written (a malformed date, reversed dates, a period too long, an unknown code)."""
    q = q if q is not None else {}
    notes = []
    dates = {}
    for key in ("du", "au"):
        raw = filters.first_value(q, key)
        dates[key] = filters.parse_date(raw) if raw is not None else None
        if raw is not None and dates[key] is None:
            notes.append(
                _(
                    "« %(value)s » n'est pas une date de %(which)s valide (AAAA-MM-JJ, entre 2000 "
                    "et 2100) : elle est ignorée."
                )
                % {"value": str(raw)[:40], "which": DATE_LABELS[key]}
            )
    start, end = dates["du"], dates["au"]
    if start and end and start > end:
        notes.append(
            _(
                "La date de début (%(start)s) est postérieure à la date de fin (%(end)s) : "
                "les deux dates ont été inversées."
            )
            % {"start": _day(start), "end": _day(end)}
        )
        start, end = end, start
    if start and end and end - start >= timedelta(days=filters.MAX_RANGE_DAYS):
        notes.append(_("La période dépasse 20 ans : seules les 20 dernières années sont prises."))
    try:
        known = filters.known_codes()
    except Exception:  # noqa: BLE001 - the page itself says when the referential is broken
        return notes
    for name, parameter in filters.PARAMETERS.items():
        unknown = [v for v in filters.parameter_values(q, parameter) if v not in known[name]]
        if unknown:
            notes.append(
                _("%(what)s inconnu(e), ignoré(e) : %(values)s.")
                % {
                    "what": PARAMETER_LABELS[parameter],
                    "values": ", ".join(f"« {v} »" for v in unknown[:5]),
                }
            )
    return notes
