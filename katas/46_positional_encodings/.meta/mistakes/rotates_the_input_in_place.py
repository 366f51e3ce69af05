"""Writes the rotated pairs back into x: the caller's queries change under its feet (and a
tensor that requires grad refuses the in-place write)."""

from solution import *


def apply_rope(x, positions, base=10000.0):
    angles = rope_angles(positions, x.shape[-1], base).to(x.dtype)
    cos, sin = torch.cos(angles), torch.sin(angles)
    x0, x1 = x[..., 0::2].clone(), x[..., 1::2].clone()
    with torch.no_grad():
        x[..., 0::2] = x0 * cos - x1 * sin
        x[..., 1::2] = x0 * sin + x1 * cos
    return x
