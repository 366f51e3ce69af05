"""Softmax of the raw dot products: without 1 / sqrt(hs) the weights are too sharp."""

from solution import *


def attention_weights(q, k, key_padding_mask=None, attn_mask=None):
    scores = q @ k.transpose(-2, -1)
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            scores = scores.masked_fill(attn_mask, float("-inf"))
        else:
            scores = scores + attn_mask
    if key_padding_mask is not None:
        scores = scores.masked_fill(key_padding_mask[:, None, None, :], float("-inf"))
    return torch.softmax(scores, dim=-1)
