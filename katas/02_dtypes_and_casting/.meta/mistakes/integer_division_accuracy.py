"""Divides the count of correct predictions with `//`: integer division, so 2 of 3 gives 0."""

from solution import *


def accuracy(predictions, labels):
    return (predictions == labels).sum() // labels.numel()
