"""DansMaRue exports of the City of Paris (open-data `dans-ma-rue` format).

Columns: numero, type, soustype, adresse, code_postal, ville, arrondissement, conseilquartier,
datedecl, anneedecl, moisdecl, prefixe, intervenant, id_dmr, geo_shape, geo_point_2d,
mois_annee_decla (+ derived columns, ignored). `geo_point_2d` is "lat, lon" while `geo_shape`
is GeoJSON, i.e. [lon, lat].
"""

from __future__ import annotations

import json
from collections import Counter

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doleances.choices import Channel, Status
from doleances.dansmarue import DansMaRueClassifier
from doleances.services import ComplaintInput
from guichet.importers.base import (
    Converter,
    ImportConfigError,
    columns_index,
    missing_columns_message,
    row_key,
)
from guichet.importers.fields import (
    LATITUDE,
    LONGITUDE,
    RowError,
    clean_postal_code,
    parse_datetime,
    parse_float,
    parse_point,
)

SOURCE = "dansmarue"
DECLARED_ON = gettext_lazy("Date de déclaration")


class DansMaRueConverter(Converter):
    label = gettext_lazy("DansMaRue")
    source = SOURCE

    def __init__(self, status: str = Status.NEW):
        self.status = status
        self.classifier = DansMaRueClassifier()
        self.unmapped: Counter[tuple[str, str]] = Counter()

    def bind(self, header: list[str]) -> None:
        self.columns = columns_index(header)
        missing = [name for name in ("type", "soustype", "datedecl") if name not in self.columns]
        has_place = (
            any(
                name in self.columns
                for name in ("geo_point_2d", "geo_shape", "adresse", "code_postal")
            )
            or {"latitude", "longitude"} <= self.columns.keys()
        )
        if not has_place:
            missing.append("geo_point_2d")
        if missing:
            raise ImportConfigError(missing_columns_message(missing))

    def _get(self, values: list[str], name: str) -> str:
        position = self.columns.get(name)
        return values[position].strip() if position is not None else ""

    def _point(self, values: list[str]) -> tuple[float | None, float | None]:
        point = parse_point(self._get(values, "geo_point_2d"))
        if point:
            return point
        shape = self._get(values, "geo_shape")
        if shape:
            try:
                lon, lat = json.loads(shape)["coordinates"][:2]
                return float(lat), float(lon)
            except (ValueError, KeyError, TypeError, IndexError) as exc:
                raise RowError(
                    _("Géométrie illisible : « %(value)s ».") % {"value": shape[:80]}
                ) from exc
        return (
            parse_float(self._get(values, "latitude"), LATITUDE),
            parse_float(self._get(values, "longitude"), LONGITUDE),
        )

    def convert(self, values: list[str]) -> ComplaintInput:
        type_label, subtype_label = self._get(values, "type"), self._get(values, "soustype")
        if not type_label and not subtype_label:
            raise RowError(_("Type de signalement manquant."))
        match = self.classifier.classify(type_label, subtype_label)
        if not match.recognised:
            self.unmapped[(type_label, subtype_label)] += 1
        received = parse_datetime(self._get(values, "datedecl"), DECLARED_ON)
        if received is None:
            raise RowError(_("Date de déclaration manquante."))
        latitude, longitude = self._point(values)
        external_id = self._get(values, "id_dmr")
        numero = self._get(values, "numero")
        if not external_id and numero:
            # `numero` alone repeats across DansMaRue's numbering series; with the day it does not.
            external_id = f"numero-{numero}-{received.date().isoformat()}"
        return ComplaintInput(
            category=match.category,
            channel=Channel.DANSMARUE,
            description=" › ".join(label for label in (type_label, subtype_label) if label),
            latitude=latitude,
            longitude=longitude,
            address=self._get(values, "adresse"),
            postal_code=clean_postal_code(self._get(values, "code_postal")),
            received_at=received,
            source=SOURCE,
            external_id=external_id or row_key(values),
            status=self.status,
        )

    def context(self) -> str:
        return f"{SOURCE}:{self.status}"

    def report(self) -> tuple[list[str], dict]:
        rows = sum(self.unmapped.values())
        lines = [
            _(
                "Libellés DansMaRue non reconnus : %(labels)d (%(rows)d lignes classées "
                "d'après le type ou en « autre problème sur l'espace public »)."
            )
            % {"labels": len(self.unmapped), "rows": rows}
        ]
        for (type_label, subtype_label), count in self.unmapped.most_common(10):
            lines.append(f"  - {type_label} / {subtype_label} : {count}")
        return lines, {"unmapped_labels": len(self.unmapped), "unmapped_rows": rows}
