"""Divides the dot products by E instead of sqrt(E): the softmax comes out too flat, and the
weights differ from PyTorch's for every E but 1."""

from solution import *


def attention_scores(q, k, scale=None):
    if scale is None:
        scale = 1 / q.shape[-1]
    return (q @ k.transpose(-2, -1)) * scale
