"""Normalises the stream itself and adds the branch to the normalised copy: the residual
path no longer carries x through unchanged."""

from solution import *


def _forward(self, x):
    x = self.ln_1(x)
    x = x + self.attn(x)
    x = self.ln_2(x)
    return x + self.mlp(x)


Block.forward = _forward
