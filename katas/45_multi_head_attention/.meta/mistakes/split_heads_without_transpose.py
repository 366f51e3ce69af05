"""Views (B, T, C) straight as (B, nh, T, hs): the right shape, but each "head" now holds a
block of consecutive positions, not one position's slice of channels."""

from solution import *


def split_heads(x, num_heads):
    batch, time, channels = x.shape
    return x.view(batch, num_heads, time, channels // num_heads)
