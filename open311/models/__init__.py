from .catalog import CatalogRevision, ServiceAttribute, ServiceSettings
from .keys import ApiKey
from .submission import RequestAttributes

__all__ = [
    "ApiKey",
    "CatalogRevision",
    "RequestAttributes",
    "ServiceAttribute",
    "ServiceSettings",
]
