"""Kata 45: multi-head attention.

Fill in every function below; `katas/45_multi_head_attention/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/45_multi_head_attention
"""

import math

import torch
from torch import nn


def split_heads(x: torch.Tensor, num_heads: int) -> torch.Tensor:
    """Task 1. Cut the channels of every position into `num_heads` heads of equal width.

    x: (B, T, C) with C divisible by num_heads -> (B, num_heads, T, C // num_heads), where
    head h of position t holds channels h * hs ... (h + 1) * hs - 1 of x[:, t] (hs = C // nh).
    """
    raise NotImplementedError(
        "Task 1: give the channels a head axis, then move the heads before time"
    )


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    """Task 2. The inverse of split_heads: put the heads side by side again.

    x: (B, nh, T, hs) -> (B, T, nh * hs); merge_heads(split_heads(x, nh)) equals x.
    """
    raise NotImplementedError(
        "Task 2: move time back before the heads, then glue each position's heads"
    )


def attention_weights(
    q: torch.Tensor,
    k: torch.Tensor,
    key_padding_mask: torch.Tensor | None = None,
    attn_mask: torch.Tensor | None = None,
) -> torch.Tensor:
    """Task 3. How much each query attends to each key, in every head.

    q: (B, nh, L, hs), k: (B, nh, S, hs) -> (B, nh, L, S), each row a softmax over the S keys
    of q·k / sqrt(hs).
    key_padding_mask: None or bool (B, S); True marks a key (padding) no query may attend to.
    attn_mask: None, bool (L, S) where True marks a (query, key) pair that is not allowed (a
    causal mask), or float (L, S) added to the scores (-inf forbids).
    Masks follow nn.MultiheadAttention: True means "masked out". A row whose keys are all
    masked is undefined (PyTorch gives nan); the tests never build one.
    """
    raise NotImplementedError(
        "Task 3: scale the scores by the head width, forbid masked keys, softmax"
    )


class MultiHeadAttention(nn.Module):
    """Multi-head attention, equal to nn.MultiheadAttention(embed_dim, num_heads,
    batch_first=True) once copy_weights_from has copied that module's weights.

    Four projections (C -> C): q_proj, k_proj and v_proj make the queries, keys and values,
    out_proj mixes the heads' results.
    """

    def __init__(self, embed_dim: int, num_heads: int, bias: bool = True):
        super().__init__()
        if embed_dim % num_heads != 0:
            raise ValueError(f"embed_dim {embed_dim} is not divisible by num_heads {num_heads}")
        self.embed_dim = embed_dim
        self.num_heads = num_heads
        self.head_dim = embed_dim // num_heads
        self.q_proj = nn.Linear(embed_dim, embed_dim, bias=bias)
        self.k_proj = nn.Linear(embed_dim, embed_dim, bias=bias)
        self.v_proj = nn.Linear(embed_dim, embed_dim, bias=bias)
        self.out_proj = nn.Linear(embed_dim, embed_dim, bias=bias)

    def forward(
        self,
        query: torch.Tensor,
        key: torch.Tensor,
        value: torch.Tensor,
        key_padding_mask: torch.Tensor | None = None,
        need_weights: bool = True,
        attn_mask: torch.Tensor | None = None,
        average_attn_weights: bool = True,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Task 4. Attention of every query over the keys, in num_heads heads at once.

        query: (B, L, C); key and value: (B, S, C) (the same tensor as query for
        self-attention). Masks as in attention_weights.
        Returns (output, weights): output (B, L, C); weights (B, L, S) averaged over the heads
        when average_attn_weights, (B, nh, L, S) when not, and None when not need_weights.
        """
        raise NotImplementedError(
            "Task 4: project, split into heads, mix the values by the weights, merge, project"
        )

    def copy_weights_from(self, other: nn.MultiheadAttention) -> "MultiHeadAttention":
        """Task 5. Copy the weights of `other` (an nn.MultiheadAttention of the same size) into
        this module's four projections, and return self.

        `other` packs the three input projections in one in_proj_weight (3C, C) and
        in_proj_bias (3C,), queries first, then keys, then values. Copies values, not tensors:
        later changes to `other` leave this module alone, and the copy is recorded in no
        autograd graph (the parameters stay leaves that require grad).
        """
        raise NotImplementedError(
            "Task 5: cut the packed weight into three C x C blocks, copy each unrecorded"
        )
