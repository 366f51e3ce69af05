"""Pools the per-batch variances but forgets the spread between the batch means."""

from solution import *


def channel_mean_std(loader):
    total = pooled = 0
    count = 0
    for images, _ in loader:
        pixels = images.transpose(0, 1).flatten(1).double()
        total = total + pixels.sum(dim=1)
        pooled = pooled + pixels.var(dim=1, unbiased=False) * pixels.shape[1]
        count += pixels.shape[1]
    return (total / count).float(), (pooled / count).sqrt().float()
