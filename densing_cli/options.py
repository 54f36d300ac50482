"""Options shared by several ``densing`` subcommands, as decorators, so they read and behave the same."""

from __future__ import annotations

from pathlib import Path

import click

records_option = click.option(
    "--records",
    "records_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Records directory (default: the shipped records).",
)
"""``--records DIR``: work on another records directory (tests, forks, drafts)."""

repo_option = click.option(
    "--repo",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Repository root (default: the git repository holding the current directory).",
)
"""``--repo DIR``: the git repository to compare or release in."""
