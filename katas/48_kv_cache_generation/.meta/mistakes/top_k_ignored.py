"""Samples from the softmax over the whole vocabulary: unlikely tokens still get drawn."""

from solution import *


def sample_top_k(logits, k, temperature=1.0, generator=None):
    probabilities = torch.softmax(logits / temperature, dim=-1)
    return torch.multinomial(probabilities, 1, generator=generator).squeeze(1)
