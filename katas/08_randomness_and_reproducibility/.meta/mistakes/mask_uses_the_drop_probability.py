"""Confuses keep and drop probability: a 1 appears with probability 1 - keep_prob."""

from solution import *


def keep_mask(shape, keep_prob, generator):
    return torch.bernoulli(torch.full(shape, 1 - keep_prob), generator=generator)
