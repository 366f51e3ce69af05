"""Divides by the temperature only when there is no top-k cut: with top_k, the samples ignore
the temperature."""

from solution import *


def sample_next(logits, temperature, top_k, generator):
    if top_k is not None:
        kth = torch.topk(logits, min(top_k, logits.shape[-1])).values[:, [-1]]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    else:
        logits = logits / temperature
    probs = torch.softmax(logits, dim=-1)
    return torch.multinomial(probs, num_samples=1, generator=generator)
