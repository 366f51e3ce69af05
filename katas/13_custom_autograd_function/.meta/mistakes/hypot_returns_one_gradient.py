"""Hypot's backward returns only the gradient for x: backward must return one per input."""

from solution import *


class Hypot(Hypot):
    @staticmethod
    def backward(ctx, grad_output):
        x, _y, r = ctx.saved_tensors
        return grad_output * x / r
