"""Lets the int8 cast truncate toward zero instead of rounding: up to a whole step off."""

from solution import *
from solution import _along


def quantize(x, scale, zero_point, dim=None):
    scale, zero_point = _along(scale, dim, x.ndim), _along(zero_point, dim, x.ndim)
    return (x / scale + zero_point).clamp(QMIN, QMAX).to(torch.int8)
