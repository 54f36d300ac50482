"""The dependency lock: `make install` refuses lock files made from other dependency declarations."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _copy_tree(tmp_path: Path) -> Path:
    (tmp_path / "requirements").mkdir()
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for path in (ROOT / "requirements").iterdir():
        if path.is_file():
            shutil.copy(path, tmp_path / "requirements" / path.name)
    return tmp_path


def _check(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(tree / "requirements" / "lock.py"), "check"], capture_output=True, text=True
    )


def test_the_shipped_lock_matches_pyproject(tmp_path: Path) -> None:
    result = _check(_copy_tree(tmp_path))
    assert result.returncode == 0, result.stderr


def test_a_changed_dependency_makes_the_lock_stale(tmp_path: Path) -> None:
    tree = _copy_tree(tmp_path)
    pyproject = tree / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"scipy>=1.11"', '"scipy>=1.12"'))
    result = _check(tree)
    assert result.returncode == 1
    assert "requirements/bench.txt, test.txt, site.txt: out of date with pyproject.toml" in result.stderr
    assert "make lock" in result.stderr


def test_a_lock_that_is_missing_counts_as_stale(tmp_path: Path) -> None:
    tree = _copy_tree(tmp_path)
    (tree / "requirements" / "site.txt").unlink()
    result = _check(tree)
    assert result.returncode == 1
    assert "site.txt" in result.stderr


def test_unrelated_pyproject_edits_keep_the_lock(tmp_path: Path) -> None:
    tree = _copy_tree(tmp_path)
    pyproject = tree / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("line-length = 110", "line-length = 100"))
    assert _check(tree).returncode == 0


def test_every_lock_pins_with_hashes_and_site_has_no_torch() -> None:
    for name in ("site.txt", "test.txt", "bench.txt"):
        text = (ROOT / "requirements" / name).read_text()
        pinned = [line for line in text.splitlines() if line and not line.startswith((" ", "#"))]
        assert pinned and all("==" in line and line.endswith("\\") for line in pinned), name
    site = (ROOT / "requirements" / "site.txt").read_text()
    assert "\ntorch==" not in site and "\ntransformers==" not in site
    assert "\ntorch==2.13.0+cpu" in (ROOT / "requirements" / "test.txt").read_text()
