"""The complaint taxonomy: a two-level tree (family → category), kept as data."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from doleances.choices import Priority


class Family(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("libellé"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    for_city_services = models.BooleanField(
        _("signalements pour les services de la Ville"),
        default=False,
        help_text=_("Famille hors tranquillité publique, transmise aux services de la Ville."),
    )

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("famille de doléances")
        verbose_name_plural = _("familles de doléances")

    def __str__(self):
        return self.label


class CategoryManager(models.Manager):
    """Fixtures of apps above may name a category by its code (natural key)."""

    def get_by_natural_key(self, code):
        return self.get(code=code)


class Category(models.Model):
    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, related_name="categories", verbose_name=_("famille")
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    label = models.CharField(_("libellé"), max_length=160)
    help_text = models.TextField(_("aide à la saisie"), blank=True)
    service_code = models.CharField(_("code de service Open311"), max_length=60, unique=True)
    default_priority = models.PositiveSmallIntegerField(
        _("priorité par défaut"), choices=Priority.choices, default=Priority.NORMAL
    )
    answer_deadline_days = models.PositiveSmallIntegerField(
        _("délai de réponse (jours)"), default=15
    )
    is_emergency = models.BooleanField(
        _("urgence"),
        default=False,
        help_text=_("Le signalement invite à appeler le 17 ou le 112 au lieu d'écrire."),
    )
    requires_police_complaint = models.BooleanField(
        _("orienter vers un dépôt de plainte"),
        default=False,
        help_text=_("Vols, agressions : la personne est invitée à porter plainte."),
    )
    is_sensitive = models.BooleanField(
        _("sensible"),
        default=False,
        help_text=_(
            "Jamais montrée au public : ni parmi les signalements à proximité, ni suivable par "
            "un tiers (violences, personnes vulnérables)."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    objects = CategoryManager()

    class Meta:
        ordering = ["family__order", "order", "code"]
        verbose_name = _("catégorie de doléance")
        verbose_name_plural = _("catégories de doléances")

    def __str__(self):
        return self.label

    def natural_key(self):
        return (self.code,)


class DansMaRueType(models.Model):
    """One entry of the DansMaRue type tree, mapped onto our taxonomy for imports."""

    dmr_id = models.PositiveIntegerField(_("identifiant DansMaRue"), unique=True)
    label = models.CharField(_("libellé"), max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    path = models.CharField(_("chemin"), max_length=400)
    is_active = models.BooleanField(_("actif"), default=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="dansmarue_types",
        verbose_name=_("catégorie cpps"),
    )

    class Meta:
        ordering = ["path"]
        verbose_name = _("type DansMaRue")
        verbose_name_plural = _("types DansMaRue")

    def __str__(self):
        return self.path
