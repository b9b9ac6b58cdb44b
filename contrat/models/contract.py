"""The contract as data: the Paris contract, its 17 arrondissement contracts (CSPA), axes,
priorities (fiches action), actions, declinations per sector and the decisions taken."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Partner
from accounts.models.partners import CodeManager
from contrat.choices import ActionStatus
from territory.models import Sector


class Contract(models.Model):
    """The CPPS (sector empty) or a CSPA (one per sector, declining the CPPS)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("intitulé"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("année de début"))
    end_year = models.PositiveSmallIntegerField(_("année de fin"))
    sector = models.OneToOneField(
        Sector,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contract",
        verbose_name=_("secteur (CSPA)"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="local_contracts",
        verbose_name=_("contrat parisien"),
    )
    signatories = models.ManyToManyField(
        Partner, blank=True, related_name="signed_contracts", verbose_name=_("signataires")
    )
    partners = models.ManyToManyField(
        Partner, blank=True, related_name="contracts", verbose_name=_("partenaires")
    )
    source = models.CharField(_("source"), max_length=300, blank=True)

    objects = CodeManager()

    class Meta:
        ordering = ["sector__order", "code"]
        verbose_name = _("contrat")
        verbose_name_plural = _("contrats")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class Axis(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="axes")
    number = models.PositiveSmallIntegerField(_("numéro"))
    title = models.CharField(_("intitulé"), max_length=300)
    description = models.TextField(_("présentation"), blank=True)

    class Meta:
        ordering = ["contract", "number"]
        unique_together = [("contract", "number")]
        verbose_name = _("axe")
        verbose_name_plural = _("axes")

    def __str__(self):
        return f"{self.number}. {self.title}"


class Priority(models.Model):
    """A fiche action, numbered "axis.rank" (e.g. "1.2")."""

    axis = models.ForeignKey(Axis, on_delete=models.CASCADE, related_name="priorities")
    code = models.CharField(_("numéro"), max_length=10, unique=True)
    rank = models.PositiveSmallIntegerField(_("rang dans l'axe"))
    title = models.CharField(_("intitulé"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    lead_partners = models.ManyToManyField(
        Partner, blank=True, related_name="led_priorities", verbose_name=_("pilotes")
    )
    associate_partners = models.ManyToManyField(
        Partner,
        blank=True,
        related_name="associated_priorities",
        verbose_name=_("partenaires associés"),
    )
    source = models.CharField(_("source"), max_length=300, blank=True)

    objects = CodeManager()

    class Meta:
        ordering = ["axis__number", "rank"]
        verbose_name = _("priorité (fiche action)")
        verbose_name_plural = _("priorités (fiches action)")

    def __str__(self):
        return f"{self.code} {self.title}"

    def natural_key(self):
        return (self.code,)


class SectorDeclination(models.Model):
    """How an arrondissement contract takes up a priority of the Paris contract."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="declinations")
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="declinations")
    local_lead = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("pilote local")
    )
    notes = models.TextField(_("déclinaison locale"), blank=True)

    class Meta:
        unique_together = [("priority", "sector")]
        verbose_name = _("déclinaison en arrondissement")
        verbose_name_plural = _("déclinaisons en arrondissement")

    def __str__(self):
        return f"{self.priority.code} — {self.sector}"


class Action(models.Model):
    """A step of a priority, numbered "priority.n" (e.g. "3.2.1"): the number is the action's
    stable key for imports, given automatically when left empty."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="actions")
    code = models.CharField(
        _("numéro"),
        max_length=20,
        unique=True,
        blank=True,
        help_text=_("Vide : numéroté dans la priorité (ex. 3.2.1)."),
    )
    sector = models.ForeignKey(
        Sector,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        verbose_name=_("secteur"),
        help_text=_("Vide pour une action parisienne."),
    )
    title = models.CharField(_("intitulé"), max_length=300)
    owner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("porteur")
    )
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    status = models.CharField(
        _("état"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    done_on = models.DateField(_("réalisée le"), null=True, blank=True)

    objects = CodeManager()

    class Meta:
        ordering = ["priority", "due_date", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self):
        return f"{self.code} {self.title}"

    def save(self, *args, **kwargs):
        if not self.code:
            self.code = self._next_code()
        super().save(*args, **kwargs)

    def natural_key(self):
        return (self.code,)

    def _next_code(self) -> str:
        prefix = f"{self.priority.code}."
        numbers = [
            int(code[len(prefix) :])
            for code in Action.objects.filter(code__startswith=prefix).values_list(
                "code", flat=True
            )
            if code[len(prefix) :].isdigit()
        ]
        return f"{prefix}{max(numbers, default=0) + 1}"


class Decision(models.Model):
    """A dated decision of a steering body about a priority (the priority's timeline)."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="decisions")
    sector = models.ForeignKey(
        Sector,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        verbose_name=_("secteur"),
        help_text=_("Vide pour une décision du comité de pilotage parisien."),
    )
    date = models.DateField(_("date"))
    body = models.CharField(
        _("instance"), max_length=120, help_text=_("Ex. : comité de pilotage, CSPA du 18e.")
    )
    text = models.TextField(_("décision"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("enregistrée par"),
    )

    class Meta:
        ordering = ["-date", "-pk"]
        # (priority, sector, date, body) is the natural key used by imports.
        constraints = [
            models.UniqueConstraint(
                fields=["priority", "sector", "date", "body"], name="decision_unique"
            ),
            models.UniqueConstraint(
                fields=["priority", "date", "body"],
                condition=models.Q(sector__isnull=True),
                name="decision_unique_paris",
            ),
        ]
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")

    def __str__(self):
        return f"{self.date} — {self.body}"
