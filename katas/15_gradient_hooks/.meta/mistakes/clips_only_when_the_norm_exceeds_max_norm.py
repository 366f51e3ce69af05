"""Scales only when the norm is above max_norm: clip_grad_norm_ scales whenever its factor
max_norm / (total_norm + 1e-6) is below 1, which it is when the norm equals max_norm too."""

from solution import *


def clip_by_global_norm_(parameters, max_norm):
    with_grad = [p for p in parameters if p.grad is not None]
    total_norm = global_grad_norm(with_grad)
    if total_norm > max_norm:
        for p in with_grad:
            p.grad.detach().mul_(max_norm / (total_norm + 1e-6))
    return total_norm
