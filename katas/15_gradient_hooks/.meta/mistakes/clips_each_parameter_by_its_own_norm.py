"""Clips each gradient by its own norm instead of the global norm: the direction changes."""

from solution import *


def clip_by_global_norm_(parameters, max_norm):
    with_grad = [p for p in parameters if p.grad is not None]
    total_norm = global_grad_norm(with_grad)
    for p in with_grad:
        norm = p.grad.norm()
        if norm > max_norm:
            p.grad.mul_(max_norm / (norm + 1e-6))
    return total_norm
