"""Kata 22: learning-rate schedules.

Fill in every function below; `katas/22_lr_schedules/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/22_lr_schedules
"""

import math
from collections.abc import Callable

import torch
from torch.optim.lr_scheduler import CosineAnnealingLR, LinearLR, LRScheduler, SequentialLR


def warmup_cosine_lr(
    step: int,
    base_lr: float,
    warmup_steps: int,
    total_steps: int,
    start_factor: float,
    min_lr: float = 0.0,
) -> float:
    """Task 1. The learning rate used at optimizer step `step` (0, 1, ..., total_steps).

    Steps 0 .. warmup_steps - 1: linear warm-up from start_factor * base_lr, rising by an equal
    amount each step, so that it would reach base_lr at step warmup_steps.
    Steps warmup_steps .. total_steps: half a cosine from base_lr (at warmup_steps) down to
    min_lr (at total_steps).
    1 <= warmup_steps < total_steps, 0 < start_factor <= 1. Equal to LinearLR then
    CosineAnnealingLR in a SequentialLR.
    """
    raise NotImplementedError("Task 1: two formulas, switching where the warm-up ends")


def warmup_cosine_scheduler(
    optimizer: torch.optim.Optimizer,
    warmup_steps: int,
    total_steps: int,
    start_factor: float,
    min_lr: float = 0.0,
) -> LRScheduler:
    """Task 2. The same schedule built from torch.optim.lr_scheduler: a LinearLR warm-up
    followed by a CosineAnnealingLR decay, chained by a SequentialLR. Call
    scheduler.step() once after each optimizer.step(); min_lr is the same absolute floor for
    every parameter group.
    """
    raise NotImplementedError(
        "Task 2: PyTorch's pieces, one for each phase, and one that hands over between them"
    )


def warmup_cosine_lambda(
    warmup_steps: int, total_steps: int, start_factor: float, min_factor: float = 0.0
) -> Callable[[int], float]:
    """Task 3. A function of the step for torch.optim.lr_scheduler.LambdaLR: it returns the
    MULTIPLIER of each group's base lr (LambdaLR multiplies, it does not replace). The floor is
    min_factor * base_lr, relative to each group.

    LambdaLR(optimizer, warmup_cosine_lambda(w, t, s, m)) gives, for a group with base lr b,
    warmup_cosine_lr(step, b, w, t, s, m * b).
    """

    raise NotImplementedError("Task 3: a multiplier is the lr you would get for a base lr of 1")
