"""Calls random_split without a generator: the split follows the global RNG, not the seed."""

from solution import *


def split_dataset(dataset, fractions, seed):
    return random_split(dataset, fractions)
