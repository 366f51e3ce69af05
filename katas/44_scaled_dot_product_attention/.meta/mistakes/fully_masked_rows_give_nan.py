"""Takes the softmax of the masked scores as they are: a row of -inf only is 0 / 0, so a query
that may attend to nothing returns nan, and the nan spreads through the next layers."""

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
    return torch.softmax(scores, dim=-1)
