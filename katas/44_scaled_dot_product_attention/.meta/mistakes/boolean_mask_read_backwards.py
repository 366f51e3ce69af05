"""Reads True in a boolean mask as "blocked" (the convention of nn.MultiheadAttention's
key_padding_mask): F.scaled_dot_product_attention reads True as "may attend"."""

from solution import *


def attention_weights(q, k, attn_mask=None, is_causal=False, scale=None):
    if is_causal:
        if attn_mask is not None:
            raise ValueError("give attn_mask or is_causal=True, not both")
        attn_mask = causal_mask(q.shape[-2], k.shape[-2], device=q.device)
    scores = attention_scores(q, k, scale)
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            scores = scores.masked_fill(attn_mask, float("-inf"))
        else:
            scores = scores + attn_mask
    no_key = scores.isneginf().all(dim=-1, keepdim=True)
    return torch.softmax(scores.masked_fill(no_key, 0.0), dim=-1).masked_fill(no_key, 0.0)
