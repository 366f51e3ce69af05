"""The original Transformer's post-norm order: LayerNorm after each residual sum. A valid
architecture, but not the pre-norm block asked for (and harder to train deep)."""

from solution import *


def _forward(self, x):
    x = self.ln_1(x + self.attn(x))
    return self.ln_2(x + self.mlp(x))


Block.forward = _forward
