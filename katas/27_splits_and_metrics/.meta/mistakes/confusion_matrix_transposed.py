"""Puts predicted classes on the rows and true classes on the columns."""

from solution import *


def confusion_matrix(predictions, targets, num_classes):
    counts = torch.bincount(predictions * num_classes + targets, minlength=num_classes**2)
    return counts.reshape(num_classes, num_classes)
