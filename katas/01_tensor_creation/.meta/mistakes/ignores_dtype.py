"""Forgets to pass dtype on: torch.full infers float32 from a float and int64 from an int."""

from solution import *


def filled(shape, value, dtype=torch.float32):
    return torch.full(shape, value)
