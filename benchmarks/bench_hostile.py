"""Time and memory of ``densing validate`` on hostile record files (issue #19, integrity and bad input).

Each case writes one file into a temporary records folder and runs ``densing validate FILE`` under
``/usr/bin/time -v`` in a fresh process, printing wall time, peak memory (maximum resident set size)
and how many lines the command printed:

    .venv/bin/python benchmarks/bench_hostile.py             # every case
    .venv/bin/python benchmarks/bench_hostile.py zeros-list  # one case
    .venv/bin/python benchmarks/bench_hostile.py --tiny      # every case a twentieth the size (make test)

Cases: ``zeros-list`` (``records: [0,0,…]``, 19.8 MB, 9.9 million items: just under the 20 MiB file
limit), ``empty-mappings`` (``records: [{},{},…]``, 19.8 MB, 6.6 million items), ``broken-records``
(190,000 empty records: under the cap on values per file, each record with eight missing fields) and
``largest-real`` (the largest shipped record file, checked outside its records folder, for scale).

``--tiny`` writes the same files a twentieth the size (0.99 MB lists, still past the cap on values per
file; 9,500 empty records; the real file as it is), so ``make test`` keeps the script working in a few
seconds.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIME = Path("/usr/bin/time")
TARGET_BYTES = 19_800_000
"""Just under :data:`densing_data.strict_yaml.MAX_BYTES` (20 MiB = 20,971,520 bytes)."""
BROKEN_RECORDS = 190_000
"""Empty records of ``broken-records``: under the cap on values per file."""
TINY = 20
"""``--tiny`` divides the sizes above by this: the two lists still hold more values than
:data:`densing_data.strict_yaml.MAX_NODES`, so they meet the same refusal."""


def _flow_list(item: str, count: int | None = None, scale: int = 1) -> str:
    head = "schema_version: 1\nrecords: ["
    count = count or (TARGET_BYTES // scale - len(head) - 2) // (len(item) + 1)
    return head + ",".join([item] * count) + "]\n"


def _largest_real() -> tuple[str, str]:
    records = ROOT / "densing_data" / "records"
    path = max(records.rglob("*.yaml"), key=lambda p: p.stat().st_size)
    return path.relative_to(records).as_posix(), path.read_text(encoding="utf-8")


CASES = {
    "zeros-list": lambda scale: ("scores/hostile.yaml", _flow_list("0", scale=scale)),
    "empty-mappings": lambda scale: ("scores/hostile.yaml", _flow_list("{}", scale=scale)),
    "broken-records": lambda scale: ("scores/hostile.yaml", _flow_list("{}", BROKEN_RECORDS // scale)),
    "largest-real": lambda scale: _largest_real(),
}
"""Case name -> (path in the records folder, file text), given the divisor of the sizes."""


def _seconds(elapsed: str) -> float:
    """GNU time's elapsed wall clock (``m:ss.cc`` or ``h:mm:ss``) in seconds."""
    seconds = 0.0
    for part in elapsed.split(":"):
        seconds = 60 * seconds + float(part)
    return seconds


def _size(n_bytes: int) -> str:
    return f"{n_bytes / 1e6:.1f} MB" if n_bytes >= 1e5 else f"{n_bytes / 1e3:.1f} kB"


def measure(name: str, scale: int = 1) -> None:
    """Write case ``name`` (its sizes divided by ``scale``) and print what ``densing validate FILE``
    cost."""
    rel, text = CASES[name](scale)
    with tempfile.TemporaryDirectory(prefix="densing-hostile-") as tmp:
        path = Path(tmp) / "records" / rel
        path.parent.mkdir(parents=True)
        path.write_text(text, encoding="utf-8")
        cmd = [str(TIME), "-v", sys.executable, "-m", "densing_cli.main", "validate", str(path)]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    stats = proc.stderr
    wall = re.search(r"Elapsed \(wall clock\) time.*: (\S+)", stats)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stats)
    printed = proc.stdout.count("\n") + sum(
        1 for line in stats.splitlines() if not line.startswith(("\t", "Command exited"))
    )
    first = (proc.stdout.splitlines() or [""])[0].replace(str(path), "FILE")
    mb = int(rss.group(1)) / 1024 if rss else float("nan")
    took = f"{_seconds(wall.group(1)):.2f} s" if wall else "?"
    print(
        f"{name}: {_size(len(text.encode()))} file; exit {proc.returncode}; "
        f"wall {took}; peak RSS {mb:,.0f} MB; {printed:,} lines printed"
    )
    print(f"  first line: {first[:160]}")


def main() -> None:
    """Measure the cases named on the command line (default: all)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", metavar="CASE", help=f"default: all ({', '.join(CASES)})")
    parser.add_argument("--tiny", action="store_true", help="every file a twentieth the size")
    args = parser.parse_args()
    if not TIME.exists():
        sys.exit("needs GNU time at /usr/bin/time (Debian package 'time')")
    for name in args.cases:
        if name not in CASES:
            parser.error(f"unknown case {name!r}; cases: {', '.join(CASES)}")
    if args.tiny:
        print(f"tiny files (sizes / {TINY:,}): these figures are not measurements")
    for name in args.cases or list(CASES):
        measure(name, TINY if args.tiny else 1)


if __name__ == "__main__":
    main()
