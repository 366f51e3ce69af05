"""Normalises each column (over the queries) instead of each row (over the keys): a query's
weights no longer sum to 1."""

from solution import *


def attention_weights(q, k, attn_mask=None, is_causal=False, scale=None):
    if is_causal:
        if attn_mask is not None:
            raise ValueError("give attn_mask or is_causal=True, not both")
        attn_mask = causal_mask(q.shape[-2], k.shape[-2], device=q.device)
    scores = attention_scores(q, k, scale)
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            scores = scores.masked_fill(~attn_mask, float("-inf"))
        else:
            scores = scores + attn_mask
    no_key = scores.isneginf().all(dim=-2, keepdim=True)
    return torch.softmax(scores.masked_fill(no_key, 0.0), dim=-2).masked_fill(no_key, 0.0)
