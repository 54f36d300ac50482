"""Options shared by several ``densing`` subcommands, as decorators, so they read and behave the same."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


class Count(click.ParamType):
    """A count such as parameters or tokens: an integer, or a number with K, M, B or T (``7.24B``),
    from 1 to ``maximum``."""

    name = "count"

    def __init__(self, maximum: int) -> None:
        self.maximum = maximum

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        from densing_data.contrib.add import parse_count

        try:
            return parse_count(value, self.maximum)
        except ValueError as err:
            self.fail(str(err), param, ctx)
