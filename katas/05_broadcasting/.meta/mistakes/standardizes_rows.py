"""Takes the statistics over dim 1: standardises each row (sample) instead of each column
(feature)."""

from solution import *


def standardize_columns(x):
    mean = x.mean(dim=1, keepdim=True)
    std = x.std(dim=1, correction=0, keepdim=True)
    return (x - mean) / std
