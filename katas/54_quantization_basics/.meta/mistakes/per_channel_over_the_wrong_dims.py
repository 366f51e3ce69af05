"""Reduces over `dim` instead of over the other dims: one scale per position of the wrong axis."""

import solution
from solution import *


def qparams(x, symmetric, dim=None):
    if dim is None:
        return solution.qparams(x, symmetric)
    if symmetric:
        scale = (x.abs().amax(dim=dim) / QMAX).clamp(min=EPS)
        return scale, torch.zeros_like(scale, dtype=torch.int32)
    lo, hi = x.amin(dim=dim).clamp(max=0), x.amax(dim=dim).clamp(min=0)
    scale = ((hi - lo) / (QMAX - QMIN)).clamp(min=EPS)
    return scale, torch.round(QMIN - lo / scale).clamp(QMIN, QMAX).to(torch.int32)
