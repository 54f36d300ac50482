"""``densing evaluate`` with a pause after every forward pass, so a test can kill it mid-run.

Only the timing changes: the real CLI, model, cache and store run unmodified.
"""

from __future__ import annotations

import sys
import time

import evaluators.engine.engine as engine
from densing_cli.main import cli


def _slowed(real):
    def slow(*args, **kwargs):
        result = real(*args, **kwargs)
        time.sleep(0.25)
        return result

    return slow


engine.batched_nll = _slowed(engine.batched_nll)
engine.packed_nll = _slowed(engine.packed_nll)

if __name__ == "__main__":
    cli(args=sys.argv[1:], prog_name="densing")
