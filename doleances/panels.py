"""Panels that apps above add to a complaint's public pages (confirmation, tracking).

The resident's pages live in `guichet`; what other apps have to say about a complaint (for
instance `victimes`: where to find help after violence or a hate act) is registered here,
so that neither app imports the other. A panel is `panel(request, complaint) -> str`: HTML,
or "" when it has nothing to show.
"""

from collections.abc import Callable

from django.utils.html import format_html_join
from django.utils.safestring import SafeString

Panel = Callable[[object, object], str]
_panels: dict[str, Panel] = {}


def register_complaint_panel(name: str, panel: Panel) -> None:
    _panels[name] = panel


def render_complaint_panels(request, complaint) -> SafeString:
    parts = [panel(request, complaint) for _name, panel in sorted(_panels.items())]
    return format_html_join("", "{}", ((part,) for part in parts if part))
