"""Scatters the ones along dim 0: sets out[labels[i], 0] instead of out[i, labels[i]]."""

from solution import *


def one_hot(labels, num_classes):
    out = torch.zeros(labels.shape[0], num_classes, device=labels.device)
    return out.scatter_(0, labels.unsqueeze(1), 1.0)
