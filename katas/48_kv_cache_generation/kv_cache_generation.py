"""Kata 48: generation with a KV cache.

Fill in every function below; `katas/48_kv_cache_generation/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/48_kv_cache_generation
"""

import torch
import torch.nn.functional as F
from torch import nn


class KVCache:
    """The keys and values every attention layer has computed so far, one pair per layer,
    each (B, nh, T_cached, hs). Empty (None) until the first update."""

    def __init__(self, n_layer: int):
        self.keys: list[torch.Tensor | None] = [None] * n_layer
        self.values: list[torch.Tensor | None] = [None] * n_layer

    @property
    def length(self) -> int:
        """How many positions the cache holds (those of layer 0; 0 when empty)."""
        return 0 if self.keys[0] is None else self.keys[0].shape[2]

    def update(
        self, layer: int, k: torch.Tensor, v: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Task 1. Append the new keys and values k, v (B, nh, T_new, hs) of `layer` after the
        ones it holds, store the result, and return that layer's keys and values of every
        position so far: 2 x (B, nh, T_cached + T_new, hs)."""
        raise NotImplementedError(
            "Task 1: the first update stores, the next ones append along time"
        )


class CachedSelfAttention(nn.Module):
    """Causal multi-head self-attention that can run on new positions only, reading the keys
    and values of the earlier ones from a KVCache. qkv: C -> 3C (queries, keys, values);
    proj: C -> C."""

    def __init__(self, n_embd: int, n_head: int):
        super().__init__()
        self.n_head = n_head
        self.qkv = nn.Linear(n_embd, 3 * n_embd)
        self.proj = nn.Linear(n_embd, n_embd)

    def forward(
        self, x: torch.Tensor, cache: KVCache | None = None, layer: int = 0
    ) -> torch.Tensor:
        """Task 2. x: (B, T_new, C), the positions after the T_cached ones in `cache` (all of
        them when cache is None) -> (B, T_new, C).

        With a cache, this layer's new keys and values go into it (cache.update(layer, ...)),
        and the queries attend over every cached position plus the new ones; new position i
        (absolute position T_cached + i) sees absolute positions 0 ... T_cached + i. The result
        equals the rows of full (uncached) causal attention over the whole sequence.
        """
        raise NotImplementedError(
            "Task 2: new q, k, v; keys and values of all positions from the cache; causal with an "
            "offset"
        )


class Block(nn.Module):
    """A pre-norm transformer block (kata 47) whose attention can use a cache."""

    def __init__(self, n_embd: int, n_head: int):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd)
        self.attn = CachedSelfAttention(n_embd, n_head)
        self.ln_2 = nn.LayerNorm(n_embd)
        self.mlp = nn.Sequential(
            nn.Linear(n_embd, 4 * n_embd), nn.GELU(), nn.Linear(4 * n_embd, n_embd)
        )

    def forward(self, x: torch.Tensor, cache: KVCache | None = None, layer: int = 0):
        x = x + self.attn(self.ln_1(x), cache, layer)
        return x + self.mlp(self.ln_2(x))


class TinyGPT(nn.Module):
    """A small GPT: token and learned position embeddings, n_layer blocks, LayerNorm, head."""

    def __init__(self, vocab_size: int, block_size: int, n_embd=32, n_layer=2, n_head=4):
        super().__init__()
        self.block_size = block_size
        self.n_layer = n_layer
        self.token_embedding = nn.Embedding(vocab_size, n_embd)
        self.position_embedding = nn.Embedding(block_size, n_embd)
        self.blocks = nn.ModuleList(Block(n_embd, n_head) for _ in range(n_layer))
        self.ln_f = nn.LayerNorm(n_embd)
        self.head = nn.Linear(n_embd, vocab_size)

    def forward(self, idx: torch.Tensor, cache: KVCache | None = None) -> torch.Tensor:
        """Task 3. idx: (B, T_new) token ids at the positions after the cache's ones (from 0
        when cache is None) -> logits (B, T_new, vocab_size), equal to the matching rows of
        the logits of the whole sequence run without a cache. Each block's attention gets the
        cache and its layer number. Raises ValueError when the positions would pass
        block_size."""
        raise NotImplementedError(
            "Task 3: positions continue after the cached ones; every block gets the cache"
        )


def sample_top_k(
    logits: torch.Tensor,
    k: int,
    temperature: float = 1.0,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Task 4. Draw one token per row from the k most likely ones.

    logits: (B, V) -> (B,) int64 token ids. Keeps the k largest logits of each row, divides
    them by `temperature` (below 1 sharpens, above 1 flattens), and draws from their softmax
    with `generator` (never the global RNG): a token outside a row's top k is never drawn.
    k = 1 is greedy decoding.
    """
    raise NotImplementedError(
        "Task 4: forbid everything below the k-th largest logit, soften, then draw"
    )


def generate(
    model: TinyGPT,
    prompt: torch.Tensor,
    max_new_tokens: int,
    *,
    top_k: int | None = None,
    temperature: float = 1.0,
    generator: torch.Generator | None = None,
    use_cache: bool = True,
) -> torch.Tensor:
    """Task 5. Extend `prompt` (B, T0) by max_new_tokens tokens -> (B, T0 + max_new_tokens)
    int64, the prompt first (the prompt tensor itself is not changed).

    Each new token comes from the logits of the last position: greedy (argmax) when top_k is
    None, else sample_top_k(logits, top_k, temperature, generator), called once per token.
    use_cache=True: one call of model on the prompt with a fresh KVCache, then one call per
    step on the newest token alone, (B, 1). use_cache=False: every step runs the whole
    sequence so far, without a cache. Both give exactly the same tokens. Runs without
    building a graph.
    """
    raise NotImplementedError(
        "Task 5: prefill once, then feed only the newest token; or recompute everything"
    )
