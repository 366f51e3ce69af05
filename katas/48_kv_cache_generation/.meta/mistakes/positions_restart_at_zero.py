"""Numbers the new tokens from 0 even when the cache already holds positions: the newest token
gets the position embedding of the first one."""

from solution import *


def _forward(self, idx, cache=None):
    time = idx.shape[1]
    if time > self.block_size:
        raise ValueError("too long")
    positions = torch.arange(time, device=idx.device)
    x = self.token_embedding(idx) + self.position_embedding(positions)
    for layer, block in enumerate(self.blocks):
        x = block(x, cache, layer)
    return self.head(self.ln_f(x))


TinyGPT.forward = _forward
