"""Computes the rotation in at least float32 and never casts back: float32 and float64 inputs
are fine, but a float16 or bfloat16 query comes back as float32, twice its memory, and no
longer matches the half-precision keys and matmuls after it."""

from solution import *


def apply_rope(x, positions, base=10000.0):
    compute = torch.promote_types(x.dtype, torch.float32)
    angles = rope_angles(positions, x.shape[-1], base).to(compute)
    cos, sin = torch.cos(angles), torch.sin(angles)
    x0, x1 = x[..., 0::2].to(compute), x[..., 1::2].to(compute)
    rotated = torch.stack([x0 * cos - x1 * sin, x0 * sin + x1 * cos], dim=-1)
    return rotated.flatten(-2)
