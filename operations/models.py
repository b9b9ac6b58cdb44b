"""What the background worker runs and keeps: the schedule of periodic tasks (data, edited in
the admin), the outgoing e-mails until they are delivered, and each worker's heartbeat."""

from __future__ import annotations

import calendar
from datetime import datetime, time, timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Every(models.TextChoices):
    INTERVAL = "interval", _("toutes les N secondes")
    DAY = "day", _("chaque jour")
    WEEK = "week", _("chaque semaine")
    MONTH = "month", _("chaque mois")


class ScheduledTask(models.Model):
    """A task the worker enqueues on a schedule: every N seconds, or each day, week or month
    at a local time. `next_run_at` empty means due now."""

    name = models.CharField(_("nom"), max_length=120, unique=True)
    task_path = models.CharField(
        _("tâche"),
        max_length=200,
        help_text=_("Chemin Python de la tâche, ex. observatoire.tasks.refresh_store"),
    )
    kwargs = models.JSONField(_("paramètres"), default=dict, blank=True)
    every = models.CharField(_("périodicité"), max_length=10, choices=Every.choices)
    interval_seconds = models.PositiveIntegerField(_("intervalle (s)"), null=True, blank=True)
    at = models.TimeField(_("heure (Paris)"), default=time(3, 0))
    weekday = models.PositiveSmallIntegerField(_("jour de la semaine (0 = lundi)"), default=0)
    day = models.PositiveSmallIntegerField(_("jour du mois"), default=1)
    enabled = models.BooleanField(_("active"), default=True)
    next_run_at = models.DateTimeField(_("prochaine exécution"), null=True, blank=True)
    last_enqueued_at = models.DateTimeField(_("dernière mise en file"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tâche planifiée")
        verbose_name_plural = _("tâches planifiées")

    def __str__(self) -> str:
        return self.name

    def following(self, moment: datetime) -> datetime:
        """The first run strictly after `moment`."""
        if self.every == Every.INTERVAL:
            return moment + timedelta(seconds=max(1, self.interval_seconds or 60))
        local = timezone.localtime(moment)
        candidate = local.replace(hour=self.at.hour, minute=self.at.minute, second=0, microsecond=0)
        if self.every == Every.DAY:
            return candidate if candidate > local else candidate + timedelta(days=1)
        if self.every == Every.WEEK:
            candidate += timedelta(days=(self.weekday - candidate.weekday()) % 7)
            return candidate if candidate > local else candidate + timedelta(days=7)
        year, month = candidate.year, candidate.month
        for _step in range(2):
            day = min(self.day, calendar.monthrange(year, month)[1])
            candidate = candidate.replace(year=year, month=month, day=day)
            if candidate > local:
                return candidate
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return candidate


class OutgoingMail(models.Model):
    """One e-mail, stored in the transaction that decided it, delivered by the worker and
    retried with a growing delay until the mail server takes it."""

    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    subject = models.CharField(_("objet"), max_length=300)
    body = models.TextField(_("texte"))
    from_email = models.CharField(_("expéditeur"), max_length=254)
    to = models.JSONField(_("destinataires"), default=list)
    cc = models.JSONField(default=list, blank=True)
    bcc = models.JSONField(default=list, blank=True)
    reply_to = models.JSONField(default=list, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveIntegerField(_("tentatives"), default=0)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), default=timezone.now)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    last_error = models.CharField(_("dernière erreur"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("courriel sortant")
        verbose_name_plural = _("courriels sortants")
        indexes = [models.Index(fields=["sent_at", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.pk} — {self.subject}"


class WorkerHeartbeat(models.Model):
    """Written by each running worker every few seconds; /sante/ reads the latest."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    backend = models.CharField(max_length=20)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("battement de cœur du worker")
        verbose_name_plural = _("battements de cœur des workers")

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"


class RateCount(models.Model):
    """Requests of one client (`bucket`: scope and address) in one minute, counted in the
    database that every web process shares (operations.ratelimit)."""

    bucket = models.CharField(max_length=120)
    minute = models.BigIntegerField()  # minutes since the Unix epoch
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bucket", "minute"], name="operations_one_count")
        ]

    def __str__(self) -> str:
        return f"{self.bucket} @{self.minute}: {self.hits}"
