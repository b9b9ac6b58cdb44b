"""Every route of the project has a row in the role × route matrix, so that a new page,
endpoint, export or admin screen cannot ship without saying who may open it.

The URL resolver is walked (namespaces included); each named route must be the `url_name`
of a row of `test_accounts_matrix.PAGES`, and each route without a name must be reached by
a row written as a path — except the exemptions below, each with its reason.
"""

from __future__ import annotations

import re

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from test_accounts_matrix import PAGES

# Named routes the matrix does not need a row for (regular expressions on "namespace:name").
EXEMPT_NAMES = {
    # The admin's generic add/history/delete screens are behind the same `admin_view` guard as
    # the change lists, which all have rows; the matrix keeps those where the admin itself
    # refuses an administrator (append-only audit trail, complaints only through the intake).
    r"admin:\w+_(add|history|delete)": "generic admin CRUD screens, same guard as the lists",
    # One change page per application is in the matrix (checked below): the others are the
    # same ModelAdmin.change_view behind the same guard.
    r"admin:\w+_change": "one change page per application is enough (checked below)",
}
# Routes without a name, by pattern: the admin's own redirections and catch-all.
EXEMPT_UNNAMED = {
    r"admin/.*": "the admin's redirection of <id>/ to <id>/change/ and its catch-all 404",
}
# Applications whose admin must show at least one change page in the matrix.
ADMIN_APPS = (
    "auth",
    "territory",
    "accounts",
    "doleances",
    "traitement",
    "open311",
    "contrat",
    "prevention",
)


def routes(resolver=None, namespace=(), prefix=""):
    """(name or None, pattern) of every route, "namespace:name" for namespaced ones."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = (*namespace, entry.namespace) if entry.namespace else namespace
            yield from routes(entry, inner, pattern)
        elif isinstance(entry, URLPattern):
            yield (":".join((*namespace, entry.name)) if entry.name else None), pattern


def exempt(value: str, patterns: dict) -> bool:
    return any(re.fullmatch(pattern, value) for pattern in patterns)


def covered_names() -> set[str]:
    return {page.url_name for page in PAGES if not page.url_name.startswith("/")}


def covered_unnamed() -> set[str]:
    return {resolve(page.url_name).route for page in PAGES if page.url_name.startswith("/")}


def test_every_named_route_has_a_matrix_row():
    names = {name for name, _pattern in routes() if name}
    missing = sorted(n for n in names - covered_names() if not exempt(n, EXEMPT_NAMES))
    assert not missing, f"routes without a row in test_accounts_matrix.PAGES: {missing}"


def test_every_unnamed_route_has_a_matrix_row():
    unnamed = {pattern for name, pattern in routes() if not name}
    missing = sorted(p for p in unnamed - covered_unnamed() if not exempt(p, EXEMPT_UNNAMED))
    assert not missing, f"unnamed routes without a row (give a path): {missing}"


def test_matrix_rows_name_existing_routes():
    names = {name for name, _pattern in routes() if name}
    assert not sorted(covered_names() - names)


def test_every_exemption_is_still_needed():
    names = [name for name, _pattern in routes() if name]
    unnamed = [pattern for name, pattern in routes() if not name]
    for pattern in EXEMPT_NAMES:
        assert any(re.fullmatch(pattern, n) for n in names), f"{pattern} exempts nothing"
    for pattern in EXEMPT_UNNAMED:
        assert any(re.fullmatch(pattern, p) for p in unnamed), f"{pattern} exempts nothing"


def test_the_admin_is_covered_by_representative_screens():
    names = {name for name, _pattern in routes() if name}
    changelists = {n for n in names if n.endswith("_changelist")}
    assert changelists <= covered_names(), "every model's change list has a row"
    for app in ADMIN_APPS:
        assert any(re.fullmatch(rf"admin:{app}_\w+_change", n) for n in covered_names()), (
            f"no change page of {app} in the matrix"
        )
    assert {"admin:index", "admin:app_list"} <= covered_names()
