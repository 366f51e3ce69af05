"""Seeds the global RNG with torch.manual_seed instead of giving the loader a generator."""

from solution import *


def make_loader(dataset, batch_size, shuffle, seed=0):
    torch.manual_seed(seed)
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle)
