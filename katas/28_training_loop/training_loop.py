"""Kata 28: the training loop.

Fill in every function below; `katas/28_training_loop/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/28_training_loop
"""

from collections.abc import Callable

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def train_one_epoch(
    model: nn.Module, loader: DataLoader, loss_fn: LossFn, optimizer: torch.optim.Optimizer
) -> float:
    """Task 1. One pass over `loader` in training mode: for each batch (inputs, targets), clear
    the gradients, compute loss_fn(model(inputs), targets), backpropagate, step the optimizer.
    Returns the mean loss over SAMPLES (each batch's loss weighted by its size), a float."""
    raise NotImplementedError(
        "Task 1: training mode, then the four moves of a step for every batch; the mean over "
        "samples"
    )


def evaluate(model: nn.Module, loader: DataLoader, loss_fn: LossFn) -> tuple[float, float]:
    """Task 2. One pass over `loader` in evaluation mode (dropout off, batch norm frozen) and
    without building autograd graphs. Returns (mean loss over samples, accuracy), floats;
    the prediction is the argmax of the model's (B, C) logits."""
    raise NotImplementedError(
        "Task 2: evaluation mode and no graph; weigh each batch by its size as in Task 1"
    )


def fit(
    model: nn.Module,
    train_loader: DataLoader,
    val_loader: DataLoader,
    loss_fn: LossFn,
    optimizer: torch.optim.Optimizer,
    epochs: int,
) -> dict[str, list[float]]:
    """Task 3. `epochs` times: train one epoch, then evaluate on `val_loader`. Returns the
    history {"train_loss": [...], "val_loss": [...], "val_accuracy": [...]}, one entry per epoch."""
    raise NotImplementedError("Task 3: Tasks 1 and 2 once per epoch, and keep what they return")


def train_moons(
    train_set: Dataset, val_set: Dataset, seed: int
) -> tuple[nn.Module, dict[str, list[float]]]:
    """Task 4. Build and train a classifier for the two-moons problem: items of the datasets are
    (point (2,) float32, label () int64 in {0, 1}). Seed everything from `seed` (weights and
    shuffling). Target: at least 95% accuracy on `val_set`, within 200 optimizer steps.
    Returns (the trained model, fit's history)."""
    raise NotImplementedError(
        "Task 4: a small network, an adaptive optimizer, enough epochs; everything seeded"
    )
