"""Reseeds the global RNG instead of using a generator: reproducible, but resets everyone else's randomness."""

from solution import *


def seeded_normal(shape, seed, device="cpu"):
    torch.manual_seed(seed)
    return torch.randn(shape, device=device)
