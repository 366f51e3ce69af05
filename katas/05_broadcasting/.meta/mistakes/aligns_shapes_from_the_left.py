"""Pads the shorter shape on the right, lining the dimensions up from the left as one reads them;
broadcasting lines them up from the right."""

from solution import *


def broadcast_shape(shape_a, shape_b):
    ndim = max(len(shape_a), len(shape_b))
    padded_a = tuple(shape_a) + (1,) * (ndim - len(shape_a))
    padded_b = tuple(shape_b) + (1,) * (ndim - len(shape_b))
    result = []
    for size_a, size_b in zip(padded_a, padded_b, strict=True):
        if size_a != size_b and 1 not in (size_a, size_b):
            raise ValueError(f"shapes {shape_a} and {shape_b} cannot broadcast")
        result.append(max(size_a, size_b))
    return tuple(result)
