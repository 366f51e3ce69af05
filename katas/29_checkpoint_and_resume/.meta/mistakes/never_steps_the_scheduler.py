"""Trains and saves every epoch but never calls scheduler.step(): the learning rate never
follows its schedule (resuming then matches only because both runs forget it alike)."""

from solution import *


def train(model, optimizer, scheduler, loader, generator, epochs, checkpoint_path, stop_after=None):
    done = 0
    if Path(checkpoint_path).exists():
        done = load_checkpoint(checkpoint_path, model, optimizer, scheduler, generator)
    losses = []
    for epoch in range(done + 1, epochs + 1):
        losses.append(train_one_epoch(model, loader, optimizer))
        save_checkpoint(checkpoint_path, model, optimizer, scheduler, generator, epoch)
        if stop_after is not None and epoch >= stop_after:
            break
    return losses
