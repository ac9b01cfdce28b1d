"""The import direction of ARCHITECTURE.md: layers import downwards only."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "conformance"

# layer -> the layers it may import (besides itself)
ALLOWED = {
    "model": set(),
    "detect": {"model"},
    "readers": {"model", "detect"},  # csv: a header row that holds data is refused
    "profiles": {"model", "schemas"},
    "reporters": {"model", "schemas"},
    "checks": {"detect", "model"},
    "engine": {"checks", "probes", "readers", "profiles", "model", "detect", "package"},
    "waivers": {"model", "readers"},
    "selfcheck": {"profiles", "model", "package"},
    "signing": {"reporters", "readers", "model"},
    "certify": {
        "engine",
        "probes",
        "waivers",
        "selfcheck",
        "profiles",
        "readers",
        "model",
        "package",
    },
    "docs": {"checks", "probes", "model"},
    "crosslink": {"engine", "checks", "readers", "model", "package"},
    "probes": {"detect", "readers", "model", "package"},
    "pytest_plugin": {"certify", "probes", "model", "package"},
    "progress": set(),
    "scaffold": {"profiles", "readers", "model"},
    "cli": {
        "scaffold",
        "progress",
        "certify",
        "readers",
        "signing",
        "engine",
        "crosslink",
        "docs",
        "model",
        "output",
        "probes",
        "profiles",
        "reporters",
        "package",
    },
    "output": {"model"},
    "package": {"package"},
    "schemas": set(),
}


def _layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "package"
    name = parts[1]
    return {"__main__": "cli"}.get(name, name)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("conformance")
        ):
            found.add(node.module)
            found.update(
                f"{node.module}.{a.name}" for a in node.names if node.module == "conformance"
            )
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("conformance"))
    return found


def test_layers_import_downwards_only() -> None:
    violations = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        module = ".".join(relative.parts).removesuffix(".__init__")
        layer = _layer(module)
        for imported in _imports(path):
            if imported == "conformance" or imported.endswith(".__version__"):
                continue  # the package root: its version only
            target = _layer(imported)
            if target not in ALLOWED[layer] | {layer}:
                violations.append(f"{module} ({layer}) imports {imported} ({target})")
    assert violations == []


def test_reporters_are_leaves() -> None:
    """Nothing but the CLI, and the signer after the reporters (it signs the JSON rendering,
    DESIGN.md §2), imports a reporter."""
    importers = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "reporters" in path.parts or path.name in ("cli.py", "signing.py"):
            continue
        if any(i.startswith("conformance.reporters") for i in _imports(path)):
            importers.append(str(path.relative_to(PACKAGE)))
    assert importers == []
