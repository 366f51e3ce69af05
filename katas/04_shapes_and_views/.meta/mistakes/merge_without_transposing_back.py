"""Reshapes (B, nh, T, hs) straight to (B, T, C) without swapping heads and time back: the shape
is right, the values are scrambled across time steps."""

from solution import *


def merge_heads(x):
    batch, num_heads, steps, head_size = x.shape
    return x.reshape(batch, steps, num_heads * head_size)
