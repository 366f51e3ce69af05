"""Splits with torch.chunk: chunk makes pieces of ceil(N / k), so 10 samples over 4 replicas
give 3, 3, 3, 1 and 6 over 4 give only three shards (a replica gets nothing)."""

from solution import *


def split_batch(inputs, targets, num_replicas):
    return list(
        zip(torch.chunk(inputs, num_replicas), torch.chunk(targets, num_replicas), strict=True)
    )
