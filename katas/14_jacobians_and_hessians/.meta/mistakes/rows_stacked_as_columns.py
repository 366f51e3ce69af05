"""Stacks the reverse-mode gradients side by side: the result is the transposed Jacobian."""

from solution import *


def jacobian_by_rows(f, x):
    y, pullback = torch.func.vjp(f, x)
    basis = torch.eye(y.numel(), dtype=y.dtype)
    return torch.stack([pullback(e)[0] for e in basis], dim=1)
