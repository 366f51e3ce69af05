"""Kata 64: capstone, a tiny GPT from text to samples.

Fill in every function below; `katas/64_capstone_tiny_gpt/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/64_capstone_tiny_gpt
"""

import math
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

# --- data --------------------------------------------------------------------------------------


class CharTokenizer:
    """Task 1. A character-level tokenizer built from a text.

    vocab: the sorted list of the distinct characters of `text`; a character's id is its index.
    vocab_size: len(vocab).
    encode(s): a 1-D int64 tensor of ids; decode(ids): the string (ids: a tensor or a list).
    """

    def __init__(self, text: str):
        # BEGIN SOLUTION: Task 1: one id per distinct character, in sorted order
        self.vocab = sorted(set(text))
        self.vocab_size = len(self.vocab)
        self._ids = {ch: i for i, ch in enumerate(self.vocab)}
        # END SOLUTION

    def encode(self, s: str) -> torch.Tensor:
        # BEGIN SOLUTION: Task 1: look every character up
        return torch.tensor([self._ids[ch] for ch in s], dtype=torch.long)
        # END SOLUTION

    def decode(self, ids) -> str:
        # BEGIN SOLUTION: Task 1: and back
        return "".join(self.vocab[int(i)] for i in ids)
        # END SOLUTION


def split_data(ids: torch.Tensor, val_fraction: float = 0.1) -> tuple[torch.Tensor, torch.Tensor]:
    """Task 2. Split a 1-D sequence of ids into (train, val): the first
    int(len(ids) * (1 - val_fraction)) ids train, the rest validate. Contiguous, never shuffled:
    overlapping windows of a shuffled split would put validation text in the training set."""
    # BEGIN SOLUTION: Task 2: a cut, not a shuffle
    n_train = int(len(ids) * (1 - val_fraction))
    return ids[:n_train], ids[n_train:]
    # END SOLUTION


def get_batch(
    data: torch.Tensor, block_size: int, batch_size: int, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """Task 3. A random batch of windows: x (batch_size, block_size) int64, and y the same windows
    shifted one step ahead (y[b, t] = the id after x[b, t]).

    Window starts are drawn uniformly from every valid start, 0 .. len(data) - block_size - 1,
    with torch.randint and `generator` only (the global RNG is not used), so a generator in the
    same state gives the same batch.
    """
    # BEGIN SOLUTION: Task 3: random starts, then slices of block_size and their shifted twins
    starts = torch.randint(len(data) - block_size, (batch_size,), generator=generator)
    x = torch.stack([data[s : s + block_size] for s in starts.tolist()])  # (B, T)
    y = torch.stack([data[s + 1 : s + 1 + block_size] for s in starts.tolist()])  # (B, T)
    return x, y
    # END SOLUTION


# --- model -------------------------------------------------------------------------------------


@dataclass
class GPTConfig:
    vocab_size: int
    block_size: int = 32
    n_embd: int = 32
    n_head: int = 4
    n_layer: int = 2
    dropout: float = 0.0


class CausalSelfAttention(nn.Module):
    def __init__(self, config: GPTConfig):
        super().__init__()
        assert config.n_embd % config.n_head == 0
        self.n_head = config.n_head
        self.qkv = nn.Linear(config.n_embd, 3 * config.n_embd)
        self.proj = nn.Linear(config.n_embd, config.n_embd)
        self.dropout = nn.Dropout(config.dropout)

    def forward(
        self, x: torch.Tensor, past: tuple[torch.Tensor, torch.Tensor] | None = None
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """Task 4. Multi-head causal self-attention with a key/value cache.

        x: (B, T, C), the T newest positions. past: None, or the (keys, values) of the P
        positions before them, each (B, n_head, P, C // n_head).
        qkv(x) holds the queries, keys and values in that order along the last dimension; head h
        uses features h * hs .. (h + 1) * hs of each (hs = C // n_head). The attention is
        softmax(q k^T / sqrt(hs)) v per head; the heads are concatenated and projected by proj.
        Returns y (B, T, C) and the cache for the next call, (keys, values) of all P + T
        positions. The query at position P + i attends to positions 0 .. P + i and nothing
        later. Dropout on the output projection only.
        """
        # BEGIN SOLUTION: Task 4: project, split heads, append to the cache, mask the future
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(C, dim=2)  # (B, T, 3C) -> 3 x (B, T, C)
        # (B, T, C) -> (B, nh, T, hs)
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
        if past is not None:
            k = torch.cat([past[0], k], dim=2)  # (B, nh, P + T, hs)
            v = torch.cat([past[1], v], dim=2)
        P = k.shape[2] - T
        # query i sits at position P + i and may see keys 0 .. P + i
        mask = torch.ones(T, P + T, dtype=torch.bool, device=x.device).tril(diagonal=P)
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)  # (B, nh, T, hs)
        y = y.transpose(1, 2).reshape(B, T, C)  # (B, nh, T, hs) -> (B, T, C)
        return self.dropout(self.proj(y)), (k, v)
        # END SOLUTION


class Block(nn.Module):
    def __init__(self, config: GPTConfig):
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = nn.LayerNorm(config.n_embd)
        self.mlp = nn.Sequential(
            nn.Linear(config.n_embd, 4 * config.n_embd),
            nn.GELU(),
            nn.Linear(4 * config.n_embd, config.n_embd),
            nn.Dropout(config.dropout),
        )

    def forward(self, x: torch.Tensor, past=None):
        """Task 5. A pre-norm block: x + attention(ln_1(x)), then + mlp(ln_2(.)).
        Returns the new x (B, T, C) and the attention's cache."""
        # BEGIN SOLUTION: Task 5: normalise before each sub-layer, add its output to the stream
        attended, present = self.attn(self.ln_1(x), past)
        x = x + attended
        x = x + self.mlp(self.ln_2(x))
        return x, present
        # END SOLUTION


class TinyGPT(nn.Module):
    def __init__(self, config: GPTConfig):
        super().__init__()
        self.config = config
        self.wte = nn.Embedding(config.vocab_size, config.n_embd)  # token embeddings
        self.wpe = nn.Embedding(config.block_size, config.n_embd)  # position embeddings
        self.drop = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.n_layer))
        self.ln_f = nn.LayerNorm(config.n_embd)
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.apply(self._init_weights)
        for name, p in self.named_parameters():  # GPT-2: scale the residual projections
            if name.endswith("attn.proj.weight") or name.endswith("mlp.2.weight"):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * config.n_layer))

    @staticmethod
    def _init_weights(module):
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    def logits_and_cache(self, idx: torch.Tensor, past: list | None = None):
        """Task 6. idx: (B, T) int64, the T newest tokens; past: None, or the list (one entry per
        block) of caches returned by the previous call. Token plus position embeddings (the
        positions continue after the cached ones), the blocks, the final LayerNorm and the head.
        Returns logits (B, T, vocab_size) and the list of the blocks' new caches.
        Raises ValueError when the positions would reach block_size."""
        # BEGIN SOLUTION: Task 6: embeddings at the right positions, then every block in turn
        T = idx.shape[1]
        start = 0 if past is None else past[0][0].shape[2]
        if start + T > self.config.block_size:
            raise ValueError(f"{start + T} positions, but block_size is {self.config.block_size}")
        positions = torch.arange(start, start + T, device=idx.device)  # (T,)
        x = self.drop(self.wte(idx) + self.wpe(positions))  # (B, T, C) + (T, C) -> (B, T, C)
        present = []
        for i, block in enumerate(self.blocks):
            x, cache = block(x, None if past is None else past[i])
            present.append(cache)
        return self.lm_head(self.ln_f(x)), present  # (B, T, vocab_size)
        # END SOLUTION

    def forward(self, idx: torch.Tensor, targets: torch.Tensor | None = None):
        """Task 7. Logits (B, T, vocab_size) for a whole window, and the mean cross-entropy
        against targets (B, T) over all B * T positions (None without targets)."""
        # BEGIN SOLUTION: Task 7: no cache; flatten positions for the loss
        logits, _ = self.logits_and_cache(idx)
        if targets is None:
            return logits, None
        # (B, T, V) -> (B * T, V) against (B * T,)
        loss = F.cross_entropy(logits.flatten(0, 1), targets.flatten())
        return logits, loss
        # END SOLUTION


# --- training ----------------------------------------------------------------------------------


def estimate_loss(
    model: nn.Module,
    data: torch.Tensor,
    block_size: int,
    batch_size: int,
    batches: int,
    generator: torch.Generator,
) -> float:
    """Task 8. The mean loss over `batches` batches from get_batch(data, ..., generator), in
    eval mode and without building a graph; the model is left in the mode it was in."""
    # BEGIN SOLUTION: Task 8: eval mode, no graph, average, restore the mode
    was_training = model.training
    model.eval()
    losses = []
    with torch.no_grad():
        for _ in range(batches):
            x, y = get_batch(data, block_size, batch_size, generator)
            losses.append(model(x, y)[1].item())
    model.train(was_training)
    return sum(losses) / len(losses)
    # END SOLUTION


def train(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    data: torch.Tensor,
    steps: int,
    batch_size: int,
    generator: torch.Generator,
) -> list[float]:
    """Task 9. `steps` training steps in training mode: a batch from
    get_batch(data, model.config.block_size, batch_size, generator), the loss, zero_grad,
    backward, clip the global gradient norm to 1.0, optimizer step. Returns each step's loss."""
    # BEGIN SOLUTION: Task 9: the loop of kata 28, with clipping
    model.train()
    losses = []
    for _ in range(steps):
        x, y = get_batch(data, model.config.block_size, batch_size, generator)
        _, loss = model(x, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        losses.append(loss.item())
    return losses
    # END SOLUTION


def save_checkpoint(
    path: Path,
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    generator: torch.Generator,
    step: int,
) -> None:
    """Task 10a. Save everything needed to continue training exactly: the model's and the
    optimizer's state_dicts, the batch generator's state, the global torch RNG state (dropout
    draws from it) and `step`. The file loads with torch.load(path, weights_only=True)."""
    # BEGIN SOLUTION: Task 10a: state_dicts and RNG states, no pickled objects
    torch.save(
        {
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "generator": generator.get_state(),
            "torch_rng": torch.get_rng_state(),
            "step": step,
        },
        path,
    )
    # END SOLUTION


def load_checkpoint(
    path: Path, model: nn.Module, optimizer: torch.optim.Optimizer, generator: torch.Generator
) -> int:
    """Task 10b. Restore what save_checkpoint saved into freshly built objects (and the global
    RNG), reading with weights_only=True; returns the saved step."""
    # BEGIN SOLUTION: Task 10b: the mirror image of save_checkpoint
    checkpoint = torch.load(path, weights_only=True)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    generator.set_state(checkpoint["generator"])
    torch.set_rng_state(checkpoint["torch_rng"])
    return checkpoint["step"]
    # END SOLUTION


# --- sampling ----------------------------------------------------------------------------------


def sample_next(
    logits: torch.Tensor, temperature: float, top_k: int | None, generator: torch.Generator
) -> torch.Tensor:
    """Task 11. One token per row from logits (B, vocab_size): divide by temperature, keep the
    top_k largest (all when None), softmax, draw with torch.multinomial and `generator`.
    Returns (B, 1) int64."""
    # BEGIN SOLUTION: Task 11: temperature, top-k cut, then one draw per row
    logits = logits / temperature
    if top_k is not None:
        kth = torch.topk(logits, min(top_k, logits.shape[-1])).values[:, [-1]]  # (B, 1)
        logits = logits.masked_fill(logits < kth, float("-inf"))
    probs = torch.softmax(logits, dim=-1)
    return torch.multinomial(probs, num_samples=1, generator=generator)  # (B, 1)
    # END SOLUTION


def generate(
    model: TinyGPT,
    idx: torch.Tensor,
    max_new_tokens: int,
    generator: torch.Generator,
    temperature: float = 1.0,
    top_k: int | None = None,
    use_cache: bool = True,
) -> torch.Tensor:
    """Task 12. Sample max_new_tokens tokens after the prompt idx (B, T0); returns
    (B, T0 + max_new_tokens) starting with idx. In eval mode, without building a graph; the
    model is left in the mode it was in. T0 + max_new_tokens must not exceed block_size.

    use_cache=False recomputes the whole sequence for every new token; use_cache=True runs the
    prompt once and then feeds only the newest token with the cache. Both draw the same tokens
    from a generator in the same state (the logits agree to float rounding).
    """
    # BEGIN SOLUTION: Task 12: prefill once, then one token at a time (or recompute everything)
    was_training = model.training
    model.eval()
    with torch.no_grad():
        logits, past = model.logits_and_cache(idx)  # the prompt: (B, T0, V)
        for step in range(max_new_tokens):
            next_token = sample_next(logits[:, -1, :], temperature, top_k, generator)  # (B, 1)
            idx = torch.cat([idx, next_token], dim=1)
            if step == max_new_tokens - 1:
                break
            if use_cache:
                logits, past = model.logits_and_cache(next_token, past)  # (B, 1, V)
            else:
                logits, _ = model.logits_and_cache(idx)  # (B, T, V)
    model.train(was_training)
    return idx
    # END SOLUTION
