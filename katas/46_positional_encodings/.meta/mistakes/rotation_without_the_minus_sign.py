"""Writes (x0 cos + x1 sin, x0 sin + x1 cos): not a rotation, so norms change and the scores
depend on absolute positions."""

from solution import *


def apply_rope(x, positions, base=10000.0):
    angles = rope_angles(positions, x.shape[-1], base).to(x.dtype)
    cos, sin = torch.cos(angles), torch.sin(angles)
    x0, x1 = x[..., 0::2], x[..., 1::2]
    return torch.stack([x0 * cos + x1 * sin, x0 * sin + x1 * cos], dim=-1).flatten(-2)
