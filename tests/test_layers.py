"""The layers import one way: records/schema/store <- fit <- site; evaluators write through the store only."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FORBIDDEN = {
    "densing_data": {
        "densing_fit",
        "densing_site",
        "densing_cli",
        "evaluators",
        "torch",
        "transformers",
        "scipy",
        "altair",
        "jinja2",
        "mkdocs",
    },
    "densing_fit": {
        "densing_site",
        "densing_cli",
        "evaluators",
        "torch",
        "transformers",
        "altair",
        "jinja2",
        "mkdocs",
    },
    "densing_site": {"densing_cli", "evaluators", "torch", "transformers"},
    "evaluators": {"densing_fit", "densing_site", "densing_cli"},
}


def imported_roots(path: Path) -> set[str]:
    """Top-level package names imported anywhere in ``path`` (including inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_what_lies_below(package: str) -> None:
    offenders = []
    for path in sorted((ROOT / package).rglob("*.py")):
        bad = imported_roots(path) & FORBIDDEN[package]
        if bad:
            offenders.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert not offenders, "\n".join(offenders)


def test_site_build_path_never_loads_torch() -> None:
    code = (
        "import sys, densing_data, densing_cli.main; import densing_cli.data_commands;"
        "import importlib.util as u;"
        "[__import__(m) for m in ('densing_fit', 'densing_site') if u.find_spec(m)];"
        "print('torch' in sys.modules or 'transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


PACKAGES = ["densing_data", "densing_fit", "densing_site", "densing_cli", "evaluators"]


@pytest.mark.parametrize("package", PACKAGES)
def test_no_folder_holds_more_than_about_fifteen_modules(package: str) -> None:
    """A folder past about fifteen modules is grouped into subpackages by job (the layering rule)."""
    counts: dict[str, int] = {}
    for path in (ROOT / package).rglob("*.py"):
        if path.name != "__init__.py":
            folder = str(path.parent.relative_to(ROOT))
            counts[folder] = counts.get(folder, 0) + 1
    crowded = {folder: n for folder, n in counts.items() if n > 15}
    assert not crowded, f"group these folders' modules into subpackages by job: {crowded}"
