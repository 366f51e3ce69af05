"""Calls backward on y.sum() to get a scalar: that is the product with a vector of ones, not with v."""

from solution import *


def vector_jacobian_product(fn, x, v):
    leaf = x.detach().clone().requires_grad_(True)
    fn(leaf).sum().backward()
    return leaf.grad
