"""Averages the squared deviations (divides by n): the population variance, biased low as an
estimate from a sample."""

from solution import *


def sample_variance(x, dim):
    return ((x - x.mean(dim=dim, keepdim=True)) ** 2).mean(dim=dim)
