"""Builds the Hessian over the flattened input: (N, N) instead of x.shape + x.shape."""

from solution import *


def hessian_of(f, x):
    flat = x.reshape(-1)
    return torch.func.hessian(lambda z: f(z.reshape(x.shape)))(flat)
