"""Kata 58: custom operators.

Fill in every function below; `katas/58_custom_ops/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/58_custom_ops

Each operator is computed in NumPy, which torch.compile cannot see into. Wrapped with
torch.library.custom_op, it becomes one opaque node in the graph; its fake implementation tells
the compiler the output's shape, dtype and device without running it, and its autograd formula
gives it a gradient.
"""

import numpy as np
import torch
from torch import Tensor

# --- numpy_silu: x * sigmoid(x), elementwise ---------------------------------------------------


@torch.library.custom_op("katas::numpy_silu", mutates_args=())
def numpy_silu(x: Tensor) -> Tensor:
    """Task 1. SiLU, x * sigmoid(x), computed in NumPy.

    x: float32 or float64, any shape, on any device (NumPy needs a CPU copy).
    Returns a new tensor (never x itself or a view of it; x is left unchanged) with x's shape,
    dtype and device, equal to torch.nn.functional.silu(x).
    """
    # BEGIN SOLUTION: Task 1: a CPU NumPy copy of x, the formula in NumPy, back to a tensor
    x_np = x.detach().cpu().numpy()
    y_np = x_np / (1.0 + np.exp(-x_np))  # a new array: x is not touched
    return torch.from_numpy(y_np).to(x.device)
    # END SOLUTION


@numpy_silu.register_fake
def numpy_silu_fake(x: Tensor) -> Tensor:
    """Task 2. The fake (meta) implementation: an empty tensor with the shape, dtype and device
    numpy_silu(x) would return. It must not look at x's values: under torch.compile x is a
    FakeTensor that has no data (and the meta device has none either)."""
    # BEGIN SOLUTION: Task 2: describe the output, do not compute it
    return torch.empty_like(x)
    # END SOLUTION


def numpy_silu_setup_context(ctx, inputs: tuple[Tensor], output: Tensor) -> None:
    """Task 3a. Save, on ctx, what numpy_silu_backward needs (called after the forward)."""
    # BEGIN SOLUTION: Task 3a: keep the input for the backward pass
    (x,) = inputs
    ctx.save_for_backward(x)
    # END SOLUTION


def numpy_silu_backward(ctx, grad_output: Tensor) -> Tensor:
    """Task 3b. The gradient of the loss with respect to x, given grad_output (d loss / d y):
    d silu / dx = sigmoid(x) * (1 + x * (1 - sigmoid(x))). Written with torch operations, so
    autograd and torch.compile can trace it."""
    # BEGIN SOLUTION: Task 3b: the chain rule: the incoming gradient times the local derivative
    (x,) = ctx.saved_tensors
    s = torch.sigmoid(x)
    return grad_output * s * (1 + x * (1 - s))
    # END SOLUTION


numpy_silu.register_autograd(numpy_silu_backward, setup_context=numpy_silu_setup_context)


# --- pairwise_sq_dist: squared distances between two sets of points ---------------------------


@torch.library.custom_op("katas::pairwise_sq_dist", mutates_args=())
def pairwise_sq_dist(a: Tensor, b: Tensor) -> Tensor:
    """Task 4. Squared Euclidean distance between every row of a and every row of b, in NumPy.

    a: (N, D), b: (M, D), same float dtype and device.
    Returns (N, M) with out[i, j] = sum_d (a[i, d] - b[j, d]) ** 2, on a's device, in a's dtype:
    torch.cdist(a, b) ** 2.
    """
    # BEGIN SOLUTION: Task 4: broadcast (N, 1, D) against (1, M, D) in NumPy, sum over D
    a_np, b_np = a.detach().cpu().numpy(), b.detach().cpu().numpy()
    diff = a_np[:, None, :] - b_np[None, :, :]  # (N, 1, D) - (1, M, D) -> (N, M, D)
    return torch.from_numpy((diff**2).sum(axis=-1)).to(a.device)  # (N, M)
    # END SOLUTION


@pairwise_sq_dist.register_fake
def pairwise_sq_dist_fake(a: Tensor, b: Tensor) -> Tensor:
    """Task 5. The fake implementation: an empty (N, M) tensor in a's dtype on a's device.
    N and M may be symbolic sizes under torch.compile: use them as they come."""
    # BEGIN SOLUTION: Task 5: the output's shape is not the input's
    return a.new_empty(a.shape[0], b.shape[0])  # (N, D), (M, D) -> (N, M)
    # END SOLUTION


def pairwise_sq_dist_setup_context(ctx, inputs: tuple[Tensor, Tensor], output: Tensor) -> None:
    """Task 6a. Save what pairwise_sq_dist_backward needs."""
    # BEGIN SOLUTION: Task 6a: both inputs are needed
    a, b = inputs
    ctx.save_for_backward(a, b)
    # END SOLUTION


def pairwise_sq_dist_backward(ctx, grad_output: Tensor) -> tuple[Tensor, Tensor]:
    """Task 6b. Gradients with respect to a and b, given grad_output G of shape (N, M):
    d/da[i] = 2 * sum_j G[i, j] (a[i] - b[j]),   d/db[j] = 2 * sum_i G[i, j] (b[j] - a[i]).
    Returns (grad_a of shape (N, D), grad_b of shape (M, D)), written with torch operations."""
    # BEGIN SOLUTION: Task 6b: expand the sums into matrix products, one gradient per input
    a, b = ctx.saved_tensors
    grad_a = 2 * (grad_output.sum(dim=1, keepdim=True) * a - grad_output @ b)  # (N, D)
    grad_b = 2 * (grad_output.sum(dim=0).unsqueeze(1) * b - grad_output.T @ a)  # (M, D)
    return grad_a, grad_b
    # END SOLUTION


pairwise_sq_dist.register_autograd(
    pairwise_sq_dist_backward, setup_context=pairwise_sq_dist_setup_context
)
