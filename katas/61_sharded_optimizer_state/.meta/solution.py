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
    # BEGIN SOLUTION: Task 1: equal slices of the rounded-up size; the last one may be shorter
    shard_size = math.ceil(numel / world_size)
    start = min(rank * shard_size, numel)
    end = min(start + shard_size, numel)
    return start, end
    # END SOLUTION


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
    # BEGIN SOLUTION: Task 2: the two moving averages, their bias corrections, then the step
    beta1, beta2 = betas
    exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)  # m = b1 m + (1 - b1) g
    exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)  # v = b2 v + (1 - b2) g^2
    corrected_avg = exp_avg / (1 - beta1**step)
    corrected_avg_sq = exp_avg_sq / (1 - beta2**step)
    param.sub_(lr * corrected_avg / (corrected_avg_sq.sqrt() + eps))
    # END SOLUTION


def all_gather_flat(shard: torch.Tensor, numel: int) -> torch.Tensor:
    """Task 3. Every rank passes its own slice (Task 1's bounds) of a flat vector of `numel`
    elements; every rank gets back the whole vector, (numel,), in rank order. The slices may
    differ in length (the last one can be shorter, or empty)."""
    # BEGIN SOLUTION: Task 3: gloo gathers equal sizes: pad each slice, gather, cut the padding
    world_size = dist.get_world_size()
    shard_size = math.ceil(numel / world_size)
    padded = torch.zeros(shard_size, dtype=shard.dtype)
    padded[: shard.numel()] = shard
    gathered = [torch.empty_like(padded) for _ in range(world_size)]
    dist.all_gather(gathered, padded)
    return torch.cat(gathered)[:numel]
    # END SOLUTION


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
        # BEGIN SOLUTION: Task 4: state for this rank's slice of the flat parameters, no more
        self.params = list(params)
        self.lr, self.betas, self.eps = lr, betas, eps
        self.step_count = 0
        self.numel = sum(p.numel() for p in self.params)
        self.start, self.end = shard_bounds(self.numel, dist.get_rank(), dist.get_world_size())
        dtype = self.params[0].dtype
        self.exp_avg = torch.zeros(self.end - self.start, dtype=dtype)
        self.exp_avg_sq = torch.zeros(self.end - self.start, dtype=dtype)
        # END SOLUTION

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        """Task 5. Average each gradient over the ranks, update this rank's slice with Adam
        (Task 2) and its own state, then gather the slices (Task 3) so every rank's parameters
        hold the whole updated model."""
        # BEGIN SOLUTION: Task 5: average the gradients, update my slice, share the result
        self.step_count += 1
        flat_grad = torch.cat([p.grad.reshape(-1) for p in self.params])  # (numel,)
        dist.all_reduce(flat_grad, op=dist.ReduceOp.SUM)
        flat_grad /= dist.get_world_size()
        flat_params = torch.cat([p.reshape(-1) for p in self.params])  # (numel,), a copy
        my_params = flat_params[self.start : self.end]
        adam_update_(
            my_params,
            flat_grad[self.start : self.end],
            self.exp_avg,
            self.exp_avg_sq,
            self.step_count,
            self.lr,
            self.betas,
            self.eps,
        )
        updated = all_gather_flat(my_params, self.numel)  # (numel,)
        offset = 0
        for p in self.params:
            p.copy_(updated[offset : offset + p.numel()].view_as(p))
            offset += p.numel()
        # END SOLUTION
