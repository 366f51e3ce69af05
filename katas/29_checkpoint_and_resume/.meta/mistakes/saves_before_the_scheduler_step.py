"""Saves the checkpoint before scheduler.step(): the resumed run repeats the old learning rate."""

from solution import *


def train(model, optimizer, scheduler, loader, generator, epochs, checkpoint_path, stop_after=None):
    start = 0
    if Path(checkpoint_path).exists():
        start = load_checkpoint(checkpoint_path, model, optimizer, scheduler, generator) + 1
    losses = []
    for epoch in range(start, epochs):
        losses.append(train_one_epoch(model, loader, optimizer))
        save_checkpoint(checkpoint_path, model, optimizer, scheduler, generator, epoch)
        scheduler.step()
        if stop_after is not None and epoch + 1 >= stop_after:
            break
    return losses
