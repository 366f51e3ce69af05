"""Rounds the fold size up and starts each fold at fold * size: the last folds overlap or run short."""

from solution import *


def kfold_indices(n, k, shuffle=False, generator=None):
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    size = -(-n // k)
    pairs = []
    for fold in range(k):
        start = min(fold * size, n - size)
        val_idx = order[start : start + size]
        train_idx = torch.cat([order[:start], order[start + size :]])
        pairs.append((train_idx, val_idx))
    return pairs
