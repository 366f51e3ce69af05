"""Turns every mask into a boolean one with .bool(): an additive mask of 0 and -inf becomes
False where it keeps and True where it blocks (the opposite), and a finite bias is lost."""

from solution import *


def attention_weights(q, k, attn_mask=None, is_causal=False, scale=None):
    if is_causal:
        if attn_mask is not None:
            raise ValueError("give attn_mask or is_causal=True, not both")
        attn_mask = causal_mask(q.shape[-2], k.shape[-2], device=q.device)
    scores = attention_scores(q, k, scale)
    if attn_mask is not None:
        scores = scores.masked_fill(~attn_mask.bool(), float("-inf"))
    no_key = scores.isneginf().all(dim=-1, keepdim=True)
    return torch.softmax(scores.masked_fill(no_key, 0.0), dim=-1).masked_fill(no_key, 0.0)
