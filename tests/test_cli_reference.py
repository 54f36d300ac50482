"""docs/cli.md equals the commands' own --help texts, and every subcommand answers --help."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from densing_cli.main import COMMANDS, cli
from densing_cli.reference import render_reference

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def test_reference_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == render_reference(), (
        "docs/cli.md is stale: run python -m densing_cli.reference > docs/cli.md"
    )


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help_and_is_documented(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert f"`densing {name}`" in DOC.read_text(encoding="utf-8")
