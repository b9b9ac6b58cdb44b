"""Any change of the directory moves its version token (the finder's index is rebuilt)."""

from core.signals import on_change

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

    on_change(_bump, (getattr(models, name) for name in DIRECTORY_MODELS), "victimes.version")
