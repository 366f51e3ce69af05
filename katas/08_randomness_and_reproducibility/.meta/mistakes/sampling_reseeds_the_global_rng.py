"""Reseeds the global RNG with the generator's seed instead of passing generator=: reproducible, but it resets everyone else's randomness."""

from solution import *


def sample_categories(weights, num_samples, generator):
    torch.manual_seed(generator.initial_seed())
    return torch.multinomial(weights, num_samples, replacement=True)
