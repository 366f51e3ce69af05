"""Gives the cosine T_max = total_steps: it counts the warm-up too, so the decay never reaches min_lr."""

from solution import *


def warmup_cosine_scheduler(optimizer, warmup_steps, total_steps, start_factor, min_lr=0.0):
    warmup = LinearLR(optimizer, start_factor=start_factor, total_iters=warmup_steps)
    decay = CosineAnnealingLR(optimizer, T_max=total_steps, eta_min=min_lr)
    return SequentialLR(optimizer, schedulers=[warmup, decay], milestones=[warmup_steps])
