"""Evaluates without torch.no_grad(): every validation batch builds an autograd graph for nothing."""

from solution import *


def evaluate(model, loader, loss_fn):
    model.eval()
    total_loss, correct, total_samples = 0.0, 0, 0
    for inputs, targets in loader:
        logits = model(inputs)
        total_loss += loss_fn(logits, targets).item() * len(targets)
        correct += (logits.argmax(dim=1) == targets).sum().item()
        total_samples += len(targets)
    return total_loss / total_samples, correct / total_samples
