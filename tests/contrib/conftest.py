"""A real git repository in a temporary directory, laid out like this one, for the contribution flow."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from densing_cli.main import cli
from densing_data.contrib.layout import RepoLayout
from tests.data.factories import minimal_records

REAL_ROOT = Path(__file__).resolve().parents[2]


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo``; fail the test with git's message when it fails."""
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"git {' '.join(args)}: {proc.stderr}"
    return proc.stdout.strip()


def commit_all(repo: Path, message: str) -> str:
    """Commit every change in ``repo``; return the new commit hash."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def run_cli(*args: str) -> Result:
    """Invoke ``densing`` in-process (stderr kept apart from stdout)."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def shown(result: Result) -> str:
    """Everything a command printed, for assertion messages."""
    return f"exit {result.exit_code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"


CODE = ("densing_data", "densing_fit")
"""The packages a release's fit outputs are computed with (copied: the fit runs the commit's code)."""


def copy_code(root: Path) -> None:
    """Copy this repository's data and fit packages (without records or caches) below ``root``."""
    skip = shutil.ignore_patterns("records", "__pycache__", "fixtures", "DATA_VERSION")
    for name in CODE:
        shutil.copytree(REAL_ROOT / name, root / name, ignore=skip, dirs_exist_ok=True)


@pytest.fixture
def repo(tmp_path: Path) -> RepoLayout:
    """A git repository on branch main with one commit: the minimal records, DATA_VERSION 2026.11.0,
    this repository's CITATION.cff and .zenodo.json, and its data and fit packages (a release's fit
    outputs are computed by the code of its commit); no release yet."""
    root = tmp_path / "repo"
    layout = RepoLayout(root=root)
    copy_code(root)
    minimal_records(layout.records_dir)
    layout.path(layout.version_file).write_text("2026.11.0\n", encoding="utf-8")
    for name in (layout.citation, layout.zenodo):
        shutil.copy(REAL_ROOT / name, root / name)
    (root / ".gitignore").write_text(".records.lock\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "test@example.org")
    git(root, "config", "user.name", "Test")
    git(root, "config", "commit.gpgsign", "false")
    commit_all(root, "seed records")
    return layout
