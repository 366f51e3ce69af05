"""Builds the step indices with torch.arange(T) on the CPU: fine until the data is on a GPU."""

from solution import *


def masked_mean(x, lengths):
    mask = torch.arange(x.shape[1])[None, :] < lengths[:, None]
    return (x * mask[:, :, None]).sum(dim=1) / lengths[:, None].to(x.dtype)
