"""All-reduces with SUM and stops there: every rank holds the sum over the ranks, world_size
times the mean."""

from solution import *


def average_across_ranks(tensor):
    dist.all_reduce(tensor, op=dist.ReduceOp.SUM)
    return tensor
