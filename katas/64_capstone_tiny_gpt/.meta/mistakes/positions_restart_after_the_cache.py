"""Numbers the new tokens' positions from 0 even when the cache already holds earlier ones."""

from solution import *


def _logits_and_cache(self, idx, past=None):
    T = idx.shape[1]
    start = 0 if past is None else past[0][0].shape[2]
    if start + T > self.config.block_size:
        raise ValueError(f"{start + T} positions, but block_size is {self.config.block_size}")
    positions = torch.arange(T, device=idx.device)
    x = self.drop(self.wte(idx) + self.wpe(positions))
    present = []
    for i, block in enumerate(self.blocks):
        x, cache = block(x, None if past is None else past[i])
        present.append(cache)
    return self.lm_head(self.ln_f(x)), present


TinyGPT.logits_and_cache = _logits_and_cache
