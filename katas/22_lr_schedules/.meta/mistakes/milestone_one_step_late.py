"""Switches to the cosine one step late (milestone warmup_steps + 1): base_lr is held for two steps."""

from solution import *


def warmup_cosine_scheduler(optimizer, warmup_steps, total_steps, start_factor, min_lr=0.0):
    warmup = LinearLR(optimizer, start_factor=start_factor, total_iters=warmup_steps)
    decay = CosineAnnealingLR(optimizer, T_max=total_steps - warmup_steps, eta_min=min_lr)
    return SequentialLR(optimizer, schedulers=[warmup, decay], milestones=[warmup_steps + 1])
