"""Checking the `attribute[code]=…` answers of a POST against the service definition."""

from __future__ import annotations

import math
import re
from datetime import datetime, time

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from open311.choices import Datatype
from open311.models import ServiceAttribute

ATTRIBUTE_PARAM = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
STRING_MAX = 300
TEXT_MAX = 4000


def attribute_params(params) -> dict[str, list[str]]:
    """`attribute[code]=v` and `attribute[code][]=v1&attribute[code][]=v2` → {code: [values]}."""
    answers: dict[str, list[str]] = {}
    for name in params:
        match = ATTRIBUTE_PARAM.match(name)
        if match:
            answers.setdefault(match.group(1), []).extend(params.getlist(name))
    return answers


def _parse_datetime(value: str):
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            return None
        moment = datetime.combine(day, time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def clean_attributes(attributes: list[ServiceAttribute], answers: dict[str, list[str]]):
    """The answers to store, or the French error messages.

    Codes the definition does not know are ignored: clients such as FixMyStreet send their
    own extra attributes, and we keep only what we asked for."""
    values: dict = {}
    errors: list[str] = []
    for attribute in attributes:
        if not attribute.variable:
            continue
        given = [v.strip() for v in answers.get(attribute.code, []) if v.strip()]
        label = {"code": attribute.code}
        if not given:
            if attribute.required:
                errors.append(_("L'attribut « %(code)s » est obligatoire.") % label)
            continue
        if attribute.datatype != Datatype.MULTIVALUELIST and len(given) > 1:
            errors.append(_("L'attribut « %(code)s » n'accepte qu'une valeur.") % label)
            continue
        value = given[0]
        if attribute.datatype == Datatype.STRING:
            if "\n" in value or len(value) > STRING_MAX:
                errors.append(
                    _(
                        "L'attribut « %(code)s » attend un texte d'une ligne "
                        "(%(max)d caractères au plus)."
                    )
                    % {**label, "max": STRING_MAX}
                )
                continue
            values[attribute.code] = value
        elif attribute.datatype == Datatype.TEXT:
            if len(value) > TEXT_MAX:
                errors.append(
                    _("L'attribut « %(code)s » ne doit pas dépasser %(max)d caractères.")
                    % {**label, "max": TEXT_MAX}
                )
                continue
            values[attribute.code] = value
        elif attribute.datatype == Datatype.NUMBER:
            try:
                number = float(value.replace(",", "."))
            except ValueError:
                number = math.nan
            if not math.isfinite(number):
                errors.append(_("L'attribut « %(code)s » attend un nombre.") % label)
                continue
            values[attribute.code] = int(number) if number.is_integer() else number
        elif attribute.datatype == Datatype.DATETIME:
            moment = _parse_datetime(value)
            if moment is None:
                errors.append(
                    _(
                        "L'attribut « %(code)s » attend une date ISO 8601 "
                        "(ex. 2024-06-21T23:30:00+02:00)."
                    )
                    % label
                )
                continue
            values[attribute.code] = moment.isoformat()
        else:
            allowed = attribute.value_keys
            wrong = [v for v in given if v not in allowed]
            if wrong:
                errors.append(
                    _(
                        "Valeur inconnue pour l'attribut « %(code)s » : %(wrong)s "
                        "(valeurs possibles : %(allowed)s)."
                    )
                    % {**label, "wrong": ", ".join(wrong), "allowed": ", ".join(allowed)}
                )
                continue
            if attribute.datatype == Datatype.SINGLEVALUELIST:
                values[attribute.code] = value
            else:
                values[attribute.code] = list(dict.fromkeys(given))
    return values, errors
