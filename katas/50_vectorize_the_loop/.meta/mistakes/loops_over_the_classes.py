"""Right values, one mask and sum per class: the Python loop over the classes is still there."""

from solution import *


def class_sums(values, labels, num_classes):
    return torch.stack([values[labels == c].sum(dim=0) for c in range(num_classes)])
