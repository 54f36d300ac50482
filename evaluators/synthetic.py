"""Random-weight Llama models and a tokenizer built in code: for tests, benchmarks and smoke runs.

Nothing is downloaded. :func:`write_synthetic_model` saves a model and its tokenizer with
``save_pretrained`` so they load through the same ``from_pretrained(path)`` code that users hit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CORPUS = (
    "The following are multiple choice questions (with answers) about anatomy.",
    "Question: Which of the following is true? A. one B. two C. three D. four Answer: The answer is B.",
    "Problem: What is 2 + 3? Solution: We add the numbers and get 5. The final answer is 5.",
    "You are an expert Python programmer, and here is your task: write a function. [BEGIN] def f(x):",
    "    return x + 1 [DONE] So the answer is (A). Let's think step by step.",
    "0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ +-*/=<>()[]{}:;,.!?'\"\\_#%&|^~`@$",
)
"""Text the synthetic byte-level BPE tokenizer is trained on (any text encodes, by bytes)."""


@dataclass(frozen=True)
class SyntheticConfig:
    """Size of a random-weight Llama model."""

    hidden_size: int = 32
    """Width of the residual stream."""
    layers: int = 2
    """Decoder layers."""
    heads: int = 4
    """Attention heads."""
    kv_heads: int = 2
    """Key/value heads (grouped-query attention when fewer than ``heads``)."""
    intermediate_size: int = 64
    """MLP width."""
    vocab_size: int = 384
    """Vocabulary size (the tokenizer is trained up to this size)."""
    max_positions: int = 2048
    """Longest sequence the model takes."""
    seed: int = 0
    """Seed of the random weights."""


PRESETS: dict[str, SyntheticConfig] = {
    "tiny": SyntheticConfig(),
    "small": SyntheticConfig(hidden_size=256, layers=4, heads=8, kv_heads=4, intermediate_size=768),
    "llama-1b": SyntheticConfig(
        hidden_size=2048,
        layers=16,
        heads=32,
        kv_heads=8,
        intermediate_size=8192,
        vocab_size=128256,
        max_positions=4096,
    ),
}
"""Named sizes; ``llama-1b`` has the shape of Llama-3.2-1B (1.24 B parameters) with random weights."""


def build_tokenizer(vocab_size: int = 384, corpus: Iterable[str] = CORPUS):
    """A byte-level BPE ``PreTrainedTokenizerFast`` trained on ``corpus``, adding ``<s>`` before a text."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    core = Tokenizer(models.BPE())
    core.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    core.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=min(vocab_size, 4096),
        special_tokens=["<pad>", "<s>", "</s>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    core.train_from_iterator(list(corpus), trainer=trainer)
    bos = core.token_to_id("<s>")
    core.post_processor = processors.TemplateProcessing(
        single="<s> $A", pair="<s> $A $B", special_tokens=[("<s>", bos)]
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=core, bos_token="<s>", eos_token="</s>", pad_token="<pad>", model_max_length=1 << 20
    )


def build_model(config: SyntheticConfig, vocab_size: int | None = None, device: Any = None):
    """A ``LlamaForCausalLM`` with seeded random weights (float32), built on ``device`` (default CPU)."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    llama = LlamaConfig(
        vocab_size=vocab_size or config.vocab_size,
        hidden_size=config.hidden_size,
        num_hidden_layers=config.layers,
        num_attention_heads=config.heads,
        num_key_value_heads=config.kv_heads,
        intermediate_size=config.intermediate_size,
        max_position_embeddings=config.max_positions,
        bos_token_id=1,
        eos_token_id=2,
        pad_token_id=0,
        tie_word_embeddings=False,
    )
    torch.manual_seed(config.seed)
    with torch.device(device or "cpu"):  # a 1B model initialises in seconds on a GPU, minutes on a CPU
        model = LlamaForCausalLM(llama)
    # default init is N(0, 0.02): logits near uniform. Scale up so losses vary across tokens.
    with torch.no_grad():
        for param in model.parameters():
            if param.dim() == 2:
                param.mul_(5.0)
    return model.eval()


def write_synthetic_model(path: Path, config: SyntheticConfig | None = None) -> Path:
    """Save a random-weight model and its tokenizer under ``path``; return ``path``."""
    config = config or SyntheticConfig()
    tokenizer = build_tokenizer(config.vocab_size)
    vocab = max(config.vocab_size, len(tokenizer))
    model = build_model(config, vocab_size=vocab)
    path.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path
