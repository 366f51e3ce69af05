"""Kata 27: splits and metrics.

Fill in every function below; `katas/27_splits_and_metrics/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/27_splits_and_metrics
"""

import torch
from torch.utils.data import Dataset, Subset, random_split


def split_dataset(dataset: Dataset, fractions: list[float], seed: int) -> list[Subset]:
    """Task 1. Split `dataset` at random into len(fractions) disjoint subsets that cover it, of
    sizes as torch.utils.data.random_split gives for these fractions (floor of fraction * N,
    the remainder handed out one by one from the first subset on). The same seed gives the same
    split, whatever else used the global RNG before, and the global RNG is left alone."""
    raise NotImplementedError("Task 1: PyTorch's splitter, drawing from a random stream of its own")


def accuracy(predictions: torch.Tensor, targets: torch.Tensor) -> float:
    """Task 2. The fraction of predictions (N,) int64 equal to targets (N,) int64, a Python float."""
    raise NotImplementedError("Task 2: compare, then average the matches")


def confusion_matrix(
    predictions: torch.Tensor, targets: torch.Tensor, num_classes: int
) -> torch.Tensor:
    """Task 3. (num_classes, num_classes) int64: entry [t, p] counts samples whose TRUE class is t
    and PREDICTED class is p (rows are true classes, as in scikit-learn)."""
    raise NotImplementedError("Task 3: every (true, predicted) pair is one cell; count the pairs")


def precision_recall_f1(
    predictions: torch.Tensor, targets: torch.Tensor, num_classes: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Task 4. Per-class precision, recall and F1, each (num_classes,) float32.

    precision[c] = TP / (samples predicted c), recall[c] = TP / (samples whose true class is c),
    F1 = the harmonic mean of precision and recall. A 0 / 0 counts as 0.
    """
    raise NotImplementedError(
        "Task 4: everything comes from the confusion matrix: the diagonal, the column sums, the row "
        "sums"
    )


def macro_f1(predictions: torch.Tensor, targets: torch.Tensor, num_classes: int) -> float:
    """Task 5. The unweighted mean of the per-class F1 scores, a Python float."""
    raise NotImplementedError("Task 5: every class counts the same, however rare")
