"""Uses v2.RandomCrop(size) for training: it cuts a window but never resizes, so an image smaller than size fails."""

from solution import *


def training_pipeline(size):
    return v2.Compose(
        [
            v2.RandomCrop(size),
            v2.RandomHorizontalFlip(),
            v2.ToDtype(torch.float32, scale=True),
            v2.Normalize(IMAGENET_MEAN, IMAGENET_STD),
        ]
    )
