"""Fixtures of the fitter tests: one synthetic world of records per test session (read-only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from densing_data import load
from densing_data.loader import Dataset
from tests.fit.synthetic import World, write_world


@pytest.fixture(scope="session")
def world_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, World]:
    """Records of the synthetic world (do not write into it; copy it first)."""
    root = tmp_path_factory.mktemp("world") / "records"
    return root, write_world(root)


@pytest.fixture(scope="session")
def world(world_dir: tuple[Path, World]) -> tuple[Dataset, World]:
    """The synthetic world loaded as a Dataset, with its truth."""
    return load(world_dir[0]), world_dir[1]
