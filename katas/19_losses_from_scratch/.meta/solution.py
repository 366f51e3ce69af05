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
    # BEGIN SOLUTION: Task 1: square the difference, then pick the reduction
    squared_error = (prediction - target) ** 2
    if reduction == "mean":
        return squared_error.mean()
    if reduction == "sum":
        return squared_error.sum()
    if reduction == "none":
        return squared_error
    raise ValueError(f"unknown reduction {reduction!r}")
    # END SOLUTION


def bce_with_logits(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Task 2. Mean binary cross-entropy of sigmoid(logits) against `target`, computed stably.

    logits: float tensor, any shape, any magnitude (1000 and -1000 included).
    target: float tensor of the same shape, values in [0, 1] (soft labels allowed).
    Returns a 0-d tensor equal to F.binary_cross_entropy_with_logits(logits, target), finite,
    with finite gradients, however large the logits.
    """
    # BEGIN SOLUTION: Task 2: rewrite the loss in terms of the logit so that no exponential can overflow
    # -y log s(x) - (1-y) log(1-s(x)) = x - x*y + log(1 + e^-x)
    #                                 = max(x, 0) - x*y + log(1 + e^-|x|)
    # e^-|x| <= 1, so nothing overflows and log1p keeps precision when it is tiny.
    per_element = logits.clamp(min=0) - logits * target + torch.log1p(torch.exp(-logits.abs()))
    return per_element.mean()
    # END SOLUTION


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
    # BEGIN SOLUTION: Task 3: work with log-probabilities; mix the true class's term with the all-class mean; ignored entries leave the count
    log_probs = torch.log_softmax(logits, dim=1)  # (N, C), stable
    keep = target != ignore_index  # (N,)
    safe_target = torch.where(keep, target, torch.zeros_like(target))  # gather needs valid ids
    true_class = -log_probs.gather(1, safe_target.unsqueeze(1)).squeeze(1)  # (N, 1) -> (N,)
    uniform = -log_probs.mean(dim=1)  # (N,): eps / C on each of the C classes
    per_sample = (1 - label_smoothing) * true_class + label_smoothing * uniform
    # Ignored entries leave both the sum and the count.
    return (per_sample * keep).sum() / keep.sum()
    # END SOLUTION
