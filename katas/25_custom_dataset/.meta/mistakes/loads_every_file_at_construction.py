"""Loads every file in __init__: the whole folder must fit in memory, and later changes are missed."""

from solution import *


class FolderDataset(FolderDataset):
    def __init__(self, folder, transform=None):
        super().__init__(folder, transform)
        self.samples = [torch.load(p, weights_only=True) for p in self.paths]

    def __getitem__(self, index):
        sample = self.samples[index]
        x = sample["features"]
        if self.transform is not None:
            x = self.transform(x)
        return x, sample["label"]
