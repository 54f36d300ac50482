"""The append-only result cache: durable lines, a torn last line tolerated, other damage refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluators.engine.cache import CachedResult, CacheError, ResultCache, cache_dir_for


def test_append_and_load_across_ranks(tmp_path: Path) -> None:
    directory = cache_dir_for(tmp_path / "out.json")
    assert directory.name == "out.json.partial"
    ResultCache(directory, rank=0).append({"a": CachedResult(1.5, 3)})
    ResultCache(directory, rank=1).append({"b": CachedResult(2.0, 4)})
    ResultCache(directory, rank=0).append({"c": CachedResult(0.25, 1)})
    assert ResultCache(directory).load() == {
        "a": CachedResult(1.5, 3),
        "b": CachedResult(2.0, 4),
        "c": CachedResult(0.25, 1),
    }


def test_torn_last_line_is_ignored_then_cut_before_appending(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "c", rank=0)
    cache.append({"a": CachedResult(1.0, 1)})
    with cache.path.open("a", encoding="utf-8") as handle:
        handle.write('{"key": "b", "nl')  # a write interrupted by a kill
    assert cache.load() == {"a": CachedResult(1.0, 1)}
    cache.append({"c": CachedResult(3.0, 2)})
    assert cache.load() == {"a": CachedResult(1.0, 1), "c": CachedResult(3.0, 2)}
    assert cache.path.read_text(encoding="utf-8").count("\n") == 2


def test_damage_before_the_last_line_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "c", rank=0)
    cache.append({"a": CachedResult(1.0, 1)})
    with cache.path.open("a", encoding="utf-8") as handle:
        handle.write("garbage\n")
    cache.append({"b": CachedResult(1.0, 1)})
    with pytest.raises(CacheError, match=r"rank-0.jsonl:2: damaged cache line"):
        cache.load()


def test_remove_deletes_the_directory(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "c")
    cache.append({"a": CachedResult(1.0, 1)})
    cache.remove()
    assert not (tmp_path / "c").exists()
    cache.remove()  # nothing left: no error
