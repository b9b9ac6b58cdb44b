"""THE RULE: places, links between places, events, alerts, actions — never a person. Every
model of the app is walked; a free-text or person-identifying field fails the test."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.core.validators import RegexValidator
from django.db import models

# Words that name a person or something about one, in a field's name.
PERSONAL = re.compile(
    r"(^|_)(name|nom|prenom|first_name|last_name|age|birth|naissance|photo|image|handle|pseudo|"
    r"address|adresse|email|phone|telephone|description|comment|note|text|texte|remark|"
    r"person|individu|user|author)($|_)"
)
# Referential labels of places (set by an administrator, never about a person).
PLACE_LABELS = {("groupterritory", "label")}
# Dimensions of an aggregate: the row is a count of participants, never a person.
AGGREGATE_DIMENSIONS = {("sessionattendance", "age_band")}


def _fields():
    for model in apps.get_app_config("prevention").get_models():
        for field in model._meta.get_fields():
            if field.concrete or field.many_to_many:
                yield model, field


def _is_coded(field) -> bool:
    if field.choices:
        return True
    if isinstance(field, models.SlugField):
        return True
    return any(isinstance(v, RegexValidator) for v in field.validators)


def test_no_free_text_field():
    offenders = []
    for model, field in _fields():
        key = (model._meta.model_name, field.name)
        free = (models.TextField, models.JSONField, models.BinaryField, models.FileField)
        uncoded = isinstance(field, models.CharField) and not _is_coded(field)
        if isinstance(field, free) or (uncoded and key not in PLACE_LABELS):
            offenders.append(key)
    assert not offenders, f"free text in prevention models: {offenders}"


def _aggregate_dimension(model, field) -> bool:
    key = (model._meta.model_name, field.name)
    counted = any(f.name == "count" for f in model._meta.get_fields())
    return key in AGGREGATE_DIMENSIONS and counted and bool(field.choices)


def test_no_person_identifying_field():
    offenders = [
        (model._meta.model_name, field.name)
        for model, field in _fields()
        if (PERSONAL.search(field.name) and not _aggregate_dimension(model, field))
        or (
            field.is_relation
            and field.related_model is not None
            and field.related_model._meta.label in ("auth.User", "accounts.Profile")
        )
    ]
    assert not offenders, f"person-identifying fields in prevention models: {offenders}"


def test_the_walk_catches_a_free_text_field():
    """The walk itself fails on what it must refuse (a test that cannot fail is a defect)."""

    class Leaky(models.Model):
        kind = models.CharField(max_length=5, choices=[("a", "a")])
        note = models.CharField(max_length=50)
        nom = models.CharField(max_length=50, choices=[("x", "x")])

        class Meta:
            app_label = "prevention_leaky_test"

        def __str__(self):
            return self.kind

    fields = {f.name: f for f in Leaky._meta.get_fields()}
    assert _is_coded(fields["kind"])
    assert not _is_coded(fields["note"])
    assert PERSONAL.search("nom") and PERSONAL.search("birth_date") and PERSONAL.search("email")
    assert not PERSONAL.search("territories") and not PERSONAL.search("horizon_hours")


@pytest.mark.django_db
def test_fixtures_are_loaded(paris):
    from prevention.models import AlertRule, GroupTerritory, SchoolHoliday, TensionParameters

    assert TensionParameters.objects.get(code="defaut").window_days == 14
    assert AlertRule.objects.filter(partner__code="police-municipale").exists()
    assert SchoolHoliday.objects.filter(kind="ete").count() >= 3
    assert (
        GroupTerritory.objects.get(code="commune-saint-denis")
        .arrondissements.filter(number=18)
        .exists()
    )
