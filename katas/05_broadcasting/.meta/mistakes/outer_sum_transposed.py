"""Makes b the column and a the row: out[j, i] = a[i] + b[j], the transpose of what was asked."""

from solution import *


def outer_sum(a, b):
    return a[None, :] + b[:, None]
