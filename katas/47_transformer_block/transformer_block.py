"""Kata 47: a transformer block and a tiny causal language model.

Fill in every function below; `katas/47_transformer_block/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/47_transformer_block
"""

import torch
import torch.nn.functional as F
from torch import nn

IGNORE = -100  # the target of a position that is not scored (F.cross_entropy's ignore_index)


class CausalSelfAttention(nn.Module):
    """Multi-head self-attention where position t sees positions 0 ... t only.

    qkv: one Linear (C -> 3C) that makes queries, keys and values at once (in that order);
    proj: the Linear (C -> C) that mixes the heads' results.
    """

    def __init__(self, n_embd: int, n_head: int):
        super().__init__()
        if n_embd % n_head != 0:
            raise ValueError(f"n_embd {n_embd} is not divisible by n_head {n_head}")
        self.n_head = n_head
        self.qkv = nn.Linear(n_embd, 3 * n_embd)
        self.proj = nn.Linear(n_embd, n_embd)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Task 1. x: (B, T, C) -> (B, T, C). Each head attends with scores q·k / sqrt(hs)
        (hs = C / n_head) over the positions up to its own; the heads are merged and projected.
        """
        raise NotImplementedError(
            "Task 1: split q, k, v into heads, attend causally, merge the heads, project"
        )


class Block(nn.Module):
    """A pre-norm transformer block: LayerNorm -> causal self-attention -> residual, then
    LayerNorm -> MLP (C -> 4C -> GELU -> C) -> residual."""

    def __init__(self, n_embd: int, n_head: int):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd)
        self.attn = CausalSelfAttention(n_embd, n_head)
        self.ln_2 = nn.LayerNorm(n_embd)
        self.mlp = nn.Sequential(
            nn.Linear(n_embd, 4 * n_embd), nn.GELU(), nn.Linear(4 * n_embd, n_embd)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Task 2. x: (B, T, C) -> (B, T, C): x + attn(ln_1(x)), then that + mlp(ln_2(that))."""
        raise NotImplementedError(
            "Task 2: normalise what goes into each branch, add each branch's result to the stream"
        )


class TinyLM(nn.Module):
    """A GPT-style causal language model: token and learned position embeddings, n_layer
    blocks, a final LayerNorm and a linear head to one logit per vocabulary entry."""

    def __init__(self, vocab_size: int, block_size: int, n_embd=32, n_layer=2, n_head=4):
        super().__init__()
        self.block_size = block_size
        self.token_embedding = nn.Embedding(vocab_size, n_embd)
        self.position_embedding = nn.Embedding(block_size, n_embd)
        self.blocks = nn.ModuleList(Block(n_embd, n_head) for _ in range(n_layer))
        self.ln_f = nn.LayerNorm(n_embd)
        self.head = nn.Linear(n_embd, vocab_size)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        """Task 3. idx: (B, T) int64 token ids, T <= block_size -> logits (B, T, vocab_size);
        logits[:, t] predict token t + 1 from tokens 0 ... t only.
        Raises ValueError when T > block_size (there is no position embedding for it)."""
        raise NotImplementedError(
            "Task 3: embed tokens and positions, run the blocks, normalise, project to the "
            "vocabulary"
        )


def reverse_task_batch(
    batch_size: int, length: int, num_symbols: int, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """Task 4. A batch of the reversal task: each sequence is `length` random symbols drawn
    uniformly from 0 ... num_symbols - 1 (with `generator`, never the global RNG), then the
    separator num_symbols, then the same symbols reversed: 2 * length + 1 tokens.

    Returns (inputs, targets), each (batch_size, 2 * length) int64: inputs = the sequence
    without its last token, targets = the sequence without its first token (the next token at
    every position), except that the first `length` targets are IGNORE: the random symbols
    cannot be predicted and the separator (always at position `length`) teaches nothing, so only
    the reversed half is scored.
    """
    raise NotImplementedError(
        "Task 4: symbols, separator, reversed symbols; shift by one; hide what cannot be known"
    )


def accuracy(model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> float:
    """Task 5. The fraction of scored positions (targets != IGNORE) where the model's most
    likely next token is the target, as a Python float. Runs the model in eval mode without
    building a graph, and leaves it in the mode it was in."""
    raise NotImplementedError(
        "Task 5: predict without a graph, compare only where the target counts"
    )


def train(
    model: nn.Module,
    steps: int,
    *,
    batch_size: int = 32,
    length: int = 6,
    num_symbols: int = 8,
    lr: float = 3e-3,
    generator: torch.Generator,
) -> list[float]:
    """Task 6. Train `model` on the reversal task for `steps` steps of AdamW (learning rate
    `lr`): each step draws a fresh batch with reverse_task_batch(..., generator), takes the
    mean cross-entropy over the scored positions, and updates every parameter once.

    Returns the `steps` training losses as Python floats. Leaves the model in training mode.
    """
    raise NotImplementedError(
        "Task 6: fresh batch, loss over the scored positions only, one optimizer step"
    )
