from .catalog import CatalogRevision, ServiceAttribute, ServiceSettings
from .keys import ApiKey, ApiKeyWindow
from .submission import RequestAttributes

__all__ = [
    "ApiKey",
    "ApiKeyWindow",
    "CatalogRevision",
    "RequestAttributes",
    "ServiceAttribute",
    "ServiceSettings",
]
