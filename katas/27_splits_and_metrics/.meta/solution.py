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
    # BEGIN SOLUTION: Task 1: PyTorch's splitter, drawing from a random stream of its own
    generator = torch.Generator().manual_seed(seed)
    return random_split(dataset, fractions, generator=generator)
    # END SOLUTION


def accuracy(predictions: torch.Tensor, targets: torch.Tensor) -> float:
    """Task 2. The fraction of predictions (N,) int64 equal to targets (N,) int64, a Python float."""
    # BEGIN SOLUTION: Task 2: compare, then average the matches
    return (predictions == targets).float().mean().item()
    # END SOLUTION


def confusion_matrix(
    predictions: torch.Tensor, targets: torch.Tensor, num_classes: int
) -> torch.Tensor:
    """Task 3. (num_classes, num_classes) int64: entry [t, p] counts samples whose TRUE class is t
    and PREDICTED class is p (rows are true classes, as in scikit-learn)."""
    # BEGIN SOLUTION: Task 3: every (true, predicted) pair is one cell; count the pairs
    pair_index = targets * num_classes + predictions  # (N,), in 0..C*C-1
    counts = torch.bincount(pair_index, minlength=num_classes * num_classes)  # (C*C,)
    return counts.reshape(num_classes, num_classes)  # (C*C,) -> (C, C)
    # END SOLUTION


def precision_recall_f1(
    predictions: torch.Tensor, targets: torch.Tensor, num_classes: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Task 4. Per-class precision, recall and F1, each (num_classes,) float32.

    precision[c] = TP / (samples predicted c), recall[c] = TP / (samples whose true class is c),
    F1 = the harmonic mean of precision and recall. A 0 / 0 counts as 0.
    """
    # BEGIN SOLUTION: Task 4: everything comes from the confusion matrix: the diagonal, the column sums, the row sums
    matrix = confusion_matrix(predictions, targets, num_classes).float()
    true_positives = matrix.diagonal()  # (C,)
    predicted = matrix.sum(dim=0)  # (C,) column sums: how often each class was predicted
    actual = matrix.sum(dim=1)  # (C,) row sums: how often each class is the true one
    # clamp(min=1) turns 0 / 0 into 0 / 1 = 0 (the numerator is 0 whenever the count is).
    precision = true_positives / predicted.clamp(min=1)
    recall = true_positives / actual.clamp(min=1)
    both = precision + recall
    f1 = torch.where(both > 0, 2 * precision * recall / both.clamp(min=1e-12), 0.0)
    return precision, recall, f1
    # END SOLUTION


def macro_f1(predictions: torch.Tensor, targets: torch.Tensor, num_classes: int) -> float:
    """Task 5. The unweighted mean of the per-class F1 scores, a Python float."""
    # BEGIN SOLUTION: Task 5: every class counts the same, however rare
    _, _, f1 = precision_recall_f1(predictions, targets, num_classes)
    return f1.mean().item()
    # END SOLUTION
