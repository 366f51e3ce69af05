"""Indexes with the int64 flags directly: they are read as positions 0 and 1, not as a mask."""

from solution import *


def select_positive(values, is_positive):
    return values[is_positive]
