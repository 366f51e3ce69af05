"""Starts the one-hot rows from zeros on the default device (the CPU), whatever device the
labels live on."""

from solution import *


def one_hot(labels, num_classes):
    out = torch.zeros(labels.shape[0], num_classes)
    return out.scatter_(1, labels.unsqueeze(1), 1.0)
