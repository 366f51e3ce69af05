"""Counts parameter tensors instead of the values in them."""

from solution import *


def count_parameters(module, trainable_only=False):
    return len([p for p in module.parameters() if p.requires_grad or not trainable_only])
