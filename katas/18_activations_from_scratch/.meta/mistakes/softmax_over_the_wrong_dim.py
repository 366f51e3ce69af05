"""Ignores dim and always normalises the last dimension."""

from solution import *


def softmax(x, dim=-1):
    shifted = x - x.amax(dim=-1, keepdim=True)
    return shifted.exp() / shifted.exp().sum(dim=-1, keepdim=True)
