"""Kata 32: mixed precision.

Fill in every function below; `katas/32_mixed_precision/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/32_mixed_precision
"""

from collections.abc import Callable

import torch
from torch import nn

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def autocast_forward(
    model: nn.Module, inputs: torch.Tensor, dtype: torch.dtype = torch.bfloat16
) -> torch.Tensor:
    """Task 1. model(inputs) with matrix multiplications in `dtype` (torch.autocast on the
    inputs' device type). The model's parameters stay float32.

    inputs: (B, in_features) float32 -> (B, out_features) in `dtype` for a linear last layer.
    """
    raise NotImplementedError(
        "Task 1: let PyTorch choose each operation's precision for the forward pass, on the inputs' "
        "device"
    )


def autocast_loss(
    model: nn.Module,
    loss_fn: LossFn,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    dtype: torch.dtype = torch.bfloat16,
) -> torch.Tensor:
    """Task 2. The loss of model(inputs) against targets, forward pass and loss both under
    autocast in `dtype`. Returns a 0-d float32 tensor that can be backpropagated."""
    raise NotImplementedError(
        "Task 2: the loss belongs in the same mixed-precision region as the forward pass"
    )


def bf16_train_step(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    loss_fn: LossFn,
    inputs: torch.Tensor,
    targets: torch.Tensor,
) -> float:
    """Task 3. One training step with a bfloat16 autocast forward pass and loss; the backward
    pass and the optimizer step run outside autocast, on the float32 parameters.
    Returns the loss as a Python float."""
    raise NotImplementedError(
        "Task 3: only the forward pass and the loss run in bfloat16; the backward pass and the "
        "update do not"
    )


def fp16_scaled_step(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    scaler: torch.amp.GradScaler,
    loss_fn: LossFn,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    max_norm: float | None = None,
) -> float:
    """Task 4. One training step with a float16 autocast forward pass and loss, and loss
    scaling: backward the scaled loss, then let the scaler step the optimizer (it skips the
    step when the gradients overflowed) and update its scale. With `max_norm`, clip the TRUE
    (unscaled) gradients to that global norm before stepping.
    Returns the (unscaled) loss as a Python float."""
    raise NotImplementedError(
        "Task 4: scale the loss before backward, let the scaler step and adapt; clip only true "
        "gradients"
    )
