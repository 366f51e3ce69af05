"""Pairs channel i with channel i + hs/2 (the GPT-NeoX layout) instead of 2i with 2i + 1: a
valid rotation (norms and relative scores hold) but not the pairing the docstring asks for,
so weights trained with one layout give garbage with the other."""

from solution import *


def apply_rope(x, positions, base=10000.0):
    angles = rope_angles(positions, x.shape[-1], base).to(x.dtype)
    cos, sin = torch.cos(angles), torch.sin(angles)
    x0, x1 = x.chunk(2, dim=-1)
    return torch.cat([x0 * cos - x1 * sin, x0 * sin + x1 * cos], dim=-1)
