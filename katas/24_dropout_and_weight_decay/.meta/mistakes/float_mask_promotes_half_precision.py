"""Multiplies by a float32 mask (`.float()`): a float16 or bfloat16 input comes back as float32."""

from solution import *


def dropout(x, p, training, generator=None):
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability must be in [0, 1], got {p}")
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return torch.zeros_like(x)
    keep = (torch.rand(x.shape, generator=generator, device=x.device) < 1.0 - p).float()
    return x * keep / (1.0 - p)
