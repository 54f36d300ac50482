"""The releases shipped in this repository: lean (< 1 MB tracked) and reproducible from their records."""

from __future__ import annotations

import subprocess

import pytest

from tests.contrib.conftest import REAL_ROOT, run_cli, shown


def tracked(prefix: str) -> list[str]:
    out = subprocess.run(
        ["git", "-C", str(REAL_ROOT), "ls-files", "-z", prefix], capture_output=True, check=True
    ).stdout
    return [p for p in out.decode().split("\0") if p]


def test_tracked_release_files_weigh_under_a_megabyte() -> None:
    files = tracked("releases")
    assert "releases/2026.11.0/manifest.json" in files
    assert sum((REAL_ROOT / p).stat().st_size for p in files) < 1_000_000


def test_every_shipped_release_rebuilds_from_its_records_to_its_manifest() -> None:
    commit = "b0fa9cf4e7339eaa813f54bbd7e63bffb4943da2"  # the records 2026.11.0 was made from
    if subprocess.run(["git", "-C", str(REAL_ROOT), "cat-file", "-e", commit], check=False).returncode:
        pytest.skip(f"shallow clone: {commit[:12]} is not here (CI checks out with fetch-depth: 0)")
    result = run_cli("verify-release", "--repo", str(REAL_ROOT))
    assert result.exit_code == 0, shown(result)
    assert (
        f"release 2026.11.0: exports rebuilt from the records at commit {commit[:12]} match" in result.stderr
    )
