"""RoundSTE's backward uses round's true derivative, 0 almost everywhere, so nothing learns."""

from solution import *


class RoundSTE(RoundSTE):
    @staticmethod
    def backward(ctx, grad_output):
        return torch.zeros_like(grad_output)
