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
    # BEGIN SOLUTION: Task 1: training mode, then the four moves of a step for every batch; the mean over samples
    model.train()
    total_loss, total_samples = 0.0, 0
    for inputs, targets in loader:
        optimizer.zero_grad()  # .grad accumulates across backward() calls otherwise
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        # loss is the batch mean: weight it by the batch size, the last batch may be smaller.
        total_loss += loss.item() * len(targets)
        total_samples += len(targets)
    return total_loss / total_samples
    # END SOLUTION


def evaluate(model: nn.Module, loader: DataLoader, loss_fn: LossFn) -> tuple[float, float]:
    """Task 2. One pass over `loader` in evaluation mode (dropout off, batch norm frozen) and
    without building autograd graphs. Returns (mean loss over samples, accuracy), floats;
    the prediction is the argmax of the model's (B, C) logits."""
    # BEGIN SOLUTION: Task 2: evaluation mode and no graph; weigh each batch by its size as in Task 1
    model.eval()
    total_loss, correct, total_samples = 0.0, 0, 0
    with torch.no_grad():
        for inputs, targets in loader:
            logits = model(inputs)  # (B, C)
            total_loss += loss_fn(logits, targets).item() * len(targets)
            correct += (logits.argmax(dim=1) == targets).sum().item()
            total_samples += len(targets)
    return total_loss / total_samples, correct / total_samples
    # END SOLUTION


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
    # BEGIN SOLUTION: Task 3: Tasks 1 and 2 once per epoch, and keep what they return
    history = {"train_loss": [], "val_loss": [], "val_accuracy": []}
    for _ in range(epochs):
        history["train_loss"].append(train_one_epoch(model, train_loader, loss_fn, optimizer))
        val_loss, val_accuracy = evaluate(model, val_loader, loss_fn)
        history["val_loss"].append(val_loss)
        history["val_accuracy"].append(val_accuracy)
    return history
    # END SOLUTION


def train_moons(
    train_set: Dataset, val_set: Dataset, seed: int
) -> tuple[nn.Module, dict[str, list[float]]]:
    """Task 4. Build and train a classifier for the two-moons problem: items of the datasets are
    (point (2,) float32, label () int64 in {0, 1}). Seed everything from `seed` (weights and
    shuffling). Target: at least 95% accuracy on `val_set`, within 200 optimizer steps.
    Returns (the trained model, fit's history)."""
    # BEGIN SOLUTION: Task 4: a small network, an adaptive optimizer, enough epochs; everything seeded
    torch.manual_seed(seed)  # the weights' initialisation
    model = nn.Sequential(
        nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 2)
    )
    generator = torch.Generator().manual_seed(seed)  # the shuffling
    train_loader = DataLoader(train_set, batch_size=64, shuffle=True, generator=generator)
    val_loader = DataLoader(val_set, batch_size=256)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.03)
    history = fit(model, train_loader, val_loader, nn.CrossEntropyLoss(), optimizer, epochs=12)
    return model, history
    # END SOLUTION
