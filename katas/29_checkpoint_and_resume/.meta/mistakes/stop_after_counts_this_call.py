"""Counts stop_after from where this call resumed, not from the start of the run."""

from solution import *


def train(model, optimizer, scheduler, loader, generator, epochs, checkpoint_path, stop_after=None):
    start = 0
    if Path(checkpoint_path).exists():
        start = load_checkpoint(checkpoint_path, model, optimizer, scheduler, generator) + 1
    losses = []
    for epoch in range(start, epochs):
        losses.append(train_one_epoch(model, loader, optimizer))
        scheduler.step()
        save_checkpoint(checkpoint_path, model, optimizer, scheduler, generator, epoch)
        if stop_after is not None and len(losses) >= stop_after:
            break
    return losses
