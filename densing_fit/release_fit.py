"""The fit outputs of a data release: what the fitter of the release's own commit writes for its
records.

A release's fit outputs are among its files (``fit/`` in the export, hashed in its manifest and
``SHA256SUMS``). The fitter changes after a release; that release's outputs must not. So they are
always computed by the code of a *source tree*: the working tree when ``densing release`` cuts the
release, a copy of the release's commit when ``densing verify-release`` checks it. The tree's
``densing_data`` and ``densing_fit`` run in a separate interpreter with the tree first on its path,
through the interface below, which every commit since 2026.12 keeps (docs/dev/fit-outputs.md)::

    densing_data.load(records_dir, version_file=...)   the records, as data version VERSION
    densing_fit.pipeline.fit_all(dataset)               every track, default options
    densing_fit.outputs.write_outputs(result, out_dir)  the files

The same records, code and library versions give the same bytes. To keep them the same on another
machine the child runs single-threaded (OpenMP/BLAS threads 1, so no reduction is split differently)
with no parse cache.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from densing_fit.errors import FitError

PACKAGES = ("densing_data", "densing_fit")
"""The packages a source tree must hold (also what is copied out of a release's commit)."""

_SCRIPT = """
import sys
from pathlib import Path

records, version_file, out, source = (Path(a) for a in sys.argv[1:5])
import densing_data
import densing_fit
for module in (densing_data, densing_fit):
    where = Path(module.__file__).resolve()
    if not where.is_relative_to(source.resolve()):
        sys.exit(f"{module.__name__} was imported from {where}, not from the source tree {source}")
from densing_fit.outputs import write_outputs
from densing_fit.pipeline import fit_all

write_outputs(fit_all(densing_data.load(records, version_file=version_file)), out)
"""

_SINGLE_THREAD = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")


class ReleaseFitError(FitError):
    """The fit outputs of a release cannot be computed; the message says why."""


def fit_release(source: Path, records: Path, version: str, out: Path, *, timeout: float = 1800) -> None:
    """Write the fit outputs of ``records`` as data version ``version`` into ``out`` (a new or empty
    folder), computed by the code of ``source`` (a folder holding :data:`PACKAGES`)."""
    source = Path(source).resolve()
    missing = [name for name in PACKAGES if not (source / name / "__init__.py").is_file()]
    if missing:
        raise ReleaseFitError(
            f"{source} holds no {', '.join(missing)} package: the fit outputs of release {version} are "
            "computed by the code of the release's own commit"
        )
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise ReleaseFitError(f"{out} is not empty: the fit outputs of release {version} need a new folder")
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env.update({name: "1" for name in _SINGLE_THREAD})
    env.update({"PYTHONPATH": str(source), "DENSING_CACHE_DIR": "off", "PYTHONHASHSEED": "0"})
    with tempfile.TemporaryDirectory(prefix="densing-fit-version-") as tmp:
        version_file = Path(tmp) / "DATA_VERSION"
        version_file.write_text(version + "\n", encoding="utf-8")
        args = [str(records), str(version_file), str(out), str(source)]
        try:
            proc = subprocess.run(
                [sys.executable, "-c", _SCRIPT, *args],
                cwd=source,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise ReleaseFitError(f"the fit of release {version} took more than {timeout:.0f} s") from None
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-12:])
        raise ReleaseFitError(f"the fit of release {version} by the code in {source} failed:\n{tail}")
