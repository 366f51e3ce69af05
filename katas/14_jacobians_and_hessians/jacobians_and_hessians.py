"""Kata 14: Jacobians and Hessians.

Fill in every function below; `katas/14_jacobians_and_hessians/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/14_jacobians_and_hessians
"""

from collections.abc import Callable

import torch
import torch.func

VectorFunction = Callable[[torch.Tensor], torch.Tensor]


def jacobian_by_rows(f: VectorFunction, x: torch.Tensor) -> torch.Tensor:
    """Task 1. The Jacobian J[i, j] = d f(x)[i] / d x[j] of f: (n,) -> (m,), built one ROW at a
    time with reverse mode: row i is the gradient of output i, a vector-Jacobian product with
    the one-hot vector e_i.

    x: (n,) float -> J: (m, n), same dtype.
    """
    raise NotImplementedError(
        "Task 1: a vector-Jacobian product with a one-hot vector is one row of J"
    )


def jacobian_by_columns(f: VectorFunction, x: torch.Tensor) -> torch.Tensor:
    """Task 2. The same Jacobian built one COLUMN at a time with forward mode: column j is the
    Jacobian-vector product J @ e_j, the change of every output when x moves along x[j].

    x: (n,) float -> J: (m, n), same dtype.
    """
    raise NotImplementedError(
        "Task 2: a Jacobian-vector product with a one-hot vector is one column of J"
    )


def vector_jacobian_product(f: VectorFunction, x: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """Task 3. v @ J for f: (n,) -> (m,), without building J (reverse mode, what backward does).

    x: (n,), v: (m,) -> (n,).
    """
    raise NotImplementedError("Task 3: v meets the output: the pullback after a forward pass")


def jacobian_vector_product(f: VectorFunction, x: torch.Tensor, u: torch.Tensor) -> torch.Tensor:
    """Task 3. J @ u for f: (n,) -> (m,), without building J (forward mode).

    x: (n,), u: (n,) -> (m,).
    """
    raise NotImplementedError("Task 3: u meets the input: push it forward with the point")


def hessian_of(f: VectorFunction, x: torch.Tensor) -> torch.Tensor:
    """Task 4. The Hessian H = d²f / dx² of a scalar function f of a tensor x of ANY shape.

    x: shape S -> H: shape S + S (for x (n,): (n, n); for x (a, b): (a, b, a, b)).
    """
    raise NotImplementedError(
        "Task 4: second derivatives of a scalar; the result keeps the input's shape twice"
    )


def hessian_vector_product(f: VectorFunction, x: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """Task 5. H @ v for a scalar f of x, without building H: the directional derivative of the
    gradient along v (forward-over-reverse), contracted over all of x's dimensions.

    x: shape S, v: shape S -> shape S.
    """
    raise NotImplementedError("Task 5: H @ v is how the gradient changes along v")
