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
    # BEGIN SOLUTION: Task 1: one point you move yourself, step by step, keeping a snapshot of each position
    point = start.detach().clone().requires_grad_(True)
    trajectory = [point.detach().clone()]
    for _ in range(steps):
        point.grad = None  # backward adds into .grad: clear last step's gradient
        fn(point).backward()
        # in place, and unrecorded: point stays the same leaf that requires grad
        with torch.no_grad():
            point -= lr * point.grad
        # a copy: point keeps moving, a view of it would move too
        trajectory.append(point.detach().clone())
    # steps + 1 tensors of start.shape -> (steps + 1, *start.shape)
    return torch.stack(trajectory)
    # END SOLUTION


def momentum_descent(
    fn: Objective, start: torch.Tensor, lr: float, momentum: float, steps: int
) -> torch.Tensor:
    """Task 2. Gradient descent with heavy-ball momentum, as torch.optim.SGD(momentum=...) does it:
    velocity <- momentum * velocity + grad fn(x) (velocity starts at zero), then
    x <- x - lr * velocity. Returns the trajectory, as in task 1."""
    # BEGIN SOLUTION: Task 2: task 1 plus a velocity that remembers past gradients
    point = start.detach().clone().requires_grad_(True)
    velocity = torch.zeros_like(point)  # no grad: plain numbers carried between steps
    trajectory = [point.detach().clone()]
    for _ in range(steps):
        point.grad = None
        fn(point).backward()
        with torch.no_grad():
            velocity = momentum * velocity + point.grad
            point -= lr * velocity
        trajectory.append(point.detach().clone())
    return torch.stack(trajectory)
    # END SOLUTION


def loss_curve(fn: Objective, trajectory: torch.Tensor) -> torch.Tensor:
    """Task 3. fn at every point of a trajectory: (steps + 1, *shape) -> (steps + 1,), the
    trajectory's dtype, not requiring grad."""
    # BEGIN SOLUTION: Task 3: evaluate fn on each row, with no graph recorded
    with torch.no_grad():
        return torch.stack([fn(point) for point in trajectory])
    # END SOLUTION


def largest_stable_learning_rate(hessian: torch.Tensor) -> float:
    """Task 4. For the quadratic f(x) = ½ xᵀ H x - bᵀx with symmetric positive-definite `hessian`
    H (n, n), the learning rate above which plain gradient descent diverges, as a Python float.
    Along each eigenvector of H, one step multiplies the error by (1 - lr * eigenvalue)."""
    # BEGIN SOLUTION: Task 4: along each eigenvector a step multiplies the error by a factor; when does it shrink?
    # eigvalsh: eigenvalues of a symmetric matrix, real, in ascending order
    largest_curvature = torch.linalg.eigvalsh(hessian)[-1]
    return 2.0 / largest_curvature.item()
    # END SOLUTION
