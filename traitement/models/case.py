"""The case: how a complaint is being worked (desk, agent, deadline, answer) and its history.

The workflow status itself lives on `Complaint.status`; `traitement.services` is its only
writer and keeps the queue keys copied here (is_open, priority, received_at) in step, so
that a desk's queue is read from one indexed table even with millions of cases.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Desk
from doleances.choices import Priority, Status
from doleances.models import Complaint
from traitement.choices import ClosingReason, EventKind
from traitement.models.routing import PlaceType, RoutingRule


class Case(models.Model):
    complaint = models.OneToOneField(
        Complaint,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="case",
        verbose_name=_("doléance"),
    )
    # No plain index on desk: SQLite's planner would prefer it to the partial queue indexes
    # below (which start with desk) and read every case of a desk to count its open ones.
    desk = models.ForeignKey(
        Desk,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("guichet"),
        db_index=False,
    )
    copy_desks = models.ManyToManyField(
        Desk, blank=True, related_name="copied_cases", verbose_name=_("guichets en copie")
    )
    place_type = models.ForeignKey(
        PlaceType, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("type de lieu")
    )
    routing_rule = models.ForeignKey(
        RoutingRule,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        verbose_name=_("règle d'orientation"),
    )
    routing_reason = models.CharField(_("motif de l'orientation"), max_length=500, blank=True)
    rerouted = models.BooleanField(
        _("réorientée à la main"),
        default=False,
        help_text=_("Une orientation manuelle n'est plus recalculée automatiquement."),
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
        verbose_name=_("agent"),
    )
    # Queue keys (copies kept in step by traitement.services; see the module docstring).
    is_open = models.BooleanField(_("ouverte"), default=True)
    priority = models.PositiveSmallIntegerField(
        _("priorité"), choices=Priority.choices, default=Priority.NORMAL
    )
    received_at = models.DateTimeField(_("reçue le"))
    due_at = models.DateTimeField(_("échéance"))

    closing_reason = models.CharField(
        _("motif de clôture"), max_length=20, choices=ClosingReason.choices, blank=True
    )
    answer = models.TextField(_("réponse au déclarant"), blank=True)
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("clôturée le"), null=True, blank=True)
    merged_into = models.ForeignKey(
        Complaint,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_duplicates",
        verbose_name=_("fusionnée dans"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        indexes = [
            # The desk queue, read in its display order (priority first, then age) so that a
            # page is one index range; due_at rides along so the overdue split is decided
            # without touching the table. Partial indexes because Django writes
            # `is_open=True` as a bare boolean term, which SQLite can match against an index
            # condition but not use as an index column.
            models.Index(
                fields=["desk", "-priority", "received_at", "complaint", "due_at"],
                condition=models.Q(is_open=True),
                name="case_open_queue_idx",
            ),
            models.Index(
                fields=["desk", "-priority", "-received_at", "-complaint"],
                condition=models.Q(is_open=False),
                name="case_finished_queue_idx",
            ),
            # The observatory's incremental refresh looks changed cases up by updated_at
            # (without it, each refresh scans every case: 10 M at issue 12's scale).
            models.Index(fields=["updated_at"], name="case_updated_idx"),
        ]

    def __str__(self):
        return str(self.complaint_id)

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()


class CaseEvent(models.Model):
    """One line of a case's history. `comment` is internal; `public_message` is for residents."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("date"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("auteur"),
    )
    kind = models.CharField(_("nature"), max_length=20, choices=EventKind.choices)
    from_status = models.CharField(
        _("statut avant"), max_length=20, choices=Status.choices, blank=True
    )
    to_status = models.CharField(
        _("statut après"), max_length=20, choices=Status.choices, blank=True
    )
    from_desk = models.ForeignKey(
        Desk,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("guichet avant"),
    )
    to_desk = models.ForeignKey(
        Desk,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("guichet après"),
    )
    comment = models.TextField(_("note interne"), blank=True)
    public_message = models.TextField(_("message au déclarant"), blank=True)
    is_public = models.BooleanField(_("visible du déclarant"), default=False)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("événement du dossier")
        verbose_name_plural = _("événements du dossier")
        indexes = [models.Index(fields=["case", "at"], name="caseevent_case_at_idx")]

    def __str__(self):
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
