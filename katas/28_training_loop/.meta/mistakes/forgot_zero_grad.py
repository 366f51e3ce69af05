"""Never calls optimizer.zero_grad(): each step uses the sum of every gradient so far."""

from solution import *


def train_one_epoch(model, loader, loss_fn, optimizer):
    model.train()
    total_loss, total_samples = 0.0, 0
    for inputs, targets in loader:
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(targets)
        total_samples += len(targets)
    return total_loss / total_samples
