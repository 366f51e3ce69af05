"""Keeps every sample it has loaded: memory grows over an epoch and a rewritten file is never re-read."""

from solution import *


class FolderDataset(FolderDataset):
    def __init__(self, folder, transform=None):
        super().__init__(folder, transform)
        self.cache = {}

    def __getitem__(self, index):
        if index not in self.cache:
            self.cache[index] = torch.load(self.paths[index], weights_only=True)
        sample = self.cache[index]
        x = sample["features"]
        if self.transform is not None:
            x = self.transform(x)
        return x, sample["label"]
