"""Applies the transform once, to the whole tensor, when the dataset is built: no fresh augmentation per read."""

from solution import *


class TensorPairDataset(TensorPairDataset):
    def __init__(self, features, labels, transform=None, target_transform=None):
        if transform is not None:
            features = transform(features)
        super().__init__(features, labels, None, target_transform)
