"""Calls x.requires_grad_() on the caller's tensor: it now tracks grad and keeps a .grad that piles up."""

from solution import *


def gradient_of(fn, x):
    x.requires_grad_(True)
    fn(x).backward()
    return x.grad
