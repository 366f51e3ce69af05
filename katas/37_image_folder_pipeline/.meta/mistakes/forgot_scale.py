"""Converts to float32 without scale=True: pixel values stay 0..255 instead of 0..1."""

from solution import *


def make_transform(size, mean, std):
    return v2.Compose(
        [
            v2.ToImage(),
            v2.Resize((size, size), antialias=True),
            v2.ToDtype(torch.float32),
            v2.Normalize(mean=mean, std=std),
        ]
    )
