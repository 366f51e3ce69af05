"""Zeroes .grad in place and keeps references to it: every list entry is the same tensor, the last gradient."""

from solution import *


def gradients_per_batch(weight, batches, loss_fn):
    gradients = []
    for batch in batches:
        if weight.grad is not None:
            weight.grad.zero_()
        loss_fn(weight, batch).backward()
        gradients.append(weight.grad)
    return gradients
