"""Kata 24: dropout and weight decay.

Fill in every function below; `katas/24_dropout_and_weight_decay/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/24_dropout_and_weight_decay
"""

from collections.abc import Iterable

import torch
from torch import nn


def dropout(
    x: torch.Tensor, p: float, training: bool, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Task 1. Inverted dropout: in training, zero each element with probability p and divide
    the survivors by (1 - p), so the expected value of every element is unchanged; outside
    training, return x unchanged. p = 1 gives zeros (not nan). p outside [0, 1]: ValueError.

    x: any shape and float dtype -> same shape, dtype and device.
    `generator`, when given, is the only source of randomness (a CPU generator for CPU tensors).
    """
    raise NotImplementedError(
        "Task 1: keep each element with probability 1 - p, and scale the survivors so the mean "
        "stays put"
    )


class Dropout(nn.Module):
    """Task 2. A module around `dropout`: active after .train() (the default), the identity
    after .eval()."""

    def __init__(self, p: float = 0.5):
        super().__init__()
        self.p = p

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("Task 2: a module already knows whether it is training")


def l2_penalty(parameters: Iterable[torch.Tensor], weight_decay: float) -> torch.Tensor:
    """Task 3. weight_decay / 2 * (sum of the squares of every parameter), a 0-d tensor that
    autograd can differentiate. Added to a loss, its gradient is weight_decay * p for each
    parameter: exactly what torch.optim.SGD(..., weight_decay=weight_decay) adds.
    """
    raise NotImplementedError("Task 3: the half cancels the 2 of the square's derivative")


@torch.no_grad()
def decoupled_weight_decay_(
    parameters: Iterable[torch.Tensor], lr: float, weight_decay: float
) -> None:
    """Task 4. AdamW's decay, applied to the weights directly and in place, never through the
    gradient: p = p * (1 - lr * weight_decay). Called just before a plain Adam step
    (weight_decay=0), it makes torch.optim.AdamW's update.
    """
    raise NotImplementedError("Task 4: shrink every weight by the same factor, lr included")
