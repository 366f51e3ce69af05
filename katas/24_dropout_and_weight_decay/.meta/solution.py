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
    # BEGIN SOLUTION: Task 1: keep each element with probability 1 - p, and scale the survivors so the mean stays put
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability must be in [0, 1], got {p}")
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return torch.zeros_like(x)  # nothing survives; 0 / 0 would give nan
    keep_probability = 1.0 - p
    keep = torch.rand(x.shape, generator=generator, device=x.device) < keep_probability
    return x * keep / keep_probability
    # END SOLUTION


class Dropout(nn.Module):
    """Task 2. A module around `dropout`: active after .train() (the default), the identity
    after .eval()."""

    def __init__(self, p: float = 0.5):
        super().__init__()
        self.p = p

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # BEGIN SOLUTION: Task 2: a module already knows whether it is training
        return dropout(x, self.p, self.training)
        # END SOLUTION


def l2_penalty(parameters: Iterable[torch.Tensor], weight_decay: float) -> torch.Tensor:
    """Task 3. weight_decay / 2 * (sum of the squares of every parameter), a 0-d tensor that
    autograd can differentiate. Added to a loss, its gradient is weight_decay * p for each
    parameter: exactly what torch.optim.SGD(..., weight_decay=weight_decay) adds.
    """
    # BEGIN SOLUTION: Task 3: the half cancels the 2 of the square's derivative
    return weight_decay / 2 * sum(param.pow(2).sum() for param in parameters)
    # END SOLUTION


@torch.no_grad()
def decoupled_weight_decay_(
    parameters: Iterable[torch.Tensor], lr: float, weight_decay: float
) -> None:
    """Task 4. AdamW's decay, applied to the weights directly and in place, never through the
    gradient: p = p * (1 - lr * weight_decay). Called just before a plain Adam step
    (weight_decay=0), it makes torch.optim.AdamW's update.
    """
    # BEGIN SOLUTION: Task 4: shrink every weight by the same factor, lr included
    for param in parameters:
        param.mul_(1 - lr * weight_decay)
    # END SOLUTION
