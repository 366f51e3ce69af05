"""Compares with <= and >=: a norm equal to a threshold is flagged, though it is neither below
nor above it."""

from solution import *


def gradient_health(named_parameters, vanishing_below=1e-6, exploding_above=1e3):
    health = {}
    for name, p in named_parameters:
        if p.grad is None:
            continue
        norm = torch.linalg.vector_norm(p.grad.detach()).item()
        if not torch.isfinite(torch.tensor(norm)) or norm >= exploding_above:
            health[name] = "exploding"
        elif norm <= vanishing_below:
            health[name] = "vanishing"
        else:
            health[name] = "ok"
    return health
