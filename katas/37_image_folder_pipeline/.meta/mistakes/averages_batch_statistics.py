"""Averages the per-batch means and stds: a smaller last batch counts as much as a full one."""

from solution import *


def channel_mean_std(loader):
    means, stds = [], []
    for images, _ in loader:
        means.append(images.mean(dim=(0, 2, 3)))
        stds.append(images.std(dim=(0, 2, 3)))
    return torch.stack(means).mean(0), torch.stack(stds).mean(0)
