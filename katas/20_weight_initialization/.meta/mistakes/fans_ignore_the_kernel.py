"""Reads fans from the first two dimensions only: a conv's kernel size is left out."""

from solution import *


def fan_in_and_fan_out(weight):
    if weight.dim() < 2:
        raise ValueError("fan in and fan out need a weight with at least 2 dimensions")
    return weight.shape[1], weight.shape[0]
