"""Test data on factory-boy: users with roles, partners, desks, complaints and their cases.

Complaints are filed through the real intake service (`doleances.services.file_complaint`),
so each one has its case, routed as in production; `route_to` then places a case on a chosen
desk when a test needs a given desk in charge. Referentials (Paris, categories, the desks of
the fixtures) come from the `paris` fixture; desks, partners and sectors are given by code.
"""

from __future__ import annotations

import factory
from django.conf import settings
from factory.django import DjangoModelFactory, Password

from accounts.choices import PartnerKind
from accounts.models import Desk, Partner, Profile
from doleances.choices import Channel
from doleances.models import Category
from doleances.services import ComplaintInput, file_complaint
from territory.models import Arrondissement, Sector
from traitement.models import Case

PASSWORD = "motdepasse-test"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = settings.AUTH_USER_MODEL
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"utilisateur-{n}")
    password = Password(PASSWORD)
    email = ""


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    code = factory.Sequence(lambda n: f"partenaire-{n}")
    name = factory.Sequence(lambda n: f"Partenaire {n}")
    kind = PartnerKind.VILLE


class DeskFactory(DjangoModelFactory):
    class Meta:
        model = Desk
        skip_postgeneration_save = True

    partner = factory.SubFactory(PartnerFactory)
    code = factory.Sequence(lambda n: f"guichet-{n}")
    name = factory.Sequence(lambda n: f"Guichet {n}")

    @factory.post_generation
    def arrondissements(self, create, numbers, **kwargs):
        if create and numbers:
            self.arrondissements.set(Arrondissement.objects.filter(number__in=numbers))


class ProfileFactory(DjangoModelFactory):
    class Meta:
        model = Profile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    desk = None
    partner = factory.LazyAttribute(lambda profile: profile.desk.partner if profile.desk else None)
    sector = None

    @factory.post_generation
    def arrondissements(self, create, numbers, **kwargs):
        if create and numbers:
            self.arrondissements.set(Arrondissement.objects.filter(number__in=numbers))


def make_user(
    role=None,
    *,
    desk: str | None = None,
    sector: str | None = None,
    partner: str | None = None,
    arrondissements=(),
    superuser: bool = False,
    active: bool = True,
    **fields,
):
    """An account, with a profile when `role` is given: make_user(Role.CASE_AGENT,
    desk="pm-18", arrondissements=[18]). `desk`, `sector` and `partner` are codes; the
    partner defaults to the desk's. Other keyword arguments are User fields (username…)."""
    user = UserFactory(is_superuser=superuser, is_active=active, **fields)
    if role:
        desk_obj = Desk.objects.get(code=desk) if desk else None
        extra = {"partner": Partner.objects.get(code=partner)} if partner else {}
        ProfileFactory(
            user=user,
            role=role,
            desk=desk_obj,
            sector=Sector.objects.get(code=sector) if sector else None,
            arrondissements=arrondissements,
            **extra,
        )
    user.refresh_from_db()
    return user


class ComplaintFactory(factory.Factory):
    """A complaint filed through the intake service (with its routed case): the fields are
    those of `ComplaintInput`; `category` may be given by code."""

    class Meta:
        model = ComplaintInput

    category = factory.LazyFunction(
        lambda: Category.objects.filter(is_active=True, is_emergency=False).first()
    )
    channel = Channel.WEB
    description = "Signalement de test."

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if isinstance(kwargs.get("category"), str):
            kwargs["category"] = Category.objects.get(code=kwargs["category"])
        return file_complaint(model_class(*args, **kwargs))


def route_to(complaint, desk: str, *, copies=()) -> Case:
    """Put the complaint's case on the desk `desk` (a code), copied to the desks `copies`."""
    case = Case.objects.get(pk=complaint.pk)
    case.desk = Desk.objects.get(code=desk)
    case.save(update_fields=["desk"])
    case.copy_desks.set(Desk.objects.filter(code__in=copies))
    return case
