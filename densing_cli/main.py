"""The ``densing`` command group. Subcommands are imported only when run, so ``densing validate``
never imports scipy and only ``densing evaluate`` imports torch."""

from __future__ import annotations

import importlib

import click

COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("densing_cli.data_commands", "validate"),
    "export": ("densing_cli.data_commands", "export"),
    "fit": ("densing_cli.fit_commands", "fit"),
    "density": ("densing_cli.density_commands", "density"),
    "build": ("densing_cli.site_commands", "build"),
    "build-version": ("densing_cli.site_commands", "build_version"),
    "keep-published": ("densing_cli.site_commands", "keep_published"),
    "evaluate": ("densing_cli.eval_commands", "evaluate"),
    "import-lm-eval": ("densing_cli.eval_commands", "import_lm_eval"),
    "check-pr": ("densing_cli.contrib_commands", "check_pr"),
    "add": ("densing_cli.contrib_commands", "add"),
    "release": ("densing_cli.release_commands", "release"),
    "verify-release": ("densing_cli.release_commands", "verify_release"),
    "pr-summary": ("densing_cli.pr_summary", "pr_summary"),
}
"""Subcommand name -> (module, attribute) of its click command."""


class LazyGroup(click.Group):
    """A click group that imports each subcommand's module on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module = importlib.import_module(target[0])
        return getattr(module, target[1])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="densing-leaderboard")
def cli() -> None:
    """Densing Law leaderboard: validate records, fit densities, build the site, run evaluators."""


if __name__ == "__main__":
    cli()
