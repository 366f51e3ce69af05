"""The original Transformer's post-norm order, norm(x + sublayer(x)), where the task asks for
pre-norm, x + sublayer(norm(x))."""

from solution import *


def _forward(self, x, past=None):
    attended, present = self.attn(x, past)
    x = self.ln_1(x + attended)
    x = self.ln_2(x + self.mlp(x))
    return x, present


Block.forward = _forward
