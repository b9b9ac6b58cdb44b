"""What Open311 adds to our taxonomy: service attributes, keywords, publication, revision."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from open311.choices import LIST_DATATYPES, Datatype


class ServiceSettings(models.Model):
    """Open311 settings of one category (a category without a row takes the defaults)."""

    category = models.OneToOneField(
        "doleances.Category",
        on_delete=models.CASCADE,
        related_name="open311_settings",
        verbose_name=_("catégorie"),
    )
    keywords = models.CharField(
        _("mots-clés"), max_length=300, blank=True, help_text=_("Séparés par des virgules.")
    )
    publish_requests = models.BooleanField(
        _("signalements publiés"),
        default=True,
        help_text=_(
            "Décochez pour les catégories sensibles (violences, personnes vulnérables) : leurs "
            "signalements n'apparaissent pas dans la liste publique, seul le client qui les a "
            "déposés les voit avec sa clé d'API."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category__family__order", "category__order"]
        verbose_name = _("réglage Open311 d'un service")
        verbose_name_plural = _("réglages Open311 des services")

    def __str__(self):
        return str(self.category)


def validate_values(values) -> None:
    if not isinstance(values, list) or not all(
        isinstance(v, dict) and set(v) == {"key", "name"} and str(v["key"]).strip() for v in values
    ):
        raise ValidationError(
            _('Liste de valeurs attendue : [{"key": "…", "name": "…"}, …].'), code="values"
        )
    keys = [str(v["key"]) for v in values]
    if len(keys) != len(set(keys)):
        raise ValidationError(_("Chaque clé de valeur doit être unique."), code="values")


class ServiceAttribute(models.Model):
    """A field of a service definition (GeoReport v2 `attribute`), kept as data."""

    category = models.ForeignKey(
        "doleances.Category",
        on_delete=models.CASCADE,
        related_name="open311_attributes",
        verbose_name=_("catégorie"),
    )
    code = models.SlugField(_("code"), max_length=60)
    datatype = models.CharField(_("type"), max_length=20, choices=Datatype.choices)
    required = models.BooleanField(_("obligatoire"), default=False)
    variable = models.BooleanField(
        _("saisie attendue"),
        default=True,
        help_text=_("Décoché : simple information affichée à la personne, sans saisie."),
    )
    description = models.CharField(_("question posée"), max_length=300)
    datatype_description = models.CharField(_("aide à la saisie"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=1)
    values = models.JSONField(
        _("valeurs possibles"), default=list, blank=True, validators=[validate_values]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "order", "code"]
        verbose_name = _("attribut de service Open311")
        verbose_name_plural = _("attributs de service Open311")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "code"], name="open311_attribute_code_per_category"
            )
        ]

    def __str__(self):
        return f"{self.category} — {self.code}"

    def clean(self):
        if self.datatype in LIST_DATATYPES and not self.values:
            raise ValidationError(
                {"values": _("Un choix dans une liste demande au moins une valeur.")}
            )
        if self.datatype not in LIST_DATATYPES and self.values:
            raise ValidationError({"values": _("Seuls les choix dans une liste ont des valeurs.")})

    @property
    def value_keys(self) -> list[str]:
        return [str(v["key"]) for v in self.values]


class CatalogRevision(models.Model):
    """One row: when the service list or a service definition last changed (the discovery
    `changeset`, which tells clients to refresh what they cached)."""

    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.changed_at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def touch(cls) -> None:
        cls.objects.update_or_create(pk=1, defaults={"changed_at": timezone.now()})

    @classmethod
    def current(cls):
        return cls.objects.get_or_create(pk=1)[0].changed_at
