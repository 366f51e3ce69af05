"""Picks the scale with `scale or 1 / sqrt(E)`: an explicit scale=0.0 is falsy, so it is read
as "no scale given" and replaced by 1 / sqrt(E). Test `scale is None` instead."""

from solution import *


def attention_scores(q, k, scale=None):
    scale = scale or 1 / math.sqrt(q.shape[-1])
    return (q @ k.transpose(-2, -1)) * scale
