"""Adds the floor on top of a full cosine: the decay ends at min_factor but starts above 1."""

from solution import *


def warmup_cosine_lambda(warmup_steps, total_steps, start_factor, min_factor=0.0):
    def multiplier(step):
        if step < warmup_steps:
            return start_factor + (1 - start_factor) * step / warmup_steps
        progress = (step - warmup_steps) / (total_steps - warmup_steps)
        return min_factor + (1 + math.cos(math.pi * progress)) / 2

    return multiplier
