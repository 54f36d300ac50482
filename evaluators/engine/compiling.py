"""Regional ``torch.compile`` of the decoder body: each layer's MLP and norms, compiled once, reused.

Between the matrix products of an eager decoder layer run separate memory-bound kernels: RMSNorm in
float32 (cast, square, mean, rsqrt, scale, cast back) and SiLU·mul. Compiling the modules that hold
them fuses each into one kernel. Attention, the key/value cache and the mask are left alone (they stay
eager, so the packed path's FlexAttention ``BlockMask`` and the prefix cache work as before), and the
modules compiled all share one code path, so the 2·layers + 1 regions compile once (with dynamic shapes),
not once per layer.

A region whose compiled call fails (no Triton or C compiler, an unsupported operation) warns once and
runs uncompiled from then on: compilation can only change speed and rounding, never the outcome.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from typing import Any

import torch

COMPILE_ON: tuple[str, ...] = ("cuda",)
"""Device types where the decoder body is compiled by default (``EngineOptions(compile=None)``). On an
H200 (2026-11-30, ``benchmarks/RESULTS.md``) it cut a 1B model's packed passes by 11 % and its unshared
passes by 16 %, for at most about 1.5 s of compilation per process (cold cache); on a CPU it is off
(compiling costs more than it saves on the tests' tiny models)."""
NORM_SUFFIXES = ("RMSNorm", "LayerNorm")
"""Class-name endings of the norm modules compiled."""


def regions(model: torch.nn.Module) -> list[torch.nn.Module]:
    """The modules compiled: each decoder layer's MLP and norms, and the final norm.

    Only transformers models with a ``layers`` list on one device are handled (others: nothing).
    """
    if not type(model).__module__.startswith("transformers."):
        return []
    if len(set(getattr(model, "hf_device_map", {}).values())) > 1:
        return []  # spread over devices by accelerate's hooks: left as it is
    base = model.get_decoder() if hasattr(model, "get_decoder") else None
    layers = getattr(base, "layers", None)
    if not isinstance(layers, torch.nn.ModuleList):
        return []
    chosen: list[torch.nn.Module] = []
    for layer in layers:
        for child in layer.children():
            name = type(child).__name__
            if name.endswith("MLP") or name.endswith(NORM_SUFFIXES):
                chosen.append(child)
    norm = getattr(base, "norm", None)
    if isinstance(norm, torch.nn.Module) and type(norm).__name__.endswith(NORM_SUFFIXES):
        chosen.append(norm)
    return chosen


def _call(module: torch.nn.Module, *args: Any, **kwargs: Any) -> Any:
    return module._call_impl(*args, **kwargs)


_compiled: dict[str, Any] = {}
"""One compiled :func:`_call` per backend, shared by every region: compiled code is found again (by
its guards: module class, shapes, dtypes) for every layer and every run in this process."""


class _Region:
    """A module's compiled call, falling back to the eager call for good after a failure."""

    failed: bool = False  # shared by every region: one failure turns compilation off for the process

    def __init__(self, module: torch.nn.Module, backend: str) -> None:
        self.module = module
        if backend not in _compiled:
            _compiled[backend] = torch.compile(_call, dynamic=True, backend=backend)
        self.compiled = _compiled[backend]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not _Region.failed:
            try:
                return self.compiled(self.module, *args, **kwargs)
            except Exception as error:  # any failure: warn, run eager (where a real error recurs)
                _Region.failed = True
                message = f"compiled decoder regions failed ({error!r}); running uncompiled"
                warnings.warn(message, stacklevel=2)
        return self.module._call_impl(*args, **kwargs)


@contextlib.contextmanager
def compiled_body(model: torch.nn.Module, backend: str | None) -> Iterator[int]:
    """Inside the block, run ``model``'s MLPs and norms compiled with ``backend`` (None: as they are).

    Yields the number of modules compiled; each is restored on exit.
    """
    chosen = regions(model) if backend else []
    before = [m._compiled_call_impl for m in chosen]
    for module in chosen:
        module._compiled_call_impl = _Region(module, backend)  # type: ignore[arg-type]
    try:
        yield len(chosen)
    finally:
        for module, previous in zip(chosen, before, strict=True):
            module._compiled_call_impl = previous
