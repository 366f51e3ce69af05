"""Checks the largest value against finfo.max and counts significant bits, but forgets the bottom
of the range: 2**-30 needs one bit, yet float16 cannot reach it and rounds it to 0."""

import math

from solution import *


def smallest_exact_dtype(x):
    mantissa, _ = torch.frexp(x)  # x == mantissa * 2**exponent, 0.5 <= |mantissa| < 1
    for dtype in FLOAT_DTYPES:
        info = torch.finfo(dtype)
        bits = round(-math.log2(info.eps)) + 1  # significant bits, the implicit one included
        scaled = torch.ldexp(mantissa, torch.tensor(bits))
        if x.abs().max() <= info.max and torch.equal(scaled, scaled.round()):
            return dtype
    return torch.float64
