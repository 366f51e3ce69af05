"""Accumulates into x to avoid a new tensor: the caller's input changes (and a leaf that
requires grad cannot be modified in place at all)."""

from solution import *


def residual_relu(x, linear):
    return x.add_(linear(x).relu())
