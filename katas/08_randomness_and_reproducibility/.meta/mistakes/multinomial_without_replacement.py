"""Keeps multinomial's default replacement=False: each category at most once, at most K draws."""

from solution import *


def sample_categories(weights, num_samples, generator):
    return torch.multinomial(weights, num_samples, generator=generator)
