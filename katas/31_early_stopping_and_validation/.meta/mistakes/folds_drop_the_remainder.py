"""Gives every fold n // k indices: the last n % k indices are never validated on."""

from solution import *


def kfold_indices(n, k, shuffle=False, generator=None):
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    size = n // k
    pairs = []
    for fold in range(k):
        val_idx = order[fold * size : (fold + 1) * size]
        train_idx = torch.cat([order[: fold * size], order[(fold + 1) * size :]])
        pairs.append((train_idx, val_idx))
    return pairs
