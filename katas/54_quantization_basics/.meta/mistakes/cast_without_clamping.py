"""Casts to int8 without clamping first: values beyond the range wrap around (128 -> -128)."""

from solution import *
from solution import _along


def quantize(x, scale, zero_point, dim=None):
    scale, zero_point = _along(scale, dim, x.ndim), _along(zero_point, dim, x.ndim)
    return (torch.round(x / scale) + zero_point).to(torch.int8)
