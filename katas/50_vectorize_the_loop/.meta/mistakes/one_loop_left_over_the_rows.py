"""Vectorises the inner loop only: one row of x at a time, so the work still grows with N."""

from solution import *


def pairwise_distances(x, y):
    return torch.stack([(row - y).norm(dim=-1) for row in x])
