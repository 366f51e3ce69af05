"""Averages over every position, the ignored ones included: the accuracy is wrong however
good the model."""

from solution import *


def accuracy(model, inputs, targets):
    was_training = model.training
    model.eval()
    with torch.no_grad():
        predictions = model(inputs).argmax(dim=-1)
    model.train(was_training)
    return (predictions == targets).float().mean().item()
