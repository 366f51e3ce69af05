"""Resizes to (size, size) at evaluation: the image is squashed instead of cropped, and its aspect ratio lost."""

from solution import *


def evaluation_pipeline(size):
    return v2.Compose(
        [
            v2.Resize((size, size), antialias=True),
            v2.ToDtype(torch.float32, scale=True),
            v2.Normalize(IMAGENET_MEAN, IMAGENET_STD),
        ]
    )
