"""Counts one sample too few in __len__ (a range(1, N) habit), so the last sample is never read."""

from solution import *


class TensorPairDataset(TensorPairDataset):
    def __len__(self):
        return len(self.features) - 1
