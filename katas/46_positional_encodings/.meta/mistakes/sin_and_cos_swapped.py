"""Puts cosines in the even columns and sines in the odd ones: every invariant still holds
(norms, distances), but it is not the table the formula defines."""

from solution import *


def sinusoidal_encoding(num_positions, dim, base=10000.0, *, dtype=torch.float32, device=None):
    positions = torch.arange(num_positions, dtype=dtype, device=device)
    frequencies = base ** (-torch.arange(0, dim, 2, dtype=dtype, device=device) / dim)
    angles = positions[:, None] * frequencies[None, :]
    encoding = torch.empty(num_positions, dim, dtype=dtype, device=device)
    encoding[:, 0::2] = torch.cos(angles)
    encoding[:, 1::2] = torch.sin(angles)
    return encoding
