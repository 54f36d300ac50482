"""Time and memory of ``densing validate`` on hostile record files (issue #19, integrity and bad input).

Each case writes one file into a temporary records folder and runs ``densing validate FILE`` under
``/usr/bin/time -v`` in a fresh process, printing wall time, peak memory (maximum resident set size)
and how many lines the command printed:

    .venv/bin/python benchmarks/bench_hostile.py             # every case
    .venv/bin/python benchmarks/bench_hostile.py zeros-list  # one case

Cases: ``zeros-list`` (``records: [0,0,…]``, 19.8 MB, 9.9 million items: just under the 20 MiB file
limit), ``empty-mappings`` (``records: [{},{},…]``, 19.8 MB, 6.6 million items), ``broken-records``
(190,000 empty records: under the cap on values per file, each record with eight missing fields) and
``largest-real`` (the largest shipped record file, checked outside its records folder, for scale).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIME = Path("/usr/bin/time")
TARGET_BYTES = 19_800_000
"""Just under :data:`densing_data.strict_yaml.MAX_BYTES` (20 MiB = 20,971,520 bytes)."""


def _flow_list(item: str, count: int | None = None) -> str:
    head = "schema_version: 1\nrecords: ["
    count = count or (TARGET_BYTES - len(head) - 2) // (len(item) + 1)
    return head + ",".join([item] * count) + "]\n"


def _largest_real() -> tuple[str, str]:
    records = ROOT / "densing_data" / "records"
    path = max(records.rglob("*.yaml"), key=lambda p: p.stat().st_size)
    return path.relative_to(records).as_posix(), path.read_text(encoding="utf-8")


CASES = {
    "zeros-list": lambda: ("scores/hostile.yaml", _flow_list("0")),
    "empty-mappings": lambda: ("scores/hostile.yaml", _flow_list("{}")),
    "broken-records": lambda: ("scores/hostile.yaml", _flow_list("{}", 190_000)),
    "largest-real": _largest_real,
}


def measure(name: str) -> None:
    """Write case ``name`` and print what ``densing validate FILE`` cost."""
    rel, text = CASES[name]()
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
    print(
        f"{name}: {len(text.encode()) / 1e6:.1f} MB file; exit {proc.returncode}; "
        f"wall {wall.group(1) if wall else '?'} (m:ss); peak RSS {mb:,.0f} MB; {printed:,} lines printed"
    )
    print(f"  first line: {first[:160]}")


def main() -> None:
    """Measure the cases named on the command line (default: all)."""
    if not TIME.exists():
        sys.exit("needs GNU time at /usr/bin/time (Debian package 'time')")
    for name in sys.argv[1:] or list(CASES):
        if name not in CASES:
            sys.exit(f"unknown case {name!r}; cases: {', '.join(CASES)}")
        measure(name)


if __name__ == "__main__":
    main()
