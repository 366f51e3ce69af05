"""Checks stop_after before saving: the interrupted call returns without a checkpoint of its
last epoch, so the resumed call starts that epoch (or the whole run) again."""

from solution import *


def train(model, optimizer, scheduler, loader, generator, epochs, checkpoint_path, stop_after=None):
    done = 0
    if Path(checkpoint_path).exists():
        done = load_checkpoint(checkpoint_path, model, optimizer, scheduler, generator)
    losses = []
    for epoch in range(done + 1, epochs + 1):
        losses.append(train_one_epoch(model, loader, optimizer))
        scheduler.step()
        if stop_after is not None and epoch >= stop_after:
            break
        save_checkpoint(checkpoint_path, model, optimizer, scheduler, generator, epoch)
    return losses
