"""Keeps the top k but forgets to divide by the temperature."""

from solution import *


def sample_top_k(logits, k, temperature=1.0, generator=None):
    kth_largest = torch.topk(logits, k, dim=-1).values[:, -1:]
    kept = logits.masked_fill(logits < kth_largest, float("-inf"))
    probabilities = torch.softmax(kept, dim=-1)
    return torch.multinomial(probabilities, 1, generator=generator).squeeze(1)
