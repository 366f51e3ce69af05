"""Diagnoses each parameter from its mean absolute gradient instead of the L2 norm."""

from solution import *


def gradient_health(named_parameters, vanishing_below=1e-6, exploding_above=1e3):
    health = {}
    for name, p in named_parameters:
        if p.grad is None:
            continue
        size = p.grad.abs().mean().item()
        if not torch.isfinite(torch.tensor(size)) or size > exploding_above:
            health[name] = "exploding"
        elif size < vanishing_below:
            health[name] = "vanishing"
        else:
            health[name] = "ok"
    return health
