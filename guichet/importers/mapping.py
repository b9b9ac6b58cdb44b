"""Any CSV file, described by a JSON mapping of our fields onto its columns (docs/import.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doleances.choices import Channel, Status
from doleances.dansmarue import normalize
from doleances.models import Category, Complaint
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

FIELDS = (
    "category",
    "description",
    "latitude",
    "longitude",
    "point",
    "address",
    "postal_code",
    "occurred_at",
    "received_at",
    "external_id",
    "channel",
)
SOURCE_MAX_LENGTH = Complaint._meta.get_field("source").max_length
# Names of the fields in messages; lazy, so that only a rejected row pays the translation.
DATE_LABELS = {
    "occurred_at": gettext_lazy("Date des faits"),
    "received_at": gettext_lazy("Date de réception"),
}
_DATE_FIELDS = ("occurred_at", "received_at")
_DEFAULTABLE = ("category", "channel", "postal_code", "address", "description")


@dataclass
class FieldSpec:
    column: str
    values: dict[str, str] = field(default_factory=dict)  # normalised source label → our value
    format: str = ""


def _config_error(message: str, **params) -> ImportConfigError:
    return ImportConfigError(_("Fichier de correspondance invalide : ") + message % params)


class MappingConverter(Converter):
    label = gettext_lazy("CSV")

    def __init__(self, spec: dict, *, source: str = "", status: str = Status.NEW, name: str = ""):
        if not isinstance(spec, dict) or not isinstance(spec.get("fields"), dict):
            raise _config_error(_("il faut un objet JSON avec une clé « fields »."))
        unknown = sorted(set(spec["fields"]) - set(FIELDS))
        if unknown:
            raise _config_error(
                _("champs inconnus %(unknown)s (champs possibles : %(known)s)."),
                unknown=", ".join(unknown),
                known=", ".join(FIELDS),
            )
        self.date_format = spec.get("date_format", "")
        self.encoding = spec.get("encoding", "")
        self.delimiter = spec.get("delimiter", "")
        self.source = source or spec.get("source") or f"csv:{name}"
        if len(self.source) > SOURCE_MAX_LENGTH:
            raise _config_error(
                _("nom de source trop long (%(limit)d caractères au plus)."),
                limit=SOURCE_MAX_LENGTH,
            )
        self.status = status
        self.fields = {
            name: self._field_spec(name, value) for name, value in spec["fields"].items()
        }
        defaults = spec.get("defaults", {})
        unknown = sorted(set(defaults) - set(_DEFAULTABLE))
        if unknown:
            raise _config_error(
                _("valeurs par défaut inconnues %(unknown)s (possibles : %(known)s)."),
                unknown=", ".join(unknown),
                known=", ".join(_DEFAULTABLE),
            )
        self.defaults = {key: str(value) for key, value in defaults.items()}
        if "category" not in self.fields and "category" not in self.defaults:
            raise _config_error(
                _("indiquez la colonne des catégories ou une catégorie par défaut.")
            )
        if ("latitude" in self.fields) != ("longitude" in self.fields):
            raise _config_error(_("« latitude » et « longitude » vont ensemble."))
        self._categories = self._category_lookup()
        for label, code in self._category_values():
            if self._find_category(code) is None:
                raise _config_error(
                    _("catégorie inconnue « %(code)s » (pour « %(label)s »)."),
                    code=code,
                    label=label,
                )
        for label, value in self._channel_values():
            if value not in Channel.values:
                raise _config_error(
                    _("canal inconnu « %(value)s » (pour « %(label)s ») ; canaux : %(known)s."),
                    value=value,
                    label=label,
                    known=", ".join(Channel.values),
                )
        self.spec = spec

    @classmethod
    def from_file(cls, path: str | Path, **kwargs) -> MappingConverter:
        try:
            spec = json.loads(Path(path).read_text(encoding="utf-8-sig"))
        except OSError as exc:
            raise ImportConfigError(
                _("Fichier de correspondance illisible : %(error)s") % {"error": exc.strerror}
            ) from exc
        except ValueError as exc:
            raise _config_error(_("JSON invalide (%(error)s)."), error=exc) from exc
        return cls(spec, **kwargs)

    @staticmethod
    def _field_spec(name: str, value) -> FieldSpec:
        if isinstance(value, str):
            return FieldSpec(column=value)
        if isinstance(value, dict) and isinstance(value.get("column"), str):
            values = value.get("values", {})
            if not isinstance(values, dict):
                raise _config_error(_("« values » de « %(name)s » doit être un objet."), name=name)
            return FieldSpec(
                column=value["column"],
                values={normalize(str(k)): str(v) for k, v in values.items()},
                format=str(value.get("format", "")),
            )
        raise _config_error(
            _("« %(name)s » doit être un nom de colonne ou un objet avec « column »."), name=name
        )

    @staticmethod
    def _category_lookup() -> dict[str, Category]:
        lookup = {}
        for category in Category.objects.all():
            lookup[category.service_code.lower()] = category
        for category in Category.objects.all():
            lookup[category.code.lower()] = category
        return lookup

    def _find_category(self, value: str) -> Category | None:
        return self._categories.get(value.strip().lower())

    def _category_values(self):
        spec = self.fields.get("category")
        pairs = list(spec.values.items()) if spec else []
        if "category" in self.defaults:
            pairs.append(("defaults", self.defaults["category"]))
        return pairs

    def _channel_values(self):
        spec = self.fields.get("channel")
        pairs = list(spec.values.items()) if spec else []
        if "channel" in self.defaults:
            pairs.append(("defaults", self.defaults["channel"]))
        return pairs

    def bind(self, header: list[str]) -> None:
        columns = columns_index(header)
        missing = [
            s.column for s in self.fields.values() if s.column.strip().lower() not in columns
        ]
        if missing:
            raise ImportConfigError(missing_columns_message(missing))
        self.positions = {
            name: columns[s.column.strip().lower()] for name, s in self.fields.items()
        }

    def _raw(self, values: list[str], name: str) -> str:
        position = self.positions.get(name)
        return values[position].strip() if position is not None else ""

    def _value(self, values: list[str], name: str) -> str:
        """The cell mapped through the field's `values` when listed there, else the default."""
        raw = self._raw(values, name)
        spec = self.fields.get(name)
        if raw and spec and spec.values:
            raw = spec.values.get(normalize(raw), raw)
        return raw or self.defaults.get(name, "")

    def convert(self, values: list[str]) -> ComplaintInput:
        label = self._value(values, "category")
        if not label:
            raise RowError(_("Catégorie manquante."))
        category = self._find_category(label)
        if category is None:
            raise RowError(_("Catégorie inconnue : « %(value)s ».") % {"value": label})
        channel = self._value(values, "channel") or Channel.IMPORT
        if channel not in Channel.values:
            raise RowError(_("Canal inconnu : « %(value)s ».") % {"value": channel})
        latitude = longitude = None
        if "point" in self.fields:
            latitude, longitude = parse_point(self._raw(values, "point")) or (None, None)
        if latitude is None and "latitude" in self.fields:
            latitude = parse_float(self._raw(values, "latitude"), LATITUDE)
            longitude = parse_float(self._raw(values, "longitude"), LONGITUDE)
        dates = {
            name: parse_datetime(
                self._raw(values, name),
                DATE_LABELS[name],
                self.fields[name].format or self.date_format,
            )
            for name in _DATE_FIELDS
            if name in self.fields
        }
        occurred = dates.get("occurred_at")
        return ComplaintInput(
            category=category,
            channel=channel,
            description=self._value(values, "description"),
            latitude=latitude,
            longitude=longitude,
            address=self._value(values, "address"),
            postal_code=clean_postal_code(self._value(values, "postal_code")),
            occurred_at=occurred,
            # A file without reception dates was received when the facts were reported.
            received_at=dates.get("received_at") or occurred,
            source=self.source,
            external_id=self._raw(values, "external_id") or row_key(values),
            status=self.status,
        )

    def context(self) -> str:
        return json.dumps([self.source, self.status, self.spec], sort_keys=True)
