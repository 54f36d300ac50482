"""Loading the model and tokenizer, and reading from them what the records need.

Models load with ``AutoModelForCausalLM.from_pretrained`` (SDPA attention, bf16 or fp32, in eval
mode), the weights read straight onto the target device in the target dtype; with
``device_map='auto'`` accelerate spreads a model too large for one GPU over all visible GPUs. The
parameter count and the tokenizer's name are read from what was loaded, never typed in.

A local folder is checked before loading (:func:`check_model_folder`): one that is not a saved model,
whose ``.safetensors`` weights are cut short, or that lacks tokenizer files is refused with one
:class:`ModelLoadError` naming the path and the problem; what the loaders themselves raise becomes a
:class:`ModelLoadError` too, never a traceback from deep inside transformers.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError

WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".gguf")
TOKENIZER_FILES = (
    "tokenizer.json",
    "tokenizer.model",
    "spiece.model",
    "sentencepiece.bpe.model",
    "vocab.json",
    "vocab.txt",
    "tiktoken.model",
)
"""Files any of which holds a tokenizer transformers can load."""
MAX_HEADER = 100 * 1024 * 1024
"""Largest safetensors header read (the format's own limit)."""
SAVE_HINT = "a model folder holds config.json, the weights and the tokenizer, as save_pretrained writes them"


class ModelLoadError(Exception):
    """A model or its tokenizer cannot be loaded; the message names the path and the problem."""


def check_model_folder(name: str) -> None:
    """Refuse a local ``name`` that is not a loadable model folder (a Hub id passes: the loader
    checks it)."""
    path = Path(name)
    if not path.exists():
        return
    if not path.is_dir():
        raise ModelLoadError(f"{name} is a file, not a model folder ({SAVE_HINT})")
    if not (path / "config.json").is_file():
        raise ModelLoadError(f"{name} is not a model folder: it has no config.json ({SAVE_HINT})")
    try:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise ModelLoadError(f"{path / 'config.json'} cannot be read as JSON: {err}") from None
    if not isinstance(config, dict) or "model_type" not in config:
        raise ModelLoadError(
            f"{path / 'config.json'} names no model_type: {name} is not a transformers model folder"
        )
    weights = sorted(p for p in path.iterdir() if p.suffix in WEIGHT_SUFFIXES and p.is_file())
    if not weights:
        raise ModelLoadError(f"{name} has no weights (model.safetensors or pytorch_model.bin): {SAVE_HINT}")
    for weight in weights:
        if weight.suffix == ".safetensors":
            check_safetensors(weight)
    if not any((path / f).is_file() for f in TOKENIZER_FILES):
        raise ModelLoadError(
            f"{name} has no tokenizer files (one of {', '.join(TOKENIZER_FILES[:3])}, ...): save the "
            "tokenizer with the model (tokenizer.save_pretrained(folder))"
        )


def check_safetensors(path: Path) -> None:
    """Refuse a ``.safetensors`` file whose header is unreadable or whose tensors run past its end
    (a truncated download or copy)."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(8)
        if len(head) < 8:
            raise ModelLoadError(f"{path} is truncated: {size} bytes, shorter than a safetensors header")
        (length,) = struct.unpack("<Q", head)
        if length > min(MAX_HEADER, size - 8):
            raise ModelLoadError(
                f"{path} is truncated or not a safetensors file: its header claims {length:,} bytes, "
                f"the file holds {size:,}"
            )
        try:
            header = json.loads(handle.read(length))
        except ValueError:
            raise ModelLoadError(f"{path} is damaged: its header is not JSON") from None
    ends = [
        offsets[1]
        for key, entry in (header.items() if isinstance(header, dict) else [])
        if key != "__metadata__" and isinstance(entry, dict)
        for offsets in [entry.get("data_offsets")]
        if isinstance(offsets, list) and len(offsets) == 2 and isinstance(offsets[1], int)
    ]
    needed = 8 + length + max(ends, default=0)
    if needed > size:
        raise ModelLoadError(
            f"{path} is truncated: its tensors need {needed:,} bytes, the file holds {size:,} (download "
            "or copy it again)"
        )


DTYPES = {"bf16": torch.bfloat16, "fp32": torch.float32}
PARAMS_DEFINITION = "total parameters of the loaded model, embeddings included, tied weights once"
LOAD_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    ValueError,
    RuntimeError,
    KeyError,
    TypeError,
    ImportError,
    SafetensorError,
)
"""What transformers, tokenizers and safetensors raise for a model they cannot load."""


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
    try:
        model = AutoModelForCausalLM.from_pretrained(name, **kwargs)
    except LOAD_ERRORS as err:
        raise ModelLoadError(f"cannot load model {name!r}: {_reason(err)}") from None
    if device_map is None and model_on(model) != device:
        model.to(device)
    return model.eval()


def model_on(model: Any) -> torch.device:
    """Device of the model's first parameter."""
    return next(model.parameters()).device


def load_tokenizer(name: str, *, revision: str | None = None, trust_remote_code: bool = False) -> Any:
    """The tokenizer saved with model ``name``."""
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(name, revision=revision, trust_remote_code=trust_remote_code)
    except LOAD_ERRORS as err:
        raise ModelLoadError(f"cannot load the tokenizer of {name!r}: {_reason(err)}") from None


def _reason(err: BaseException) -> str:
    """An exception as one short line: its type and the first line of its message."""
    lines = str(err).strip().splitlines()
    return f"{type(err).__name__}: {lines[0] if lines else 'no message'}"[:300]


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
