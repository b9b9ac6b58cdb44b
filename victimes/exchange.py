"""The directory as an HSDS 3.0 tabular data package: one CSV per object + datapackage.json.

Columns carry the HSDS names (foreign keys as `<object>_id`; an attribute's service is its
`link_id`), then cpps's extension columns. Import is an upsert by identifier, in one
transaction: a package read twice gives the same data, a bad line rolls everything back
with a French error naming the file and the line.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from victimes.models import (
    Accessibility,
    Address,
    Attribute,
    CostOption,
    DirectoryVersion,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

PACKAGE_FILE = "datapackage.json"


@dataclass(frozen=True)
class Table:
    name: str  # HSDS object name
    path: str  # HSDS file name
    model: type[models.Model]
    renamed: dict = field(default_factory=dict)  # model attname -> HSDS column
    constants: dict = field(default_factory=dict)  # HSDS columns with a fixed value

    def fields(self) -> list[models.Field]:
        return [f for f in self.model._meta.concrete_fields]

    def columns(self) -> list[str]:
        names = [self.renamed.get(f.attname, f.attname) for f in self.fields()]
        return [*names, *self.constants]


# In dependency order: an object comes after those it refers to.
TABLES = [
    Table("taxonomy", "taxonomies.csv", Taxonomy),
    Table("taxonomy_term", "taxonomy_terms.csv", TaxonomyTerm),
    Table("organization", "organizations.csv", Organization),
    Table("service", "services.csv", Service),
    Table("location", "locations.csv", Location),
    Table("address", "addresses.csv", Address),
    Table("service_at_location", "service_at_location.csv", ServiceAtLocation),
    Table("phone", "phones.csv", Phone),
    Table("schedule", "schedules.csv", Schedule),
    Table("service_area", "service_areas.csv", ServiceArea),
    Table("language", "languages.csv", Language),
    Table("accessibility", "accessibility.csv", Accessibility),
    Table("cost_option", "cost_options.csv", CostOption),
    Table(
        "attribute",
        "attributes.csv",
        Attribute,
        renamed={"service_id": "link_id"},
        constants={"link_type": "situation", "link_entity": "service"},
    ),
]
FRICTIONLESS_TYPES = {
    "BooleanField": "boolean",
    "DateField": "date",
    "DateTimeField": "datetime",
    "TimeField": "time",
    "DecimalField": "number",
    "FloatField": "number",
    "PositiveSmallIntegerField": "integer",
}


class PackageError(Exception):
    """A package that cannot be read; the message is French and names file and line."""


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def export_package(directory: str | Path) -> dict[str, int]:
    """Write the package into `directory`; returns the row count of each file."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    counts, resources = {}, []
    for table in TABLES:
        attnames = [f.attname for f in table.fields()]
        with (directory / table.path).open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(table.columns())
            rows = table.model.objects.order_by("pk").values_list(*attnames)
            counts[table.path] = 0
            for row in rows.iterator():
                writer.writerow([*map(_text, row), *table.constants.values()])
                counts[table.path] += 1
        resources.append(_resource(table))
    package = {
        "name": "cpps-ressources-aide-aux-victimes",
        "title": "Annuaire de l'aide aux victimes — Contrat parisien de prévention et de sécurité",
        "profile": "tabular-data-package",
        "version": "3.0",
        "homepage": "https://docs.openreferral.org/",
        "resources": resources,
    }
    (directory / PACKAGE_FILE).write_text(
        json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return counts


def _resource(table: Table) -> dict:
    fields = [
        {
            "name": table.renamed.get(f.attname, f.attname),
            "type": FRICTIONLESS_TYPES.get(f.get_internal_type(), "string"),
        }
        for f in table.fields()
    ] + [{"name": name, "type": "string"} for name in table.constants]
    return {
        "name": table.name,
        "path": table.path,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {"primaryKey": "id", "fields": fields},
    }


def _paths(directory: Path) -> dict[str, Path]:
    """The CSV of each object, as datapackage.json names it."""
    try:
        package = json.loads((directory / PACKAGE_FILE).read_text(encoding="utf-8"))
        resources = {r["name"]: r["path"] for r in package["resources"]}
    except FileNotFoundError as exc:
        raise PackageError(
            _("%(file)s introuvable dans %(dir)s.") % {"file": PACKAGE_FILE, "dir": directory}
        ) from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise PackageError(
            _("%(file)s illisible : %(error)s") % {"file": PACKAGE_FILE, "error": exc}
        ) from exc
    return {name: directory / path for name, path in resources.items()}


def _value(model_field: models.Field, raw: str):
    if raw == "":
        if model_field.null:
            return None
        if model_field.has_default() and not isinstance(model_field, models.CharField):
            return model_field.get_default()
        return ""
    if isinstance(model_field, models.BooleanField):
        if raw.lower() not in ("true", "false"):
            raise ValidationError(_("« vrai » ou « faux » attendu (true/false)."))
        return raw.lower() == "true"
    if isinstance(model_field, models.ForeignKey):
        return model_field.target_field.to_python(raw)
    return model_field.to_python(raw)


@transaction.atomic
def import_package(directory: str | Path) -> dict[str, dict[str, int]]:
    """Upsert every object of the package; returns created/updated counts per file."""
    directory = Path(directory)
    paths = _paths(directory)
    report = {}
    for table in TABLES:
        path = paths.get(table.name)
        if path is None or not path.exists():
            continue
        report[table.path] = _import_table(table, path)
    DirectoryVersion.bump()  # rows were written with update(): no signal
    return report


def _import_table(table: Table, path: Path) -> dict[str, int]:
    by_column = {table.renamed.get(f.attname, f.attname): f for f in table.fields()}
    created = updated = 0
    deferred_parents = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"id"} - set(reader.fieldnames or ())
        if missing:
            raise PackageError(_("%(file)s : colonne « id » manquante.") % {"file": path.name})
        for line, row in enumerate(reader, start=2):
            values = {}
            try:
                for column, model_field in by_column.items():
                    if column in row and not model_field.primary_key:
                        values[model_field.attname] = _value(model_field, row[column] or "")
                pk = table.model._meta.pk.to_python(row["id"])
                if table.model is TaxonomyTerm and values.get("parent_id"):
                    deferred_parents.append((pk, values.pop("parent_id")))
                obj = table.model(pk=pk, **values)
                obj.full_clean(
                    exclude=["parent"], validate_unique=False, validate_constraints=False
                )
            except ValidationError as exc:
                raise PackageError(
                    _("%(file)s, ligne %(line)d : %(error)s")
                    % {"file": path.name, "line": line, "error": "; ".join(exc.messages)}
                ) from exc
            exists = table.model.objects.filter(pk=pk).exists()
            if exists:
                table.model.objects.filter(pk=pk).update(**values)
                updated += 1
            else:
                table.model.objects.bulk_create([obj])
                created += 1
            if table.model is Service and "last_modified" in values:
                # auto_now would stamp the import time: keep the package's date.
                Service.objects.filter(pk=pk).update(last_modified=values["last_modified"])
    for pk, parent_id in deferred_parents:
        TaxonomyTerm.objects.filter(pk=pk).update(parent_id=parent_id)
    return {"created": created, "updated": updated}
