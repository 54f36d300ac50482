"""Loading the model and tokenizer, and reading from them what the records need.

Models load with ``AutoModelForCausalLM.from_pretrained`` (SDPA attention, bf16 or fp32, in eval
mode), the weights read straight onto the target device in the target dtype; with
``device_map='auto'`` accelerate spreads a model too large for one GPU over all visible GPUs. The
parameter count and the tokenizer's name are read from what was loaded, never typed in.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

DTYPES = {"bf16": torch.bfloat16, "fp32": torch.float32}
PARAMS_DEFINITION = "total parameters of the loaded model, embeddings included, tied weights once"
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".gguf")


@dataclass(frozen=True)
class LoadedModel:
    """A model ready to score, with what the records say about it."""

    model: Any
    """The ``PreTrainedModel`` in eval mode."""
    tokenizer: Any
    """Its tokenizer."""
    params_total: int
    """Sum of ``numel`` over ``model.parameters()`` (shared tensors counted once)."""
    tokenizer_name: str
    """``name_or_path`` of the tokenizer as loaded."""
    identity: dict[str, Any]
    """What identifies the weights: name, revision/commit, a fingerprint of config and weight files."""
    max_length: int
    """Longest sequence scored (``max_position_embeddings`` unless overridden)."""


def count_parameters(model: torch.nn.Module) -> int:
    """Total parameters; ``parameters()`` yields a tied embedding/output matrix once."""
    return sum(p.numel() for p in model.parameters())


def hardware_description(device: torch.device, world: int = 1) -> str:
    """E.g. ``2x NVIDIA H100 80GB HBM3 (torch 2.13.0, CUDA 12.8)`` or ``CPU x86_64, 8 threads``."""
    if device.type == "cuda":
        name = torch.cuda.get_device_name(device)
        count = max(world, 1)
        return f"{count}x {name} (torch {torch.__version__}, CUDA {torch.version.cuda})"
    machine = platform.machine() or "unknown"
    return f"{max(world, 1)}x CPU {machine}, {torch.get_num_threads()} threads (torch {torch.__version__})"


def _fingerprint(model: Any, name: str) -> str:
    digest = hashlib.sha256(json.dumps(model.config.to_dict(), sort_keys=True, default=str).encode())
    folder = Path(name)
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.suffix in WEIGHT_SUFFIXES:
                digest.update(f"{path.name}:{path.stat().st_size}:{path.stat().st_mtime_ns}".encode())
    return digest.hexdigest()[:24]


def load_weights(
    name: str,
    *,
    dtype: str,
    device: torch.device,
    device_map: str | None = None,
    revision: str | None = None,
    trust_remote_code: bool = False,
) -> Any:
    """The model ``name`` in eval mode, its weights read straight onto ``device`` in ``dtype``.

    Without ``device_map`` the weights are placed on ``device`` as they are read (``device_map`` set to
    that one device): on a GPU no copy of the model is made in host memory first.
    """
    from transformers import AutoModelForCausalLM

    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {sorted(DTYPES)}, got {dtype!r}")
    kwargs: dict[str, Any] = {
        "dtype": DTYPES[dtype],
        "attn_implementation": "sdpa",
        "revision": revision,
        "trust_remote_code": trust_remote_code,
    }
    if device_map is not None:
        kwargs["device_map"] = device_map
    elif device.type != "cpu":
        kwargs["device_map"] = {"": device}
    model = AutoModelForCausalLM.from_pretrained(name, **kwargs)
    if device_map is None and model_on(model) != device:
        model.to(device)
    return model.eval()


def model_on(model: Any) -> torch.device:
    """Device of the model's first parameter."""
    return next(model.parameters()).device


def load_tokenizer(name: str, *, revision: str | None = None, trust_remote_code: bool = False) -> Any:
    """The tokenizer saved with model ``name``."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(name, revision=revision, trust_remote_code=trust_remote_code)


def describe_loaded(
    model: Any,
    tokenizer: Any,
    name: str,
    *,
    dtype: str,
    revision: str | None = None,
    max_length: int | None = None,
) -> LoadedModel:
    """What the records need about a loaded model and its tokenizer."""
    identity = {
        "model": os.path.abspath(name) if Path(name).is_dir() else name,
        "revision": revision,
        "commit": getattr(model.config, "_commit_hash", None),
        "fingerprint": _fingerprint(model, name),
        "dtype": dtype,
    }
    config = model.config.get_text_config(decoder=True)
    limit = max_length or getattr(config, "max_position_embeddings", None) or 2048
    return LoadedModel(
        model=model,
        tokenizer=tokenizer,
        params_total=count_parameters(model),
        tokenizer_name=str(getattr(tokenizer, "name_or_path", name) or name),
        identity=identity,
        max_length=int(limit),
    )


def load_model(
    name: str,
    *,
    dtype: str,
    device: torch.device,
    device_map: str | None = None,
    revision: str | None = None,
    trust_remote_code: bool = False,
    max_length: int | None = None,
) -> LoadedModel:
    """Load ``name`` (Hub id or local path) and its tokenizer for scoring."""
    model = load_weights(
        name,
        dtype=dtype,
        device=device,
        device_map=device_map,
        revision=revision,
        trust_remote_code=trust_remote_code,
    )
    tokenizer = load_tokenizer(name, revision=revision, trust_remote_code=trust_remote_code)
    return describe_loaded(model, tokenizer, name, dtype=dtype, revision=revision, max_length=max_length)
