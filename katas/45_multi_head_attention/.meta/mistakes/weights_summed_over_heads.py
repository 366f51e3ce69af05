"""Sums the heads' weights instead of averaging them: rows add up to num_heads, not 1."""

from solution import *


def _forward(
    self,
    query,
    key,
    value,
    key_padding_mask=None,
    need_weights=True,
    attn_mask=None,
    average_attn_weights=True,
):
    q = split_heads(self.q_proj(query), self.num_heads)
    k = split_heads(self.k_proj(key), self.num_heads)
    v = split_heads(self.v_proj(value), self.num_heads)
    weights = attention_weights(q, k, key_padding_mask, attn_mask)
    output = self.out_proj(merge_heads(weights @ v))
    if not need_weights:
        return output, None
    if average_attn_weights:
        weights = weights.sum(dim=1)
    return output, weights


MultiHeadAttention.forward = _forward
