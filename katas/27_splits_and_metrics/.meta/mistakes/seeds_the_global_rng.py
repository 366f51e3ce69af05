"""Calls torch.manual_seed(seed) before random_split: reproducible, but it resets the global RNG."""

from solution import *


def split_dataset(dataset, fractions, seed):
    torch.manual_seed(seed)
    return random_split(dataset, fractions)
