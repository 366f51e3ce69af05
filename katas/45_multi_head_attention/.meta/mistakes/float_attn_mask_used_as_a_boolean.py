"""Turns every attn_mask into a boolean one: a float mask's finite biases (nonzero, so True)
block their pairs instead of being added to the scores. Only 0 and -inf survive the cast."""

from solution import *


def attention_weights(q, k, key_padding_mask=None, attn_mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if attn_mask is not None:
        scores = scores.masked_fill(attn_mask.bool(), float("-inf"))
    if key_padding_mask is not None:
        scores = scores.masked_fill(key_padding_mask[:, None, None, :], float("-inf"))
    return torch.softmax(scores, dim=-1)
