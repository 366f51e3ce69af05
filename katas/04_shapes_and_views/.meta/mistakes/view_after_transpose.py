"""Calls view on the transposed tensor: view needs compatible strides, and a transpose is not
contiguous, so it raises instead of copying."""

from solution import *


def merge_heads(x):
    batch, num_heads, steps, head_size = x.shape
    return x.transpose(1, 2).view(batch, steps, num_heads * head_size)


def flatten_features(x):
    return x.view(x.shape[0], -1)
