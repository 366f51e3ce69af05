"""Compares the norm with the thresholds only: a nan norm is neither above nor below, so "ok"."""

from solution import *


def gradient_health(named_parameters, vanishing_below=1e-6, exploding_above=1e3):
    health = {}
    for name, p in named_parameters:
        if p.grad is None:
            continue
        norm = p.grad.norm().item()
        health[name] = (
            "exploding"
            if norm > exploding_above
            else "vanishing"
            if norm < vanishing_below
            else "ok"
        )
    return health
