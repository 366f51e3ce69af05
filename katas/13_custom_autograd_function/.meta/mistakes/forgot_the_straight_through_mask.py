"""FakeQuantize passes the gradient everywhere, also where the clamp saturated."""

from solution import *


class FakeQuantize(FakeQuantize):
    @staticmethod
    def backward(ctx, grad_output):
        return grad_output, None, None, None
