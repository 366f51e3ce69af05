"""Reports each batch's loss from a second forward pass after optimizer.step(): the loss of the
updated model, not the one that was backpropagated."""

from solution import *


def train_one_epoch(model, loader, loss_fn, optimizer):
    model.train()
    total_loss, total_samples = 0.0, 0
    for inputs, targets in loader:
        optimizer.zero_grad()
        loss_fn(model(inputs), targets).backward()
        optimizer.step()
        with torch.no_grad():
            loss = loss_fn(model(inputs), targets)
        total_loss += loss.item() * len(targets)
        total_samples += len(targets)
    return total_loss / total_samples
