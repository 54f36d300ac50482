"""The fitter's modules import one way: a fit's path (tracks → select → read → table → trend →
pipeline → outputs) never loops back, and no module passes ~400 lines."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "densing_fit"


def _graph() -> dict[str, set[str]]:
    graph = {}
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("densing_fit."):
                imported.add(node.module.split(".")[1])
            elif isinstance(node, ast.Import):
                imported |= {a.name.split(".")[1] for a in node.names if a.name.startswith("densing_fit.")}
        graph[path.stem] = imported
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
    assert "pipeline" not in graph["summaries"] and "pipeline" not in graph["track_fit"]


def test_modules_stay_small() -> None:
    sizes = {
        str(p.relative_to(PACKAGE)): len(p.read_text(encoding="utf-8").splitlines())
        for p in PACKAGE.rglob("*.py")
    }
    assert max(sizes.values()) <= 420, sizes
