"""Cuts the flat vector in slices of numel // world_size: with 41 elements over 2 ranks the
last element belongs to nobody, and it is never updated."""

from solution import *


def shard_bounds(numel, rank, world_size):
    shard_size = numel // world_size
    return rank * shard_size, (rank + 1) * shard_size
