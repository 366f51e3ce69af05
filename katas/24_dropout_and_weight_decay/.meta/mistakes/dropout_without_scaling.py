"""Drops elements but forgets to divide the survivors by 1 - p: the expected output shrinks."""

from solution import *


def dropout(x, p, training, generator=None):
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability must be in [0, 1], got {p}")
    if not training:
        return x
    keep = torch.rand(x.shape, generator=generator, device=x.device) >= p
    return x * keep
