"""Adds up the per-parameter norms instead of taking the norm of all gradients together."""

from solution import *


def global_grad_norm(parameters):
    return sum(p.grad.norm() for p in parameters if p.grad is not None)


def clip_by_global_norm_(parameters, max_norm):
    with_grad = [p for p in parameters if p.grad is not None]
    total_norm = global_grad_norm(with_grad)
    factor = (max_norm / (total_norm + 1e-6)).clamp(max=1.0)
    for p in with_grad:
        p.grad.mul_(factor)
    return total_norm
