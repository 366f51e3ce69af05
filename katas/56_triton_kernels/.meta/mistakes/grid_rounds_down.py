"""Counts the blocks with floor division: the last, partial block never runs, so the tail of
the output is left uninitialised whenever the size is not a multiple of the block size."""

from solution import *


def add(x, y, block_size=1024):
    out = torch.empty_like(x)
    n_elements = x.numel()
    grid = (max(n_elements // block_size, 1),)
    add_kernel[grid](x, y, out, n_elements, BLOCK_SIZE=block_size)
    return out
