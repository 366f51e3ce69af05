"""Ignores the positions it is given and rotates by 0, 1, ..., T - 1: right for a whole
sequence, wrong for the new tokens of a generator that is already at position 100."""

from solution import *


def apply_rope(x, positions, base=10000.0):
    own_positions = torch.arange(x.shape[-2], device=x.device)
    angles = rope_angles(own_positions, x.shape[-1], base).to(x.dtype)
    cos, sin = torch.cos(angles), torch.sin(angles)
    x0, x1 = x[..., 0::2], x[..., 1::2]
    return torch.stack([x0 * cos - x1 * sin, x0 * sin + x1 * cos], dim=-1).flatten(-2)
