"""Kata 19: losses from scratch.

Fill in every function below; `katas/19_losses_from_scratch/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/19_losses_from_scratch
"""

import torch


def mse_loss(
    prediction: torch.Tensor, target: torch.Tensor, reduction: str = "mean"
) -> torch.Tensor:
    """Task 1. Squared error (prediction - target) ** 2, reduced by `reduction`.

    prediction, target: float tensors of the same shape (any shape).
    reduction: "mean" (a 0-d tensor), "sum" (a 0-d tensor) or "none" (the input's shape).
    Equal to torch.nn.functional.mse_loss.
    """
    raise NotImplementedError("Task 1: square the difference, then pick the reduction")


def bce_with_logits(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Task 2. Mean binary cross-entropy of sigmoid(logits) against `target`, computed stably.

    logits: float tensor, any shape, any magnitude (1000 and -1000 included).
    target: float tensor of the same shape, values in [0, 1] (soft labels allowed).
    Returns a 0-d tensor equal to F.binary_cross_entropy_with_logits(logits, target), finite,
    with finite gradients, however large the logits.
    """
    raise NotImplementedError(
        "Task 2: rewrite the loss in terms of the logit so that no exponential can overflow"
    )


def cross_entropy(
    logits: torch.Tensor,
    target: torch.Tensor,
    label_smoothing: float = 0.0,
    ignore_index: int = -100,
) -> torch.Tensor:
    """Task 3. Mean cross-entropy of class scores against class indices, with label smoothing
    and ignored targets, equal to F.cross_entropy(logits, target, ignore_index=...,
    label_smoothing=...).

    logits: (N, C) float, unnormalised scores, any magnitude.
    target: (N,) int64 class indices in [0, C), or `ignore_index` for entries that count for
    nothing (not in the sum, not in the count).
    label_smoothing: eps in [0, 1]: the target distribution is (1 - eps) on the true class plus
    eps / C on every class (the true class included).
    Returns a 0-d tensor: the mean over the entries that are not ignored.
    """
    raise NotImplementedError(
        "Task 3: work with log-probabilities; mix the true class's term with the all-class mean; "
        "ignored entries leave the count"
    )
