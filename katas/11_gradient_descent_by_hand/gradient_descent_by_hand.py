"""Kata 11: gradient descent by hand.

Fill in every function below; `katas/11_gradient_descent_by_hand/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/11_gradient_descent_by_hand
"""

from collections.abc import Callable

import torch

Objective = Callable[[torch.Tensor], torch.Tensor]


def gradient_descent(fn: Objective, start: torch.Tensor, lr: float, steps: int) -> torch.Tensor:
    """Task 1. Minimise the scalar fn from `start` by `steps` updates x <- x - lr * grad fn(x),
    with autograd computing each gradient. `start` may have any shape: () for a 1-D function,
    (2,) for a 2-D one.

    Returns the trajectory: (steps + 1, *start.shape), start's dtype and device, row 0 = start,
    row k = the point after k updates; it does not require grad. The caller's `start` is left alone.
    """
    raise NotImplementedError(
        "Task 1: one point you move yourself, step by step, keeping a snapshot of each position"
    )


def momentum_descent(
    fn: Objective, start: torch.Tensor, lr: float, momentum: float, steps: int
) -> torch.Tensor:
    """Task 2. Gradient descent with heavy-ball momentum, as torch.optim.SGD(momentum=...) does it:
    velocity <- momentum * velocity + grad fn(x) (velocity starts at zero), then
    x <- x - lr * velocity. Returns the trajectory, as in task 1."""
    raise NotImplementedError("Task 2: task 1 plus a velocity that remembers past gradients")


def loss_curve(fn: Objective, trajectory: torch.Tensor) -> torch.Tensor:
    """Task 3. fn at every point of a trajectory: (steps + 1, *shape) -> (steps + 1,), the
    trajectory's dtype, not requiring grad."""
    raise NotImplementedError("Task 3: evaluate fn on each row, with no graph recorded")


def largest_stable_learning_rate(hessian: torch.Tensor) -> float:
    """Task 4. For the quadratic f(x) = ½ xᵀ H x - bᵀx with symmetric positive-definite `hessian`
    H (n, n), the learning rate above which plain gradient descent diverges, as a Python float.
    Along each eigenvector of H, one step multiplies the error by (1 - lr * eigenvalue)."""
    raise NotImplementedError(
        "Task 4: along each eigenvector a step multiplies the error by a factor; when does it "
        "shrink?"
    )
