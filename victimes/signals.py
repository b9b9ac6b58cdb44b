"""Any change of the directory moves its version token (the finder's index is rebuilt)."""

from django.db.models.signals import post_delete, post_save

DIRECTORY_MODELS = (
    "Taxonomy",
    "TaxonomyTerm",
    "Organization",
    "Service",
    "Location",
    "Address",
    "ServiceAtLocation",
    "Phone",
    "Schedule",
    "ServiceArea",
    "Language",
    "Accessibility",
    "CostOption",
    "Attribute",
)


def _bump(sender, **kwargs):
    from victimes.models import DirectoryVersion

    DirectoryVersion.bump()


def connect():
    from victimes import models

    for name in DIRECTORY_MODELS:
        model = getattr(models, name)
        post_save.connect(_bump, sender=model, dispatch_uid=f"victimes-version-save-{name}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"victimes-version-delete-{name}")
