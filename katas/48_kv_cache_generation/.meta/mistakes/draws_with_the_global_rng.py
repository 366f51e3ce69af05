"""Draws with the global RNG instead of the generator it was given: the run cannot be
reproduced from the generator's seed."""

from solution import *


def sample_top_k(logits, k, temperature=1.0, generator=None):
    kth_largest = torch.topk(logits, k, dim=-1).values[:, -1:]
    kept = logits.masked_fill(logits < kth_largest, float("-inf"))
    probabilities = torch.softmax(kept / temperature, dim=-1)
    return torch.multinomial(probabilities, 1).squeeze(1)
