"""docs/evaluators.md names every option of both commands, and every task."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from densing_cli.eval_commands import evaluate, import_lm_eval
from evaluators.tasks.tasks import TASKS

DOCS = (Path(__file__).resolve().parents[2] / "docs" / "evaluators.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", [evaluate, import_lm_eval], ids=["evaluate", "import-lm-eval"])
def test_every_option_is_documented(command: click.Command) -> None:
    missing = [
        opt
        for param in command.params
        if isinstance(param, click.Option)
        for opt in param.opts + param.secondary_opts
        if opt.startswith("--") and opt not in DOCS
    ]
    assert not missing


def test_every_task_is_documented() -> None:
    assert all(f"| `{name}` | {spec.shots} |" in DOCS for name, spec in TASKS.items())
