"""Accumulates the unscaled losses: the gradient of the sum, n times the gradient of the mean."""

from solution import *


def accumulated_gradient(weight, batches, loss_fn):
    weight.grad = None
    for batch in batches:
        loss_fn(weight, batch).backward()
    return weight.grad.clone()
