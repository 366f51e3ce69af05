"""Draws starts below len(data) - block_size - 1, one short: the last window is never used
(and a text of block_size + 1 tokens has no window at all)."""

from solution import *


def get_batch(data, block_size, batch_size, generator):
    starts = torch.randint(len(data) - block_size - 1, (batch_size,), generator=generator)
    x = torch.stack([data[s : s + block_size] for s in starts.tolist()])
    y = torch.stack([data[s + 1 : s + 1 + block_size] for s in starts.tolist()])
    return x, y
