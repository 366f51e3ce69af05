"""Counts warm-up steps from 1: every warm-up lr is one step ahead of LinearLR's."""

from solution import *


def warmup_cosine_lr(step, base_lr, warmup_steps, total_steps, start_factor, min_lr=0.0):
    if step < warmup_steps:
        factor = start_factor + (1 - start_factor) * (step + 1) / warmup_steps
        return base_lr * factor
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return min_lr + (base_lr - min_lr) * (1 + math.cos(math.pi * progress)) / 2
