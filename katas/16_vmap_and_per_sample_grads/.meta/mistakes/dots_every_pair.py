"""Uses a @ b.T, the dot of every row with every row, and sums it: cross terms creep in."""

from solution import *


def batched_dot(a, b):
    return (a @ b.T).sum(dim=1)
