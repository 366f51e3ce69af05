"""Uses base ** (-i / head_dim) with i the pair's number: the frequencies fall only half as far,
so the slowest pair turns far faster than the paper's."""

from solution import *


def rope_angles(positions, head_dim, base=10000.0):
    pair_number = torch.arange(head_dim // 2, dtype=torch.float32, device=positions.device)
    frequencies = base ** (-pair_number / head_dim)
    return positions.float()[:, None] * frequencies[None, :]
