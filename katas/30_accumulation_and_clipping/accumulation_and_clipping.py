"""Kata 30: gradient accumulation and clipping.

Fill in every function below; `katas/30_accumulation_and_clipping/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/30_accumulation_and_clipping
"""

from collections.abc import Callable, Sequence

import torch
from torch import nn

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def accumulate_gradients(
    model: nn.Module,
    loss_fn: LossFn,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    micro_batches: int,
) -> float:
    """Task 1. Leave in every parameter's `.grad` the gradient of the mean loss over the whole
    batch, computed `micro_batches` pieces at a time (one backward per piece).

    inputs: (B, ...) and targets: (B, ...), with B divisible by `micro_batches`; `loss_fn`
    returns the mean loss of the examples it is given. Gradients left from before are cleared
    first. Returns the mean loss over the whole batch as a Python float.
    """
    raise NotImplementedError(
        "Task 1: clear the old gradients, then backward each piece so that the pieces add up to the "
        "full batch's mean"
    )


def accumulated_step(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    loss_fn: LossFn,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    micro_batches: int,
    max_norm: float,
) -> float:
    """Task 2. One optimizer step on the whole batch, computed in `micro_batches` pieces: the
    accumulated gradients are clipped to a global L2 norm of at most `max_norm` (with
    torch.nn.utils.clip_grad_norm_), then the optimizer steps.

    Returns the global gradient norm measured BEFORE clipping, as a Python float.
    """
    raise NotImplementedError("Task 2: accumulate every piece first, then clip once, then step")


def train_with_accumulation(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    loss_fn: LossFn,
    batches: Sequence[tuple[torch.Tensor, torch.Tensor]],
    accumulation_steps: int,
    max_norm: float,
) -> list[float]:
    """Task 3. Go through `batches` (small batches of equal size, as a DataLoader gives them)
    and step the optimizer once every `accumulation_steps` batches, and once more for a last,
    shorter group if the number of batches does not divide evenly. Each step follows the mean
    loss over the examples of its group and clips its gradients to `max_norm`.

    Returns the gradient norm before clipping of each optimizer step, in order.
    """
    raise NotImplementedError(
        "Task 3: group the batches; each group is one large batch, the last one possibly shorter"
    )
