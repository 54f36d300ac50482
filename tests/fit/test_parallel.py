"""Parts of a fit in worker processes: the same bytes as one process, results in order, errors
raised in the caller, and a clear message for a bad ``DENSING_FIT_WORKERS``."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from densing_cli.main import cli
from densing_data.loader import Dataset
from densing_fit.errors import FitError
from densing_fit.options import FitOptions
from densing_fit.outputs import write_outputs
from densing_fit.parallel import WORKERS_VARIABLE, WorkersError, fit_workers, run_tasks
from densing_fit.pipeline import fit_all


def _pid_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_results_come_back_in_order_from_worker_processes() -> None:
    tasks = [lambda i=i: (i, _pid_after(0.05 * (5 - i))) for i in range(6)]
    results = run_tasks(tasks, workers=2)
    assert [i for i, _ in results] == list(range(6))
    assert os.getpid() not in {pid for _, pid in results}
    assert [i for i, _ in run_tasks(tasks, workers=1)] == list(range(6))
    assert {pid for _, pid in run_tasks(tasks, workers=1)} == {os.getpid()}


def test_a_worker_runs_its_own_parts_itself() -> None:
    inner = [lambda: os.getpid(), lambda: os.getpid()]
    outer = [lambda: (os.getpid(), run_tasks(inner, workers=2))] * 2
    for worker, inner_pids in run_tasks(outer, workers=2):
        assert worker != os.getpid() and set(inner_pids) == {worker}


def test_a_task_error_is_raised_in_the_caller() -> None:
    def broken() -> None:
        raise FitError("ruler 'x' cannot be read on y")

    with pytest.raises(FitError, match="ruler 'x' cannot be read on y"):
        run_tasks([lambda: 1, broken, lambda: 3], workers=2)


def test_a_worker_that_dies_is_an_error_not_a_hang() -> None:
    def dies() -> None:
        os._exit(9)  # as a worker killed for memory would, without a word

    with pytest.raises(WorkersError, match="a worker process of the fit stopped without a result"):
        run_tasks([lambda: 1, dies, lambda: 3], workers=2)


@pytest.mark.parametrize("setting", ["0", "two", "-1", "1.5"])
def test_a_bad_worker_count_is_refused_by_name(setting: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WORKERS_VARIABLE, setting)
    with pytest.raises(WorkersError, match=f"{WORKERS_VARIABLE}='{setting}': expected a whole number"):
        fit_workers()


def test_the_cli_reports_a_bad_worker_count_without_a_traceback(
    world_dir: tuple[Path, object], tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        cli,
        ["fit", "--records", str(world_dir[0]), "--out", str(tmp_path / "out"), "--resamples", "10"],
        env={WORKERS_VARIABLE: "many"},
    )
    assert result.exit_code == 1
    assert f"{WORKERS_VARIABLE}='many': expected a whole number of at least 1" in result.output
    assert "Traceback" not in result.output


def test_a_fit_in_workers_writes_the_same_bytes_as_one_in_this_process(
    world: tuple[Dataset, object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ds, _ = world
    opts = FitOptions(n_resamples=50)
    monkeypatch.setenv(WORKERS_VARIABLE, "1")
    write_outputs(fit_all(ds, opts), tmp_path / "serial")
    monkeypatch.setenv(WORKERS_VARIABLE, "2")
    result = fit_all(ds, opts)
    write_outputs(result, tmp_path / "workers")
    assert _files(tmp_path / "serial") == _files(tmp_path / "workers")
    assert len(_files(tmp_path / "serial")) > 10
    assert all(t.fitted_ruler is not None for t in result.tracks)
