"""Kata 29: checkpoint and resume.

Fill in every function below; `katas/29_checkpoint_and_resume/README.md` explains each task.
Run the tests with: .venv/bin/python -m pytest katas/29_checkpoint_and_resume
"""

from pathlib import Path

import torch
from torch import nn
from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler
from torch.utils.data import DataLoader


def train_one_epoch(model: nn.Module, loader: DataLoader, optimizer: Optimizer) -> float:
    """Given: one epoch of regression (MSE) in training mode; returns the mean batch loss."""
    model.train()
    losses = []
    for inputs, targets in loader:
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(inputs), targets)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)


def save_checkpoint(
    path: Path,
    model: nn.Module,
    optimizer: Optimizer,
    scheduler: LRScheduler,
    generator: torch.Generator,
    epoch: int,
) -> None:
    """Task 1. Save to `path`, with torch.save, everything needed to continue training exactly
    after epoch `epoch`, counting from 1 (so `epoch` is also the number of epochs finished;
    the first epoch's checkpoint says 1): the model's, optimizer's and scheduler's state_dicts, the
    global torch RNG state (dropout draws from it), the data loader's `generator` state (the
    shuffling) and `epoch`. Only tensors, numbers, strings, lists and dicts: the file must load
    with torch.load(path, weights_only=True)."""
    # BEGIN SOLUTION: Task 1: everything that changes during training, in one dict of plain data
    checkpoint = {
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "scheduler": scheduler.state_dict(),
        "torch_rng": torch.get_rng_state(),
        "generator": generator.get_state(),
        "epoch": epoch,
    }
    torch.save(checkpoint, path)
    # END SOLUTION


def load_checkpoint(
    path: Path,
    model: nn.Module,
    optimizer: Optimizer,
    scheduler: LRScheduler,
    generator: torch.Generator,
) -> int:
    """Task 2. Restore, in place, everything save_checkpoint saved into these (freshly built)
    objects and the global torch RNG; return the epoch the checkpoint was saved after (counting
    from 1: the number of epochs finished)."""
    # BEGIN SOLUTION: Task 2: load it safely, then put every piece back into the object it came from
    checkpoint = torch.load(path, weights_only=True)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    scheduler.load_state_dict(checkpoint["scheduler"])
    torch.set_rng_state(checkpoint["torch_rng"])
    generator.set_state(checkpoint["generator"])
    return checkpoint["epoch"]
    # END SOLUTION


def train(
    model: nn.Module,
    optimizer: Optimizer,
    scheduler: LRScheduler,
    loader: DataLoader,
    generator: torch.Generator,
    epochs: int,
    checkpoint_path: Path,
    stop_after: int | None = None,
) -> list[float]:
    """Task 3. Train up to `epochs` epochs in all, resumable.

    Epochs are numbered from 1 to `epochs`. If `checkpoint_path` exists, first restore it and
    continue with the epoch after the saved one; otherwise start at epoch 1. Each epoch:
    train_one_epoch, then scheduler.step(), then save a checkpoint with that epoch's number.
    `stop_after` simulates an interruption: when given, return as soon as epoch number
    `stop_after` of the whole run has been saved. `generator` is the loader's.
    Returns the losses of the epochs this call ran.
    """
    # BEGIN SOLUTION: Task 3: resume if there is a checkpoint; save after every epoch; epochs count from 1
    done = 0  # epochs finished so far; epochs are numbered from 1
    if Path(checkpoint_path).exists():
        done = load_checkpoint(checkpoint_path, model, optimizer, scheduler, generator)
    losses = []
    for epoch in range(done + 1, epochs + 1):
        losses.append(train_one_epoch(model, loader, optimizer))
        scheduler.step()
        save_checkpoint(checkpoint_path, model, optimizer, scheduler, generator, epoch)
        if stop_after is not None and epoch >= stop_after:
            break
    return losses
    # END SOLUTION
