"""Scale-out over ranks started by ``torchrun``: shard requests, gather results on rank 0.

``torchrun --nproc_per_node K -m densing_cli.main evaluate ...`` starts K processes; each sees
``RANK``, ``WORLD_SIZE`` and ``LOCAL_RANK``. The process group uses NCCL when CUDA is present and
gloo otherwise. Every rank reads the shared result cache, waits for the others (so all agree on what
is left), takes every K-th pending request of the length-sorted list, and appends to its own cache
file; rank 0 gathers the results and alone writes the output and the record.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import torch
import torch.distributed as dist

T = TypeVar("T")


@dataclass(frozen=True)
class RankInfo:
    """This process's place among the ranks."""

    rank: int
    """Global rank (0 for a single process)."""
    world: int
    """Number of ranks."""
    local_rank: int
    """Rank on this machine (selects the GPU)."""

    @property
    def is_main(self) -> bool:
        """True on rank 0, which writes outputs and records."""
        return self.rank == 0


def rank_info() -> RankInfo:
    """Read torchrun's environment; a plain process is rank 0 of 1."""
    return RankInfo(
        rank=int(os.environ.get("RANK", "0")),
        world=int(os.environ.get("WORLD_SIZE", "1")),
        local_rank=int(os.environ.get("LOCAL_RANK", "0")),
    )


def setup(info: RankInfo) -> torch.device:
    """Start the process group (if several ranks) and return this rank's device."""
    cuda = torch.cuda.is_available()
    device = torch.device("cuda", info.local_rank) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)
    if info.world > 1 and not dist.is_initialized():
        dist.init_process_group(backend="nccl" if cuda else "gloo", device_id=device if cuda else None)
    return device


def barrier(info: RankInfo) -> None:
    """Wait for every rank (no-op for one)."""
    if info.world > 1:
        dist.barrier()


def shard(items: Sequence[T], info: RankInfo) -> list[T]:
    """Every ``world``-th item starting at ``rank`` (sort ``items`` first to balance lengths)."""
    return list(items[info.rank :: info.world])


def gather_to_main(value: Any, info: RankInfo) -> list[Any] | None:
    """Every rank's ``value`` as a list on rank 0 (None elsewhere)."""
    if info.world == 1:
        return [value]
    received: list[Any] | None = [None] * info.world if info.is_main else None
    dist.gather_object(value, received, dst=0)
    return received


def teardown(info: RankInfo) -> None:
    """Leave the process group."""
    if info.world > 1 and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()
