"""Kata 31: early stopping and validation.

Fill in every function below; `katas/31_early_stopping_and_validation/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/31_early_stopping_and_validation
"""

import copy
from collections.abc import Callable

import torch
from torch import nn


class EarlyStopping:
    """Task 1. Watches a validation metric, one value per epoch, and says when to stop.

    mode="min": lower is better (a loss); mode="max": higher is better (an accuracy).
    A value improves on the best so far only if it beats it by MORE than `min_delta`.
    The first value is always an improvement.
    """

    def __init__(self, patience: int, mode: str = "min", min_delta: float = 0.0):
        self.patience = patience
        self.mode = mode
        self.min_delta = min_delta
        self.best: float | None = None  # the best value seen so far
        self.best_epoch = -1  # its position among the values given to step (0-based)
        self.counter = 0  # epochs in a row without improvement
        self.epoch = -1

    def step(self, metric: float) -> bool:
        """Record this epoch's metric. True when `patience` epochs in a row have not improved."""
        raise NotImplementedError(
            "Task 1: is this value better than the best by more than min_delta? Update best, "
            "best_epoch and counter"
        )


def kfold_indices(
    n: int, k: int, shuffle: bool = False, generator: torch.Generator | None = None
) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Task 2. Split indices 0..n-1 into k folds; return k pairs (train_idx, val_idx), int64.

    Every index is in exactly one validation fold; fold sizes differ by at most one, the first
    n % k folds holding the extra one. train_idx is every index not in val_idx. Without shuffle
    the folds are consecutive runs in order (val of fold 0 starts at 0); with shuffle the
    indices are permuted first with torch.randperm(n, generator=generator).
    """
    raise NotImplementedError("Task 2: fold sizes are n // k, plus one for the first n % k folds")


def cross_validate(
    inputs: torch.Tensor,
    targets: torch.Tensor,
    k: int,
    fit_and_score: Callable[[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor], float],
) -> list[float]:
    """Task 3. k-fold cross-validation without shuffling: for each fold of kfold_indices(N, k),
    call fit_and_score(train_x, train_y, val_x, val_y) and collect the scores, fold by fold.

    inputs: (N, ...), targets: (N, ...).
    """
    raise NotImplementedError(
        "Task 3: each fold's indices pick its training and validation samples"
    )


def fit_with_early_stopping(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    train: tuple[torch.Tensor, torch.Tensor],
    val: tuple[torch.Tensor, torch.Tensor],
    max_epochs: int,
    patience: int,
) -> dict:
    """Task 4. Train with early stopping on the validation loss, then restore the best weights.

    Each epoch: one optimizer step on the whole training set in train mode (record its loss),
    then the validation loss of the updated model in eval mode without gradients. Stop after
    `max_epochs`, or when EarlyStopping(patience) says so. Before returning, load the weights of
    the epoch with the lowest validation loss back into `model`.

    Returns {"train_loss": [float per epoch], "val_loss": [float per epoch], "best_epoch": int}.
    """
    raise NotImplementedError(
        "Task 4: train, evaluate, keep a COPY of the best weights, stop when told"
    )
