"""Keep the discovery `changeset` current: any change to the catalogue clients cache."""

from core.signals import on_change
from doleances.models import Category, Family
from open311.models import CatalogRevision, ServiceAttribute, ServiceSettings
from open311.services import SERVICES


def touch_catalog(sender, **kwargs):
    CatalogRevision.touch()
    SERVICES.clear()


def connect():
    on_change(
        touch_catalog, (Family, Category, ServiceAttribute, ServiceSettings), "open311.catalog"
    )
