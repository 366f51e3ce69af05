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
    # BEGIN SOLUTION: Task 1: let PyTorch choose each operation's precision for the forward pass, on the inputs' device
    with torch.autocast(device_type=inputs.device.type, dtype=dtype):
        return model(inputs)
    # END SOLUTION


def autocast_loss(
    model: nn.Module,
    loss_fn: LossFn,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    dtype: torch.dtype = torch.bfloat16,
) -> torch.Tensor:
    """Task 2. The loss of model(inputs) against targets, forward pass and loss both under
    autocast in `dtype`. Returns a 0-d float32 tensor that can be backpropagated."""
    # BEGIN SOLUTION: Task 2: the loss belongs in the same mixed-precision region as the forward pass
    with torch.autocast(device_type=inputs.device.type, dtype=dtype):
        outputs = model(inputs)
        # Inside autocast, loss functions run in float32 whatever their input's dtype.
        return loss_fn(outputs, targets)
    # END SOLUTION


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
    # BEGIN SOLUTION: Task 3: only the forward pass and the loss run in bfloat16; the backward pass and the update do not
    optimizer.zero_grad()
    loss = autocast_loss(model, loss_fn, inputs, targets, torch.bfloat16)
    loss.backward()  # gradients come out float32, like the parameters
    optimizer.step()
    return loss.item()
    # END SOLUTION


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
    # BEGIN SOLUTION: Task 4: scale the loss before backward, let the scaler step and adapt; clip only true gradients
    optimizer.zero_grad()
    loss = autocast_loss(model, loss_fn, inputs, targets, torch.float16)
    # float16 gradients underflow to 0 below about 3e-8: scaling the loss scales them up.
    scaler.scale(loss).backward()
    if max_norm is not None:
        scaler.unscale_(optimizer)  # clip the true gradients, not the scaled ones
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    scaler.step(optimizer)  # unscales if not done yet; skips the step on inf or nan gradients
    scaler.update()  # halves the scale after an overflow, grows it after a run of good steps
    return loss.item()
    # END SOLUTION
