"""The layers stay true: every module of every app imports, and none imports an app above it.

The declared order, bottom to top (an app may import its own layer and those below):

    core, analytics  ←  territory, accounts  ←  doleances  ←  traitement
      ←  guichet, open311, victimes, prevention  ←  observatoire  ←  contrat  ←  cpps

Modules are found by walking the packages, so a new module is covered as soon as it exists;
imports inside functions count as much as those at the top. An app named here but absent from
this branch (victimes, prevention are being written elsewhere) is skipped; a package of the
repository named nowhere fails the test until it is given its layer.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import pkgutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = (
    ("core", "analytics", "operations"),
    ("territory", "accounts"),
    ("doleances",),
    ("traitement",),
    ("guichet", "open311", "victimes", "prevention"),
    ("observatoire",),
    ("contrat",),
    ("cpps",),
)
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}
NOT_APPS = {"tests", "bench", "var", "node_modules"}  # repository folders that are not layered


def present_apps() -> list[str]:
    return [name for name in RANK if importlib.util.find_spec(name) is not None]


def modules_of(package: str) -> list[str]:
    """The package and every module under it, found on disk."""
    root = importlib.import_module(package)
    names = [package]
    for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
        names.append(info.name)
    return names


def imported_names(source: str, module: str, is_package: bool) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import statement in `source`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolved against the importing package
                parts = module.split(".")
                base = parts if is_package else parts[:-1]
                base = base[: len(base) - (node.level - 1)]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module
            found.append((node.lineno, name))
    return found


def upward_imports(module: str, source: str, is_package: bool = False) -> list[str]:
    """The imports of `module` that reach an app above its own layer, as readable lines."""
    own = RANK[module.split(".")[0]]
    wrong = []
    for line, name in imported_names(source, module, is_package):
        top = name.split(".")[0]
        if top in RANK and RANK[top] > own:
            wrong.append(f"{module}:{line} imports {name} (layer {RANK[top]} > {own})")
    return wrong


def test_every_package_of_the_repository_has_its_layer():
    packages = {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in NOT_APPS and not path.parent.name.startswith(".")
    }
    assert packages - set(RANK) == set(), "give each new package its place in LAYERS"


@pytest.mark.parametrize("app", present_apps())
def test_no_module_imports_an_app_above_its_own(app):
    wrong = []
    for name in modules_of(app):
        module = importlib.import_module(name)  # every module imports
        source = Path(module.__file__).read_text(encoding="utf-8")
        is_package = Path(module.__file__).name == "__init__.py"
        wrong.extend(upward_imports(name, source, is_package))
    assert wrong == []


def test_the_check_catches_upward_imports_wherever_they_are():
    source = (
        "from accounts.choices import Role\n"
        "def scope():\n"
        "    from doleances.models import Complaint\n"
        "    import observatoire.services\n"
    )
    assert upward_imports("accounts.permissions", source) == [
        "accounts.permissions:3 imports doleances.models (layer 2 > 1)",
        "accounts.permissions:4 imports observatoire.services (layer 5 > 1)",
    ]
    assert upward_imports("core.db", "from traitement.models import Case\n") != []
    assert upward_imports("guichet.views", "from open311 import choices\n") == []  # same layer
    assert upward_imports("victimes.services", "from contrat.models import Indicator\n") != []
    # Relative imports are resolved: `from ..models` inside traitement stays in traitement.
    assert upward_imports("traitement.api.views", "from ..models import Case\n") == []
