"""Lets the softmax make nan for a fully masked row and replaces it by 0 afterwards: the
forward pass looks right, but the backward pass still goes through the nan and sends nan
gradients to q and k."""

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
    return torch.softmax(scores, dim=-1).nan_to_num(0.0)
