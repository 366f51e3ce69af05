"""Cube's backward returns the local derivative 3 x ** 2 alone, not times grad_output."""

from solution import *


class Cube(Cube):
    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return 3 * x**2
