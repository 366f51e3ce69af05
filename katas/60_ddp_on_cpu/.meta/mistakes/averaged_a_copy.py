"""Averages a copy and returns it: the caller's tensor, which the docstring says is replaced in
place, still holds this rank's own value."""

from solution import *


def average_across_ranks(tensor):
    result = tensor.clone()
    dist.all_reduce(result)
    return result / dist.get_world_size()
