"""Kata 16: vmap and per-sample gradients.

Fill in every function below; `katas/16_vmap_and_per_sample_grads/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/16_vmap_and_per_sample_grads
"""

import torch
import torch.func
import torch.nn.functional as F
from torch import nn


def batched_dot(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Task 1. The dot product of each row of `a` with the same row of `b`, by vmapping
    torch.dot (which only takes 1-D tensors) over the first dimension.

    a, b: (B, n) -> (B,)
    """
    raise NotImplementedError("Task 1: map the one-pair function over the rows")


def per_sample_grads_loop(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor
) -> dict[str, torch.Tensor]:
    """Task 2. For every sample i, the gradient of F.cross_entropy(model(x[i:i+1]), y[i:i+1])
    with respect to each parameter, computed one sample at a time in a Python loop.

    x: (B, ...) float, y: (B,) int64 class indices
    -> {name: (B, *param.shape)} for every name in model.named_parameters().
    """
    raise NotImplementedError(
        "Task 2: a fresh gradient per sample, then gather each parameter's B gradients"
    )


def per_sample_grads_vmap(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor
) -> dict[str, torch.Tensor]:
    """Task 3. The same per-sample gradients as Task 2, without a Python loop: a loss function
    of (parameters, one sample), differentiated with torch.func.grad and vmapped over the batch.

    x: (B, ...) float, y: (B,) int64 -> {name: (B, *param.shape)}, equal to Task 2's.
    """
    raise NotImplementedError(
        "Task 3: a loss of (parameters, one sample); differentiate it, then map it over the batch"
    )
