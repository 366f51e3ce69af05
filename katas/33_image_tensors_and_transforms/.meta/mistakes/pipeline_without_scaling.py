"""Converts to float32 without scale=True, so Normalize sees 0..255 instead of 0..1."""

from solution import *


def training_pipeline(size):
    return v2.Compose(
        [
            v2.RandomResizedCrop(size, antialias=True),
            v2.RandomHorizontalFlip(),
            v2.ToDtype(torch.float32),
            v2.Normalize(IMAGENET_MEAN, IMAGENET_STD),
        ]
    )


def evaluation_pipeline(size):
    return v2.Compose(
        [
            v2.Resize(size, antialias=True),
            v2.CenterCrop(size),
            v2.ToDtype(torch.float32),
            v2.Normalize(IMAGENET_MEAN, IMAGENET_STD),
        ]
    )
