"""Kata 06: reductions.

Fill in every function below; `katas/06_reductions/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/06_reductions
"""

import torch


def subtract_row_max(x: torch.Tensor) -> torch.Tensor:
    """Task 1. Subtract from each row its largest value, so every row's maximum becomes 0.

    x: (N, C). Returns (N, C).
    """
    raise NotImplementedError("Task 1: keep the reduced dimension so the maxima stay a column")


def logsumexp(x: torch.Tensor, dim: int) -> torch.Tensor:
    """Task 2. log(sum(exp(x))) along `dim`, without overflow or underflow: right for values like
    1000 (exp overflows) and -1000 (exp underflows to 0). Every slice has a finite value.

    x: any shape. Returns x's shape without `dim`.
    """
    raise NotImplementedError("Task 2: factor the largest value out before exponentiating")


def masked_mean(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Task 3. The mean of each row over the positions where mask is True only (e.g. real tokens
    in a padded batch). Every row has at least one True.

    x: (B, T) float; mask: (B, T) bool. Returns (B,).
    """
    raise NotImplementedError("Task 3: sum the kept values, divide by how many were kept, not by T")


def running_mean(x: torch.Tensor) -> torch.Tensor:
    """Task 4. The mean of everything so far along the last dimension:
    out[..., t] = mean(x[..., : t + 1]).

    x: (..., T) float. Returns (..., T).
    """
    raise NotImplementedError("Task 4: a cumulative sum divided by how many terms each prefix has")


def top_k_classes(scores: torch.Tensor, k: int) -> torch.Tensor:
    """Task 4. For each row, the indices of its k largest scores, largest first.

    scores: (N, C); 1 <= k <= C. Returns (N, k) int64.
    """
    raise NotImplementedError(
        "Task 4: PyTorch can return the k largest entries of each row, in order"
    )


def sample_variance(x: torch.Tensor, dim: int) -> torch.Tensor:
    """Task 5. The unbiased sample variance along `dim`: sum((x - mean) ** 2) / (n - 1), where n
    is the size of `dim` (n >= 2).

    x: any shape. Returns x's shape without `dim`.
    """
    raise NotImplementedError("Task 5: Bessel's correction: divide by n - 1")
