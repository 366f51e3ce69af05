"""Kata 61: sharded optimizer state (ZeRO-1) by hand.

Fill in every function below; `katas/61_sharded_optimizer_state/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/61_sharded_optimizer_state

Tasks 1 and 2 need no process group. Tasks 3 to 5 run inside a gloo process group that the
tests start for you (two spawned processes); every rank runs the same code.
"""

import math

import torch
import torch.distributed as dist


def shard_bounds(numel: int, rank: int, world_size: int) -> tuple[int, int]:
    """Task 1. The slice [start, end) of a flat vector of `numel` elements that rank `rank`
    owns: contiguous, in rank order, every element owned by exactly one rank, and each rank's
    slice at most ceil(numel / world_size) long (41 over 2: (0, 21) and (21, 41)). A rank past
    the end owns an empty slice (start == end)."""
    raise NotImplementedError(
        "Task 1: equal slices of the rounded-up size; the last one may be shorter"
    )


def adam_update_(
    param: torch.Tensor,
    grad: torch.Tensor,
    exp_avg: torch.Tensor,
    exp_avg_sq: torch.Tensor,
    step: int,
    lr: float,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
) -> None:
    """Task 2. One Adam update, in place, of `param`, `exp_avg` and `exp_avg_sq` (all shaped
    like `grad`), `step` being this update's number (1 for the first). Equal to what
    torch.optim.Adam(lr=lr, betas=betas, eps=eps) does to a parameter with gradient `grad`."""
    raise NotImplementedError(
        "Task 2: the two moving averages, their bias corrections, then the step"
    )


def all_gather_flat(shard: torch.Tensor, numel: int) -> torch.Tensor:
    """Task 3. Every rank passes its own slice (Task 1's bounds) of a flat vector of `numel`
    elements; every rank gets back the whole vector, (numel,), in rank order. The slices may
    differ in length (the last one can be shorter, or empty)."""
    raise NotImplementedError(
        "Task 3: gloo gathers equal sizes: pad each slice, gather, cut the padding"
    )


class ShardedAdam:
    """Adam whose state is split across the ranks (ZeRO stage 1).

    Every rank holds the whole model, but the optimizer state only for its slice (Task 1) of
    the parameters flattened into one vector, in `model.parameters()` order:
    `exp_avg` and `exp_avg_sq` are 1-D tensors of this rank's slice length, not of the model's
    size. `step()` gives every rank the parameters that torch.optim.Adam would give on the
    gradients averaged over the ranks.
    """

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8):
        """Task 4. Keep the parameters (a list), the hyperparameters, the step count, this
        rank's slice bounds of the flat vector, and zero `exp_avg`, `exp_avg_sq` for that slice
        only (same dtype as the parameters)."""
        raise NotImplementedError(
            "Task 4: state for this rank's slice of the flat parameters, no more"
        )

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        """Task 5. Average each gradient over the ranks, update this rank's slice with Adam
        (Task 2) and its own state, then gather the slices (Task 3) so every rank's parameters
        hold the whole updated model."""
        raise NotImplementedError(
            "Task 5: average the gradients, update my slice, share the result"
        )
