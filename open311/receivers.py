"""Keep the discovery `changeset` current: any change to the catalogue clients cache."""

from django.db.models.signals import post_delete, post_save

from doleances.models import Category, Family
from open311.models import CatalogRevision, ServiceAttribute, ServiceSettings
from open311.services import SERVICES


def touch_catalog(sender, **kwargs):
    CatalogRevision.touch()
    SERVICES.clear()


def connect():
    for model in (Family, Category, ServiceAttribute, ServiceSettings):
        for signal in (post_save, post_delete):
            signal.connect(
                touch_catalog,
                sender=model,
                dispatch_uid=f"open311_catalog_{model.__name__}_{signal is post_save}",
            )
