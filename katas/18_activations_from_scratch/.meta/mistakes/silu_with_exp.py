"""Writes SiLU as x / (1 + exp(-x)): exp(1000) overflows, so the gradient at x = -1000 is nan."""

from solution import *


def silu(x):
    return x / (1 + torch.exp(-x))
