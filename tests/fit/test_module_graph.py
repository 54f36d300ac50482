"""The fitter's modules import one way: a fit's path (tracks → select → read → table → trend →
pipeline → outputs) never loops back, and no module passes ~400 lines."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "densing_fit"


def _module(path: Path) -> str:
    """The module's dotted name inside densing_fit (``rulers.direct``; a package is its folder)."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts) or "__init__"


def _graph() -> dict[str, set[str]]:
    """Module -> the densing_fit modules it imports (``from densing_fit.rulers import fit_cache`` names
    ``rulers.fit_cache`` when that is a module)."""
    modules = {_module(p) for p in PACKAGE.rglob("*.py")}
    graph = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("densing_fit."):
                base = node.module.removeprefix("densing_fit.")
                named = {f"{base}.{a.name}" for a in node.names} & modules
                imported |= named or {base}
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names if a.name.startswith("densing_fit.")]
                imported |= {name.removeprefix("densing_fit.") for name in names}
        graph[_module(path)] = imported - {_module(path)}
    return graph


def test_densing_fit_modules_import_without_cycles() -> None:
    graph = _graph()
    done: set[str] = set()

    def visit(module: str, stack: tuple[str, ...]) -> None:
        assert module not in stack, " -> ".join((*stack, module))
        if module in done:
            return
        for child in sorted(graph.get(module, ())):
            visit(child, (*stack, module))
        done.add(module)

    for module in sorted(graph):
        if module != "__init__":
            visit(module, ())
    assert "pipeline" not in graph["summaries.sensitivity"] and "pipeline" not in graph["track_fit"]


def test_modules_stay_small() -> None:
    sizes = {
        str(p.relative_to(PACKAGE)): len(p.read_text(encoding="utf-8").splitlines())
        for p in PACKAGE.rglob("*.py")
    }
    assert max(sizes.values()) <= 420, sizes
