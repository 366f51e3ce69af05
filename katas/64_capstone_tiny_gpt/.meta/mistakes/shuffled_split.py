"""Shuffles the characters before splitting, as for independent samples: validation windows
are no longer text, and their neighbours sit in the training set."""

from solution import *


def split_data(ids, val_fraction=0.1):
    n_train = int(len(ids) * (1 - val_fraction))
    shuffled = ids[torch.randperm(len(ids))]
    return shuffled[:n_train], shuffled[n_train:]
