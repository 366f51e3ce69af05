"""Copies x with clone() alone: when x already requires grad (an nn.Parameter), the copy is not
a leaf, so its .grad stays None and the gradient lands in the caller's x.grad."""

from solution import *


def gradient_of(fn, x):
    leaf = x.clone().requires_grad_(True)
    fn(leaf).backward()
    return leaf.grad
