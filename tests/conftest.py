"""Shared fixtures: small, valid record sets written through the store into temporary directories."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.data.factories import minimal_records

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")


@pytest.fixture
def records_dir(tmp_path: Path) -> Path:
    """A temporary records directory holding a small valid data set (see ``factories``)."""
    root = tmp_path / "records"
    minimal_records(root)
    return root
