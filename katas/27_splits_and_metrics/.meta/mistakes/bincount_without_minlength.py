"""Counts the (true, predicted) pairs with bincount but no minlength: the counts stop at the
largest pair that occurs, and the reshape to (C, C) fails when the last classes never occur."""

from solution import *


def confusion_matrix(predictions, targets, num_classes):
    counts = torch.bincount(targets * num_classes + predictions)
    return counts.reshape(num_classes, num_classes)
