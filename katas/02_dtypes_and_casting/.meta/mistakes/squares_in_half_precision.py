"""Squares in float16 itself: 300 ** 2 overflows to inf and 1e-4 ** 2 underflows to 0."""

from solution import *


def rms(x):
    return x.pow(2).mean().sqrt()
