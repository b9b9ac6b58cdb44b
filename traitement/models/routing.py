"""Routing referentials: place types, time windows and the ordered routing rules (all data)."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Desk, Partner
from accounts.models.partners import CodeManager
from doleances.models import Category, Family
from territory.models import Arrondissement, Sector
from traitement.choices import ALL_DAYS, Weekday


class PlaceType(models.Model):
    """A kind of place a complaint can be about (e.g. social housing), used by routing.

    The web form and the API pass its code to `traitement.services.set_place_type`; an agent can
    also set it when qualifying a case.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("libellé"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("actif"), default=True)

    objects = CodeManager()

    class Meta:
        ordering = ["label"]
        verbose_name = _("type de lieu")
        verbose_name_plural = _("types de lieux")

    def __str__(self):
        return self.label

    def natural_key(self):
        return (self.code,)


class TimeWindow(models.Model):
    """Hours of some days of the week, e.g. "nuit" = 22:00–06:00 every day.

    A window that crosses midnight belongs to the day it starts: with days = Friday and Saturday,
    Saturday 02:00 is inside (Friday night) and Sunday 02:00 is too (Saturday night).
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("libellé"), max_length=120)
    starts_at = models.TimeField(_("début"), default=time(0, 0))
    ends_at = models.TimeField(
        _("fin"), default=time(0, 0), help_text=_("Égale au début : toute la journée.")
    )
    days = models.CharField(
        _("jours"),
        max_length=7,
        default=ALL_DAYS,
        help_text=_("Jours où la plage commence (0 = lundi … 6 = dimanche)."),
    )

    objects = CodeManager()

    class Meta:
        ordering = ["label"]
        verbose_name = _("plage horaire")
        verbose_name_plural = _("plages horaires")

    def __str__(self):
        return self.label

    def natural_key(self):
        return (self.code,)

    def clean(self):
        if not self.days or any(c not in ALL_DAYS for c in self.days):
            raise ValidationError({"days": _("Choisissez au moins un jour de la semaine.")})

    def contains(self, local: datetime) -> bool:
        """Whether a local (Paris) date-time falls in the window."""
        moment = local.time().replace(tzinfo=None)
        start, end = self.starts_at, self.ends_at
        if start == end:
            day = local.weekday()
        elif start < end:
            if not start <= moment < end:
                return False
            day = local.weekday()
        else:  # crosses midnight
            if moment >= start:
                day = local.weekday()
            elif moment < end:
                day = (local - timedelta(days=1)).weekday()
            else:
                return False
        return str(day) in self.days

    def days_label(self) -> str:
        if set(self.days) == set(ALL_DAYS):
            return str(_("tous les jours"))
        return ", ".join(str(Weekday(int(d)).label) for d in sorted(self.days))


class RuleQuerySet(models.QuerySet):
    def update(self, **kwargs):
        # A bulk update sends no save signal: move the routing revision here too, so that
        # processes keeping the routing table in memory reload it.
        count = super().update(**kwargs)
        RoutingRevision.objects.update(token=uuid.uuid4())
        return count


class RuleManager(models.Manager.from_queryset(RuleQuerySet)):
    def get_by_natural_key(self, order):
        return self.get(order=order)


class RoutingRule(models.Model):
    """One line of the routing table; rules are tried by increasing number, the first that
    matches the complaint gives its desk. Empty criteria match everything."""

    order = models.PositiveIntegerField(
        _("n°"), unique=True, help_text=_("Les règles sont essayées par numéro croissant.")
    )
    name = models.CharField(_("intitulé"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    family = models.ForeignKey(
        Family,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        verbose_name=_("famille"),
        help_text=_(
            "Toute catégorie de cette famille (laisser vide si une catégorie est choisie)."
        ),
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("catégorie")
    )
    sectors = models.ManyToManyField(
        Sector,
        blank=True,
        verbose_name=_("secteurs"),
        help_text=_("Vide avec des arrondissements vides : tout Paris."),
    )
    arrondissements = models.ManyToManyField(
        Arrondissement, blank=True, verbose_name=_("arrondissements")
    )
    time_window = models.ForeignKey(
        TimeWindow,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("plage horaire"),
        help_text=_("Vide : à toute heure."),
    )
    place_type = models.ForeignKey(
        PlaceType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("type de lieu"),
        help_text=_("Vide : tout lieu."),
    )
    desk = models.ForeignKey(
        Desk,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="routing_rules",
        verbose_name=_("guichet destinataire"),
    )
    partner = models.ForeignKey(
        Partner,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("guichet territorial du partenaire"),
        help_text=_(
            "Au lieu d'un guichet fixe : le guichet de ce partenaire compétent sur "
            "l'arrondissement de la doléance (commissariat, division de police municipale)."
        ),
    )
    copy_desks = models.ManyToManyField(
        Desk, blank=True, related_name="copy_routing_rules", verbose_name=_("guichets en copie")
    )
    note = models.TextField(_("justification"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RuleManager()

    class Meta:
        ordering = ["order"]
        verbose_name = _("règle d'orientation")
        verbose_name_plural = _("règles d'orientation")

    def __str__(self):
        return f"n°{self.order} {self.name}".strip()

    def natural_key(self):
        return (self.order,)

    def clean(self):
        if bool(self.desk_id) == bool(self.partner_id):
            raise ValidationError(
                _(
                    "Indiquez soit un guichet destinataire, soit un partenaire "
                    "(guichet territorial)."
                )
            )
        if self.family_id and self.category_id:
            raise ValidationError(_("Choisissez une famille ou une catégorie, pas les deux."))


class RoutingRevision(models.Model):
    """A token changed whenever anything the routing table is built from changes.

    Each process keeps its routing table in memory and rebuilds it only when this token
    differs from the one it was built with: one tiny query per routing instead of reading every
    rule and desk. The token is random (not a counter) and changes inside the editing
    transaction, so a rolled-back edit restores the old token and never matches a table built
    from the rolled-back data.
    """

    token = models.UUIDField(default=uuid.uuid4)

    class Meta:
        verbose_name = _("révision des règles d'orientation")

    def __str__(self):
        return str(self.token)
