"""Measures the sample (unbiased) standard deviation, dividing by N - 1: the README asks for the
population std over all pixels, dividing by N."""

from solution import *


def channel_mean_std(loader):
    pixels = torch.cat([images.transpose(0, 1).flatten(1).double() for images, _ in loader], 1)
    return pixels.mean(dim=1).float(), pixels.std(dim=1, correction=1).float()
