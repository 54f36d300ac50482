"""The contribution files agree with the code: workflows pinned and running what .ci/run runs, the
commands in CONTRIBUTING.md exist with those options, citation files name the data version."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import click
import pytest
import yaml

from densing_cli.main import cli
from densing_data.contrib.layout import RepoLayout
from densing_data.contrib.release import changelog
from tests.contrib.conftest import REAL_ROOT

WORKFLOWS = sorted((REAL_ROOT / ".github" / "workflows").glob("*.yml"))
PINNED = re.compile(r"^\s*(?:-\s+)?uses:\s+[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+\s*$")


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_by_commit_with_its_version(path: Path) -> None:
    uses = [line for line in path.read_text().splitlines() if re.match(r"^\s*(-\s+)?uses:", line)]
    unpinned = [line.strip() for line in uses if not PINNED.match(line)]
    assert not unpinned, f"{path.name}: pin by full commit SHA with '# vX.Y.Z': {unpinned}"


def test_pull_request_workflow_runs_what_ci_run_runs() -> None:
    steps = yaml.safe_load((REAL_ROOT / ".github" / "workflows" / "pr.yml").read_text())["jobs"]["check"][
        "steps"
    ]
    commands = "\n".join(step.get("run", "") for step in steps)
    for needed in (
        "make install",
        "densing validate --format github",
        "make test",
        "make site",
        'densing check-pr "$BASE_SHA" --format github',
        "densing pr-summary",
    ):
        assert needed in commands, needed
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # check-pr needs the base commit
    ci_run = (REAL_ROOT / ".ci" / "run").read_text()
    for needed in ("make install", "densing validate", "make test", "make site"):
        assert needed in ci_run, needed


def test_release_and_deploy_workflows_trigger_as_documented() -> None:
    release = yaml.safe_load((REAL_ROOT / ".github" / "workflows" / "release.yml").read_text())
    assert release[True]["push"]["tags"] == ["data-v*"]  # YAML 1.1 reads the key `on` as True
    assert "densing verify-release" in json.dumps(release)
    deploy = yaml.safe_load((REAL_ROOT / ".github" / "workflows" / "deploy.yml").read_text())
    assert deploy[True]["push"]["branches"] == ["main"]
    assert deploy["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def _documented_commands() -> list[list[str]]:
    text = (REAL_ROOT / "CONTRIBUTING.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)```", text, re.S)
    joined = "\n".join(b.replace("\\\n", " ") for b in blocks)
    commands = []
    for line in joined.splitlines():
        line = line.split(" #", 1)[0].strip()
        if line.startswith(".venv/bin/densing "):
            commands.append(shlex.split(line)[1:])
    return commands


def test_contributing_commands_exist_with_those_options() -> None:
    commands = _documented_commands()
    assert len(commands) >= 8
    ctx = click.Context(cli)
    for args in commands:
        command: click.Command = cli
        words = list(args)
        while isinstance(command, click.Group):
            sub = command.get_command(ctx, words[0])
            assert sub is not None, f"no command {words[0]!r} ({args})"
            command, words = sub, words[1:]
        known = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
        used = {w for w in words if w.startswith("--")}
        assert used <= known, f"densing {' '.join(args[:2])}: unknown options {sorted(used - known)}"


def test_citation_files_name_the_data_version() -> None:
    layout = RepoLayout(root=REAL_ROOT)
    cff = yaml.safe_load((REAL_ROOT / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "dataset"
    assert cff["version"] == layout.data_version()
    paper = cff["preferred-citation"]
    assert paper["doi"] == "10.1038/s42256-025-01137-0" and paper["journal"] == "Nature Machine Intelligence"
    assert paper["authors"][0] == {"family-names": "Xiao", "given-names": "Chaojun"}
    zenodo = json.loads((REAL_ROOT / ".zenodo.json").read_text())
    assert zenodo["version"] == layout.data_version() and zenodo["upload_type"] == "dataset"


def test_changelog_starts_with_the_standard_header() -> None:
    assert (REAL_ROOT / "CHANGELOG.md").read_text().startswith(changelog.HEADER)
