"""Kata 44: scaled dot-product attention.

Fill in every function below; `katas/44_scaled_dot_product_attention/README.md` explains each
task. Run the tests with: .venv/bin/python -m pytest katas/44_scaled_dot_product_attention
"""

import math

import torch


def attention_scores(q: torch.Tensor, k: torch.Tensor, scale: float | None = None) -> torch.Tensor:
    """Task 1. How well each query matches each key: scaled dot products.

    q: (..., L, E) queries, k: (..., S, E) keys, with the same (or broadcastable) leading dims.
    scale: the factor applied to every dot product; None means 1 / sqrt(E).
    Returns (..., L, S): scores[..., i, j] = scale * (q[..., i, :] . k[..., j, :]).
    """
    raise NotImplementedError(
        "Task 1: every query against every key, shrunk by the square root of E"
    )


def causal_mask(
    num_queries: int, num_keys: int, device: torch.device | str | None = None
) -> torch.Tensor:
    """Task 2. The boolean mask that lets query i see keys 0..i only (True = may attend).

    Returns a (num_queries, num_keys) bool tensor on `device`, True on and below the main
    diagonal (aligned at the top-left corner, as in F.scaled_dot_product_attention with
    is_causal=True, also when num_queries != num_keys).
    """
    raise NotImplementedError("Task 2: the lower triangle, diagonal included")


def attention_weights(
    q: torch.Tensor,
    k: torch.Tensor,
    attn_mask: torch.Tensor | None = None,
    is_causal: bool = False,
    scale: float | None = None,
) -> torch.Tensor:
    """Task 3. The attention weights: a softmax over the keys of the masked scores.

    q: (..., L, E), k: (..., S, E). attn_mask, broadcastable to (..., L, S), is either
      - boolean: True where the query may attend to the key, False where it may not; or
      - floating point: added to the scores (0 to keep, -inf to block, any bias in between).
    is_causal: use causal_mask(L, S) as the mask; giving attn_mask too raises ValueError.
    Returns (..., L, S): each row sums to 1 over the keys it may attend to and is 0 on the
    others. A fully masked row (no key allowed) is all zeros, never nan, and passes no nan
    back to q or k: the same choice F.scaled_dot_product_attention makes on this PyTorch.
    Masks are built on q's device.
    """
    raise NotImplementedError(
        "Task 3: block with -inf, softmax over the keys, then empty rows give 0"
    )


def scaled_dot_product_attention(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    attn_mask: torch.Tensor | None = None,
    is_causal: bool = False,
    scale: float | None = None,
) -> torch.Tensor:
    """Task 4. Attention: each query's output is the average of the values, weighted by its
    attention weights. Equal to F.scaled_dot_product_attention(q, k, v, attn_mask=...,
    is_causal=..., scale=...) (without dropout), fully masked rows included (zeros).

    q: (..., L, E), k: (..., S, E), v: (..., S, Ev). Returns (..., L, Ev).
    """
    raise NotImplementedError("Task 4: the weights of each query mix the value rows")
