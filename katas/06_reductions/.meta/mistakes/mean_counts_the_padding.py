"""Zeroes the padding and then takes .mean(): the zeros are averaged in, dividing by T instead of
the number of real positions."""

from solution import *


def masked_mean(x, mask):
    return (x * mask).mean(dim=1)
