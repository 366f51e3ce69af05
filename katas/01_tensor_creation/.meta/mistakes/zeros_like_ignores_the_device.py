"""Builds the zeros from the reference's shape and dtype only: they land on the CPU whatever
device the reference lives on."""

from solution import *


def zeros_like(reference):
    return torch.zeros(reference.shape, dtype=reference.dtype)
