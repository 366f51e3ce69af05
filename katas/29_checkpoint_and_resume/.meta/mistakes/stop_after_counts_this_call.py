"""Counts stop_after from where this call resumed, not from the start of the run."""

from solution import *


def train(model, optimizer, scheduler, loader, generator, epochs, checkpoint_path, stop_after=None):
    done = 0
    if Path(checkpoint_path).exists():
        done = load_checkpoint(checkpoint_path, model, optimizer, scheduler, generator)
    losses = []
    for epoch in range(done + 1, epochs + 1):
        losses.append(train_one_epoch(model, loader, optimizer))
        scheduler.step()
        save_checkpoint(checkpoint_path, model, optimizer, scheduler, generator, epoch)
        if stop_after is not None and len(losses) >= stop_after:
            break
    return losses
