"""Reads .grad of the intermediate without retain_grad(): autograd kept none, so it is None."""

from solution import *


def leaf_and_intermediate_gradients(inner, outer, x):
    leaf = x.detach().clone().requires_grad_(True)
    hidden = inner(leaf)
    outer(hidden).backward()
    return leaf.grad, hidden.grad
