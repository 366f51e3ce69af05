"""Kata 46: positional encodings.

Fill in every function below; `katas/46_positional_encodings/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/46_positional_encodings
"""

import torch
from torch import nn


def sinusoidal_encoding(
    num_positions: int,
    dim: int,
    base: float = 10000.0,
    *,
    dtype: torch.dtype = torch.float32,
    device: torch.device | str | None = None,
) -> torch.Tensor:
    """Task 1. The sinusoidal position encodings of "Attention Is All You Need".

    Returns (num_positions, dim) of `dtype` on `device` (dim even), where for position p and
    pair i (0 <= i < dim / 2), with frequency w_i = base ** (-2i / dim):
        encoding[p, 2i] = sin(p * w_i),  encoding[p, 2i + 1] = cos(p * w_i).
    """
    # BEGIN SOLUTION: Task 1: one angle per (position, pair); sines in even columns, cosines in odd
    positions = torch.arange(num_positions, dtype=dtype, device=device)  # (T,)
    pair = torch.arange(0, dim, 2, dtype=dtype, device=device)  # (D/2,): the values 2i
    frequencies = base ** (-pair / dim)  # (D/2,), from 1 down to ~1/base
    angles = positions[:, None] * frequencies[None, :]  # (T, 1) * (1, D/2) -> (T, D/2)
    encoding = torch.empty(num_positions, dim, dtype=dtype, device=device)
    encoding[:, 0::2] = torch.sin(angles)
    encoding[:, 1::2] = torch.cos(angles)
    return encoding
    # END SOLUTION


class SinusoidalPositions(nn.Module):
    """Adds sinusoidal encodings to token embeddings. The table is a buffer: it moves and casts
    with the module (.to) but is not a parameter, so no optimizer trains it."""

    def __init__(self, max_len: int, dim: int, base: float = 10000.0):
        super().__init__()
        self.register_buffer("encoding", sinusoidal_encoding(max_len, dim, base), persistent=False)

    def forward(self, x: torch.Tensor, offset: int = 0) -> torch.Tensor:
        """Task 2. x: (B, T, D) embeddings of positions offset ... offset + T - 1 ->
        (B, T, D): x plus those rows of the table (offset lets a generator that feeds one new
        token at a time give it its true position)."""
        # BEGIN SOLUTION: Task 2: take the T rows that start at offset, broadcast them over the batch
        time = x.shape[1]
        return x + self.encoding[offset : offset + time]  # (B, T, D) + (T, D)
        # END SOLUTION


def rope_angles(positions: torch.Tensor, head_dim: int, base: float = 10000.0) -> torch.Tensor:
    """Task 3. The rotation angles of rotary embeddings (RoPE).

    positions: (T,) integer positions (any start: a cache may be at position 100).
    Returns (T, head_dim / 2) float32 angles: angle[t, i] = positions[t] * base ** (-2i / head_dim),
    on the device of positions.
    """
    # BEGIN SOLUTION: Task 3: the same frequencies as the sinusoids, times each position
    pair = torch.arange(0, head_dim, 2, dtype=torch.float32, device=positions.device)  # (hd/2,)
    frequencies = base ** (-pair / head_dim)  # (hd/2,)
    return positions.float()[:, None] * frequencies[None, :]  # (T, 1) * (1, hd/2) -> (T, hd/2)
    # END SOLUTION


def apply_rope(x: torch.Tensor, positions: torch.Tensor, base: float = 10000.0) -> torch.Tensor:
    """Task 4. Rotate queries or keys by their positions (RoPE, the paper's pairing).

    x: (..., T, head_dim) with head_dim even, e.g. (B, nh, T, hs); positions: (T,) integers.
    Each pair (x[..., 2i], x[..., 2i + 1]) of position t is rotated by the angle
    a = rope_angles(positions, head_dim, base)[t, i]:
        (x0, x1) -> (x0 cos a - x1 sin a,  x0 sin a + x1 cos a).
    Returns a new tensor of x's shape, dtype and device; x itself is left unchanged.
    """
    # BEGIN SOLUTION: Task 4: rotate every (even, odd) pair of channels by its own angle
    angles = rope_angles(positions, x.shape[-1], base).to(x.dtype)  # (T, hd/2)
    cos, sin = torch.cos(angles), torch.sin(angles)  # (T, hd/2), broadcast over (..., T, hd/2)
    x0, x1 = x[..., 0::2], x[..., 1::2]  # (..., T, hd) -> 2 x (..., T, hd/2)
    rotated = torch.stack([x0 * cos - x1 * sin, x0 * sin + x1 * cos], dim=-1)  # (..., T, hd/2, 2)
    return rotated.flatten(-2)  # (..., T, hd/2, 2) -> (..., T, hd): pairs back side by side
    # END SOLUTION
