"""Appends each prediction without dropping the oldest value: the window grows, and the
model reads inputs longer than the windows it was trained on."""

from solution import *


def forecast(model, context, horizon):
    was_training = model.training
    model.eval()
    window, predictions = context.clone(), []
    with torch.no_grad():
        for _ in range(horizon):
            next_value = model(window.unsqueeze(0))
            predictions.append(next_value)
            window = torch.cat([window, next_value])
    model.train(was_training)
    return torch.cat(predictions)
