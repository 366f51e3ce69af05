"""Divides every prefix sum by T, the full length, instead of by the prefix's own length."""

from solution import *


def running_mean(x):
    return x.cumsum(dim=-1) / x.shape[-1]
