"""Kata 12: linear regression from scratch.

Fill in every function below; `katas/12_linear_regression_from_scratch/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/12_linear_regression_from_scratch
"""

import torch


def predict(features: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """Task 1. The linear model's predictions: features (N, d), weight (d,), bias () -> (N,)."""
    raise NotImplementedError("Task 1: one matrix-vector product and a broadcast")


def mean_squared_error(predictions: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Task 1. The mean over all N of (prediction - target)²: (N,), (N,) -> a 0-d tensor."""
    raise NotImplementedError("Task 1: the mean, not the sum, so the scale does not grow with N")


def fit_closed_form(
    features: torch.Tensor, targets: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Task 2. The exact least-squares fit, (weight (d,), bias ()), in the features' dtype.

    Stays accurate when the problem is badly conditioned (e.g. a feature around 1e6 in float64):
    solve the least-squares problem itself rather than inverting the normal equations XᵀX.
    features (N, d), targets (N,), with N > d.
    """
    raise NotImplementedError(
        "Task 2: make the bias one more weight, then hand the problem to a least-squares solver"
    )


def fit_gradient_descent(
    features: torch.Tensor, targets: torch.Tensor, lr: float, steps: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Task 3. Fit by full-batch gradient descent on the mean squared error, with autograd and
    manual updates (no torch.nn, no torch.optim). weight and bias start at zero; each step is
    p <- p - lr * d(MSE)/dp for both.

    Returns (weight (d,), bias (), losses (steps,)): losses[k] is the MSE at the parameters
    before update k, so losses[0] is the MSE of the all-zero model. None of them requires grad.
    """
    raise NotImplementedError(
        "Task 3: two parameters of your own; each step clears, differentiates, records, updates"
    )
