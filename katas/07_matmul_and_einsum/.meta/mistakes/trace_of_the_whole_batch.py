"""Drops the batch index from the output: sums the traces of all matrices into one number."""

from solution import *


def batched_trace(matrices):
    return torch.einsum("bii->", matrices)
