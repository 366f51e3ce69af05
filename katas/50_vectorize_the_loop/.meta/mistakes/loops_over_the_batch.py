"""Right values, one slice and mean per sequence: the Python loop is still there."""

from solution import *


def masked_mean(x, lengths):
    return torch.stack([x[b, :length].mean(dim=0) for b, length in enumerate(lengths.tolist())])
