"""Kata 12: linear regression from scratch.

Fill in every function below; `katas/12_linear_regression_from_scratch/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/12_linear_regression_from_scratch
"""

import torch


def predict(features: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """Task 1. The linear model's predictions: features (N, d), weight (d,), bias () -> (N,)."""
    # BEGIN SOLUTION: Task 1: one matrix-vector product and a broadcast
    return features @ weight + bias
    # END SOLUTION


def mean_squared_error(predictions: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Task 1. The mean over all N of (prediction - target)²: (N,), (N,) -> a 0-d tensor."""
    # BEGIN SOLUTION: Task 1: the mean, not the sum, so the scale does not grow with N
    return ((predictions - targets) ** 2).mean()
    # END SOLUTION


def fit_closed_form(
    features: torch.Tensor, targets: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Task 2. The exact least-squares fit, (weight (d,), bias ()), in the features' dtype.

    Stays accurate when the problem is badly conditioned (e.g. a feature around 1e6 in float64):
    solve the least-squares problem itself rather than inverting the normal equations XᵀX.
    features (N, d), targets (N,), with N > d.
    """
    # BEGIN SOLUTION: Task 2: make the bias one more weight, then hand the problem to a least-squares solver
    ones = torch.ones(features.shape[0], 1, dtype=features.dtype, device=features.device)
    # (N, d) -> (N, d + 1): the last weight multiplies 1, so it is the bias
    design = torch.cat([features, ones], dim=1)
    # lstsq works on the design matrix (QR-based): error grows with cond(X), not with
    # cond(XᵀX) = cond(X)² as it does through the normal equations and an inverse
    solution = torch.linalg.lstsq(design, targets.unsqueeze(1)).solution.squeeze(1)
    return solution[:-1], solution[-1]
    # END SOLUTION


def fit_gradient_descent(
    features: torch.Tensor, targets: torch.Tensor, lr: float, steps: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Task 3. Fit by full-batch gradient descent on the mean squared error, with autograd and
    manual updates (no torch.nn, no torch.optim). weight and bias start at zero; each step is
    p <- p - lr * d(MSE)/dp for both.

    Returns (weight (d,), bias (), losses (steps,)): losses[k] is the MSE at the parameters
    before update k, so losses[0] is the MSE of the all-zero model. None of them requires grad.
    """
    # BEGIN SOLUTION: Task 3: two parameters of your own; each step clears, differentiates, records, updates
    weight = torch.zeros(features.shape[1], dtype=features.dtype, device=features.device)
    bias = torch.zeros((), dtype=features.dtype, device=features.device)
    weight.requires_grad_(True)
    bias.requires_grad_(True)
    losses = []
    for _ in range(steps):
        weight.grad, bias.grad = None, None
        loss = mean_squared_error(predict(features, weight, bias), targets)
        loss.backward()
        with torch.no_grad():
            weight -= lr * weight.grad
            bias -= lr * bias.grad
        losses.append(loss.detach())
    losses = torch.stack(losses) if losses else features.new_zeros(0)
    return weight.detach(), bias.detach(), losses
    # END SOLUTION
