"""``densing evaluate`` with packing on for CPU too (by default it packs on CUDA only).

Only that default changes: the real CLI, model, sharding, cache and store run unmodified.
"""

from __future__ import annotations

import sys

import evaluators.engine.engine as engine
from densing_cli.main import cli

engine.PACK_ON = ("cuda", "cpu")

if __name__ == "__main__":
    cli(args=sys.argv[1:], prog_name="densing")
